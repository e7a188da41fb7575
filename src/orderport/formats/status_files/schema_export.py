"""The published status and booking JSON Schemas, generated from the models so they cannot drift.

``python -m orderport.formats.status_files.schema_export`` rewrites
``schemas/order_status.schema.json`` and ``schemas/booking_confirmation.schema.json``; a test
fails when the committed files differ from what the models generate.
"""

from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema_rs
from pydantic import BaseModel

from orderport.model.schema_export import PublishedSchemaGenerator, publish, published
from orderport.model.tracking import BookingConfirmationDocument, OrderStatusDocument

SCHEMAS_DIR = Path(__file__).resolve().parents[4] / "schemas"
STATUS_SCHEMA_PATH = SCHEMAS_DIR / "order_status.schema.json"
BOOKING_SCHEMA_PATH = SCHEMAS_DIR / "booking_confirmation.schema.json"
STATUS_SCHEMA_ID = "https://orderport.dev/schemas/order_status.schema.json"
BOOKING_SCHEMA_ID = "https://orderport.dev/schemas/booking_confirmation.schema.json"

STATUS_EXAMPLE: dict[str, Any] = {
    "document_type": "order_status",
    "partner_id": "acme",
    "generated_at": "2026-03-21T06:00:00Z",
    "control_number": 17,
    "events": [
        {"po_number": "4500012345", "code": "accepted", "at": "2026-03-01T08:31:00Z"},
        {
            "po_number": "4500012345",
            "fulfillment_order": "ACME-4500012345.1",
            "code": "shipped",
            "partner_code": "VERSENDET",
            "at": "2026-03-20T14:00:00Z",
            "location": "Newark DC",
            "carrier": "MAEU",
            "tracking_number": "00012345678",
            "lines": [{"line_number": 1, "sku": "TS-001-BLU-M", "quantity": "96", "uom": "EA"}],
        },
    ],
}

BOOKING_EXAMPLE: dict[str, Any] = {
    "document_type": "booking_confirmation",
    "bookings": [
        {
            "booking_reference": "MAEU123456789",
            "version": 2,
            "carrier": "MAEU",
            "mode": "ocean",
            "vessel": "Maersk Essen",
            "voyage": "214W",
            "origin": "CNSHA",
            "destination": "USLAX",
            "etd": "2026-03-22T18:00:00Z",
            "eta": "2026-04-08T06:00:00Z",
            "cargo_cutoff": "2026-03-20T12:00:00Z",
            "equipment": [{"type": "45G1", "count": 2}],
            "space_status": "confirmed",
            "purchase_orders": ["4500012345"],
            "fulfillment_orders": ["ACME-4500012345.1"],
        }
    ],
}


def _published(
    model: type[BaseModel],
    schema_id: str,
    title: str,
    description: str,
    example: dict[str, Any],
) -> dict[str, Any]:
    body = model.model_json_schema(schema_generator=PublishedSchemaGenerator)
    return published(body, schema_id, title=title, description=description, examples=[example])


def order_status_schema() -> dict[str, Any]:
    """The published Draft 2020-12 schema of an order-status file."""
    return _published(
        OrderStatusDocument,
        STATUS_SCHEMA_ID,
        "Orderport order status",
        "Order status events (seed 001): receipt, acceptance, hold, processing, shipping, "
        "delivery, exceptions. Orderport writes these to partners, and warehouses may send the "
        "same shape back as status updates (without partner_code and event_id). Timestamps are "
        "RFC 3339 with a zone; quantities are numbers or decimal strings; identifiers are text.",
        STATUS_EXAMPLE,
    )


def booking_confirmation_schema() -> dict[str, Any]:
    """The published Draft 2020-12 schema of a booking-confirmation file."""
    return _published(
        BookingConfirmationDocument,
        BOOKING_SCHEMA_ID,
        "Orderport booking confirmation",
        "Cargo booking confirmations (seed 001): booking reference, carrier, mode, vessel and "
        "voyage or flight, UN/LOCODE or IATA origin and destination, ETD/ETA, cargo cut-off, "
        "equipment, space status and the POs and fulfillment orders carried. Orderport writes "
        "these to partners; carriers and forwarders may send the same shape as updates.",
        BOOKING_EXAMPLE,
    )


@lru_cache(maxsize=1)
def status_validator() -> jsonschema_rs.Validator:
    return jsonschema_rs.validator_for(order_status_schema(), validate_formats=True)


@lru_cache(maxsize=1)
def booking_validator() -> jsonschema_rs.Validator:
    return jsonschema_rs.validator_for(booking_confirmation_schema(), validate_formats=True)


def write_schemas(directory: Path = SCHEMAS_DIR) -> list[Path]:
    return [
        publish(order_status_schema(), directory / STATUS_SCHEMA_PATH.name),
        publish(booking_confirmation_schema(), directory / BOOKING_SCHEMA_PATH.name),
    ]


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    for path in write_schemas(Path(args[0])) if args else write_schemas():
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
