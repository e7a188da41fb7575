"""CSV and JSON writers for status and booking files (the outbound writer contract).

JSON files are the published documents and validate against their schemas. CSV cells pass
``neutralise_cell``: partner-supplied text (reasons, locations, remarks) never runs as a formula.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence

from orderport.formats.outbound import Envelope, OutboundContext, PoStatusItem, Rendered
from orderport.formats.results.safety import neutralise_cell
from orderport.formats.status_files.layout import (
    BOOKING_COLUMNS,
    EQUIPMENT_COUNT_SEPARATOR,
    LIST_SEPARATOR,
    STATUS_COLUMNS,
)
from orderport.model.tracking import (
    Booking,
    BookingConfirmationDocument,
    OrderStatusDocument,
    ReportedBooking,
    ReportedStatus,
)

JSON_MEDIA_TYPE = "application/json"
CSV_MEDIA_TYPE = "text/csv"


def _reported_status(item: PoStatusItem, ctx: OutboundContext) -> ReportedStatus:
    data = item.event.model_dump(mode="json", exclude_none=True)
    partner_code = ctx.status_codes.get(item.event.code.value)
    if partner_code is not None:
        data["partner_code"] = partner_code
    return ReportedStatus.model_validate_json(json.dumps(data))


def _reported_booking(booking: Booking) -> ReportedBooking:
    version = getattr(booking, "version", None)
    data = booking.model_dump(mode="json", exclude_none=True)
    if version is not None:
        data["version"] = version
    return ReportedBooking.model_validate_json(json.dumps(data))


def _json_bytes(document: OrderStatusDocument | BookingConfirmationDocument) -> bytes:
    data = document.model_dump(mode="json", exclude_none=True, exclude_defaults=False)
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _csv_bytes(header: Sequence[str], rows: Iterable[Sequence[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([neutralise_cell(cell) for cell in row])
    return buffer.getvalue().encode("utf-8")


def _text(value: object) -> str:
    return "" if value is None else str(value)


class StatusJsonWriter:
    """``schemas/order_status.schema.json`` documents."""

    name = "json"
    envelope: Envelope | None = None

    def render(self, items: Sequence[PoStatusItem], ctx: OutboundContext) -> Rendered:
        document = OrderStatusDocument(
            document_type="order_status",
            partner_id=ctx.partner_id,
            generated_at=ctx.now,
            control_number=ctx.control_number,
            events=[_reported_status(item, ctx) for item in items],
        )
        return Rendered(_json_bytes(document), "json", JSON_MEDIA_TYPE)


class BookingJsonWriter:
    """``schemas/booking_confirmation.schema.json`` documents."""

    name = "json"
    envelope: Envelope | None = None

    def render(self, bookings: Sequence[Booking], ctx: OutboundContext) -> Rendered:
        document = BookingConfirmationDocument(
            document_type="booking_confirmation",
            partner_id=ctx.partner_id,
            generated_at=ctx.now,
            control_number=ctx.control_number,
            bookings=[_reported_booking(b) for b in bookings],
        )
        return Rendered(_json_bytes(document), "json", JSON_MEDIA_TYPE)


class StatusCsvWriter:
    """One row per event line (``layout.STATUS_COLUMNS``)."""

    name = "csv"
    envelope: Envelope | None = None

    def render(self, items: Sequence[PoStatusItem], ctx: OutboundContext) -> Rendered:
        rows: list[list[str]] = []
        for item in items:
            event = _reported_status(item, ctx)
            head = [
                event.po_number,
                _text(event.fulfillment_order),
                event.code.value,
                _text(event.partner_code),
                event.at.isoformat().replace("+00:00", "Z"),
                _text(event.location),
                _text(event.reason),
                _text(event.carrier),
                _text(event.tracking_number),
            ]
            if not event.lines:
                rows.append([*head, "", "", "", ""])
            for line in event.lines:
                rows.append(
                    [*head, str(line.line_number), _text(line.sku), str(line.quantity), line.uom]
                )
        return Rendered(_csv_bytes(STATUS_COLUMNS, rows), "csv", CSV_MEDIA_TYPE)


class BookingCsvWriter:
    """One row per booking (``layout.BOOKING_COLUMNS``)."""

    name = "csv"
    envelope: Envelope | None = None

    def render(self, bookings: Sequence[Booking], ctx: OutboundContext) -> Rendered:
        rows = []
        for booking in bookings:
            b = _reported_booking(booking)
            rows.append(
                [
                    b.booking_reference,
                    _text(b.version),
                    b.carrier,
                    b.mode.value,
                    _text(b.vessel),
                    _text(b.voyage),
                    _text(b.flight_number),
                    b.origin,
                    b.destination,
                    b.etd.isoformat().replace("+00:00", "Z"),
                    b.eta.isoformat().replace("+00:00", "Z"),
                    b.cargo_cutoff.isoformat().replace("+00:00", "Z") if b.cargo_cutoff else "",
                    b.space_status.value,
                    LIST_SEPARATOR.join(
                        f"{e.type}{EQUIPMENT_COUNT_SEPARATOR}{e.count}" for e in b.equipment
                    ),
                    LIST_SEPARATOR.join(b.purchase_orders),
                    LIST_SEPARATOR.join(b.fulfillment_orders),
                    _text(b.remarks),
                ]
            )
        return Rendered(_csv_bytes(BOOKING_COLUMNS, rows), "csv", CSV_MEDIA_TYPE)


STATUS_JSON = StatusJsonWriter()
STATUS_CSV = StatusCsvWriter()
BOOKING_JSON = BookingJsonWriter()
BOOKING_CSV = BookingCsvWriter()
