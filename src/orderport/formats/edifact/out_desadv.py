"""DESADV (despatch advice): one message per shipment, i.e. per status event of a PO.

Shape: UNH, BGM 351, DTM 137 (written) and 11 (despatch: the event's time), RFF ON (the PO
number, DTM 171 its order date), RFF CN (the carrier's tracking number), NAD BY/SU/DP, TDT 20
(the carrier) with LOC 5 (where it left from, as a place name), CPS 1 (the whole shipment)
with FTX ACB (the status code: the partner's custom code when the profile maps one), then per
shipped line LIN / PIA / IMD / QTY 12 (despatched) / QTY 21 (ordered) / RFF ON (PO and line),
CNT 2 (line count), UNT.

An event without lines ships the whole PO as ordered; lines shipped with quantity 0 are left
out. Meant for ``shipped`` events; others are written the same way with their own status code.
"""

from __future__ import annotations

from orderport.formats.edifact.out_common import (
    NAME_LENGTH,
    OutboundInterchange,
    add_line_item,
    add_nad,
    add_status_ftx,
    carrier,
    check_same_po,
    dtm,
    event_lines,
    number,
    shipped_uom,
)
from orderport.model import Line, PurchaseOrder
from orderport.model.tracking import ShippedLine, StatusEvent

DOCUMENT_DESPATCH_ADVICE = "351"
ORIGINAL = "9"
MAIN_CARRIAGE = "20"
PLACE_OF_DEPARTURE = "5"
WHOLE_SHIPMENT = "1"


def shipped_lines(po: PurchaseOrder, event: StatusEvent) -> list[tuple[Line, ShippedLine]]:
    """PO lines with what the event says was despatched, in PO line order."""
    given = event_lines(po, event)
    if not given:
        return [
            (
                line,
                ShippedLine(
                    line_number=line.line_number, sku=line.sku, quantity=line.quantity, uom=line.uom
                ),
            )
            for line in po.lines
        ]
    return [
        (line, given[line.line_number])
        for line in po.lines
        if line.line_number in given and given[line.line_number].quantity > 0
    ]


def write_desadv(interchange: OutboundInterchange, po: PurchaseOrder, event: StatusEvent) -> None:
    check_same_po(po, event)
    ctx = interchange.ctx
    lines = shipped_lines(po, event)
    message = interchange.message()
    message.add("BGM", DOCUMENT_DESPATCH_ADVICE, interchange.document_number(message), ORIGINAL)
    message.add("DTM", dtm("137", ctx.now))
    message.add("DTM", dtm("11", event.at))
    message.add("RFF", ["ON", po.po_number])
    if po.order_date is not None:
        message.add("DTM", dtm("171", po.order_date))
    if event.tracking_number:
        message.add("RFF", ["CN", event.tracking_number])
    add_nad(message, "BY", po.organisations.buyer)
    add_nad(message, "SU", po.organisations.vendor)
    add_nad(message, "DP", address=po.ship_to)
    if event.carrier or event.location:
        message.add(
            "TDT", MAIN_CARRIAGE, "", "", "", carrier(event.carrier) if event.carrier else ""
        )
        if event.location:
            message.add("LOC", PLACE_OF_DEPARTURE, ["", "", "", event.location[:NAME_LENGTH]])
    message.add("CPS", WHOLE_SHIPMENT)
    add_status_ftx(message, ctx, event.code.value, event.reason)
    for line, shipped in lines:
        add_line_item(message, line)
        message.add("QTY", ["12", number(shipped.quantity), shipped_uom(shipped, line)])
        message.add("QTY", ["21", number(line.quantity), line.uom])
        message.add("RFF", ["ON", po.po_number, str(line.line_number)])
    message.add("CNT", ["2", str(len(lines))])
