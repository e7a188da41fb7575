"""Edge data for every outbound document: what a partner's translator must still accept."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from orderport.formats.outbound import EdiParty, OutboundContext, PoStatusItem, Rendered
from orderport.formats.outbound_registry import booking_writer, status_writer
from orderport.model import PurchaseOrder
from orderport.model.tracking import Booking, StatusEvent

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
LONG_TEXT = (
    "Held by the credit desk: the buyer's account is over its limit; release expected after the"
    " payment run on Friday, please do not resend the order in the meantime — ref 77/ABC"
)


def po(po_number: str = "4500012345", **changes: Any) -> PurchaseOrder:
    data: dict[str, Any] = {
        "po_number": po_number,
        "order_date": "2026-03-01",
        "organisations": {
            "buyer": {"id": "5412345000013", "name": "Åkesson & Søn Kaufhaus Größe"},
            "vendor": {"id": "V-77", "name": "Widget Works"},
        },
        "ship_to": {
            "name": "Entrepôt Zürich-Süd",
            "line1": "Straße 1",
            "city": "Zürich",
            "postal_code": "8001",
            "country": "CH",
            "location_id": "0007",
        },
        "lines": [
            {
                "line_number": 1,
                "quantity": "24",
                "uom": "EA",
                "gtin": "4006381333931",
                "vendor_sku": "WID-001",
                "buyer_sku": "000123",
                "description": "Blue widget — größer",
            },
            {"line_number": 2, "quantity": "10.5", "uom": "KGM", "sku": "SKU-0002"},
            {"line_number": 3, "quantity": "100", "buyer_sku": "000777"},
        ],
    }
    data.update(changes)
    return PurchaseOrder.model_validate(data, strict=False)


def item(code: str, order: PurchaseOrder | None = None, **fields: Any) -> PoStatusItem:
    order = order or po()
    data = {"po_number": order.po_number, "code": code, "at": "2026-03-02T08:15:00Z", **fields}
    return PoStatusItem(order, StatusEvent.model_validate(data, strict=False))


def booking(**changes: Any) -> Booking:
    data: dict[str, Any] = {
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
        "remarks": "Cut-off at CY; VGM due 24h before — Größe",
    }
    data.update(changes)
    return Booking.model_validate(data, strict=False)


AIR = {
    "mode": "air",
    "carrier": "LH",
    "vessel": None,
    "voyage": None,
    "flight_number": "LH8400",
    "origin": "FRA",
    "destination": "ORD",
    "equipment": [],
}

STATUS_CASES: dict[str, Callable[[], list[PoStatusItem]]] = {
    "received_accepted": lambda: [item("received"), item("accepted")],
    "rejected_long_reason": lambda: [item("rejected", reason=LONG_TEXT)],
    "on_hold": lambda: [item("on_hold", reason="credit check")],
    "canceled": lambda: [item("canceled", reason="buyer canceled the PO")],
    "partial_shipment": lambda: [
        item(
            "shipped",
            carrier="MAEU",
            tracking_number="TRK1",
            location="Zürich DC",
            lines=[{"line_number": 1, "quantity": "10"}, {"line_number": 2, "quantity": "5"}],
        )
    ],
    "full_shipment": lambda: [
        item(
            "shipped",
            carrier="DHL Freight GmbH",
            lines=[
                {"line_number": 1, "quantity": "24"},
                {"line_number": 2, "quantity": "10.5"},
                {"line_number": 3, "quantity": "100"},
            ],
        )
    ],
}

BOOKING_CASES: dict[str, Callable[[], list[Booking]]] = {
    "ocean_confirmed": lambda: [booking()],
    "air_no_vessel": lambda: [booking(**AIR)],
    "rejected": lambda: [booking(space_status="rejected", remarks=LONG_TEXT)],
    "pending_air": lambda: [booking(**{**AIR, "space_status": "pending", "cargo_cutoff": None})],
    "conditional": lambda: [booking(space_status="conditionally_confirmed")],
}

VERSIONS = {
    "x12_855": ["004010", "005010"],
    "x12_856": ["004010", "005010"],
    "x12_301": ["004010", "005010"],
    "edifact_ordrsp": ["D96A", "D01B"],
    "edifact_desadv": ["D96A", "D01B"],
    "edifact_iftmbc": ["D96A", "D01B"],
}


def context(fmt: str, version: str, **changes: Any) -> OutboundContext:
    fields: dict[str, Any] = {
        "partner_id": "acme",
        "now": NOW,
        "control_number": 4711,
        "group_control": 12,
        "sender": EdiParty("ORDERPORT", "ZZ"),
        "receiver": EdiParty("5412345000013", "14", application_id="ACMEAPP"),
        "status_codes": {"shipped": "VERSENDET", "rejected": "ABG"},
    }
    if fmt.startswith("x12"):
        fields["x12_version"] = version
    else:
        fields["edifact_version"] = version
        fields["edifact_syntax"] = "UNOY"  # the edge data has names beyond ISO 8859-1
    fields.update(changes)
    return OutboundContext(**fields)


def render(fmt: str, case: str, version: str, **ctx_changes: Any) -> Rendered:
    ctx = context(fmt, version, **ctx_changes)
    if fmt in ("x12_301", "edifact_iftmbc"):
        return booking_writer(fmt).render(BOOKING_CASES[case](), ctx)
    writer = status_writer(fmt)
    items = [i for i in STATUS_CASES[case]() if _carries(writer, i)]
    return writer.render(items, ctx)


def _carries(writer: object, status: PoStatusItem) -> bool:
    codes = getattr(writer, "codes", None)
    if isinstance(codes, frozenset):
        return status.event.code in codes
    shipping = status.event.code.value == "shipped"
    return shipping == (getattr(writer, "name", "") == "edifact_desadv")


def matrix() -> list[tuple[str, str, str]]:
    """(format, case, version) for every document type, edge case and version we write."""
    out = []
    for fmt, versions in VERSIONS.items():
        booking_fmt = fmt in ("x12_301", "edifact_iftmbc")
        cases = BOOKING_CASES if booking_fmt else STATUS_CASES
        for case, make in cases.items():
            if not booking_fmt:
                writer = status_writer(fmt)
                if not any(_carries(writer, i) for i in make()):
                    continue
            out.extend((fmt, case, version) for version in versions)
    return out
