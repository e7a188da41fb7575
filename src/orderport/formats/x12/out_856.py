"""856 ship notice: one transaction set per shipped event, structure S-O-I (BSN05 0004).

We know what left the warehouse per PO line, not how it was packed, so there is no pack or tare
level: Shipment -> Order -> Item.

- BSN: 00 original, shipment id (the fulfillment order, else the tracking number, else
  ``<PO>-<yymmddHHMM>`` of the event), date and time of this notice, 0004.
- Shipment HL: TD5 (B, 2 = SCAC, when the carrier is a 2-4 letter SCAC; else its name in TD505),
  REF*CN tracking number, the status REF (see ``out_855.status_ref``), DTM*011 shipped at
  (date, time, UT or LT), N1*ST from the PO, N1*SF the event's location.
  TD1 is not written: the event carries no package count or weight.
- Order HL: PRF PO number and PO date.
- Item HL per shipped line: LIN with the PO line's ids (see ``out_items``), SN1 shipped quantity
  and unit, then the ordered quantity and unit (SN105/SN106), so a partial shipment shows.
  An event without lines ships every PO line in full.
- CTT: number of HL segments, hash total of the shipped quantities.
"""

from __future__ import annotations

import re
from decimal import Decimal

from orderport.formats.outbound import PoStatusItem
from orderport.formats.x12.out_855 import status_ref
from orderport.formats.x12.out_common import (
    TransactionSet,
    X12File,
    X12RenderError,
    time_code,
    x12_date,
    x12_decimal,
    x12_time,
)
from orderport.formats.x12.out_items import product_id_pairs
from orderport.model.purchase_order import Line
from orderport.model.tracking import ShippedLine, StatusCode

SHIPPED = frozenset([StatusCode.SHIPPED])
SCAC = re.compile(r"[A-Z]{2,4}")


def write_856(
    doc: X12File, item: PoStatusItem, status_qualifier: str, buyer_sku_qualifier: str
) -> None:
    po, event = item.po, item.event
    if event.code not in SHIPPED:
        raise X12RenderError(
            f"856 for PO {po.po_number}: status {event.code.value!r} is not a shipment; "
            "acknowledgments go in the 855"
        )
    ts = doc.begin("856", f"856 for PO {po.po_number}")
    shipped = _shipped_lines(ts, item)
    shipment_id = (
        event.fulfillment_order
        or event.tracking_number
        or f"{po.po_number}-{event.at.strftime('%y%m%d%H%M')}"
    )
    now = doc.ctx.now
    ts.seg(
        "BSN",
        "00",
        ts.ident(shipment_id, 30, "BSN02 shipment id"),
        x12_date(now.date()),
        x12_time(now),
        "0004",
    )
    hl = 1
    ts.seg("HL", "1", "", "S", "1")
    if event.carrier:
        if SCAC.fullmatch(event.carrier):
            ts.seg("TD5", "B", "2", event.carrier)
        else:
            ts.seg("TD5", "B", "", "", "", ts.text(event.carrier, 35))
    if event.tracking_number:
        ts.seg("REF", "CN", ts.ident(event.tracking_number, 50 if doc.five else 30, "REF*CN"))
    status_ref(ts, doc.ctx, item, status_qualifier)
    ts.seg("DTM", "011", x12_date(event.at.date()), x12_time(event.at), time_code(event.at))
    ship_to = po.ship_to
    if ship_to is not None and (ship_to.name or ship_to.location_id):
        ts.seg(
            "N1",
            "ST",
            ts.text(ship_to.name, 60),
            "92" if ship_to.location_id else "",
            ts.ident(ship_to.location_id, 80, "N104 ship-to id") if ship_to.location_id else "",
        )
    if event.location:
        ts.seg("N1", "SF", ts.text(event.location, 60))
    hl += 1
    ts.seg("HL", str(hl), "1", "O", "1")
    ts.seg(
        "PRF",
        ts.ident(po.po_number, 22, "PRF01 PO number"),
        "",
        "",
        x12_date(po.order_date) if po.order_date else "",
    )
    hash_total = Decimal(0)
    for line, entry in shipped:
        hl += 1
        ts.seg("HL", str(hl), "2", "I", "0")
        where = f"LIN line {line.line_number}"
        lin = ["LIN", str(line.line_number)]
        for qualifier, value in product_id_pairs(line, buyer_sku_qualifier):
            lin += [qualifier, ts.ident(value, 48, f"{where} {qualifier} id")]
        if len(lin) == 2 and entry.sku:
            lin += ["SK", ts.ident(entry.sku, 48, f"{where} SK id")]
        ts.seg(*lin)
        hash_total += entry.quantity
        ts.seg(
            "SN1",
            "",
            x12_decimal(entry.quantity),
            ts.unit(entry.uom, f"SN1 line {line.line_number} unit"),
            "",
            x12_decimal(line.quantity),
            ts.unit(line.uom, f"SN1 line {line.line_number} ordered unit"),
        )
    ts.seg("CTT", str(hl), x12_decimal(hash_total))
    ts.end()


def _shipped_lines(ts: TransactionSet, item: PoStatusItem) -> list[tuple[Line, ShippedLine]]:
    po, event = item.po, item.event
    if not event.lines:
        return [
            (line, ShippedLine(line_number=line.line_number, quantity=line.quantity, uom=line.uom))
            for line in po.lines
        ]
    by_number = {line.line_number: line for line in po.lines}
    result: list[tuple[Line, ShippedLine]] = []
    for entry in event.lines:
        line = by_number.get(entry.line_number)
        if line is None:
            raise X12RenderError(
                f"{ts.subject}: the event ships line {entry.line_number}, "
                "which the PO does not have"
            )
        result.append((line, entry))
    return result
