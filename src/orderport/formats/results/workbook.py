"""An annotated copy of the analyst's own workbook: offending cells marked, a summary sheet added.

Each finding's cell comes from its SourceLocation (row, and the column letter of the XLSX
reader's "C (Qty)" label); the sheet from the PO's reference ("sheet Orders, rows 3-4"). The
cell gets a fill (red for errors, yellow for warnings) and a comment with code and message; a
finding without a column marks the row's first cell. Nothing else about the analyst's cells
changes: values, formulas, fonts, borders and number formats are left as they were.

The "Summary" sheet goes LAST and is made the active sheet. Last, because readers without a
configured sheet list read the first recognisable sheet: an analyst who fixes the marked cells
and sends this very workbook back must have their orders read, not our summary. Active, so the
workbook still opens on the summary.

openpyxl keeps cell values, formulas, styles, merged cells, comments, defined names, data
validation and conditional formatting; it drops images, charts and shapes, so those are missing
from the copy (the analyst still has the original).

A workbook that cannot be opened safely (refused by ``spreadsheet_safety``: macros, zip bombs,
legacy or encrypted files) is never loaded; the answer is then a new workbook holding only the
summary, which says why the file was refused.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import Final

import openpyxl
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils.cell import column_index_from_string, quote_sheetname
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from orderport.formats.base import FormatError
from orderport.formats.results.rows import (
    ResultRow,
    location_text,
    result_rows,
    summarise_po,
    totals,
)
from orderport.formats.results.safety import neutralise_cell
from orderport.formats.spreadsheet_safety import check_workbook
from orderport.model import Finding
from orderport.pipeline.ingest import FileResult

SUMMARY_TITLE: Final = "Summary"
COMMENT_AUTHOR: Final = "Orderport"
ERROR_FILL: Final = PatternFill(fill_type="solid", fgColor="FFFFC7CE", bgColor="FFFFC7CE")
WARNING_FILL: Final = PatternFill(fill_type="solid", fgColor="FFFFEB9C", bgColor="FFFFEB9C")
_COLUMN_LABEL: Final = re.compile(r"([A-Z]{1,3})(?: \(.*\))?", re.DOTALL)
_MAX_COLUMN: Final = 16384  # XFD
_MAX_ROW: Final = 1_048_576
_MAX_COMMENT: Final = 32_000  # Excel keeps at most 32,767 characters in a comment


@dataclass
class _Mark:
    """Everything to say about one cell."""

    findings: list[Finding] = field(default_factory=list)

    @property
    def is_error(self) -> bool:
        return any(f.is_error for f in self.findings)


def column_of(label: str | None) -> str | None:
    """The column letter of an XLSX reader label such as "C (Qty)", or None."""
    if not label:
        return None
    found = _COLUMN_LABEL.fullmatch(label)
    if found is None or column_index_from_string(found.group(1)) > _MAX_COLUMN:
        return None
    return found.group(1)


def _open(original: bytes, filename: str) -> Workbook | None:
    stream = io.BytesIO(original)
    try:
        check_workbook(stream, filename)
    except FormatError:
        return None
    try:
        return openpyxl.load_workbook(stream, rich_text=True)
    except Exception:  # openpyxl raises zip, XML, key and value errors with no common base
        return None


def _worksheet(book: Workbook, sheet: str | None) -> Worksheet | None:
    worksheets = [ws for ws in book.worksheets if isinstance(ws, Worksheet)]
    if sheet is not None:
        return next((ws for ws in worksheets if ws.title == sheet), None)
    return worksheets[0] if len(worksheets) == 1 else None


def _target(ws: Worksheet, row: ResultRow) -> Cell | None:
    """The cell a finding points to: its own cell, or the row's first cell."""
    loc = row.finding.location if row.finding else None
    if loc is None or loc.row is None or not 1 <= loc.row <= _MAX_ROW:
        return None
    letter = column_of(loc.column)
    column = column_index_from_string(letter) if letter else ws.min_column
    cell = ws.cell(row=loc.row, column=column)
    if isinstance(cell, MergedCell):
        for merged in ws.merged_cells.ranges:
            if cell.coordinate in merged:
                top_left = ws.cell(merged.min_row, merged.min_col)
                return top_left if isinstance(top_left, Cell) else None
        return None
    return cell


def _comment_text(findings: list[Finding]) -> str:
    parts = [neutralise_cell(f"{f.severity.value.upper()} {f.code}: {f.message}") for f in findings]
    return "\n\n".join(parts)


