"""The contract for outbound files: what an export pass hands a writer, and what it gets back.

Writers are pure: data and envelope numbers in, bytes out. The export pass allocates control
numbers from the store, renders, queues the bytes in the outbox, and a delivery pass sends them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from orderport.model import PurchaseOrder
from orderport.model.tracking import Booking, StatusEvent


class Envelope(StrEnum):
    """The envelope a document travels in; each has one control-number space per partner.

    A partner profile names one identity of ours per standard (``orderport.store.identities``),
    so a sequence per partner is a sequence per (our id, partner id) pair.
    """

    X12 = "x12"
    """ISA13 (interchange) and GS06 (group): 997, TA1, 855, 856, 301 share both."""
    EDIFACT = "edifact"
    """UNB 0020: CONTRL, ORDRSP, DESADV, IFTMBC share it."""


@dataclass(frozen=True)
class EdiParty:
    """One side of an interchange: X12 ISA05/ISA06 (+ GS02/03), EDIFACT UNB 0004/0007."""

    interchange_id: str
    qualifier: str = "ZZ"
    application_id: str | None = None


@dataclass(frozen=True)
class OutboundContext:
    """Everything about the envelope and the partner that is not the payload."""

    partner_id: str
    now: datetime
    control_number: int
    """ISA13 / UNB 0020 for this file (CSV/JSON files: their own file sequence)."""
    sender: EdiParty
    """Us."""
    receiver: EdiParty
    """The partner."""
    x12_version: str = "004010"
    edifact_version: str = "D96A"
    test_indicator: bool = False
    status_codes: dict[str, str] = field(default_factory=dict)
    """Our status code -> the partner's custom code (profile ``custom_status_codes``)."""
    group_control: int | None = None
    """X12 GS06 (the partner's group sequence); ISA13 when not given."""
    edifact_syntax: str = "UNOC"
    """UNB S001 syntax identifier: UNOA/UNOB/UNOC (one byte per character) or UNOW/UNOY (UTF-8)."""


@dataclass(frozen=True)
class PoStatusItem:
    """A status event with the PO it concerns (855 / ORDRSP / 856 / DESADV need the PO)."""

    po: PurchaseOrder
    event: StatusEvent


@dataclass(frozen=True)
class Rendered:
    """A rendered file: its bytes and how to name and label it."""

    content: bytes
    extension: str
    media_type: str


class StatusWriter(Protocol):
    """855, 856, ORDRSP, DESADV, CSV, JSON: many status items in one file."""

    name: str
    envelope: Envelope | None
    """The envelope whose control numbers the file carries (None: CSV/JSON)."""

    def render(self, items: Sequence[PoStatusItem], ctx: OutboundContext) -> Rendered: ...


class BookingWriter(Protocol):
    """301, IFTMBC, CSV, JSON: many bookings in one file."""

    name: str
    envelope: Envelope | None

    def render(self, bookings: Sequence[Booking], ctx: OutboundContext) -> Rendered: ...
