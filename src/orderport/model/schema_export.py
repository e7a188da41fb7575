"""The published purchase-order JSON Schema, generated from the model so the two cannot drift.

``python -m orderport.model.schema_export`` rewrites ``schemas/purchase_order.schema.json``;
a test fails when the committed file differs from what the model generates.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from pydantic.json_schema import GenerateJsonSchema, JsonSchemaMode, JsonSchemaValue
from pydantic_core import CoreSchema

from orderport.model.purchase_order import PurchaseOrder

SCHEMA_ID = "https://orderport.dev/schemas/purchase_order.schema.json"
DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_PATH = Path(__file__).resolve().parents[3] / "schemas" / "purchase_order.schema.json"

DESCRIPTION = (
    "One purchase order in Orderport's canonical shape. Every inbound format (X12 850/860, "
    "EDIFACT ORDERS, CSV, XLSX and the partners' JSON) is mapped into this shape and validated "
    "against this schema before the business rules run. Unknown fields are errors. Quantities and "
    'money are JSON numbers or plain decimal strings such as "12.50" (strings keep every digit); '
    "identifiers are strings so leading zeros survive; dates are YYYY-MM-DD and timestamps are "
    "RFC 3339 with a time zone. Omit a field you do not have rather than sending null."
)

FULL_EXAMPLE: dict[str, Any] = {
    "po_number": "4500012345",
    "purpose": "original",
    "external_id": "ACME-4500012345",
    "customer_reference": "REF-0042",
    "po_type": "standard",
    "po_source": "imported",
    "order_date": "2026-03-01",
    "created_at": "2026-03-01T08:30:00Z",
    "currency": "USD",
    "delivery_window": {"start": "2026-04-01", "end": "2026-04-15"},
    "ship_window": {"start": "2026-03-20", "end": "2026-03-27"},
    "in_store_date": "2026-04-20",
    "organisations": {
        "buyer": {"id": "client_1", "name": "Acme Retail"},
        "vendor": {"id": "vendor_1", "name": "Northwind Apparel"},
        "factory": {"id": "factory_1"},
        "shared_to": [{"id": "sub_org_1"}],
    },
    "ship_to": {
        "name": "Acme DC 7",
        "line1": "100 Harbor Way",
        "city": "Newark",
        "province": "NJ",
        "postal_code": "07114",
        "country": "US",
        "location_id": "0007",
    },
    "bill_to": {
        "name": "Acme Retail Accounts Payable",
        "line1": "1 Main Street",
        "line2": "Suite 400",
        "city": "Boston",
        "province": "MA",
        "postal_code": "02108",
        "country": "US",
    },
    "options": {"is_approved": True, "can_split": True, "on_errors": "hold"},
    "total_quantity": "120",
    "total_quantity_uom": "EA",
    "total_cost": {"amount": "1530.00", "currency": "USD"},
    "shipment_terms": "FOB",
    "notes": "Deliver to dock 3.",
    "additional_attributes": [{"key": "season", "value": "SS26"}],
    "lines": [
        {
            "line_number": 1,
            "sku": "TS-001-BLU-M",
            "buyer_sku": "00012345",
            "gtin": "036000291452",
            "description": "T-shirt, blue, M",
            "color": "blue",
            "size": "M",
            "quantity": "96",
            "uom": "EA",
            "unit_cost": {"amount": "12.50", "currency": "USD"},
            "pack_size": 12,
        },
        {
            "line_number": 2,
            "sku": "TS-001-BLU-L",
            "quantity": 24,
            "uom": "EA",
            "unit_cost": {"amount": "13.75", "currency": "USD"},
            "requested_delivery_date": "2026-04-10",
        },
    ],
    "packaging": [
        {
            "packaging_type": "solid",
            "carton_quantity": 8,
            "item": {"sku": "TS-001-BLU-M", "case_pack_quantity": 12, "quantity": 96},
        },
        {
            "packaging_type": "assortment",
            "assortment_id": "ASST-L",
            "carton_quantity": 2,
            "items": [{"sku": "TS-001-BLU-L", "case_pack_quantity": 12}],
        },
    ],
}

CANCEL_EXAMPLE: dict[str, Any] = {
    "po_number": "po_1",
    "purpose": "cancel",
    "original_po_number": "opo_1",
    "uid": "abc-def-123-456",
    "po_type": "material",
    "updated_at": "2026-03-05T06:37:18+01:00",
    "organisations": {
        "buyer": {"id": "client_1"},
        "material_supplier": {"id": "material_supplier_1"},
    },
    "options": {"on_errors": "reject"},
}


class PublishedSchemaGenerator(GenerateJsonSchema):
    """Draft 2020-12 output; tagged unions become if/then so errors name the missing field."""

    def generate(self, schema: CoreSchema, mode: JsonSchemaMode = "validation") -> JsonSchemaValue:
        result = super().generate(schema, mode=mode)
        _rewrite_discriminators(result)
        return result


def _rewrite_discriminators(node: object) -> None:
    """Replace OpenAPI ``discriminator`` + ``oneOf`` (opaque errors) with if/then per tag.

    A ``oneOf`` failure tells a partner only that no alternative matched; with ``if``/``then`` the
    tag picks the alternative and its own errors (``item`` is required, ...) come through.
    """
    if isinstance(node, list):
        for child in node:
            _rewrite_discriminators(child)
        return
    if not isinstance(node, dict):
        return
    discriminator = node.get("discriminator")
    if isinstance(discriminator, dict) and "oneOf" in node:
        tag = discriminator["propertyName"]
        mapping: dict[str, str] = discriminator["mapping"]
        del node["discriminator"]
        del node["oneOf"]
        node["type"] = "object"
        node["required"] = [tag]
        node["properties"] = {
            tag: {
                "enum": sorted(mapping),
                "description": "Which kind of object this is; decides the other fields.",
            }
        }
        node["allOf"] = [
            {
                "if": {"properties": {tag: {"const": value}}, "required": [tag]},
                "then": {"$ref": mapping[value]},
            }
            for value in sorted(mapping)
        ]
    for child in node.values():
        _rewrite_discriminators(child)


def published(
    body: dict[str, Any],
    schema_id: str,
    *,
    description: str,
    examples: list[dict[str, Any]],
    title: str | None = None,
) -> dict[str, Any]:
    """A generated schema with the metadata every published Orderport schema carries."""
    head: dict[str, Any] = {"$schema": DRAFT_2020_12, "$id": schema_id, **body}
    if title is not None:
        head["title"] = title
    return {**head, "description": description, "examples": examples}


def purchase_order_schema() -> dict[str, Any]:
    """The published Draft 2020-12 schema of ``PurchaseOrder``."""
    return published(
        PurchaseOrder.model_json_schema(schema_generator=PublishedSchemaGenerator),
        SCHEMA_ID,
        title="Orderport purchase order",
        description=DESCRIPTION,
        examples=[FULL_EXAMPLE, CANCEL_EXAMPLE],
    )


def render_schema(schema: dict[str, Any]) -> str:
    """The committed text: sorted keys, 2-space indent, trailing newline."""
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def publish(schema: dict[str, Any], path: Path) -> Path:
    """Write ``schema`` to ``path`` as committed (``render_schema``); the one writer for the PO,
    partner profile, order status and booking schemas."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_schema(schema), encoding="utf-8")
    return path


def is_current(schema: dict[str, Any], path: Path) -> bool:
    """True when the committed file at ``path`` is exactly what ``publish`` would write."""
    return path.exists() and path.read_text(encoding="utf-8") == render_schema(schema)


def write_schema(path: Path = SCHEMA_PATH) -> Path:
    return publish(purchase_order_schema(), path)


def main(argv: list[str] | None = None) -> int:
    """Write the schema, or with ``--check`` exit 1 when the committed file is stale."""
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["--check"]:
        target = Path(args[1]) if len(args) > 1 else SCHEMA_PATH
        if not is_current(purchase_order_schema(), target):
            print(f"{target} is stale: run python -m orderport.model.schema_export")
            return 1
        return 0
    target = write_schema(Path(args[0])) if args else write_schema()
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
