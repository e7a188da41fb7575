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

Two writers produce that same answer. ``ooxml_package`` works on the zip: every part is copied
as it is, only the marked sheets' XML is spliced (style ids, findings cells, comments) and the
Summary part is added, so its cost follows what is marked rather than the size of the workbook,
and images, charts and shapes survive. Whatever it cannot splice soundly (``ooxml_package``
decides that before writing anything: strict OOXML, form controls or threaded comments on a
marked sheet, cells without references...) goes through openpyxl, as before: openpyxl keeps
cell values, formulas, styles, merged cells, comments, defined names, data validation and
conditional formatting, but drops images, charts and shapes (the analyst still has the
original).

A workbook that cannot be opened safely (refused by ``spreadsheet_safety``: macros, zip bombs,
legacy or encrypted files) is never loaded; the answer is then a new workbook holding only the
summary, which says why the file was refused.
"""

from __future__ import annotations

import io
from typing import Final

import openpyxl
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils.cell import column_index_from_string, get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from orderport.formats.base import FormatError
from orderport.formats.results.annotations import (
    COMMENT_AUTHOR,
    COMMENT_WIDTH,
    FINDING_WIDTHS,
    FINDINGS_HEADER,
    FINDINGS_WIDTH,
    INFO_CODES,
    MAX_ROW,
    SUMMARY_TITLE,
    Mark,
    SummaryCell,
    column_of,
    comment_height,
    comment_text,
    findings_text,
    free_title,
    how_to_fix,
    summary_sheet,
)
from orderport.formats.results.ooxml_package import annotate_package
from orderport.formats.results.rows import ResultRow, result_rows
from orderport.formats.spreadsheet_safety import check_workbook
from orderport.model import Finding
from orderport.pipeline.ingest import FileResult

__all__ = [
    "COMMENT_AUTHOR",
    "ERROR_FILL",
    "FINDINGS_HEADER",
    "INFO_CODES",
    "SUMMARY_TITLE",
    "WARNING_FILL",
    "annotate_with_openpyxl",
    "annotate_workbook",
    "column_of",
    "how_to_fix",
]

ERROR_FILL: Final = PatternFill(fill_type="solid", fgColor="FFFFC7CE", bgColor="FFFFC7CE")
WARNING_FILL: Final = PatternFill(fill_type="solid", fgColor="FFFFEB9C", bgColor="FFFFEB9C")


def _is_safe(original: bytes, filename: str) -> bool:
    try:
        check_workbook(io.BytesIO(original), filename)
    except FormatError:
        return False
    return True


def _load(original: bytes) -> Workbook | None:
    try:
        return openpyxl.load_workbook(io.BytesIO(original), rich_text=True)
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
    if loc is None or loc.row is None or not 1 <= loc.row <= MAX_ROW:
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


def _mark(cell: Cell, mark: Mark) -> None:
    cell.fill = ERROR_FILL if mark.is_error else WARNING_FILL
    existing = cell.comment.text if cell.comment is not None else None
    text = comment_text(mark.findings, existing)
    comment = Comment(text, COMMENT_AUTHOR)
    comment.width = COMMENT_WIDTH
    comment.height = comment_height(text)
    cell.comment = comment


def _annotate(book: Workbook, rows: list[ResultRow]) -> dict[int, tuple[str, str]]:
    """Mark the cells; returns (sheet, cell) of each located finding, by its index in ``rows``."""
    marks: dict[tuple[str, str], tuple[Cell, Mark]] = {}
    placed: dict[int, tuple[str, str]] = {}
    for index, row in enumerate(rows):
        if row.finding is None or row.finding.code in INFO_CODES:
            continue
        ws = _worksheet(book, row.sheet)
        cell = _target(ws, row) if ws is not None else None
        if ws is None or cell is None:
            continue
        key = (ws.title, cell.coordinate)
        marks.setdefault(key, (cell, Mark()))[1].findings.append(row.finding)
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


def _findings_columns(book: Workbook, marks: list[Mark], cells: list[Cell]) -> None:
    """One visible column per annotated sheet, after its last column, with each row's messages."""
    by_sheet: dict[str, dict[int, list[tuple[str, Finding]]]] = {}
    for cell, mark in zip(cells, marks, strict=True):
        rows = by_sheet.setdefault(cell.parent.title, {})
        rows.setdefault(cell.row, []).extend((cell.column_letter, f) for f in mark.findings)
    for title, rows in by_sheet.items():
        ws = book[title]
        column = ws.max_column + 1
        header = ws.cell(row=_header_row(ws, min(rows)), column=column)
        header.value = FINDINGS_HEADER
        header.data_type = "s"
        header.font = Font(bold=True)
        for row, found in sorted(rows.items()):
            target = ws.cell(row=row, column=column)
            if not isinstance(target, Cell):
                continue
            target.value = findings_text(found)
            target.data_type = "s"
            target.alignment = Alignment(wrap_text=True, vertical="top")
            target.fill = ERROR_FILL if any(f.is_error for _, f in found) else WARNING_FILL
        ws.column_dimensions[get_column_letter(column)].width = FINDINGS_WIDTH


_FONTS: Final = {
    "bold": Font(bold=True),
    "link": Font(color="FF0563C1", underline="single"),
}
_WRAP: Final = Alignment(wrap_text=True, vertical="top")


def _put(ws: Worksheet, row: int, column: int, spec: SummaryCell) -> None:
    cell = ws.cell(row=row, column=column)
    assert isinstance(cell, Cell)  # a fresh sheet has no merged cells
    cell.value = spec.value
    if isinstance(spec.value, str):
        cell.data_type = "s"  # never a formula, whatever the text
    if spec.style in _FONTS:
        cell.font = _FONTS[spec.style]
    if spec.style in ("wrap", "link"):
        cell.alignment = _WRAP
    if spec.link is not None:
        cell.hyperlink = Hyperlink(ref=cell.coordinate, location=spec.link)


def _summary(
    book: Workbook, result: FileResult, rows: list[ResultRow], placed: dict[int, tuple[str, str]]
) -> Worksheet:
    ws: Worksheet = book.create_sheet(free_title(book.sheetnames))
    content = summary_sheet(result, rows, placed)
    for line, cells in content.rows:
        for column, spec in enumerate(cells, start=1):
            _put(ws, line, column, spec)
    for index, width in enumerate(FINDING_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.print_title_rows = f"{content.header_row}:{content.header_row}"
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


def annotate_with_openpyxl(original: bytes | None, result: FileResult) -> bytes:
    """The answer through an openpyxl round trip; ``original`` None: the summary alone.

    ``original`` must have passed ``check_workbook`` already.
    """
    rows = result_rows(result)
    book = _load(original) if original is not None else None
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


def annotate_workbook(original: bytes, result: FileResult) -> bytes:
    """The analyst's workbook with offending cells marked and a summary sheet, as .xlsx bytes."""
    if not _is_safe(original, result.filename):
        return annotate_with_openpyxl(None, result)
    fast = annotate_package(original, result, result_rows(result))
    if fast is not None:
        return fast
    return annotate_with_openpyxl(original, result)
