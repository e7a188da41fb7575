"""X12 outbound writers: 855 PO acknowledgment, 856 ship notice, 301 booking confirmation.

Each ``render`` call writes one file: one interchange, one functional group (PR for the 855,
SH for the 856, RO for the 301), one transaction set per status item or booking, version
``ctx.x12_version`` (004010 or 005010), ISA13 = GS06 = ``ctx.control_number``. Segment content
and code choices are documented in ``out_855``, ``out_856`` and ``out_301``.

Which statuses a status writer can carry is in its ``codes``; the export pass routes the others
elsewhere (an item it cannot carry is an ``X12RenderError``, never silently dropped).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from orderport.formats.outbound import Envelope, OutboundContext, PoStatusItem, Rendered
from orderport.formats.x12.out_301 import default_action_codes, write_301
from orderport.formats.x12.out_855 import ACKNOWLEDGED, write_855
from orderport.formats.x12.out_856 import SHIPPED, write_856
from orderport.formats.x12.out_common import X12File, X12RenderError
from orderport.model.tracking import Booking, SpaceStatus, StatusCode

EXTENSION = "edi"
MEDIA_TYPE = "application/edi-x12"

__all__ = [
    "X12_301",
    "X12_855",
    "X12_856",
    "X12BookingConfirmation",
    "X12PoAcknowledgment",
    "X12RenderError",
    "X12ShipNotice",
]


def _rendered(doc: X12File) -> Rendered:
    return Rendered(content=doc.finish(), extension=EXTENSION, media_type=MEDIA_TYPE)


def _check_qualifier(name: str, value: str) -> str:
    if len(value) not in (2, 3) or not value.isascii() or not value.isalnum():
        raise ValueError(f"{name} must be a 2-3 character X12 qualifier, got {value!r}")
    return value


class _StatusWriter:
    name: str
    codes: frozenset[StatusCode]

    def __init__(
        self,
        *,
        newline: bool = True,
        status_qualifier: str = "ZZ",
        buyer_sku_qualifier: str = "IN",
    ) -> None:
        self.newline = newline
        """A line break after each segment terminator (``~\\n``): readable, and accepted by
        every translator we know; pass False for one long line."""
        self.status_qualifier = _check_qualifier("status_qualifier", status_qualifier)
        """REF01 of the segment carrying the partner-visible status code."""
        self.buyer_sku_qualifier = _check_qualifier("buyer_sku_qualifier", buyer_sku_qualifier)
        """Product id qualifier under which the buyer's SKU is echoed (IN, BP, PI...)."""


class X12PoAcknowledgment(_StatusWriter):
    """855: received, accepted, on_hold and rejected events."""

    name = "x12_855"
    envelope = Envelope.X12
    codes = ACKNOWLEDGED

    def render(self, items: Sequence[PoStatusItem], ctx: OutboundContext) -> Rendered:
        doc = X12File(ctx, "PR", self.newline)
        for item in items:
            write_855(doc, item, self.status_qualifier, self.buyer_sku_qualifier)
        return _rendered(doc)


class X12ShipNotice(_StatusWriter):
    """856: shipped events."""

    name = "x12_856"
    envelope = Envelope.X12
    codes = SHIPPED

    def render(self, items: Sequence[PoStatusItem], ctx: OutboundContext) -> Rendered:
        doc = X12File(ctx, "SH", self.newline)
        for item in items:
            write_856(doc, item, self.status_qualifier, self.buyer_sku_qualifier)
        return _rendered(doc)


class X12BookingConfirmation:
    """301: bookings of any space status."""

    name = "x12_301"
    envelope = Envelope.X12

    def __init__(
        self,
        *,
        newline: bool = True,
        status_qualifier: str = "ZZ",
        action_codes: Mapping[SpaceStatus, str] | None = None,
    ) -> None:
        self.newline = newline
        self.status_qualifier = _check_qualifier("status_qualifier", status_qualifier)
        if action_codes is not None:
            missing = [status.value for status in SpaceStatus if status not in action_codes]
            if missing:
                raise ValueError(f"action_codes has no B104 code for {', '.join(missing)}")
        self.action_codes = action_codes
        """Space status -> B104 reservation action code; None: the standard mapping of the
        file's version (see ``out_301``)."""

    def render(self, bookings: Sequence[Booking], ctx: OutboundContext) -> Rendered:
        doc = X12File(ctx, "RO", self.newline)
        codes = self.action_codes or default_action_codes(doc.version)
        for booking in bookings:
            write_301(doc, booking, codes, self.status_qualifier)
        return _rendered(doc)


X12_855 = X12PoAcknowledgment()
X12_856 = X12ShipNotice()
X12_301 = X12BookingConfirmation()
