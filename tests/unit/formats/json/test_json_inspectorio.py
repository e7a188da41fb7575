"""Seed 003 mapping: every field, quantities from packaging, cancel, provenance pointers."""

from __future__ import annotations

import io
import json
from typing import Any

from orderport.formats.base import RawDocument, ReadSettings
from orderport.formats.json_shapes import READER
from orderport.model import Severity


def read_one(doc: dict[str, Any]) -> RawDocument:
    text = json.dumps(doc).replace('"__1.25__"', "1.25")
    (raw,) = READER.read(io.BytesIO(text.encode()), "insp.json", ReadSettings())
    return raw


def pointer(raw: RawDocument, path: str) -> str | None:
    location = raw.provenance.locations.get(path)
    return location.pointer if location else None


def solid(sku: str, cartons: int, case_pack: int, **item: Any) -> dict[str, Any]:
    return {
        "packaging_type": "solid",
        "carton_quantity": cartons,
        "item": {"custom_id": sku, "case_pack_quantity": case_pack, **item},
    }


def assortment(cartons: int, *items: tuple[str, int]) -> dict[str, Any]:
    return {
        "packaging_type": "assortment",
        "carton_quantity": cartons,
        "items": [{"custom_id": sku, "case_pack_quantity": pack} for sku, pack in items],
    }


