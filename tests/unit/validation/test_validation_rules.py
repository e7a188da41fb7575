"""Each business rule: a passing PO, a failing one, and the finding's code, severity and path."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest

from orderport.model import Finding, Provenance, PurchaseOrder, Severity, SourceLocation
from orderport.validation import RULES, validate_po

TODAY = date(2026, 3, 10)

GOOD: dict[str, Any] = {
    "po_number": "PO-1",
    "currency": "USD",
    "order_date": "2026-03-01",
    "delivery_window": {"start": "2026-04-01", "end": "2026-04-15"},
    "ship_window": {"start": "2026-03-20", "end": "2026-03-27"},
    "ship_to": {
        "name": "DC 7",
        "line1": "1 Harbor Way",
        "city": "Newark",
        "province": "NJ",
        "postal_code": "07114",
        "country": "US",
    },
    "external_id": "E" * 32,
    "total_quantity": "15",
    "total_quantity_uom": "ea",
    "total_cost": {"amount": "40", "currency": "USD"},
    "lines": [
        {
            "line_number": 1,
            "sku": "A",
            "gtin": "036000291452",
            "quantity": "10",
            "unit_cost": {"amount": "2.50", "currency": "USD"},
        },
        {"line_number": 2, "sku": "B", "quantity": "5"},
    ],
    "packaging": [
        {
            "packaging_type": "solid",
            "carton_quantity": 1,
            "item": {"sku": "A", "case_pack_quantity": 10},
        },
        {
            "packaging_type": "assortment",
            "carton_quantity": 1,
            "items": [{"sku": "B", "case_pack_quantity": 5}],
        },
    ],
}


def po_from(changes: dict[str, Any] | None = None, **fields: Any) -> PurchaseOrder:
    data = copy.deepcopy(GOOD)
    data.update(changes or {})
    data.update(fields)
    return PurchaseOrder.model_validate(data, strict=False)


def changed_line(index: int, **fields: Any) -> list[dict[str, Any]]:
    lines = copy.deepcopy(GOOD["lines"])
    lines[index].update(fields)
    return lines


def findings_of(po: PurchaseOrder, code: str) -> list[Finding]:
    return [f for f in validate_po(po, today=TODAY) if f.code == code]


def only(po: PurchaseOrder, code: str) -> Finding:
    found = findings_of(po, code)
    assert len(found) == 1, found
    return found[0]


def test_the_good_po_has_no_findings() -> None:
    assert validate_po(po_from(), today=TODAY) == []


def test_every_rule_is_registered_once() -> None:
    assert len(set(RULES)) == len(RULES) == 14


# --- windows and dates ------------------------------------------------------------------------


@pytest.mark.parametrize("window", ["delivery_window", "ship_window"])
def test_window_must_not_end_before_it_starts(window: str) -> None:
    po = po_from(
        {window: {"start": "2026-04-02", "end": "2026-04-01"}, "ship_window": None}
        if window == "delivery_window"
        else {window: {"start": "2026-03-22", "end": "2026-03-21"}}
    )
    finding = only(po, "rule.window_order")
    assert finding.severity is Severity.ERROR
    assert finding.path == f"$.{window}.end"
    assert (
        findings_of(
            po_from({window: {"start": "2026-04-02", "end": "2026-04-02"}}), "rule.window_order"
        )
        == []
    )


def test_open_window_ends_are_fine() -> None:
    assert findings_of(po_from(delivery_window={"start": "2026-04-02"}), "rule.window_order") == []


def test_shipping_after_delivery_ends_is_a_warning() -> None:
    finding = only(po_from(ship_window={"end": "2026-04-16"}), "rule.ship_after_delivery")
    assert finding.severity is Severity.WARNING
    assert finding.path == "$.ship_window.end"
    assert findings_of(po_from(ship_window={"end": "2026-04-15"}), "rule.ship_after_delivery") == []


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"order_date": "1999-12-31"}, "$.order_date"),
        ({"created_at": "1999-12-31T23:59:59Z"}, "$.created_at"),
        ({"in_store_date": "2031-03-11"}, "$.in_store_date"),
        (
            {"lines": changed_line(1, requested_delivery_date="2062-04-01")},
            "$.lines[1].requested_delivery_date",
        ),
    ],
)
def test_dates_outside_the_sane_range_are_errors(changes: dict[str, Any], path: str) -> None:
    finding = only(po_from(changes), "rule.date_range")
    assert finding.severity is Severity.ERROR
    assert finding.path == path


def test_date_range_bounds_are_inclusive() -> None:
    po = po_from(order_date="2000-01-01", in_store_date="2031-03-10")
    assert findings_of(po, "rule.date_range") == []


def test_window_closing_before_the_order_date_is_a_warning() -> None:
    po = po_from(ship_window={"end": "2026-02-28"})
    finding = only(po, "rule.window_in_past")
    assert finding.severity is Severity.WARNING
    assert finding.path == "$.ship_window.end"
    assert findings_of(po_from(ship_window={"end": "2026-03-01"}), "rule.window_in_past") == []


# --- lines --------------------------------------------------------------------------------------


def test_zero_quantity_line_is_an_error() -> None:
    finding = only(po_from(lines=changed_line(1, quantity="0")), "rule.quantity_positive")
    assert finding.severity is Severity.ERROR
    assert finding.path == "$.lines[1].quantity"
    assert (
        findings_of(po_from(lines=changed_line(1, quantity="0.001")), "rule.quantity_positive")
        == []
    )


@pytest.mark.parametrize("purpose", ["original", "change"])
def test_po_without_lines_is_an_error(purpose: str) -> None:
    finding = only(po_from(lines=[], packaging=[], purpose=purpose), "rule.lines_required")
    assert finding.severity is Severity.ERROR
    assert finding.path == "$.lines"


def test_cancel_without_lines_is_fine() -> None:
    po = po_from(lines=[], packaging=[], purpose="cancel", total_quantity=None)
    assert validate_po(po, today=TODAY) == []


def test_total_quantity_mismatch_is_a_warning() -> None:
    finding = only(po_from(total_quantity="16"), "rule.total_quantity")
    assert finding.severity is Severity.WARNING
    assert finding.path == "$.total_quantity"
    assert "16" in finding.message
    assert "15" in finding.message


def test_total_quantity_without_uom_is_compared() -> None:
    po = po_from(total_quantity="14", total_quantity_uom=None)
    assert only(po, "rule.total_quantity").path == "$.total_quantity"


def test_total_quantity_in_another_uom_is_not_compared() -> None:
    assert (
        findings_of(po_from(total_quantity="16", total_quantity_uom="pcs"), "rule.total_quantity")
        == []
    )
    lines = changed_line(1, uom="CS")
    assert findings_of(po_from(total_quantity="16", lines=lines), "rule.total_quantity") == []


def test_duplicate_line_number_is_an_error() -> None:
    finding = only(po_from(lines=changed_line(1, line_number=1)), "rule.duplicate_line_number")
    assert finding.severity is Severity.ERROR
    assert finding.path == "$.lines[1].line_number"


def test_duplicate_sku_is_a_warning() -> None:
    finding = only(po_from(lines=changed_line(1, sku="A")), "rule.duplicate_sku")
    assert finding.severity is Severity.WARNING
    assert finding.path == "$.lines[1].sku"


def test_gtin_check_digit_is_an_error() -> None:
    finding = only(po_from(lines=changed_line(0, gtin="036000291453")), "rule.gtin_check_digit")
    assert finding.severity is Severity.ERROR
    assert finding.path == "$.lines[0].gtin"
    assert "expected 2" in finding.message


def test_line_currency_differing_from_po_currency_is_a_warning() -> None:
    lines = changed_line(0, unit_cost={"amount": "2", "currency": "EUR"})
    finding = only(po_from(lines=lines), "rule.line_currency")
    assert finding.severity is Severity.WARNING
    assert finding.path == "$.lines[0].unit_cost.currency"


def test_total_cost_currency_differing_from_po_currency_is_a_warning() -> None:
    finding = only(po_from(total_cost={"amount": "1", "currency": "EUR"}), "rule.cost_currency")
    assert finding.severity is Severity.WARNING
    assert finding.path == "$.total_cost.currency"


def test_unit_cost_currency_against_total_cost_when_po_has_none() -> None:
    po = po_from(currency=None, total_cost={"amount": "1", "currency": "EUR"})
    finding = only(po, "rule.cost_currency")
    assert finding.path == "$.lines[0].unit_cost.currency"
    assert findings_of(po_from(currency=None), "rule.cost_currency") == []


# --- identifiers, parties, addresses ------------------------------------------------------------


def test_external_id_longer_than_32_is_an_error() -> None:
    finding = only(po_from(external_id="E" * 33), "rule.external_id_length")
    assert finding.severity is Severity.ERROR
    assert finding.path == "$.external_id"


def test_external_id_longer_than_30_is_an_error_when_splitting() -> None:
    po = po_from(external_id="E" * 31, options={"can_split": True})
    assert "at most 30" in only(po, "rule.external_id_length").message
    ok = po_from(external_id="E" * 30, options={"can_split": True})
    assert findings_of(ok, "rule.external_id_length") == []


@pytest.mark.parametrize("po_type", ["material", "Material", "MATERIAL"])
def test_material_po_needs_material_supplier(po_type: str) -> None:
    finding = only(po_from(po_type=po_type), "rule.material_supplier_required")
    assert finding.severity is Severity.ERROR
    assert finding.path == "$.organisations.material_supplier"
    supplied = po_from(po_type=po_type, organisations={"material_supplier": {"id": "ms_1"}})
    assert findings_of(supplied, "rule.material_supplier_required") == []


def test_material_line_needs_material_supplier() -> None:
    po = po_from(lines=changed_line(1, entity_type="material"))
    assert "line 2" in only(po, "rule.material_supplier_required").message
    assert findings_of(po_from(po_type="materials"), "rule.material_supplier_required") == []


@pytest.mark.parametrize("address", ["ship_to", "bill_to"])
def test_partial_address_names_each_missing_field(address: str) -> None:
    po = po_from({address: {"city": "Newark", "line2": "Suite 4"}})
    found = findings_of(po, "rule.address_incomplete")
    assert [f.path for f in found] == [
        f"$.{address}.name",
        f"$.{address}.line1",
        f"$.{address}.province",
        f"$.{address}.postal_code",
        f"$.{address}.country",
    ]
    assert all(f.severity is Severity.ERROR for f in found)


def test_complete_address_without_line2_and_with_country_name_is_fine() -> None:
    ship_to = {**GOOD["ship_to"], "country": None, "country_name": "United States"}
    assert findings_of(po_from(ship_to=ship_to, bill_to=ship_to), "rule.address_incomplete") == []


def test_empty_address_and_location_code_are_fine() -> None:
    po = po_from(ship_to={}, bill_to={"name": "Store 12", "location_id": "0012"})
    assert findings_of(po, "rule.address_incomplete") == []


# --- packaging -----------------------------------------------------------------------------------


def test_zero_cartons_is_an_error() -> None:
    packaging = copy.deepcopy(GOOD["packaging"])
    packaging[1]["carton_quantity"] = 0
    finding = only(po_from(packaging=packaging), "rule.carton_quantity")
    assert finding.severity is Severity.ERROR
    assert finding.path == "$.packaging[1].carton_quantity"


@pytest.mark.parametrize(
    ("index", "path"),
    [
        (0, "$.packaging[0].item.case_pack_quantity"),
        (1, "$.packaging[1].items[0].case_pack_quantity"),
    ],
)
def test_zero_case_pack_is_an_error(index: int, path: str) -> None:
    packaging = copy.deepcopy(GOOD["packaging"])
    item = packaging[index]["item"] if index == 0 else packaging[index]["items"][0]
    item["case_pack_quantity"] = 0
    finding = only(po_from(packaging=packaging), "rule.case_pack_quantity")
    assert finding.path == path


def test_packed_sku_not_on_a_line_is_a_warning() -> None:
    packaging = copy.deepcopy(GOOD["packaging"])
    packaging[1]["items"].append({"sku": "Z", "case_pack_quantity": 1})
    finding = only(po_from(packaging=packaging), "rule.packaged_sku_unknown")
    assert finding.severity is Severity.WARNING
    assert finding.path == "$.packaging[1].items[1].sku"


def test_packed_material_needs_uom() -> None:
    packaging = copy.deepcopy(GOOD["packaging"])
    packaging[0]["item"]["entity_type"] = "material"
    po = po_from(packaging=packaging, organisations={"material_supplier": {"id": "m"}})
    finding = only(po, "rule.packaging_uom_required")
    assert finding.severity is Severity.ERROR
    assert finding.path == "$.packaging[0].item.uom"
    packaging[0]["item"]["uom"] = "m"
    assert findings_of(po_from(packaging=packaging), "rule.packaging_uom_required") == []


# --- locations -----------------------------------------------------------------------------------


def test_findings_are_located_through_provenance() -> None:
    provenance = Provenance(file="po.csv")
    provenance.record("$.lines[1]", SourceLocation(row=8))
    provenance.record("$.lines[1].quantity", SourceLocation(row=8, column="Qty"))
    po = po_from(lines=changed_line(1, quantity="0", sku="A"))
    found = {f.code: f for f in validate_po(po, provenance, today=TODAY)}
    assert found["rule.quantity_positive"].location == SourceLocation(
        file="po.csv", row=8, column="Qty"
    )
    assert found["rule.duplicate_sku"].location == SourceLocation(file="po.csv", row=8)
    assert found["rule.total_quantity"].location == SourceLocation(file="po.csv")
