"""Inputs for the X12 outbound tests: a 3-line PO, events, a booking, envelope contexts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from orderport.formats.outbound import EdiParty, OutboundContext, PoStatusItem
from orderport.formats.x12 import parse_strict
from orderport.model import PurchaseOrder
from orderport.model.tracking import Booking, StatusEvent

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
VERSIONS = ["004010", "005010"]

PO_DATA: dict[str, Any] = {
    "po_number": "4500012345",
    "order_date": "2026-03-01",
    "ship_to": {"name": "ACME DC 7", "location_id": "0007", "city": "Long Beach"},
    "organisations": {"buyer": {"id": "ACME", "name": "ACME Retail"}},
    "lines": [
        {
            "line_number": 1,
            "quantity": "24",
            "uom": "EA",
            "unit_cost": {"amount": "2.50", "currency": "USD"},
            "gtin": "036000291452",
            "vendor_sku": "WID-001",
            "buyer_sku": "000123",
        },
        {
            "line_number": 2,
            "quantity": "10.5",
            "uom": "CS",
            "sku": "SKU-0002",
            "gtin": "4006381333931",
        },
        {
            "line_number": 3,
            "quantity": "100",
            "uom": "EA",
            "buyer_sku": "000777",
            "additional_attributes": [{"key": "product_id_BP", "value": "BP-777"}],
        },
    ],
}

BOOKING_DATA: dict[str, Any] = {
    "booking_reference": "MAEU123456789",
    "carrier": "MAEU",
    "mode": "ocean",
    "vessel": "Maersk Essen",
    "voyage": "612W",
    "origin": "CNSZX",
    "destination": "USLGB",
    "etd": "2026-03-10T18:00:00+08:00",
    "eta": "2026-03-28T06:00:00Z",
    "cargo_cutoff": "2026-03-08T12:00:00+08:00",
    "equipment": [{"type": "45G1", "count": 2}, {"type": "22G1", "count": 1}],
    "space_status": "confirmed",
    "purchase_orders": ["4500012345", "4500012346"],
    "remarks": "Cut-off at CY; VGM due 24h before",
}


@pytest.fixture
def po() -> PurchaseOrder:
    return PurchaseOrder.model_validate(PO_DATA, strict=False)


@pytest.fixture
def make_item(po: PurchaseOrder) -> Callable[..., PoStatusItem]:
    """``make_item(code, **event_fields)`` -> a status item for the 3-line PO."""

    def make(code: str, **fields: Any) -> PoStatusItem:
        data = {"po_number": po.po_number, "code": code, "at": "2026-03-02T08:15:00Z", **fields}
        return PoStatusItem(po=po, event=StatusEvent.model_validate(data, strict=False))

    return make


@pytest.fixture
def make_booking() -> Callable[..., Booking]:
    def make(**changes: Any) -> Booking:
        return Booking.model_validate({**BOOKING_DATA, **changes}, strict=False)

    return make


@pytest.fixture
def make_ctx() -> Callable[..., OutboundContext]:
    def make(version: str = "004010", **changes: Any) -> OutboundContext:
        fields: dict[str, Any] = {
            "partner_id": "acme",
            "now": NOW,
            "control_number": 4711,
            "sender": EdiParty("ORDERPORT", "ZZ"),
            "receiver": EdiParty("ACMEBUYER", "01", application_id="ACMEAPP"),
            "x12_version": version,
            "status_codes": {"shipped": "VERSENDET", "rejected": "ABGELEHNT"},
        }
        fields.update(changes)
        return OutboundContext(**fields)

    return make


def set_segments(data: bytes) -> list[list[list[str]]]:
    """Every transaction set of the file (strictly re-read) as its list of segments."""
    strict = parse_strict(data)
    return [s.segments for g in strict.groups for s in g.sets]


def tagged(segments: list[list[str]], tag: str) -> list[list[str]]:
    return [seg for seg in segments if seg[0] == tag]


@pytest.fixture
def sets_of() -> Callable[[bytes], list[list[list[str]]]]:
    return set_segments


@pytest.fixture
def only() -> Callable[[list[list[str]], str], list[list[str]]]:
    return tagged
