"""annotate_workbook on the analysts' own workbooks (openpyxl- and LibreOffice-written)."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from orderport.formats.results import annotate_workbook
from orderport.formats.results.safety import FORMULA_TRIGGERS
from orderport.formats.results.workbook import ERROR_FILL, WARNING_FILL, column_of
from orderport.model import Finding, Severity, SourceLocation
from orderport.partners import PartnerProfile
from orderport.pipeline.ingest import FileResult, PoResult, check_file

Check = Callable[..., FileResult]
RED = ERROR_FILL.fgColor.rgb
YELLOW = WARNING_FILL.fgColor.rgb


def load(data: bytes) -> Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def sheet(book: Workbook, title: str) -> Worksheet:
    ws = book[title]
    assert isinstance(ws, Worksheet)
    return ws


def values(ws: Worksheet) -> dict[str, Any]:
    return {c.coordinate: c.value for row in ws.iter_rows() for c in row if c.value is not None}


def original_part(book_ws: Worksheet, before: Worksheet) -> dict[str, Any]:
    """The annotated sheet's values inside the original's columns (ours go after them)."""
    last = before.max_column
    return {k: v for k, v in values(book_ws).items() if book_ws[k].column <= last}


def findings_column(ws: Worksheet, before: Worksheet) -> dict[int, str]:
    """Row -> text of the "Orderport findings" column added after the original's columns."""
    column = before.max_column + 1
    cells = next(ws.iter_cols(min_col=column, max_col=column))
    return {c.row: str(c.value) for c in cells if c.value is not None}


def fill_of(ws: Worksheet, coordinate: str) -> str | None:
    cell = ws[coordinate]
    return cell.fill.fgColor.rgb if cell.fill.fill_type == "solid" else None


def marked(ws: Worksheet) -> dict[str, str]:
    """Cells carrying an Orderport comment -> their comment text."""
    return {
        c.coordinate: c.comment.text
        for row in ws.iter_rows()
        for c in row
        if c.comment is not None and c.comment.author == "Orderport"
    }


def summary_rows(book: Workbook) -> list[tuple[Any, ...]]:
    return list(sheet(book, book.sheetnames[-1]).iter_rows(values_only=True))


def assert_summary_is_safe(book: Workbook) -> None:
    ws = sheet(book, book.sheetnames[-1])
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                assert cell.data_type == "s", cell.coordinate
                assert not cell.value or cell.value[0] not in FORMULA_TRIGGERS, cell.coordinate


def test_cells_of_an_errors_workbook_are_marked(check_sample: Check, samples: Path) -> None:
    original = (samples / "xlsx/analyst_errors.xlsx").read_bytes()
    result = check_sample("xlsx/analyst_errors.xlsx")
    book = load(annotate_workbook(original, result))
    assert book.sheetnames == ["Orders", "Summary"]
    assert book.active is not None
    assert book.active.title == "Summary"
    orders = sheet(book, "Orders")
    comments = marked(orders)
    # The analyst's own "Comment" column (G) is not one we read: never marked.
    assert set(comments) == {"F3", "B4", "C4"}
    assert "schema.pattern" in comments["F3"]
    assert '"ten"' in comments["F3"]
    assert "ERROR read.inconsistent_po_value" in comments["B4"]
    assert "next week" in comments["B4"]
    assert "EUR" in comments["C4"]
    assert [fill_of(orders, c) for c in ("F3", "B4", "C4")] == [RED, RED, RED]
    assert fill_of(orders, "G2") is None
    assert fill_of(orders, "A3") is None
    assert fill_of(orders, "F4") is None
    before = sheet(load(original), "Orders")
    assert original_part(orders, before) == values(before)
    # A visible column says, on every marked row, what is wrong (readable when printed).
    column = findings_column(orders, before)
    assert column[2] == "Orderport findings"
    assert set(column) == {2, 3, 4}
    assert '"ten"' in column[3]
    assert "next week" in column[4]
    assert "EUR" in column[4]
    summary = summary_rows(book)
    info = [r for r in summary if r[4] == "info"]
    assert [(r[1], r[7]) for r in info] == [("G (Comment)", "read.unknown_column")]


