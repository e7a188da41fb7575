"""normalize / validate_json_bytes: schema findings a partner can act on, located in the file."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from pydantic import ValidationError

from orderport.formats.base import RawDocument
from orderport.model import Finding, Provenance, PurchaseOrder, Severity, SourceLocation
from orderport.validation import normalize, schema_validator, validate_json_bytes
from orderport.validation.normalize import model_findings

TODAY = date(2026, 3, 10)


def good() -> dict[str, Any]:
    return {
        "po_number": "000123",
        "order_date": "2026-03-01",
        "lines": [
            {"line_number": 1, "sku": "A", "quantity": "10"},
            {"line_number": 2, "sku": "B", "quantity": "2.5", "uom": "M"},
            {"line_number": 3, "sku": "C", "quantity": 4},
        ],
    }


def run(data: dict[str, Any], provenance: Provenance | None = None) -> tuple[Any, list[Finding]]:
    doc = RawDocument(data=data, provenance=provenance or Provenance(file="po.csv"))
    return normalize(doc, today=TODAY)


def by_path(findings: list[Finding]) -> dict[str, Finding]:
    return {f.path: f for f in findings}


def test_valid_document_becomes_a_po_with_text_identifiers_and_decimals() -> None:
    po, findings = run(good())
    assert findings == []
    assert isinstance(po, PurchaseOrder)
    assert po.po_number == "000123"
    assert [str(line.quantity) for line in po.lines] == ["10", "2.5", "4"]
    assert po.order_date == date(2026, 3, 1)


def test_schema_errors_become_findings_with_paths_and_locations() -> None:
    data = good()
    data["lines"][2]["quantity"] = "5 pcs"
    data["lines"][1]["line_number"] = "2 b"
    data["currency"] = "usd"
    data["colour"] = "red"
    del data["po_number"]
    provenance = Provenance(file="po.csv")
    provenance.record("$.lines[2].quantity", SourceLocation(row=9, column="Qty"))
    provenance.record("$.lines[1]", SourceLocation(row=8))

    po, findings = run(data, provenance)

    assert po is None
    assert all(f.severity is Severity.ERROR for f in findings)
    found = by_path(findings)
    assert sorted(found) == [
        "$.colour",
        "$.currency",
        "$.lines[1].line_number",
        "$.lines[2].quantity",
        "$.po_number",
    ]
    quantity = found["$.lines[2].quantity"]
    assert quantity.code == "schema.pattern"
    assert quantity.location == SourceLocation(file="po.csv", row=9, column="Qty")
    assert "quantity" in quantity.message
    assert "decimal" in quantity.message
    assert '"5 pcs"' in quantity.message
    line_number = found["$.lines[1].line_number"]
    assert line_number.code == "schema.anyOf"
    assert line_number.location == SourceLocation(file="po.csv", row=8)
    assert line_number.message == 'line_number: "2 b" is not any of the accepted forms'
    assert found["$.currency"].code == "schema.pattern"
    assert "ISO 4217" in found["$.currency"].message
    assert found["$.colour"].code == "schema.additionalProperties"
    assert found["$.po_number"].code == "schema.required"
    assert found["$.po_number"].message == "po_number is required but missing"
    assert found["$.po_number"].location == SourceLocation(file="po.csv")


def test_optional_fields_report_their_own_error_not_any_of() -> None:
    data = good()
    data["lines"][0]["gtin"] = "12345"
    data["delivery_window"] = {"start": "2023-02-30"}
    data["created_at"] = "2026-03-01T08:30:00"
    found = by_path(run(data)[1])
    assert found["$.lines[0].gtin"].code == "schema.pattern"
    assert found["$.delivery_window.start"].code == "schema.format"
    assert "calendar date" in found["$.delivery_window.start"].message
    # pattern and format both fail for a naive timestamp: one finding, not two
    assert [f.path for f in run(data)[1]].count("$.created_at") == 1


def test_packaging_errors_name_the_missing_field() -> None:
    data = good()
    data["packaging"] = [
        {"packaging_type": "solid", "carton_quantity": 1},
        {"packaging_type": "crate", "carton_quantity": 1},
    ]
    found = by_path(run(data)[1])
    assert found["$.packaging[0].item"].code == "schema.required"
    assert found["$.packaging[1].packaging_type"].code == "schema.enum"
    assert '"assortment", "solid"' in found["$.packaging[1].packaging_type"].message


def test_long_bad_values_are_truncated_in_messages() -> None:
    data = good()
    data["lines"][0]["quantity"] = "9" * 500
    finding = by_path(run(data)[1])["$.lines[0].quantity"]
    assert finding.message.endswith(', got "' + "9" * 56 + "...")


def test_reader_findings_are_kept_first() -> None:
    reader = Finding(code="read.bad_date", severity=Severity.WARNING, path="$.x", message="m")
    doc = RawDocument(data=good(), provenance=Provenance(), findings=[reader])
    po, findings = normalize(doc, today=TODAY)
    assert po is not None
    assert findings == [reader]
    doc = RawDocument(data={}, provenance=Provenance(), findings=[reader])
    po, findings = normalize(doc, today=TODAY)
    assert po is None
    assert findings[0] == reader
    assert findings[1].code == "schema.required"


def test_business_rules_run_after_the_schema() -> None:
    data = good()
    data["lines"][1]["line_number"] = 1
    po, findings = run(data)
    assert po is not None
    assert [(f.code, f.path) for f in findings] == [
        ("rule.duplicate_line_number", "$.lines[1].line_number")
    ]


def test_python_values_json_cannot_carry_are_a_finding_not_a_crash() -> None:
    data = good()
    data["order_date"] = date(2026, 3, 1)
    po, findings = run(data)
    assert po is None
    assert [(f.code, f.path) for f in findings] == [("schema.unsupported_value", "$")]
    assert "date" in findings[0].message


def test_model_errors_become_findings() -> None:
    provenance = Provenance(file="po.csv")
    provenance.record("$.lines[0].quantity", SourceLocation(row=4, column="Qty"))
    try:
        PurchaseOrder.model_validate(
            {"po_number": "1", "lines": [{"line_number": 1, "quantity": -1}]}
        )
    except ValidationError as exc:
        findings = model_findings(exc, provenance)
    else:
        raise AssertionError("the model accepted a negative quantity")
    assert [(f.code, f.path) for f in findings] == [("model.value_error", "$.lines[0].quantity")]
    assert findings[0].location == SourceLocation(file="po.csv", row=4, column="Qty")
    assert "-1 is negative" in findings[0].message


def test_the_validator_is_compiled_once() -> None:
    assert schema_validator() is schema_validator()


# --- validate_json_bytes -------------------------------------------------------------------------


def test_json_object_and_list() -> None:
    [(po, findings)] = validate_json_bytes(json.dumps(good()).encode(), "po.json", today=TODAY)
    assert po is not None
    assert findings == []
    bad = good()
    bad["lines"][1]["quantity"] = True
    results = validate_json_bytes(json.dumps([good(), bad]).encode(), "pos.json", today=TODAY)
    assert [po is not None for po, _ in results] == [True, False]
    [finding] = results[1][1]
    assert finding.path == "$.lines[1].quantity"
    assert finding.location == SourceLocation(file="pos.json", pointer="/1/lines/1/quantity")


def test_json_numbers_stay_exact() -> None:
    text = b'{"po_number": "1", "lines": [{"line_number": 1.0, "quantity": 0.1}]}'
    [(po, findings)] = validate_json_bytes(text, "po.json", today=TODAY)
    assert findings == []
    assert po is not None
    assert str(po.lines[0].quantity) == "0.1"
    assert po.lines[0].line_number == "1"


def test_broken_json_gives_line_and_column() -> None:
    text = b'{\n  "po_number": "1",\n  "lines": [,]\n}'
    [(po, [finding])] = validate_json_bytes(text, "broken.json")
    assert po is None
    assert finding.code == "json.syntax"
    assert finding.location == SourceLocation(file="broken.json", row=3, column="13")
    assert "line 3, column 13" in finding.message


def test_json_constants_and_bad_encoding_and_shapes() -> None:
    [(_, [nan])] = validate_json_bytes(b'{"po_number": "1", "total_quantity": NaN}', "a.json")
    assert nan.code == "json.syntax"
    assert "NaN" in nan.message
    [(_, [undecodable])] = validate_json_bytes(b'{"po_number": "\xff"}', "b.json")
    assert undecodable.code == "json.syntax"
    [(_, [empty])] = validate_json_bytes(b"[]", "c.json")
    assert empty.code == "json.empty"
    results = validate_json_bytes(json.dumps([good(), 5]).encode(), "d.json", today=TODAY)
    assert results[1][1][0].code == "json.not_object"
    assert results[1][1][0].location == SourceLocation(file="d.json", pointer="/1")
