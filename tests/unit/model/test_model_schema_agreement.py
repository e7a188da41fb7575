"""The published schema (jsonschema-rs, formats on) and the strict model judge documents alike."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import hypothesis_jsonschema._from_schema as hj_from_schema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.internal.conjecture import utils as conjecture_utils
from hypothesis_jsonschema import from_schema
from pydantic import ValidationError

from orderport.model import PurchaseOrder
from orderport.model.schema_export import purchase_order_schema
from orderport.validation import schema_validator


class _LegacyMany:
    """hypothesis-jsonschema 0.23.1 calls ``many(...).more()``, which Hypothesis 6.170 replaced by
    a context manager + iterator. This adapter drives the new API through the old calls."""

    def __init__(self, data: Any, min_size: int, max_size: float, average_size: float) -> None:
        self._many = conjecture_utils.many(
            data, min_size=min_size, max_size=max_size, average_size=average_size
        )
        self._many.__enter__()
        self._steps = iter(self._many)

    def more(self) -> bool:
        try:
            next(self._steps)
        except StopIteration:
            self._many.__exit__(None)
            return False
        return True

    def reject(self, why: str | None = None) -> None:
        self._many.reject(why)


@pytest.fixture(scope="module", autouse=True)
def _hypothesis_jsonschema_compat() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(hj_from_schema, "cu", SimpleNamespace(many=_LegacyMany))
        yield


def schema_accepts(text: str) -> bool:
    return bool(schema_validator().is_valid(json.loads(text)))


def model_accepts(text: str) -> bool:
    try:
        PurchaseOrder.model_validate_json(text)
    except ValidationError:
        return False
    return True


BASE: dict[str, Any] = {
    "po_number": "000123",
    "currency": "USD",
    "order_date": "2026-03-01",
    "created_at": "2026-03-01T08:30:00Z",
    "delivery_window": {"start": "2026-04-01", "end": "2026-04-15"},
    "ship_to": {
        "name": "DC 7",
        "line1": "1 Harbor Way",
        "city": "Newark",
        "province": "NJ",
        "postal_code": "07114",
        "country": "US",
    },
    "organisations": {"buyer": {"id": "client_1"}},
    "lines": [
        {
            "line_number": 1,
            "sku": "A-1",
            "gtin": "036000291452",
            "quantity": "10",
            "unit_cost": {"amount": "2.50", "currency": "USD"},
        }
    ],
    "packaging": [
        {
            "packaging_type": "solid",
            "carton_quantity": 1,
            "item": {"sku": "A-1", "case_pack_quantity": 10},
        }
    ],
    "additional_attributes": [{"key": "season", "value": ["SS26", 3, "1.5"]}],
}


def with_change(path: str, value: Any = None, *, delete: bool = False) -> dict[str, Any]:
    """A copy of BASE with the value at a dotted path (numbers index lists) replaced or removed."""
    doc = copy.deepcopy(BASE)
    *parents, last = path.split(".")
    node: Any = doc
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    key: Any = int(last) if isinstance(node, list) else last
    if delete:
        del node[key]
    else:
        node[key] = value
    return doc


INVALID: dict[str, dict[str, Any]] = {
    "lowercase currency": with_change("currency", "usd"),
    "two-letter currency": with_change("lines.0.unit_cost.currency", "US"),
    "three-letter country": with_change("ship_to.country", "USA"),
    "lowercase country": with_change("ship_to.country", "us"),
    "30 February": with_change("order_date", "2023-02-30"),
    "29 February of a common year": with_change("delivery_window.end", "2023-02-29"),
    "date with time": with_change("order_date", "2026-03-01T00:00:00"),
    "date before year 1000": with_change("order_date", "0999-12-31"),
    "compact date": with_change("order_date", "20260301"),
    "date as a number": with_change("order_date", 20260301),
    "date with trailing newline": with_change("order_date", "2026-03-01\n"),
    "naive date-time": with_change("created_at", "2026-03-01T08:30:00"),
    "date-time without seconds": with_change("created_at", "2026-03-01T08:30Z"),
    "date-time with a space": with_change("created_at", "2026-03-01 08:30:00Z"),
    "date-time lowercase z": with_change("created_at", "2026-03-01t08:30:00z"),
    "date-time 7 fraction digits": with_change("created_at", "2026-03-01T08:30:00.1234567Z"),
    "line number text with a blank": with_change("lines.0.line_number", "5 a"),
    "line number fractional": with_change("lines.0.line_number", 1.5),
    "line number zero": with_change("lines.0.line_number", 0),
    "line number true": with_change("lines.0.line_number", True),
    "quantity true": with_change("lines.0.quantity", True),
    "quantity 1e5 as text": with_change("lines.0.quantity", "1e5"),
    "quantity negative number": with_change("lines.0.quantity", -1),
    "quantity negative text": with_change("lines.0.quantity", "-1"),
    "quantity with comma": with_change("lines.0.quantity", "1,5"),
    "quantity seven decimals": with_change("lines.0.quantity", "1.1234567"),
    "quantity with blank": with_change("lines.0.quantity", " 1"),
    "quantity null": with_change("lines.0.quantity", None),
    "quantity missing": with_change("lines.0.quantity", delete=True),
    "unknown root field": with_change("purchaseOrderNo", "1"),
    "unknown line field": with_change("lines.0.qty", 1),
    "missing po_number": with_change("po_number", delete=True),
    "empty po_number": with_change("po_number", ""),
    "po_number as a number": with_change("po_number", 123),
    "po_number with trailing blank": with_change("po_number", "123 "),
    "po_number with a tab inside": with_change("po_number", "12\t3"),
    "sku with no-break space at end": with_change("lines.0.sku", "A-1\u00a0"),
    "solid packaging without item": with_change("packaging.0.item", delete=True),
    "unknown packaging type": with_change("packaging.0.packaging_type", "box"),
    "packaging type missing": with_change("packaging.0.packaging_type", delete=True),
    "solid packaging with items": with_change("packaging.0.items", [{"sku": "A-1"}]),
    "negative carton quantity": with_change("packaging.0.carton_quantity", -1),
    "GTIN of 11 digits": with_change("lines.0.gtin", "03600029145"),
    "GTIN with a letter": with_change("lines.0.gtin", "03600029145X"),
    "GTIN as a number": with_change("lines.0.gtin", 36000291452),
    "unknown purpose": with_change("purpose", "update"),
    "unknown incoterm": with_change("shipment_terms", "FOB Origin"),
    "is_approved as 1": with_change("options", {"is_approved": 1}),
    "lines not a list": with_change("lines", {"line_number": 1}),
    "attribute value true": with_change("additional_attributes.0.value", True),
    "attribute value object": with_change("additional_attributes.0.value", {"a": 1}),
    "attribute negative fraction": with_change("additional_attributes.0.value", -1.5),
    "money amount missing": with_change("lines.0.unit_cost.amount", delete=True),
    "atelier code negative": with_change("lines.0.atelier_code", -1),
    "quantity of 16 integer digits": with_change("lines.0.quantity", 1e15),
    "quantity 1e300": with_change("lines.0.quantity", 1e300),
}

VALID: dict[str, dict[str, Any]] = {
    "base": BASE,
    "line number 1.0": with_change("lines.0.line_number", 1.0),
    "line number 1e2": with_change("lines.0.line_number", 1e2),
    "quantity 1e5 as number": with_change("lines.0.quantity", 1e5),
    "quantity as decimal text": with_change("lines.0.quantity", "0012.500000"),
    "quantity as float": with_change("lines.0.quantity", 12.25),
    "quantity of 15 integer digits": with_change("lines.0.quantity", 999999999999999),
    "date-time with offset and fraction": with_change("created_at", "2026-03-01T08:30:00.5+05:30"),
    "29 February of a leap year": with_change("order_date", "2024-02-29"),
    "identifier with inner blank": with_change("po_number", "PO 12"),
    "attribute negative integer": with_change("additional_attributes.0.value", -3),
    "optional field null": with_change("currency", None),
    "cancel without lines": {"po_number": "1", "purpose": "cancel"},
}


def test_hand_written_sets_are_large_enough() -> None:
    assert len(INVALID) >= 25
    assert len({json.dumps(doc, sort_keys=True) for doc in INVALID.values()}) == len(INVALID)


@pytest.mark.parametrize("name", sorted(INVALID))
def test_invalid_documents_are_rejected_by_both(name: str) -> None:
    text = json.dumps(INVALID[name])
    assert (schema_accepts(text), model_accepts(text)) == (False, False)


@pytest.mark.parametrize("name", sorted(VALID))
def test_valid_documents_are_accepted_by_both(name: str) -> None:
    text = json.dumps(VALID[name])
    assert (schema_accepts(text), model_accepts(text)) == (True, True)


@settings(
    max_examples=150,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(from_schema(purchase_order_schema()))
def test_generated_documents_get_the_same_verdict(document: Any) -> None:
    text = json.dumps(document)
    assert schema_accepts(text) == model_accepts(text), text[:2000]


def _leaf_paths(node: Any, prefix: str = "") -> list[str]:
    if isinstance(node, dict):
        items: list[tuple[str, Any]] = list(node.items())
    elif isinstance(node, list):
        items = [(str(index), child) for index, child in enumerate(node)]
    else:
        return [prefix[1:]]
    paths = [prefix[1:]] if prefix else []
    for key, child in items:
        paths.extend(_leaf_paths(child, f"{prefix}.{key}"))
    return paths


BASE_PATHS = sorted(_leaf_paths(BASE))
TRICKY_TEXT = [
    "",
    " ",
    "0",
    "-0",
    "1.0",
    "1e5",
    "12,50",
    "2026-02-29",
    "2024-02-29",
    "2026-13-01",
    "2026-03-01T08:30:00Z",
    "2026-03-01T24:00:00Z",
    "USD",
    "usd",
    "US",
    "036000291452",
    "solid",
    "assortment",
    "cancel",
    "EA",
    "x\n",
    "\u00a0x",
    "\u0661\u0662",
]


@settings(max_examples=300, derandomize=True, deadline=None)
@given(
    path=st.sampled_from(BASE_PATHS),
    value=st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(10**20), max_value=10**20),
        st.floats(allow_nan=False, allow_infinity=False),
        st.sampled_from(TRICKY_TEXT),
        st.text(max_size=12),
        st.just([]),
        st.just({}),
    ),
)
def test_mutated_documents_get_the_same_verdict(path: str, value: Any) -> None:
    text = json.dumps(with_change(path, value))
    assert schema_accepts(text) == model_accepts(text), text
