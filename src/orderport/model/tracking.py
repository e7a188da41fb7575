"""What partners get back (seed 001): order status events and cargo booking confirmations.

Status codes are ours; a partner profile may rename them (custom status definitions) on the way
out. Bookings carry the transport plan for one or more POs / fulfillment orders.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from orderport.model.purchase_order import Strict
from orderport.model.types import Identifier, IsoDateTime, LineNumber, NonNegativeDecimal, Text

UNLOCODE_OR_IATA = r"^([A-Z]{2}[A-Z2-9]{3}|[A-Z]{3})$"
LocationCode = Annotated[str, StringConstraints(pattern=UNLOCODE_OR_IATA)]
"""A UN/LOCODE (``USLAX``) or an IATA airport code (``LAX``)."""


class StatusCode(StrEnum):
    """Our order statuses, in the order a PO normally passes them."""

    RECEIVED = "received"
    """Order receipt confirmation: the PO was read and stored."""
    ACCEPTED = "accepted"
    """Approved for fulfillment (fulfillment orders created)."""
    REJECTED = "rejected"
    ON_HOLD = "on_hold"
    PROCESSING = "processing"
    PICKED = "picked"
    PACKED = "packed"
    SHIPPED = "shipped"
    IN_TRANSIT = "in_transit"
    DELIVERED = "delivered"
    CANCELED = "canceled"
    EXCEPTION = "exception"
    """Something went wrong; ``reason`` says what."""


class ShippedLine(Strict):
    line_number: LineNumber = Field(description="PO line number as the partner sent it.")
    sku: Identifier | None = Field(default=None, description="SKU shipped.")
    quantity: NonNegativeDecimal = Field(description="Quantity in this event (e.g. shipped).")
    uom: Identifier = Field(default="EA", description="Unit of measure.")


class StatusEvent(Strict):
    """One status change of a PO or of one of its fulfillment orders."""

    po_number: Identifier = Field(description="The partner's PO number.")
    fulfillment_order: Identifier | None = Field(
        default=None, description="External id of the fulfillment order, when it concerns one."
    )
    code: StatusCode = Field(description="Our status code.")
    at: IsoDateTime = Field(description="When it happened.")
    location: Text | None = Field(default=None, description="Where (warehouse, port, city).")
    reason: Text | None = Field(default=None, description="Why; required for exceptions.")
    carrier: Text | None = Field(default=None, description="Carrier (SCAC or name) when shipped.")
    tracking_number: Identifier | None = Field(default=None, description="Carrier tracking id.")
    lines: list[ShippedLine] = Field(
        default_factory=list, description="Lines and quantities concerned (e.g. shipped)."
    )


class TransportMode(StrEnum):
    OCEAN = "ocean"
    AIR = "air"
    ROAD = "road"
    RAIL = "rail"


class SpaceStatus(StrEnum):
    CONFIRMED = "confirmed"
    PENDING = "pending"
    CONDITIONALLY_CONFIRMED = "conditionally_confirmed"
    REJECTED = "rejected"


class Equipment(Strict):
    type: Identifier = Field(description="ISO 6346 size/type code such as 45G1, or ULD type.")
    count: int = Field(ge=1, description="How many.")


class Booking(Strict):
    """A cargo booking confirmation from a carrier or forwarder."""

    booking_reference: Identifier = Field(description="The carrier's booking reference.")
    carrier: Text = Field(description="Carrier code (SCAC / IATA airline) or name.")
    mode: TransportMode = Field(description="Ocean, air, road or rail.")
    vessel: Text | None = Field(default=None, description="Vessel name (ocean).")
    voyage: Identifier | None = Field(default=None, description="Voyage number (ocean).")
    flight_number: Identifier | None = Field(default=None, description="Flight number (air).")
    origin: LocationCode = Field(description="Port/airport of loading (UN/LOCODE or IATA).")
    destination: LocationCode = Field(description="Port/airport of discharge.")
    etd: IsoDateTime = Field(description="Estimated time of departure.")
    eta: IsoDateTime = Field(description="Estimated time of arrival.")
    cargo_cutoff: IsoDateTime | None = Field(default=None, description="Cargo cut-off.")
    equipment: list[Equipment] = Field(default_factory=list, description="Containers / ULDs.")
    space_status: SpaceStatus = Field(description="Whether space is confirmed.")
    purchase_orders: list[Identifier] = Field(
        default_factory=list, description="PO numbers the booking carries."
    )
    fulfillment_orders: list[Identifier] = Field(
        default_factory=list, description="Fulfillment order external ids it carries."
    )
    remarks: Text | None = Field(default=None, description="Carrier remarks.")


# --- published documents: what a status / booking file holds (both directions) -------------


class ReportedStatus(StatusEvent):
    """A status event as written to a partner: with the partner's own code and our event id."""

    event_id: int | None = Field(
        default=None, ge=1, description="Our id of the event (unique per partner); outbound only."
    )
    partner_code: Text | None = Field(
        default=None, description="The partner's custom code for ``code`` (profile mapping)."
    )


class ReportedBooking(Booking):
    """A booking as written to a partner: with the version number of this change."""

    version: int | None = Field(
        default=None, ge=1, description="Version of the booking (1 = first confirmation)."
    )


class OrderStatusDocument(Strict):
    """A file of order status events: what we send, and what a warehouse may send us."""

    document_type: Literal["order_status"] = Field(description="Always order_status.")
    partner_id: Identifier | None = Field(default=None, description="Receiving partner (ours).")
    generated_at: IsoDateTime | None = Field(default=None, description="When the file was made.")
    control_number: int | None = Field(default=None, ge=1, description="File control number.")
    events: list[ReportedStatus] = Field(min_length=1, description="Status events, oldest first.")


class BookingConfirmationDocument(Strict):
    """A file of booking confirmations: what we send, and what a carrier may send us."""

    document_type: Literal["booking_confirmation"] = Field(description="Always this.")
    partner_id: Identifier | None = Field(default=None, description="Receiving partner (ours).")
    generated_at: IsoDateTime | None = Field(default=None, description="When the file was made.")
    control_number: int | None = Field(default=None, ge=1, description="File control number.")
    bookings: list[ReportedBooking] = Field(
        min_length=1, description="Booking confirmations (each a version of one booking)."
    )
