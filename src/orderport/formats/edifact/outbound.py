"""EDIFACT outbound writers: ORDRSP and DESADV (status), IFTMBC (booking confirmation).

Each file is one interchange (UNA, UNB with UNB 0020 = ``ctx.control_number``, UNZ) holding
one message per status item or booking, referenced 1, 2, 3 ... in directory
``ctx.edifact_version`` (D96A, D01B, ...). Values are escaped with the release character.

Partner-visible status codes (``ctx.status_codes``, the profile's custom codes) are written in
FTX+ACB C107 (agency 92) of every ORDRSP (header) and DESADV (after CPS), and in an FTX+ACB of
IFTMBC when the profile maps the space status (``confirmed``, ``pending``, ...); the standard
coded elements (BGM 1225, 4343, LIN 1229) keep their UN/EDIFACT code lists.
"""

from __future__ import annotations

from collections.abc import Sequence

from orderport.formats.edifact.out_common import EdifactRenderError, OutboundInterchange
from orderport.formats.edifact.out_desadv import write_desadv
from orderport.formats.edifact.out_iftmbc import write_iftmbc
from orderport.formats.edifact.out_ordrsp import write_ordrsp
from orderport.formats.outbound import Envelope, OutboundContext, PoStatusItem, Rendered
from orderport.model.tracking import Booking

__all__ = [
    "DESADV",
    "IFTMBC",
    "ORDRSP",
    "DesadvWriter",
    "EdifactRenderError",
    "IftmbcWriter",
    "OrdrspWriter",
]


class OrdrspWriter:
    """Order responses: one ORDRSP message per status item (see ``out_ordrsp``)."""

    name = "edifact_ordrsp"
    envelope = Envelope.EDIFACT

    def render(self, items: Sequence[PoStatusItem], ctx: OutboundContext) -> Rendered:
        interchange = OutboundInterchange(ctx, "ORDRSP")
        for item in items:
            write_ordrsp(interchange, item.po, item.event)
        return interchange.render()


class DesadvWriter:
    """Despatch advices: one DESADV message per shipment event (see ``out_desadv``)."""

    name = "edifact_desadv"
    envelope = Envelope.EDIFACT

    def render(self, items: Sequence[PoStatusItem], ctx: OutboundContext) -> Rendered:
        interchange = OutboundInterchange(ctx, "DESADV")
        for item in items:
            write_desadv(interchange, item.po, item.event)
        return interchange.render()


class IftmbcWriter:
    """Booking confirmations: one IFTMBC message per booking (see ``out_iftmbc``)."""

    name = "edifact_iftmbc"
    envelope = Envelope.EDIFACT

    def render(self, bookings: Sequence[Booking], ctx: OutboundContext) -> Rendered:
        interchange = OutboundInterchange(ctx, "IFTMBC")
        for booking in bookings:
            write_iftmbc(interchange, booking)
        return interchange.render()


ORDRSP = OrdrspWriter()
DESADV = DesadvWriter()
IFTMBC = IftmbcWriter()