def _mark(cell: Cell, mark: _Mark) -> None:
    cell.fill = ERROR_FILL if mark.is_error else WARNING_FILL
    text = _comment_text(mark.findings)
    if cell.comment is not None and cell.comment.text:
        text = f"{cell.comment.text}\n\n--- {COMMENT_AUTHOR} ---\n{text}"
    if len(text) > _MAX_COMMENT:
        text = text[: _MAX_COMMENT - 40] + "\n... (more in the Summary sheet)"
    comment = Comment(text, COMMENT_AUTHOR)
    comment.width = 320
    comment.height = min(600, 40 + 15 * (len(text) // 45 + text.count("\n") + 1))
    cell.comment = comment


def _annotate(book: Workbook, rows: list[ResultRow]) -> dict[int, tuple[str, str]]:
    """Mark the cells; returns (sheet, cell) of each located finding, by its index in ``rows``."""
    marks: dict[tuple[str, str], tuple[Cell, _Mark]] = {}
    placed: dict[int, tuple[str, str]] = {}
    for index, row in enumerate(rows):
        if row.finding is None:
            continue
        ws = _worksheet(book, row.sheet)
        cell = _target(ws, row) if ws is not None else None
        if ws is None or cell is None:
            continue
        key = (ws.title, cell.coordinate)
        marks.setdefault(key, (cell, _Mark()))[1].findings.append(row.finding)
        placed[index] = key
    for cell, mark in marks.values():
        _mark(cell, mark)
    return placed


def _free_title(book: Workbook) -> str:
    taken = {name.casefold() for name in book.sheetnames}
    title, number = SUMMARY_TITLE, 1
    while title.casefold() in taken:
        number += 1
        title = f"{SUMMARY_TITLE} ({number})"
    return title


def _write(ws: Worksheet, row: int, values: list[str | int], bold: bool = False) -> list[Cell]:
    cells: list[Cell] = []
    for column, value in enumerate(values, start=1):
        cell = ws.cell(row=row, column=column)
        assert isinstance(cell, Cell)  # a fresh sheet has no merged cells
        if isinstance(value, str):
            cell.value = neutralise_cell(value)
            cell.data_type = "s"  # never a formula, whatever the text
        else:
            cell.value = value
        if bold:
            cell.font = Font(bold=True)
        cells.append(cell)
    return cells


_PO_HEADER: Final = ["Purchase order", "Where", "Outcome", "Status", "Errors", "Warnings"]
_FINDING_HEADER: Final = [
    "Severity",
    "Code",
    "Purchase order",
    "Cell",
    "Location",
    "Field",
    "Message",
]


def _summary(
    book: Workbook, result: FileResult, rows: list[ResultRow], placed: dict[int, tuple[str, str]]
) -> Worksheet:
    ws: Worksheet = book.create_sheet(_free_title(book))
    count = totals(result)
    _write(ws, 1, [f"Orderport result for {result.filename}"], bold=True)
    _write(
        ws,
        2,
        [
            f"{count['purchase_orders']} purchase order(s), {count['errors']} error(s), "
            f"{count['warnings']} warning(s). Marked cells carry a comment; red = error, "
            "yellow = warning."
        ],
    )
    line = 3
    if result.error is not None:
        _write(ws, line, [f"The workbook could not be read: {result.error.message}"], bold=True)
        line += 1
    line += 1
    _write(ws, line, list(_PO_HEADER), bold=True)
    for po in result.pos:
        line += 1
        s = summarise_po(po)
        _write(
            ws,
            line,
            [
                s.po_number or "",
                s.reference or "",
                s.outcome or "",
                s.status or "",
                s.errors,
                s.warnings,
            ],
        )
    line += 2
    _write(ws, line, list(_FINDING_HEADER), bold=True)
    for index, row in enumerate(rows):
        finding = row.finding
        if finding is None:
            continue
        line += 1
        sheet, coordinate = placed.get(index, ("", ""))
        cells = _write(
            ws,
            line,
            [
                finding.severity.value,
                finding.code,
                row.po_number or "",
                coordinate,
                location_text(finding.location, row.sheet),
                finding.path,
                finding.message,
            ],
        )
        if coordinate:
            link = f"{quote_sheetname(sheet)}!{coordinate}"
            cells[3].hyperlink = Hyperlink(ref=cells[3].coordinate, location=link)
            cells[3].font = Font(color="FF0563C1", underline="single")
        cells[6].alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCDEFG", (16, 26, 18, 16, 30, 30, 80), strict=True):
        ws.column_dimensions[letter].width = width
    return ws


def _activate(book: Workbook, ws: Worksheet) -> None:
    for sheet in book.worksheets:
        if isinstance(sheet, Worksheet):
            sheet.sheet_view.tabSelected = False
    ws.sheet_view.tabSelected = True
    book.active = ws


def annotate_workbook(original: bytes, result: FileResult) -> bytes:
    """The analyst's workbook with offending cells marked and a summary sheet, as .xlsx bytes."""
    rows = result_rows(result)
    book = _open(original, result.filename)
    if book is None:
        book = Workbook()
        book.remove(book.active)  # type: ignore[arg-type]
        placed: dict[int, tuple[str, str]] = {}
    else:
        placed = _annotate(book, rows)
    _activate(book, _summary(book, result, rows, placed))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
