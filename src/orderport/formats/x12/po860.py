"""860 purchase order change -> a ``merge`` function applied to the stored canonical PO.

Supported: BCH01 04/05 change (01 cancels the whole PO), BCH03 PO number, BCH06 PO date;
header CUR, REF, DTM (windows), FOB, ITD, MSG and N1 loops replace the stored values (a window
date replaces only the end it names; a party or address is replaced as a whole); POC loops
(POC, PID, PO4, DTM) with POC02:
  AI add item (POC01 must be a new line number), DI delete item, CA change (the values given
  replace the stored ones), PC price change (unit price only), QD / QI quantity decrease /
  increase (POC03 is the new ordered quantity, as the standard defines it; a change in the
  wrong direction is a warning), RZ replace all values (the line is rebuilt from the POC loop).
The line is found by POC01 (line number); without POC01, by its product ids (gtin, buyer_sku,
vendor_sku, sku). Problems found while merging (unknown line, an AI for an existing line)
are appended to the document's findings, with their location, before the pipeline validates
the merged result.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from orderport.formats.x12 import results as r
from orderport.formats.x12.builder import DocumentBuilder
from orderport.formats.x12.context import SetContext, element
from orderport.formats.x12.dictionary import check_segment, suspect_positions
from orderport.formats.x12.po850 import check_ctt
from orderport.model import Finding, Severity, SourceLocation

CHANGE_CODES = frozenset(["AI", "CA", "DI", "PC", "QD", "QI", "RZ"])
_MATCH_KEYS = ("gtin", "buyer_sku", "vendor_sku", "sku")
_TEMP = "$.poc["


@dataclass(slots=True)
class LineChange:
    code: str
    line: dict[str, Any]
    location: SourceLocation
    has_line_number: bool
    locations: list[tuple[str, SourceLocation]] = field(default_factory=list)
    """Provenance of the change's values, relative to the line (".quantity")."""


@dataclass(slots=True)
class ChangeOrder:
    header: dict[str, Any]
    changes: list[LineChange]


def map_860(ctx: SetContext, default_currency: str) -> tuple[dict[str, Any], ChangeOrder]:
    header: dict[str, Any] = {}
    b = DocumentBuilder(ctx, header, default_currency)
    changes: list[LineChange] = []
    line: dict[str, Any] | None = None
    prefix = ""
    hash_total = Decimal(0)
    seen_bch = False
    segments = ctx.ts.segments
    suspects = suspect_positions(segments, ctx.ts.separators.element)
    last = len(segments) if segments[-1][0] != "SE" else len(segments) - 1
    for pos in range(2, last + 1):
        segment = segments[pos - 1]
        tag = segment[0]
        if pos in suspects:
            check_segment(ctx, segment, pos)
        if tag == "POC":
            ctx.loop = "POC"
            line = {}
            code = element(segment, 2)
            prefix = f"{_TEMP}{len(changes)}]"
            if code not in CHANGE_CODES:
                ctx.problem(
                    "read.change_code",
                    "$.lines",
                    f"change type {code!r} is not supported (AI, CA, DI, PC, QD, QI, RZ)",
                    tag,
                    pos,
                    2,
                    syntax=(r.EL_INVALID_CODE, "670", code),
                )
                line = {}
                prefix = "$.ignored"
                continue
            b.line_number(line, prefix, segment, pos, 0)
            quantity = b.quantity_uom_price(line, prefix, segment, pos, 3, 5, 6)
            if quantity is not None:
                hash_total += quantity
            b.product_ids(line, prefix, segment, pos, 8)
            has_number = bool(element(segment, 1).strip()) and line["line_number"] not in (0, "")
            if not has_number:
                del line["line_number"]
            changes.append(LineChange(code, line, ctx.location(tag, pos, 2), has_number))
        elif line is not None and tag in ("PID", "PO4", "DTM"):
            if tag == "PID":
                b.pid(line, prefix, segment, pos)
            elif tag == "PO4":
                b.po4(line, prefix, segment, pos)
            else:
                b.dtm_line(line, prefix, segment, pos)
        elif tag == "CTT":
            line = None
            check_ctt(ctx, segment, pos, len(changes), hash_total, "changed lines")
        elif tag == "BCH":
            seen_bch = True
            b.purpose(segment, pos)
            b.po_number(segment, pos, 3)
            order_date = ctx.date(segment, 6, pos, "$.order_date")
            if order_date is not None:
                ctx.set_value(header, "order_date", order_date, "$.order_date", tag, pos, 6)
        elif line is None:
            _header(b, segment, pos)
    if not seen_bch:
        ctx.problem("read.segment_missing", "$", "the 860 has no BCH segment", "ST", 1)
        ctx.syntax_error("BCH", 2, None, "", "", "", segment_code=r.SEG_MANDATORY_MISSING)
    b.finish_header()
    _move_line_locations(ctx, changes)
    data: dict[str, Any] = {"purpose": "change"}
    if header.get("purpose") == "cancel":
        data["purpose"] = "cancel"
    header["purpose"] = data["purpose"]
    if "po_number" in header:
        data["po_number"] = header["po_number"]
    return data, ChangeOrder(header, changes)


def _header(b: DocumentBuilder, segment: list[str], pos: int) -> None:
    handler = {
        "N1": b.n1,
        "N2": b.n2,
        "N3": b.n3,
        "N4": b.n4,
        "CUR": b.cur,
        "REF": b.ref,
        "DTM": b.dtm_header,
        "FOB": b.fob,
        "ITD": b.itd,
        "MSG": b.msg,
    }.get(segment[0])
    if handler is not None:
        handler(segment, pos)


