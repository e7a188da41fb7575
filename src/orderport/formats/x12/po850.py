"""850 purchase order -> canonical dict (see ``builder`` for the segment rules).

Header: BEG (purpose, type, number, release, date), CUR, REF, DTM, FOB, ITD, MSG, N1 loops
(N1/N2/N3/N4). Detail: PO1 loops with PID (free-form description), PO4 (pack), DTM (line
dates). Summary: CTT (line count and quantity hash total, checked -> warnings) and AMT*TT.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from orderport.formats.numbers import count_value, preview
from orderport.formats.x12 import results as r
from orderport.formats.x12.builder import DocumentBuilder
from orderport.formats.x12.context import SetContext, element
from orderport.formats.x12.dictionary import check_segment, suspect_positions
from orderport.model import Severity

_LINE_SEGMENTS = frozenset(["PID", "PO4", "DTM", "SAC", "REF", "MSG", "SDQ", "TC2", "N9"])


def check_ctt(
    ctx: SetContext,
    segment: list[str],
    pos: int,
    line_count: int,
    hash_total: Decimal,
    what: str,
) -> None:
    """CTT01 (number of line items) and CTT02 (hash total of quantities): warnings if wrong."""
    declared = element(segment, 1)
    if declared and count_value(declared) != line_count:
        ctx.problem(
            "read.ctt_line_count",
            "$.lines",
            f"says {preview(declared)} {what} but the set has {line_count}",
            "CTT",
            pos,
            1,
            severity=Severity.WARNING,
        )
    total = ctx.decimal(segment, 2, pos, "$.lines", "347")
    if total is not None and Decimal(total) != hash_total:
        ctx.problem(
            "read.ctt_hash_total",
            "$.lines",
            f"hash total {total} does not equal the sum of line quantities {hash_total}",
            "CTT",
            pos,
            2,
            severity=Severity.WARNING,
        )


def map_850(ctx: SetContext, default_currency: str) -> dict[str, Any]:
    data: dict[str, Any] = {}
    b = DocumentBuilder(ctx, data, default_currency)
    lines: list[dict[str, Any]] = []
    line: dict[str, Any] | None = None
    prefix = ""
    hash_total = Decimal(0)
    seen_beg = False
    segments = ctx.ts.segments
    suspects = suspect_positions(segments, ctx.ts.separators.element)
    last = len(segments) if segments[-1][0] != "SE" else len(segments) - 1
    for pos in range(2, last + 1):
        segment = segments[pos - 1]
        tag = segment[0]
        if pos in suspects:
            check_segment(ctx, segment, pos)
        if tag == "PO1":
            ctx.loop = "PO1"
            prefix = f"$.lines[{len(lines)}]"
            line = {}
            lines.append(line)
            ctx.record(prefix, tag, pos, None)
            b.line_number(line, prefix, segment, pos, len(lines))
            quantity = b.quantity_uom_price(line, prefix, segment, pos, 2, 3, 4)
            if quantity is not None:
                hash_total += quantity
            b.product_ids(line, prefix, segment, pos, 6)
        elif line is not None and tag in _LINE_SEGMENTS:
            if tag == "PID":
                b.pid(line, prefix, segment, pos)
            elif tag == "PO4":
                b.po4(line, prefix, segment, pos)
            elif tag == "DTM":
                b.dtm_line(line, prefix, segment, pos)
        elif tag == "CTT":
            ctx.loop = "CTT"
            line = None
            check_ctt(ctx, segment, pos, len(lines), hash_total, "line items")
        elif tag == "AMT":
            b.amt(segment, pos)
        elif tag == "BEG":
            seen_beg = True
            b.purpose(segment, pos)
            po_type = element(segment, 2).strip()
            if po_type:
                ctx.set_value(data, "po_type", po_type, "$.po_type", tag, pos, 2)
            b.po_number(segment, pos, 3)
            release = element(segment, 4).strip()
            if release:
                b.attribute(data, "$", "release_number", release, tag, pos, 4)
            order_date = ctx.date(segment, 5, pos, "$.order_date")
            if order_date is not None:
                ctx.set_value(data, "order_date", order_date, "$.order_date", tag, pos, 5)
        elif line is None:
            _header(b, ctx, segment, pos)
    if not seen_beg:
        ctx.problem("read.segment_missing", "$", "the 850 has no BEG segment", "ST", 1)
        ctx.syntax_error("BEG", 2, None, "", "", "", segment_code=r.SEG_MANDATORY_MISSING)
    b.finish_header()
    if lines:
        data["lines"] = lines
    return data


def _header(b: DocumentBuilder, ctx: SetContext, segment: list[str], pos: int) -> None:
    tag = segment[0]
    if tag == "N1":
        ctx.loop = "N1"
        b.n1(segment, pos)
    elif tag == "N2":
        b.n2(segment, pos)
    elif tag == "N3":
        b.n3(segment, pos)
    elif tag == "N4":
        b.n4(segment, pos)
    elif tag == "CUR":
        b.cur(segment, pos)
    elif tag == "REF":
        b.ref(segment, pos)
    elif tag == "DTM":
        b.dtm_header(segment, pos)
    elif tag == "FOB":
        b.fob(segment, pos)
    elif tag == "ITD":
        b.itd(segment, pos)
    elif tag == "MSG":
        b.msg(segment, pos)