def test_summary_lists_pos_and_findings(
    check_sample: Check, samples: Path, strict_profile: PartnerProfile
) -> None:
    result = check_sample("xlsx/dates_and_text.xlsx", strict_profile)
    book = load(annotate_workbook((samples / "xlsx/dates_and_text.xlsx").read_bytes(), result))
    rows = summary_rows(book)
    assert rows[0][0] == "Orderport result for dates_and_text.xlsx"
    header = rows.index(
        ("Purchase order", "Where", "Outcome", "Status", "Errors", "Warnings", None, None, None)
    )
    assert rows[header + 1][:6] == ("PO-8101", "sheet Sheet1, rows 2-3", None, None, 0, 1)
    assert rows[header + 2][:6] == ("PO-8102", "sheet Sheet1, rows 4", None, None, 2, 0)
    # Plain-language columns first, the JSON path last.
    findings_header = (
        "Row",
        "Column",
        "What is wrong",
        "How to fix",
        "Severity",
        "Purchase order",
        "Cell",
        "Code",
        "JSON path",
    )
    start = rows.index(findings_header)
    listed = {(r[4], r[7], r[6]) for r in rows[start + 1 :]}
    assert listed == {
        ("info", "read.unknown_column", None),
        ("error", "read.date", "B4"),
        ("error", "read.date", "C4"),
    }
    assert all(r[2] and r[3] for r in rows[start + 1 :])
    ws = sheet(book, "Summary")
    link = next(c for row in ws.iter_rows() for c in row if c.value == "B4")
    assert link.hyperlink is not None
    assert link.hyperlink.location == "'Sheet1'!B4"
    assert set(marked(sheet(book, "Sheet1"))) == {"B4", "C4"}
    # It prints on pages one wide.
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToWidth == 1
    assert ws.sheet_properties.pageSetUpPr is not None
    assert ws.sheet_properties.pageSetUpPr.fitToPage


def test_libreoffice_workbook_keeps_its_formatting(libreoffice_errors: Path) -> None:
    original = libreoffice_errors.read_bytes()
    assert b"LibreOffice" in _app_xml(original)
    result = check_file(libreoffice_errors)
    book = load(annotate_workbook(original, result))
    before = sheet(load(original), "Orders")
    orders = sheet(book, "Orders")
    comments = marked(orders)
    # Row-level finding (a line without quantity): the row's first cell is marked.
    assert set(comments) == {"A4", "B5", "E6"}
    assert "quantity is required" in comments["A4"]
    assert "'soon' is not a date" in comments["B5"]
    assert all(fill_of(orders, c) == RED for c in comments)
    # The analyst's own formatting, comment, formula and merged title are kept.
    assert original_part(orders, before) == values(before)
    column = findings_column(orders, before)
    assert column[2] == "Orderport findings"  # on the headings' row, not the merged title's
    assert "quantity is required" in column[4]
    assert orders["H3"].value == "=SUM(E3:E6)"
    assert fill_of(orders, "A2") == fill_of(before, "A2") == "FF1F4E78"
    assert orders["A2"].font.b
    assert orders["A1"].font.sz == before["A1"].font.sz
    assert orders["B3"].number_format == before["B3"].number_format
    assert [str(r) for r in orders.merged_cells.ranges] == ["A1:F1"]
    assert orders["D3"].comment is not None
    assert "check with buyer" in orders["D3"].comment.text
    assert_summary_is_safe(book)
    numbers = [r[0] for r in summary_rows(book)]
    assert '\'=HYPERLINK("http://x.example","hi")' in numbers
    # The analyst's own cell with that text is left exactly as they wrote it.
    assert orders["A6"].value == before["A6"].value


def test_annotated_workbook_reads_back_the_same(libreoffice_errors: Path, tmp_path: Path) -> None:
    """Sent back unchanged, the annotated copy gives the same POs: the summary is not read, and
    our findings column only adds a warning that it is not a known column."""
    result = check_file(libreoffice_errors)
    copy = tmp_path / libreoffice_errors.name
    copy.write_bytes(annotate_workbook(libreoffice_errors.read_bytes(), result))
    again = check_file(copy)
    assert again.error is None

    def shape(r: FileResult) -> list[tuple[str | None, list[tuple[str, SourceLocation | None]]]]:
        return [
            (
                p.po_number,
                [
                    (f.code, f.location)
                    for f in p.findings
                    if not (f.location and "Orderport findings" in (f.location.column or ""))
                ],
            )
            for p in r.pos
        ]

    assert shape(again) == shape(result)


def test_multi_sheet_workbook_with_formula_and_no_findings(
    check_sample: Check, samples: Path, planners_profile: PartnerProfile
) -> None:
    original = (samples / "xlsx/analyst_orders.xlsx").read_bytes()
    result = check_sample("xlsx/analyst_orders.xlsx", planners_profile)
    assert [p.po_number for p in result.pos] == ["PO-8001", "PO-8002"]
    book = load(annotate_workbook(original, result))
    assert book.sheetnames == ["Read me", "Orders", "Pivot", "Summary"]
    assert [ws.sheet_view.tabSelected for ws in book.worksheets] == [False, False, False, True]
    before = load(original)
    for title in ("Read me", "Orders", "Pivot"):
        assert values(sheet(book, title)) == values(sheet(before, title))
        assert marked(sheet(book, title)) == {}
    assert sheet(book, "Orders")["H9"].value == "=SUM(H5:H7)"
    assert summary_rows(book)[1][0].startswith("2 purchase order(s), 0 error(s), 0 warning(s)")


