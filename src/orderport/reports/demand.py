"""Demand-planning extract (seed 000): ordered quantity by SKU and ISO week, as CSV.

Counts the current version of every PO that is not canceled. A line's week is the ISO week of its
requested delivery date, else the PO's delivery window (start, then end), else the order date,
else the day the version was stored. Quantities stay Decimal and are summed per unit of measure,
since 5 cases and 5 each are not 10 of anything. (Parquet would need pyarrow, which this project
does not ship; CSV opens everywhere.)
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, and_, select

from orderport.formats.results.safety import neutralise_cell
from orderport.store import tables as t

HEADER = ("sku", "uom", "iso_week", "week_start", "quantity", "lines", "pos")


@dataclass(frozen=True)
class DemandRow:
    sku: str
    uom: str
    iso_week: str
    """``2026-W07``."""
    week_start: date
    quantity: Decimal
    lines: int
    pos: int


def _parse_date(value: object) -> date | None:
    if isinstance(value, str) and len(value) >= 10:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _po_date(document: Mapping[str, Any]) -> date | None:
    window = document.get("delivery_window")
    if isinstance(window, Mapping):
        for key in ("start", "end"):
            found = _parse_date(window.get(key))
            if found:
                return found
    return _parse_date(document.get("order_date"))


def _week(day: date) -> tuple[str, date]:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}", date.fromisocalendar(year, week, 1)


def demand_rows(engine: Engine, partner_id: str | None = None) -> list[DemandRow]:
    """The extract's rows, sorted by SKU, unit and week."""
    po, v, ln = t.purchase_orders, t.po_versions, t.po_lines
    query = (
        select(
            po.c.id,
            v.c.document,
            v.c.created_at,
            ln.c.sku,
            ln.c.buyer_sku,
            ln.c.quantity,
            ln.c.uom,
            ln.c.requested_delivery_date,
        )
        .join(v, and_(v.c.po_id == po.c.id, v.c.version == po.c.current_version))
        .join(ln, and_(ln.c.po_id == po.c.id, ln.c.version == po.c.current_version))
        .where(po.c.status != "canceled")
    )
    if partner_id is not None:
        query = query.where(po.c.partner_id == partner_id)
    quantity: dict[tuple[str, str, str], Decimal] = defaultdict(Decimal)
    lines: dict[tuple[str, str, str], int] = defaultdict(int)
    pos: dict[tuple[str, str, str], set[int]] = defaultdict(set)
    starts: dict[str, date] = {}
    with engine.connect() as conn:
        for po_id, document, stored_at, sku, buyer_sku, qty, uom, requested in conn.execute(query):
            doc = document if isinstance(document, Mapping) else {}
            stored = stored_at.date() if isinstance(stored_at, datetime) else date.today()
            day = requested or _po_date(doc) or stored
            week, start = _week(day)
            starts[week] = start
            key = (sku or buyer_sku or "", uom, week)
            quantity[key] += Decimal(qty)
            lines[key] += 1
            pos[key].add(po_id)
    return [
        DemandRow(k[0], k[1], k[2], starts[k[2]], quantity[k], lines[k], len(pos[k]))
        for k in sorted(quantity)
    ]


def write_demand_csv(rows: list[DemandRow], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(HEADER)
        for r in rows:
            week_start = r.week_start.isoformat()
            # SKUs and units are the partner's text: a "=HYPERLINK(...)" must not run in Excel.
            sku, uom = neutralise_cell(r.sku), neutralise_cell(r.uom)
            writer.writerow((sku, uom, r.iso_week, week_start, str(r.quantity), r.lines, r.pos))
    return path
