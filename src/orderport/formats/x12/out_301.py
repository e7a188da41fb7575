"""301 confirmation (ocean): one transaction set per booking, functional group RO.

Segments, in standard order:

- B1: carrier SCAC (B101; required from 005010, so a carrier that is not a 2-4 letter SCAC is
  an error there and left out in 004010), booking reference, date of this confirmation, and
  the reservation action code (B104, element 558) for the space status:
  confirmed A (accepted), conditionally_confirmed B (conditional acceptance), pending N (new:
  the carrier has the reservation but no decision yet; 558 has no "pending"), rejected
  D (reservation cancelled) in 004010 and E (reservation declined, added to the list after
  004010) in 005010. Writers can be given another mapping.
- Y3: booking number (the word DECLINE when space is rejected, as the Y3 note says), SCAC,
  ETD and ETA dates, Y307/Y308 the cargo cut-off date and time.
- Y4 per equipment line: booking number, number of containers (Y405), ISO 6346 size/type (Y406,
  exactly four characters). At most 10.
- N9*PO per purchase order carried; N9*<status qualifier, default ZZ> with the partner's code for
  the space status from ``ctx.status_codes`` (our value when none) and the remarks in N903.
- R4*L (port of loading) and R4*D (port of discharge) with R402 UN and the UN/LOCODE (an IATA
  airport code gets ZZ, mutually defined), each followed by DTM 369 estimated departure /
  371 estimated arrival (date, time, UT or LT).
- LX*1 always (the loop is mandatory in every version, also for an air booking or a
  declined one without a vessel), then V1 (vessel name, voyage, SCAC) when there is a vessel.

Dates are written as the carrier gave them (local to their own offset), not converted.
"""

from __future__ import annotations

from collections.abc import Mapping

from orderport.formats.outbound import OutboundContext
from orderport.formats.x12.out_856 import SCAC
from orderport.formats.x12.out_common import (
    TransactionSet,
    X12File,
    X12RenderError,
    time_code,
    x12_date,
    x12_time,
)
from orderport.model.tracking import Booking, SpaceStatus

ACTION_CODES_004010: Mapping[SpaceStatus, str] = {
    SpaceStatus.CONFIRMED: "A",
    SpaceStatus.CONDITIONALLY_CONFIRMED: "B",
    SpaceStatus.PENDING: "N",
    SpaceStatus.REJECTED: "D",
}
ACTION_CODES_005010: Mapping[SpaceStatus, str] = {
    **ACTION_CODES_004010,
    SpaceStatus.REJECTED: "E",
}
MAX_EQUIPMENT = 10
UNLOCODE_LENGTH = 5


def default_action_codes(version: str) -> Mapping[SpaceStatus, str]:
    return ACTION_CODES_005010 if version >= "005010" else ACTION_CODES_004010


def write_301(
    doc: X12File,
    booking: Booking,
    action_codes: Mapping[SpaceStatus, str],
    status_qualifier: str,
) -> None:
    ctx = doc.ctx
    ts = doc.begin("301", f"301 for booking {booking.booking_reference}")
    scac = booking.carrier if SCAC.fullmatch(booking.carrier) else ""
    if not scac and doc.five:
        raise X12RenderError(
            f"{ts.subject}, B101: carrier {booking.carrier!r} is not a 2-4 letter SCAC, "
            "which 005010 requires"
        )
    reference = ts.ident(booking.booking_reference, 30, "B102 booking reference")
    ts.seg("B1", scac, reference, x12_date(ctx.now.date()), action_codes[booking.space_status])
    rejected = booking.space_status == SpaceStatus.REJECTED
    booking_number = ts.ident(booking.booking_reference, 17, "Y301 booking number")
    cutoff = booking.cargo_cutoff
    ts.seg(
        "Y3",
        "DECLINE" if rejected else booking_number,
        scac,
        x12_date(booking.etd.date()),
        x12_date(booking.eta.date()),
        "",
        "",
        x12_date(cutoff.date()) if cutoff else "",
        x12_time(cutoff) if cutoff else "",
    )
    if len(booking.equipment) > MAX_EQUIPMENT:
        raise X12RenderError(
            f"{ts.subject}: {len(booking.equipment)} equipment lines, the 301 has room "
            f"for {MAX_EQUIPMENT} Y4 segments"
        )
    for index, equipment in enumerate(booking.equipment, start=1):
        if len(equipment.type) != 4:
            raise X12RenderError(
                f"{ts.subject}, Y4 #{index} element 06: equipment type {equipment.type!r} is "
                "not a four-character ISO 6346 size/type code"
            )
        ts.seg(
            "Y4",
            booking_number,
            "",
            "",
            "",
            str(equipment.count),
            ts.ident(equipment.type, 4, f"Y4 #{index} equipment type"),
        )
    _references(ts, ctx, booking, status_qualifier)
    _port(ts, "L", booking.origin, "369", booking)
    _port(ts, "D", booking.destination, "371", booking)
    ts.seg("LX", "1")
    if booking.vessel:
        ts.seg(
            "V1",
            "",
            ts.text(booking.vessel, 28),
            "",
            ts.ident(booking.voyage, 10, "V104 voyage") if booking.voyage else "",
            scac,
        )
    ts.end()


def _references(
    ts: TransactionSet, ctx: OutboundContext, booking: Booking, status_qualifier: str
) -> None:
    width = 50 if ts.doc.five else 30
    for po_number in booking.purchase_orders:
        ts.seg("N9", "PO", ts.ident(po_number, width, "N902 PO number"))
    status = booking.space_status.value
    ts.seg(
        "N9",
        status_qualifier,
        ts.ident(ctx.status_codes.get(status, status), width, "N902 space status"),
        ts.text(booking.remarks, 45),
    )


def _port(ts: TransactionSet, function: str, code: str, dtm: str, booking: Booking) -> None:
    qualifier = "UN" if len(code) == UNLOCODE_LENGTH else "ZZ"
    ts.seg("R4", function, qualifier, code)
    when = booking.etd if dtm == "369" else booking.eta
    ts.seg("DTM", dtm, x12_date(when.date()), x12_time(when), time_code(when))
