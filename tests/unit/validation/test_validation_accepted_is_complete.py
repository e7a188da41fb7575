"""Property: whatever the validator accepts can be fulfilled as sent.

For any generated document that ``normalize`` accepts without errors: every line names an item,
every currency / country / unit is in its code list, and the PO has a ship-to.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orderport import codelists
from orderport.formats.base import RawDocument
from orderport.model import Provenance
from orderport.validation import normalize
from orderport.validation.completeness import ITEM_KEYS

MAYBE = st.none()


def mostly(good: list[str], bad: list[str]) -> st.SearchStrategy[str]:
    """Valid values nine times as often as wrong ones, so accepted POs are common."""
    return st.sampled_from(good * 9 + bad)


CODES = mostly(["USD", "EUR", "GBP"], ["XYZ", "usd", "EU", ""])
COUNTRIES = mostly(["US", "DE", "USA", "Germany"], ["XX", "Frnace", "", "de"])
UNITS = mostly(["EA", "CS", "pcs", "PCE", "KGM", "MTR", "M"], ["BOGUS", "ea", "", "Q9"])
IDS = mostly(["SKU-1", "A-2"], ["", "  "])


FULL_ADDRESS = st.fixed_dictionaries(
    {
        "name": st.just("DC"),
        "line1": st.just("1 Road"),
        "city": st.just("Town"),
        "province": st.just("ST"),
        "postal_code": st.just("12345"),
        "country": COUNTRIES,
    }
)
LOCATED = st.fixed_dictionaries({"location_id": st.sampled_from(["DC-1", "0007"])})


@st.composite
def _address(draw: st.DrawFn) -> dict[str, Any] | None:
    kind = draw(st.sampled_from(["none", "empty"] + ["full"] * 4 + ["located"] * 4))
    if kind == "none":
        return None
    if kind == "empty":
        return {}
    return draw(FULL_ADDRESS if kind == "full" else LOCATED)


def _line(number: int) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {
            "line_number": st.just(number),
            "quantity": st.sampled_from(["1", "2.5", "10"]),
            "sku": st.sampled_from(["SKU-1", "A-2"] * 6 + ["", "  "]),
        },
        optional={
            "buyer_sku": IDS,
            "gtin": st.sampled_from(["036000291452", "4006381333931"]),
            "uom": UNITS,
            "unit_cost": st.fixed_dictionaries({"amount": st.just("1.50"), "currency": CODES}),
        },
    )


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    count = draw(st.integers(min_value=1, max_value=2))
    doc: dict[str, Any] = {
        "po_number": "PO-1",
        "lines": [draw(_line(n)) for n in range(1, count + 1)],
    }
    currency = draw(st.one_of(MAYBE, CODES))
    if currency is not None:
        doc["currency"] = currency
    ship_to = draw(_address())
    if ship_to is not None:
        doc["ship_to"] = ship_to
    return doc


def _present(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_an_accepted_po_has_items_codes_and_a_ship_to(data: dict[str, Any]) -> None:
    po, findings = normalize(RawDocument(data=data, provenance=Provenance(file="po.json")))
    if po is None or any(f.is_error for f in findings):
        return
    for line in po.lines:
        assert any(_present(getattr(line, key, None)) for key in ITEM_KEYS if key != "atelier_code")
        assert codelists.uom_code(line.uom) == line.uom
        if line.unit_cost is not None:
            assert codelists.is_currency(line.unit_cost.currency)
    if po.currency is not None:
        assert codelists.is_currency(po.currency)
    assert po.ship_to is not None
    assert po.ship_to.location_id is not None or po.ship_to.country is not None
    if po.ship_to.country is not None:
        assert codelists.country_alpha2(po.ship_to.country) == po.ship_to.country
