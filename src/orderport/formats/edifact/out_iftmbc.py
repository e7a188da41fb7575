"""IFTMBC (booking confirmation): one message per booking.

Shape: UNH, BGM 770 (1004 the booking reference, 1225 and 4343 from the space status), DTM 137,
FTX ACB (only when the profile maps the space status to a custom code), FTX AAI (carrier
remarks), RFF BN (booking reference), RFF ON per PO, RFF CU per fulfillment order (our
consignor references), TDT 20 (8028 voyage or flight number, 8067 mode, C040 carrier, C222 vessel
name) with LOC 9 (loading; DTM 133 ETD, DTM 180 cargo cut-off) and LOC 11 (discharge; DTM 132
ETA), EQD CN per equipment type (ISO 6346 size/type) with EQN (how many), UNT. D96A allows one
DTM per TDT/LOC, so there the cut-off (DTM 180) goes on the TDT itself.

Space status: BGM 4343 response type AP accepted, CA conditionally accepted, RE rejected, AJ
pending (1225 9, original). AJ only entered the 4343 code list in D97A: in D96A a pending booking
is sent as 1225 12 ("received but not yet processed") without 4343.
"""

from __future__ import annotations

import re

from orderport.formats.edifact.out_common import (
    AGENCY_IATA,
    AGENCY_UNECE,
    FTX_REMARKS,
    TEXT_LENGTH,
    OutboundInterchange,
    add_status_ftx,
    carrier,
    chunks,
    directory_release,
    dtm,
)
from orderport.model.tracking import Booking, SpaceStatus, TransportMode

DOCUMENT_BOOKING_CONFIRMATION = "770"
ORIGINAL = "9"
NOT_PROCESSED = "12"
MAIN_CARRIAGE = "20"
PLACE_OF_LOADING = "9"
PLACE_OF_DISCHARGE = "11"
CODE_LIST_PORT = "139"
CODE_LIST_SIZE_AND_TYPE = "102"
AGENCY_ISO = "5"
EQUIPMENT_CONTAINER = "CN"
ONE_DATE_PER_LOC_UNTIL = (2001, "B")
"""D96A allows one DTM under TDT/LOC: there the cargo cut-off goes on the TDT (TDT/DTM)."""

RESPONSE_TYPE = {
    SpaceStatus.CONFIRMED: "AP",
    SpaceStatus.CONDITIONALLY_CONFIRMED: "CA",
    SpaceStatus.REJECTED: "RE",
    SpaceStatus.PENDING: "AJ",
}
"""Space status -> BGM 4343."""

MODE = {
    TransportMode.OCEAN: "1",
    TransportMode.RAIL: "2",
    TransportMode.ROAD: "3",
    TransportMode.AIR: "4",
}
"""Transport mode -> 8067 (UN/ECE Recommendation 19)."""

_ISO_6346 = re.compile(r"^[0-9A-Z]{2}[A-Z][0-9A-Z]$")
_UNLOCODE = re.compile(r"^[A-Z]{2}[A-Z2-9]{3}$")


def bgm_status(space_status: SpaceStatus, edifact_version: str) -> tuple[str, str]:
    """(1225, 4343) for the space status in this directory version."""
    if space_status is SpaceStatus.PENDING and directory_release(edifact_version) < (1997, "A"):
        return NOT_PROCESSED, ""
    return ORIGINAL, RESPONSE_TYPE[space_status]


def location(code: str, mode: TransportMode) -> list[str]:
    """C517: a UN/LOCODE (agency 6; code list 139 ports for ocean) or an IATA airport code."""
    if _UNLOCODE.fullmatch(code):
        return [code, CODE_LIST_PORT if mode is TransportMode.OCEAN else "", AGENCY_UNECE]
    return [code, "", AGENCY_IATA]


def size_and_type(code: str) -> list[str]:
    """C224: ISO 6346 size/type codes say so (102 / agency 5); other codes (ULDs) go bare."""
    if _ISO_6346.fullmatch(code):
        return [code, CODE_LIST_SIZE_AND_TYPE, AGENCY_ISO]
    return [code]


def write_iftmbc(interchange: OutboundInterchange, booking: Booking) -> None:
    ctx = interchange.ctx
    message = interchange.message()
    function, response = bgm_status(booking.space_status, ctx.edifact_version)
    message.add("BGM", DOCUMENT_BOOKING_CONFIRMATION, booking.booking_reference, function, response)
    message.add("DTM", dtm("137", ctx.now))
    if ctx.status_codes.get(booking.space_status.value):
        add_status_ftx(message, ctx, booking.space_status.value, None)
    if booking.remarks:
        message.add("FTX", FTX_REMARKS, "", "", chunks(booking.remarks, TEXT_LENGTH, 5))
    message.add("RFF", ["BN", booking.booking_reference])
    for po_number in booking.purchase_orders:
        message.add("RFF", ["ON", po_number])
    for fulfillment_order in booking.fulfillment_orders:
        message.add("RFF", ["CU", fulfillment_order])
    air = booking.mode is TransportMode.AIR
    conveyance = (booking.flight_number if air else booking.voyage) or ""
    vessel = ["", "", "", booking.vessel] if booking.vessel and not air else ""
    message.add(
        "TDT",
        MAIN_CARRIAGE,
        conveyance,
        MODE[booking.mode],
        "",
        carrier(booking.carrier, airline=air),
        "",
        "",
        vessel,
    )
    one_date_per_location = directory_release(ctx.edifact_version) < ONE_DATE_PER_LOC_UNTIL
    if booking.cargo_cutoff is not None and one_date_per_location:
        message.add("DTM", dtm("180", booking.cargo_cutoff))
    message.add("LOC", PLACE_OF_LOADING, location(booking.origin, booking.mode))
    message.add("DTM", dtm("133", booking.etd))
    if booking.cargo_cutoff is not None and not one_date_per_location:
        message.add("DTM", dtm("180", booking.cargo_cutoff))
    message.add("LOC", PLACE_OF_DISCHARGE, location(booking.destination, booking.mode))
    message.add("DTM", dtm("132", booking.eta))
    for equipment in booking.equipment:
        message.add("EQD", EQUIPMENT_CONTAINER, "", size_and_type(equipment.type))
        message.add("EQN", str(equipment.count))
