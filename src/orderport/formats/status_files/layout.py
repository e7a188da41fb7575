"""The CSV columns of status and booking files, shared by the writers and the readers."""

from __future__ import annotations

STATUS_EVENT_COLUMNS = (
    "po_number",
    "fulfillment_order",
    "code",
    "partner_code",
    "at",
    "location",
    "reason",
    "carrier",
    "tracking_number",
)
STATUS_LINE_COLUMNS = ("line_number", "sku", "quantity", "uom")
STATUS_COLUMNS = STATUS_EVENT_COLUMNS + STATUS_LINE_COLUMNS
"""One row per event line; an event without lines has one row with the line columns empty."""

BOOKING_COLUMNS = (
    "booking_reference",
    "version",
    "carrier",
    "mode",
    "vessel",
    "voyage",
    "flight_number",
    "origin",
    "destination",
    "etd",
    "eta",
    "cargo_cutoff",
    "space_status",
    "equipment",
    "purchase_orders",
    "fulfillment_orders",
    "remarks",
)
"""One row per booking; lists are joined with ``;`` and equipment is ``45G1x2;22G1x1``."""

LIST_SEPARATOR = ";"
EQUIPMENT_COUNT_SEPARATOR = "x"
