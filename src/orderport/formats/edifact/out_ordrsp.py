"""ORDRSP (purchase order response): one message per status event of a PO.

Shape: UNH, BGM 231 (message function 1225 from the event), DTM 137 (written) and 7 (the
event's time), FTX ACB (the status code: the partner's custom code when the profile maps one,
plus the reason), RFF ON (the PO number, DTM 171 its order date), NAD BY/SU/DP, per PO line
LIN (GTIN as EN, action 1229) / PIA / IMD / QTY 21 (ordered) / QTY 113 (to be delivered), UNS,
CNT 2 (line count), UNT.

Verdicts: ``rejected`` and ``canceled`` refuse every line (BGM 27, LIN 7, QTY 113 = 0).
``received``, ``on_hold`` and ``exception`` say the PO is not processed yet (BGM 12, lines
without an action or QTY 113). Any other status means the PO goes ahead: each line is 5 when the
event leaves it as ordered, 3 when the event gives another quantity, 7 when it gives 0; BGM is
29 when every line is 5, 27 when every line is 7, otherwise 4 (change).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from orderport.formats.edifact.out_common import (
    OutboundInterchange,
    add_line_item,
    add_nad,
    add_status_ftx,
    check_same_po,
    dtm,
    event_lines,
    number,
    shipped_uom,
)
from orderport.model import Line, PurchaseOrder
from orderport.model.tracking import StatusCode, StatusEvent

DOCUMENT_ORDER_RESPONSE = "231"

ACCEPTED_WITHOUT_AMENDMENT = "29"
CHANGE = "4"
NOT_ACCEPTED = "27"
NOT_PROCESSED = "12"

LINE_ACCEPTED = "5"
LINE_CHANGED = "3"
LINE_NOT_ACCEPTED = "7"

REFUSED = frozenset({StatusCode.REJECTED, StatusCode.CANCELED})
UNDECIDED = frozenset({StatusCode.RECEIVED, StatusCode.ON_HOLD, StatusCode.EXCEPTION})


@dataclass(frozen=True)
class LineVerdict:
    line: Line
    action: str
    """1229, or "" when the event decides nothing about the line."""
    to_deliver: Decimal | None
    uom: str


def line_verdicts(po: PurchaseOrder, event: StatusEvent) -> list[LineVerdict]:
    """What the event says about each PO line (see the module docstring)."""
    given = event_lines(po, event)
    out: list[LineVerdict] = []
    for line in po.lines:
        if event.code in REFUSED:
            out.append(LineVerdict(line, LINE_NOT_ACCEPTED, Decimal(0), line.uom))
            continue
        if event.code in UNDECIDED:
            out.append(LineVerdict(line, "", None, line.uom))
            continue
        shipped = given.get(line.line_number)
        if shipped is None:
            out.append(LineVerdict(line, LINE_ACCEPTED, line.quantity, line.uom))
            continue
        uom = shipped_uom(shipped, line)
        if shipped.quantity == 0:
            out.append(LineVerdict(line, LINE_NOT_ACCEPTED, Decimal(0), uom))
        elif shipped.quantity == line.quantity and uom == line.uom:
            out.append(LineVerdict(line, LINE_ACCEPTED, line.quantity, uom))
        else:
            out.append(LineVerdict(line, LINE_CHANGED, shipped.quantity, uom))
    return out


def message_function(event: StatusEvent, verdicts: list[LineVerdict]) -> str:
    """BGM 1225 for the event and its line verdicts."""
    if event.code in REFUSED:
        return NOT_ACCEPTED
    if event.code in UNDECIDED:
        return NOT_PROCESSED
    actions = {verdict.action for verdict in verdicts}
    if actions <= {LINE_ACCEPTED}:
        return ACCEPTED_WITHOUT_AMENDMENT
    if actions == {LINE_NOT_ACCEPTED}:
        return NOT_ACCEPTED
    return CHANGE


def write_ordrsp(interchange: OutboundInterchange, po: PurchaseOrder, event: StatusEvent) -> None:
    check_same_po(po, event)
    ctx = interchange.ctx
    verdicts = line_verdicts(po, event)
    message = interchange.message()
    message.add(
        "BGM",
        DOCUMENT_ORDER_RESPONSE,
        interchange.document_number(message),
        message_function(event, verdicts),
    )
    message.add("DTM", dtm("137", ctx.now))
    message.add("DTM", dtm("7", event.at))
    add_status_ftx(message, ctx, event.code.value, event.reason)
    message.add("RFF", ["ON", po.po_number])
    if po.order_date is not None:
        message.add("DTM", dtm("171", po.order_date))
    add_nad(message, "BY", po.organisations.buyer)
    add_nad(message, "SU", po.organisations.vendor)
    add_nad(message, "DP", address=po.ship_to)
    for verdict in verdicts:
        line = verdict.line
        add_line_item(message, line, verdict.action)
        message.add("QTY", ["21", number(line.quantity), line.uom])
        if verdict.to_deliver is not None:
            message.add("QTY", ["113", number(verdict.to_deliver), verdict.uom])
    message.add("UNS", "S")
    message.add("CNT", ["2", str(len(verdicts))])