def _move_line_locations(ctx: SetContext, changes: list[LineChange]) -> None:
    """Take the POC values' locations out of the provenance; merge re-adds them by index."""
    locations = ctx.provenance.locations
    for path in [p for p in locations if p.startswith(_TEMP)]:
        location = locations.pop(path)
        close = path.index("]")
        index = int(path[len(_TEMP) : close])
        changes[index].locations.append((path[close + 1 :], location))


def _find_line(lines: list[dict[str, Any]], change: LineChange) -> int | None:
    if change.has_line_number:
        number = str(change.line["line_number"])
        for index, line in enumerate(lines):
            if str(line.get("line_number")) == number:
                return index
        return None
    for key in _MATCH_KEYS:
        value = change.line.get(key)
        if value is not None:
            for index, line in enumerate(lines):
                if line.get(key) == value:
                    return index
    return None


def make_merge(
    order: ChangeOrder, findings: list[Finding], locations: dict[str, SourceLocation]
) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """The ``RawDocument.merge`` of an 860: apply ``order`` to a stored canonical document.

    Findings from merging go into ``findings`` and the changed values' locations into
    ``locations`` (the document's own lists), replacing those of an earlier call.
    """
    added: list[Finding] = []

    def merge(stored: dict[str, Any]) -> dict[str, Any]:
        for finding in added:
            if finding in findings:
                findings.remove(finding)
        added.clear()
        result = copy.deepcopy(stored)
        _apply_header(result, order.header)
        lines: list[dict[str, Any]] = list(result.get("lines", []))
        touched: list[tuple[dict[str, Any], LineChange]] = []
        for change in order.changes:
            problem = _apply_change(lines, change, touched)
            if problem is not None:
                added.append(problem)
        result["lines"] = lines
        for index, line in enumerate(lines):
            for line_obj, change in touched:
                if line_obj is line:
                    for suffix, location in change.locations:
                        locations[f"$.lines[{index}]{suffix}"] = location
        findings.extend(added)
        return result

    return merge


def _problem(code: str, message: str, change: LineChange, severity: Severity) -> Finding:
    return Finding(
        code=code, severity=severity, path="$.lines", message=message, location=change.location
    )


def _apply_change(
    lines: list[dict[str, Any]],
    change: LineChange,
    touched: list[tuple[dict[str, Any], LineChange]],
) -> Finding | None:
    index = _find_line(lines, change)
    label = f"line {change.line['line_number']}" if change.has_line_number else "the line"
    if change.code == "AI":
        if index is not None:
            return _problem(
                "read.change_line_exists",
                f"POC02 AI adds {label}, but the PO already has it",
                change,
                Severity.ERROR,
            )
        new = dict(change.line)
        if "line_number" not in new:
            numbers = [str(ln.get("line_number", "")) for ln in lines]
            new["line_number"] = str(max((int(n) for n in numbers if n.isdigit()), default=0) + 1)
        lines.append(new)
        touched.append((new, change))
        return None
    if index is None:
        return _problem(
            "read.change_line_not_found",
            f"POC02 {change.code} changes {label}, which the stored PO does not have",
            change,
            Severity.ERROR,
        )
    old = lines[index]
    if change.code == "DI":
        del lines[index]
        return None
    if change.code == "RZ":
        new = dict(change.line)
        new["line_number"] = old["line_number"]
    elif change.code == "PC":
        if "unit_cost" not in change.line:
            return _problem(
                "read.change_price_missing",
                f"POC02 PC for {label} has no unit price (POC06)",
                change,
                Severity.ERROR,
            )
        new = {**old, "unit_cost": change.line["unit_cost"]}
    elif change.code in ("QD", "QI"):
        if "quantity" not in change.line:
            return _problem(
                "read.change_quantity_missing",
                f"POC02 {change.code} for {label} has no quantity (POC03)",
                change,
                Severity.ERROR,
            )
        new = {**old, "quantity": change.line["quantity"]}
        if "uom" in change.line:
            new["uom"] = change.line["uom"]
        lines[index] = new
        touched.append((new, change))
        before, after = Decimal(str(old.get("quantity", 0))), Decimal(change.line["quantity"])
        if (change.code == "QD") != (after < before):
            return _problem(
                "read.change_direction",
                f"POC02 {change.code} for {label} changes the quantity from {before} to {after}",
                change,
                Severity.WARNING,
            )
        return None
    else:  # CA
        new = {**old, **{k: v for k, v in change.line.items() if k != "additional_attributes"}}
        if change.line.get("additional_attributes"):
            new["additional_attributes"] = _merge_attributes(
                old.get("additional_attributes", []), change.line["additional_attributes"]
            )
    lines[index] = new
    touched.append((new, change))
    return None


def _merge_attributes(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[dict[str, Any]]:
    keys = {a["key"] for a in new}
    return [a for a in old if a.get("key") not in keys] + new


def _apply_header(result: dict[str, Any], header: dict[str, Any]) -> None:
    for key, value in header.items():
        if key in ("delivery_window", "ship_window") or key == "organisations":
            result[key] = {**result.get(key, {}), **value}
        elif key == "additional_attributes":
            result[key] = _merge_attributes(result.get(key, []), value)
        else:
            result[key] = value