def po(lines: list[str], packaging: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {
        "po_number": "po_1",
        "lines": [{"item": {"custom_id": sku}} for sku in lines],
        "packaging_details": packaging,
        **extra,
    }


def test_header_fields_and_organisations() -> None:
    raw = read_one(
        po(
            ["a"],
            [solid("a", 1, 1)],
            custom_id="opo",
            uid="u-1",
            client_id="client",
            vendor_custom_id="vendor",
            factory_custom_id="factory",
            material_supplier_custom_id="ms",
            data_provider_custom_id="dp",
            share_to_ids=["s1", "s2"],
            po_type="t",
            po_source="domestic",
            created_date="2026-02-10",
            updated_date="2026-02-20T06:37:18Z",
            delivery_date="2026-05-23T10:00:00+08:00",
            ship_end_date="2026-05-30T00:00:00Z",
            in_store_date="2026-06-01T00:00:00Z",
            event_name="E",
            commit_id="c1",
            commit_po_sequence="7",
            total_quantity=1,
            total_quantity_uom_code="pcs",
            total_cost="__1.25__",
            total_cost_currency_code="USD",
        )
    )
    assert raw.findings == []
    data = raw.data
    assert data["original_po_number"] == "opo"
    assert data["organisations"] == {
        "buyer": {"id": "client"},
        "vendor": {"id": "vendor"},
        "factory": {"id": "factory"},
        "material_supplier": {"id": "ms"},
        "data_provider": {"id": "dp"},
        "shared_to": [{"id": "s1"}, {"id": "s2"}],
    }
    assert data["order_date"] == "2026-02-10"
    assert data["created_at"] == "2026-02-10T00:00:00Z"
    assert data["updated_at"] == "2026-02-20T06:37:18Z"
    assert data["delivery_window"] == {"start": "2026-05-23"}
    assert data["ship_window"] == {"end": "2026-05-30"}
    assert data["in_store_date"] == "2026-06-01"
    assert data["commit_sequence"] == "7"
    assert data["total_quantity"] == "1"
    assert data["total_quantity_uom"] == "pcs"
    assert data["total_cost"] == {"amount": "1.25", "currency": "USD"}
    assert "purpose" not in data
    assert pointer(raw, "$.organisations.buyer.id") == "/client_id"
    assert pointer(raw, "$.organisations.shared_to[1].id") == "/share_to_ids/1"
    assert pointer(raw, "$.delivery_window.start") == "/delivery_date"
    assert pointer(raw, "$.commit_sequence") == "/commit_po_sequence"


def test_canceled_status_is_a_cancel() -> None:
    raw = read_one(po(["a"], [solid("a", 1, 1)], po_status="canceled"))
    assert raw.data["purpose"] == "cancel"
    assert pointer(raw, "$.purpose") == "/po_status"


def test_line_product_fields() -> None:
    doc = po(["a"], [solid("a", 2, 3)])
    doc["lines"][0] = {
        "item": {
            "custom_id": "a",
            "entity_type": "material",
            "class": "K",
            "style_id": "S",
            "color": "red",
        },
        "unit_cost": 2,
        "unit_cost_currency_code": "EUR",
        "shipment_term": "DDP",
    }
    raw = read_one(doc)
    (line,) = raw.data["lines"]
    assert line == {
        "line_number": 1,
        "sku": "a",
        "entity_type": "material",
        "product_class": "K",
        "style_id": "S",
        "color": "red",
        "unit_cost": {"amount": "2", "currency": "EUR"},
        "shipment_terms": "DDP",
        "quantity": "6",
        "pack_size": 3,  # issue 13: from the packaging's case pack
    }
    assert raw.data["currency"] == "EUR"  # issue 13: every line says EUR
    assert pointer(raw, "$.currency") == "/lines/0/unit_cost_currency_code"
    assert pointer(raw, "$.lines[0].pack_size") == "/packaging_details/0/item/case_pack_quantity"
    assert pointer(raw, "$.lines[0].product_class") == "/lines/0/item/class"
    assert pointer(raw, "$.lines[0].unit_cost.currency") == "/lines/0/unit_cost_currency_code"


def test_quantity_from_solid_and_assortment_packaging() -> None:
    raw = read_one(
        po(
            ["a", "b", "c"],
            [solid("a", 10, 12), solid("b", 2, 5, quantity=10), assortment(4, ("a", 3), ("c", 2))],
        )
    )
    assert raw.findings == []
    assert [line["quantity"] for line in raw.data["lines"]] == ["132", "10", "8"]
    assert pointer(raw, "$.lines[1].quantity") == "/packaging_details/1/item/quantity"
    assert pointer(raw, "$.lines[2].quantity") == "/packaging_details/2/items/1"
    assert pointer(raw, "$.lines[0].quantity") == "/packaging_details"


def test_packaging_maps_to_canonical_packaging() -> None:
    raw = read_one(po(["a"], [solid("a", 2, 6, quantity_uom_code="m", entity_type="material")]))
    assert raw.data["packaging"] == [
        {
            "packaging_type": "solid",
            "carton_quantity": 2,
            "item": {"sku": "a", "entity_type": "material", "case_pack_quantity": 6, "uom": "m"},
        }
    ]
    assert raw.data["lines"][0]["uom"] == "m"
    assert pointer(raw, "$.lines[0].uom") == "/packaging_details/0/item/quantity_uom_code"
    assert (
        pointer(raw, "$.packaging[0].item.case_pack_quantity")
        == "/packaging_details/0/item/case_pack_quantity"
    )


def test_solid_quantity_disagreeing_with_cartons_is_a_warning() -> None:
    raw = read_one(po(["a"], [solid("a", 10, 12, quantity=100)]))
    (finding,) = raw.findings
    assert (finding.code, finding.severity) == (
        "read.packaging_quantity_mismatch",
        Severity.WARNING,
    )
    assert finding.location is not None
    assert finding.location.pointer == "/packaging_details/0/item/quantity"
    assert raw.data["lines"][0]["quantity"] == "100"


def test_line_without_packaging_has_no_quantity() -> None:
    raw = read_one(po(["a", "b"], [solid("a", 1, 1)]))
    (finding,) = raw.findings
    assert (finding.code, finding.path) == ("read.quantity_missing", "$.lines[1].quantity")
    assert finding.location is not None
    assert finding.location.pointer == "/lines/1/item/custom_id"
    assert "b" in finding.message
    assert "quantity" not in raw.data["lines"][1]


def test_same_product_on_two_lines_is_ambiguous() -> None:
    raw = read_one(po(["a", "a"], [solid("a", 1, 1)]))
    assert [(f.code, f.path) for f in raw.findings] == [
        ("read.quantity_ambiguous", "$.lines[0].quantity"),
        ("read.quantity_ambiguous", "$.lines[1].quantity"),
    ]


def test_different_units_cannot_be_added() -> None:
    raw = read_one(
        po(
            ["a"],
            [solid("a", 1, 1, quantity_uom_code="m"), solid("a", 1, 1, quantity_uom_code="pcs")],
        )
    )
    (finding,) = raw.findings
    assert finding.code == "read.uom_conflict"


def test_additional_attributes_keep_numbers_exact() -> None:
    raw = read_one(
        po(
            ["a"],
            [solid("a", 1, 1)],
            additionalAttributes=[{"key": "k", "value": ["x", "__1.25__"]}],
        )
    )
    assert raw.data["additional_attributes"] == [{"key": "k", "value": ["x", "1.25"]}]
    assert pointer(raw, "$.additional_attributes[0].value") == "/additionalAttributes/0/value"


def test_input_errors_name_inspectorio_fields() -> None:
    raw = read_one(po(["a"], [solid("a", 0, 1)], po_type="material", vendor_custom_id=""))
    found = {(f.code, f.path, f.location.pointer if f.location else None) for f in raw.findings}
    assert (
        "input.minimum",
        "$.packaging[0].carton_quantity",
        "/packaging_details/0/carton_quantity",
    ) in found
    assert (
        "input.required",
        "$.organisations.material_supplier.id",
        "/material_supplier_custom_id",
    ) in found
    assert ("input.minLength", "$.organisations.vendor.id", "/vendor_custom_id") in found
    messages = " ".join(f.message for f in raw.findings)
    assert "material PO" in messages
    assert "vendor" not in raw.data.get("organisations", {})
    # The faulty packaging entry is reported once, not mapped; its line has no quantity.
    assert raw.data["packaging"] == []
    assert any(f.code == "read.quantity_missing" for f in raw.findings)


def test_style_name_is_the_description_when_the_shape_has_none() -> None:
    doc = po(["a"], [solid("a", 2, 3)])
    doc["lines"][0]["item"]["style_name"] = "Linen shirt"
    (line,) = read_one(doc).data["lines"]
    assert line["description"] == "Linen shirt"


def test_po_currency_only_when_every_line_agrees() -> None:
    doc = po(["a", "b"], [solid("a", 2, 3), solid("b", 1, 1)])
    for line, currency in zip(doc["lines"], ["USD", "EUR"], strict=True):
        line["unit_cost"] = 1
        line["unit_cost_currency_code"] = currency
    assert "currency" not in read_one(doc).data
