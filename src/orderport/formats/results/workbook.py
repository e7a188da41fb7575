"""An annotated copy of the analyst's own workbook: offending cells marked, a summary sheet added.

Each finding's cell comes from its SourceLocation (row, and the column letter of the XLSX
reader's "C (Qty)" label); the sheet from the PO's reference ("sheet Orders, rows 3-4"). The
cell gets a fill (red for errors, yellow for warnings) and a comment with code and message; a
finding without a column marks the row's first cell. Nothing else about the analyst's cells
changes: values, formulas, fonts, borders and number formats are left as they were.

Every annotated sheet also gets a visible "Orderport findings" column after its last column,
holding each row's messages in words, so a printed page or a screen without hover still says
why a cell is red. Columns the reader did not know (the analyst's own "Comment" column) are
never marked; the Summary lists them as information.

The Summary reads like a checklist and fits a printed page's width (landscape, fit to width):
row, column, what is wrong and how to fix it first; the machine details (code, JSON path) last.

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
from openpyxl.utils.cell import column_index_from_string, get_column_letter, quote_sheetname
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from orderport.formats.base import FormatError
from orderport.formats.results.rows import (
    ResultRow,
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
FINDINGS_HEADER: Final = "Orderport findings"
INFO_CODES: Final = frozenset({"read.unknown_column"})
"""Findings about columns we did not use: reported in the Summary, never marked in the sheet."""
_FIXES: Final = {
    "read.date": "Write the date as YYYY-MM-DD (e.g. 2026-11-20), or as a real date cell.",
    "read.decimal": "Write a plain number with a dot for decimals (2.50).",
    "read.boolean": "Write yes or no.",
    "read.missing_po_number": "Fill in the PO number on this row.",
    "read.inconsistent_po_value": "Give this column the same value on every row of the PO.",
    "read.po_not_contiguous": "Keep all rows of one PO together.",
    "read.unknown_column": "Nothing to do: the column is not read (rename it to use it).",
    "schema.pattern": "Enter the value in the format the message names.",
    "schema.required": "Fill in this value.",
}
_DEFAULT_FIX: Final = "Correct the value as the message says and send the file again."


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
        if row.finding is None or row.finding.code in INFO_CODES:
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
    _findings_columns(book, [m for _, m in marks.values()], [c for c, _ in marks.values()])
    return placed


def _header_row(ws: Worksheet, first_marked: int) -> int:
    """The column headings' row: the first with two or more values (a title row has one)."""
    for cells in ws.iter_rows(min_row=ws.min_row, max_row=max(ws.min_row, first_marked - 1)):
        if sum(1 for c in cells if c.value is not None) >= 2:
            return cells[0].row or ws.min_row
    return ws.min_row


def how_to_fix(finding: Finding) -> str:
    """Plain advice for a finding's code (the message says what exactly is wrong)."""
    return _FIXES.get(finding.code, _DEFAULT_FIX)


def _findings_columns(book: Workbook, marks: list[_Mark], cells: list[Cell]) -> None:
    """One visible column per annotated sheet, after its last column, with each row's messages."""
    by_sheet: dict[str, dict[int, list[tuple[Cell, Finding]]]] = {}
    for cell, mark in zip(cells, marks, strict=True):
        rows = by_sheet.setdefault(cell.parent.title, {})
        rows.setdefault(cell.row, []).extend((cell, f) for f in mark.findings)
    for title, rows in by_sheet.items():
        ws = book[title]
        column = ws.max_column + 1
        header = ws.cell(row=_header_row(ws, min(rows)), column=column)
        header.value = FINDINGS_HEADER
        header.data_type = "s"
        header.font = Font(bold=True)
        for row, found in sorted(rows.items()):
            lines = [
                f"{f.severity.value.upper()} in {cell.column_letter}: {f.message}"
                for cell, f in found
            ]
            target = ws.cell(row=row, column=column)
            if not isinstance(target, Cell):
                continue
            text = "\n".join(lines)
            if len(text) > _MAX_COMMENT:
                text = text[: _MAX_COMMENT - 40] + "\n... (more in the Summary sheet)"
            target.value = neutralise_cell(text)
            target.data_type = "s"
            target.alignment = Alignment(wrap_text=True, vertical="top")
            target.fill = ERROR_FILL if any(f.is_error for _, f in found) else WARNING_FILL
        ws.column_dimensions[get_column_letter(column)].width = 60


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
    "Row",
    "Column",
    "What is wrong",
    "How to fix",
    "Severity",
    "Purchase order",
    "Cell",
    "Code",
    "JSON path",
]
_FINDING_WIDTHS: Final = (6, 18, 48, 34, 9, 14, 8, 18, 20)


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
    header_row = line
    for index, row in enumerate(rows):
        finding = row.finding
        if finding is None:
            continue
        line += 1
        sheet, coordinate = placed.get(index, ("", ""))
        loc = finding.location
        severity = "info" if finding.code in INFO_CODES else finding.severity.value
        cells = _write(
            ws,
            line,
            [
                loc.row if loc is not None and loc.row is not None else "",
                (loc.column or "") if loc is not None else "",
                finding.message,
                how_to_fix(finding),
                severity,
                row.po_number or "",
                coordinate,
                finding.code,
                finding.path,
            ],
        )
        if coordinate:
            link = f"{quote_sheetname(sheet)}!{coordinate}"
            cells[6].hyperlink = Hyperlink(ref=cells[6].coordinate, location=link)
            cells[6].font = Font(color="FF0563C1", underline="single")
        for cell in cells:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for index, width in enumerate(_FINDING_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
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