def test_finding_in_a_merged_cell_marks_its_top_left_cell(samples: Path) -> None:
    original = (samples / "xlsx/analyst_orders.xlsx").read_bytes()
    finding = Finding(
        code="rule.example",
        severity=Severity.WARNING,
        path="$",
        message="title mentions another customer",
        location=SourceLocation(row=1, column="C (Title)"),
    )
    result = FileResult(
        "analyst_orders.xlsx",
        "xlsx",
        [PoResult("PO-8001", [finding], reference="sheet Orders, rows 5-6")],
    )
    orders = sheet(load(annotate_workbook(original, result)), "Orders")
    assert set(marked(orders)) == {"A1"}
    assert fill_of(orders, "A1") == YELLOW


def test_our_comment_is_added_below_the_analysts_own(libreoffice_errors: Path) -> None:
    finding = Finding(
        code="rule.example",
        severity=Severity.ERROR,
        path="$.lines[0].sku",
        message="unknown SKU",
        location=SourceLocation(row=3, column="D (sku)"),
    )
    result = FileResult(
        libreoffice_errors.name,
        "xlsx",
        [PoResult("PO-9001", [finding], reference="sheet Orders, rows 3-4")],
    )
    cell = sheet(load(annotate_workbook(libreoffice_errors.read_bytes(), result)), "Orders")["D3"]
    assert cell.comment is not None
    text = cell.comment.text
    assert text.index("check with buyer") < text.index("ERROR rule.example: unknown SKU")


def test_existing_summary_sheet_is_not_overwritten(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "Orders"
    ws.append(["po_number", "currency", "sku", "quantity"])
    ws.append(["PO-1", "USD", "SKU-1", "many"])
    book.create_sheet("summary")["A1"] = "the analyst's own summary"
    path = tmp_path / "with_summary.xlsx"
    book.save(path)
    result = check_file(path)
    annotated = load(annotate_workbook(path.read_bytes(), result))
    assert annotated.sheetnames == ["Orders", "summary", "Summary (2)"]
    assert sheet(annotated, "summary")["A1"].value == "the analyst's own summary"
    assert set(marked(sheet(annotated, "Orders"))) == {"D2"}


@pytest.mark.parametrize(
    ("sample", "reason"),
    [
        ("xlsx/macro_renamed.xlsx", "contains macros"),
        ("xlsx/zip_bomb.xlsx", "zip bomb"),
        ("xlsx/legacy.xls", "OLE2"),
    ],
)
def test_refused_workbook_gets_a_summary_only_workbook(
    check_sample: Check, samples: Path, sample: str, reason: str
) -> None:
    result = check_sample(sample)
    assert result.error is not None
    book = load(annotate_workbook((samples / sample).read_bytes(), result))
    assert book.sheetnames == ["Summary"]
    rows = summary_rows(book)
    assert any(isinstance(r[0], str) and reason in r[0] for r in rows)
    assert (rows[-1][4], rows[-1][7]) == ("error", "read.file")
    assert_summary_is_safe(book)


@pytest.mark.parametrize(
    ("label", "letter"),
    [
        ("C (Qty)", "C"),
        ("AA (x (y))", "AA"),
        ("XFD", "XFD"),
        ("ZZZ (x)", None),
        ("Qty", None),
        (None, None),
    ],
)
def test_column_letter_from_reader_label(label: str | None, letter: str | None) -> None:
    assert column_of(label) == letter


def _app_xml(data: bytes) -> bytes:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("docProps/app.xml")


def test_overlong_and_unplaceable_findings(libreoffice_errors: Path) -> None:
    long = Finding(
        code="rule.example",
        severity=Severity.ERROR,
        path="$.notes",
        message="x" * 40_000,
        location=SourceLocation(row=3, column="A (po_number)"),
    )
    nowhere = Finding(
        code="rule.elsewhere",
        severity=Severity.WARNING,
        path="$",
        message="beyond the last row Excel has",
        location=SourceLocation(row=2_000_000, column="A (po_number)"),
    )
    result = FileResult(
        libreoffice_errors.name,
        "xlsx",
        [PoResult("PO-9001", [long, nowhere], reference="sheet Orders, rows 3-4")],
    )
    book = load(annotate_workbook(libreoffice_errors.read_bytes(), result))
    comment = marked(sheet(book, "Orders"))["A3"]
    assert len(comment) <= 32_767
    assert comment.endswith("(more in the Summary sheet)")
    listed = [r for r in summary_rows(book) if r[7] == "rule.elsewhere"]
    assert len(listed) == 1
    assert listed[0][6] is None  # no cell to link to
    assert listed[0][0] == 2_000_000
    shown = findings_column(
        sheet(book, "Orders"), sheet(load(libreoffice_errors.read_bytes()), "Orders")
    )
    assert len(shown[3]) <= 32_767
