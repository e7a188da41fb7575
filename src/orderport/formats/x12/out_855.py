"""855 purchase order acknowledgment: one transaction set per status item.

BAK01 is 00 (original). BAK02 and the ACK01 of each line follow the event:

=============  ======  ==========================================================
our status     BAK02   lines (PO1 + ACK)
=============  ======  ==========================================================
received       AK      none: acknowledged, no detail (the PO is not approved yet)
accepted       AD      every line IA with its ordered quantity, when the event
                       lists no lines or confirms each one in full
accepted       AC      the event lists lines: a listed line confirmed in full is IA,
                       with another quantity IQ (or IC if the unit differs), with 0
                       IR; a line it leaves out is IB (backordered)
on_hold        AH      every line IH (on hold)
rejected       RD      every line IR (reject with detail)
=============  ======  ==========================================================

The partner-visible status is REF*<status qualifier, default ZZ>: REF02 is the partner's custom
code from ``ctx.status_codes`` (our code when the profile defines none), REF03 the reason.
BAK04 is the PO date (the event date when the PO has none); BAK09 the acknowledgment date.
N1 ST and BY echo the PO's ship-to and buyer; CTT carries the line count and quantity hash.
"""

from __future__ import annotations

from decimal import Decimal

from orderport.formats.outbound import OutboundContext, PoStatusItem
from orderport.formats.x12.out_common import (
    TransactionSet,
    X12File,
    X12RenderError,
    x12_date,
    x12_decimal,
)
from orderport.formats.x12.out_items import product_id_pairs
from orderport.model.purchase_order import Line, PurchaseOrder
from orderport.model.tracking import ShippedLine, StatusCode

ACKNOWLEDGED = frozenset(
    [StatusCode.RECEIVED, StatusCode.ACCEPTED, StatusCode.ON_HOLD, StatusCode.REJECTED]
)
_ALL_LINES = {StatusCode.ON_HOLD: ("AH", "IH"), StatusCode.REJECTED: ("RD", "IR")}


def status_ref(ts: TransactionSet, ctx: OutboundContext, item: PoStatusItem, q: str) -> None:
    """REF*q*<partner's code for the status>*<reason>: shared by the 855 and the 856."""
    code = item.event.code.value
    partner_code = ctx.status_codes.get(code, code)
    width = 50 if ts.doc.five else 30
    ts.seg(
        "REF",
        q,
        ts.ident(partner_code, width, "REF02 status code"),
        ts.text(item.event.reason, 80),
    )


def write_855(
    doc: X12File, item: PoStatusItem, status_qualifier: str, buyer_sku_qualifier: str
) -> None:
    po, event = item.po, item.event
    if event.code not in ACKNOWLEDGED:
        known = ", ".join(sorted(code.value for code in ACKNOWLEDGED))
        raise X12RenderError(
            f"855 for PO {po.po_number}: status {event.code.value!r} is not an acknowledgment "
            f"({known}); ship notices go in the 856"
        )
    ts = doc.begin("855", f"855 for PO {po.po_number}")
    lines = _line_statuses(ts, po, event.code, event.lines)
    if event.code in _ALL_LINES:
        ack_type = _ALL_LINES[event.code][0]
    elif event.code == StatusCode.ACCEPTED:
        ack_type = "AD" if all(status == "IA" for status, _, _ in lines) else "AC"
    else:
        ack_type = "AK"
    po_date = po.order_date or event.at.date()
    ts.seg(
        "BAK",
        "00",
        ack_type,
        ts.ident(po.po_number, 22, "BAK03 PO number"),
        x12_date(po_date),
        "",
        "",
        "",
        "",
        x12_date(event.at.date()),
    )
    status_ref(ts, doc.ctx, item, status_qualifier)
    _parties(ts, po)
    if lines:
        for line, (status, quantity, uom) in zip(po.lines, lines, strict=True):
            _po1(ts, line, buyer_sku_qualifier)
            ts.seg("ACK", status, x12_decimal(quantity), ts.unit(uom, "ACK03 unit"))
        ts.seg("CTT", str(len(lines)), x12_decimal(po.line_quantity_total()))
    ts.end()


def _line_statuses(
    ts: TransactionSet, po: PurchaseOrder, code: StatusCode, listed: list[ShippedLine]
) -> list[tuple[str, Decimal, str]]:
    """(ACK01, ACK02 quantity, ACK03 unit) for each PO line, in PO order; [] for received."""
    if code == StatusCode.RECEIVED:
        return []
    if code in _ALL_LINES:
        status = _ALL_LINES[code][1]
        return [(status, line.quantity, line.uom) for line in po.lines]
    by_number = {line.line_number: line for line in po.lines}
    confirmed: dict[str, ShippedLine] = {}
    for entry in listed:
        if entry.line_number not in by_number:
            raise X12RenderError(
                f"{ts.subject}: the event confirms line {entry.line_number}, "
                "which the PO does not have"
            )
        confirmed[entry.line_number] = entry
    return [_line_status(line, confirmed.get(line.line_number), bool(listed)) for line in po.lines]


def _line_status(
    line: Line, confirmed: ShippedLine | None, listed: bool
) -> tuple[str, Decimal, str]:
    if not listed:
        return ("IA", line.quantity, line.uom)
    if confirmed is None:
        return ("IB", line.quantity, line.uom)
    if confirmed.quantity == 0:
        return ("IR", line.quantity, line.uom)
    if confirmed.uom != line.uom:
        return ("IC", confirmed.quantity, confirmed.uom)
    if confirmed.quantity == line.quantity:
        return ("IA", confirmed.quantity, confirmed.uom)
    return ("IQ", confirmed.quantity, confirmed.uom)


def _parties(ts: TransactionSet, po: PurchaseOrder) -> None:
    ship_to = po.ship_to
    if ship_to is not None and (ship_to.name or ship_to.location_id):
        ts.seg(
            "N1",
            "ST",
            ts.text(ship_to.name, 60),
            "92" if ship_to.location_id else "",
            ts.ident(ship_to.location_id, 80, "N104 ship-to id") if ship_to.location_id else "",
        )
    buyer = po.organisations.buyer
    if buyer is not None:
        ts.seg("N1", "BY", ts.text(buyer.name, 60), "92", ts.ident(buyer.id, 80, "N104 buyer id"))


def _po1(ts: TransactionSet, line: Line, buyer_sku_qualifier: str) -> None:
    where = f"PO1 line {line.line_number}"
    elements = [
        "PO1",
        str(line.line_number),
        x12_decimal(line.quantity),
        ts.unit(line.uom, f"{where} unit"),
        x12_decimal(line.unit_cost.amount) if line.unit_cost else "",
        "",
    ]
    for qualifier, value in product_id_pairs(line, buyer_sku_qualifier):
        elements += [qualifier, ts.ident(value, 48, f"{where} {qualifier} id")]
    ts.seg(*elements)
