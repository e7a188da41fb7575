"""The zip-level answer workbook reads the same as the openpyxl round trip, over many workbooks.

Both are loaded with openpyxl and compared cell by cell (value, fill, comment text, bold font,
wrap), with the findings column's width, sheet order, selected tabs, the active sheet, the
Summary's rows, hyperlinks and print setup. The package output must also pass
``zipfile.testzip`` and be read by python-calamine.
"""

from __future__ import annotations

import io
import random
import re
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import openpyxl
import pytest
import python_calamine
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from orderport.formats.results.ooxml_package import annotate_package
from orderport.formats.results.ooxml_xml import MAIN_NS
from orderport.formats.results.rows import result_rows
from orderport.formats.results.workbook import annotate_with_openpyxl, annotate_workbook
from orderport.model import Finding, Severity, SourceLocation
from orderport.partners import PartnerProfile
from orderport.pipeline.ingest import FileResult, PoResult, check_file

Check = Callable[..., FileResult]


def _cell_view(cell: Any) -> tuple[Any, ...]:
    fill = (
        cell.fill.fgColor.rgb if cell.fill is not None and cell.fill.fill_type == "solid" else None
    )
    comment = cell.comment.text if cell.comment is not None else None
    author = cell.comment.author if cell.comment is not None else None
    return (
        cell.value,
        fill,
        comment,
        author,
        bool(cell.font.b),
        bool(cell.alignment.wrap_text),
        cell.number_format,
        cell.hyperlink.location if cell.hyperlink is not None else None,
    )


def view(data: bytes) -> dict[str, Any]:
    """What an analyst sees in a workbook, as openpyxl reads it."""
    book = openpyxl.load_workbook(io.BytesIO(data), rich_text=False)
    assert book.active is not None
    out: dict[str, Any] = {"sheets": book.sheetnames, "active": book.active.title}
    for ws in book.worksheets:
        assert isinstance(ws, Worksheet)
        cells = {
            c.coordinate: _cell_view(c)
            for row in ws.iter_rows()
            for c in row
            if c.value is not None or c.comment is not None or c.fill.fill_type == "solid"
        }
        widths = {k: d.width for k, d in ws.column_dimensions.items() if d.customWidth}
        out[ws.title] = {
            "cells": cells,
            "selected": bool(ws.sheet_view.tabSelected),
            "merged": sorted(str(r) for r in ws.merged_cells.ranges),
            "widths": widths,
            "print_titles": ws.print_title_rows,
            "orientation": ws.page_setup.orientation,
            "fit": (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight),
        }
    return out


def both(original: bytes, result: FileResult) -> tuple[bytes, bytes]:
    """(package output, openpyxl output); the package path must take this workbook."""
    fast = annotate_package(original, result, result_rows(result))
    assert fast is not None, "expected the zip-level writer to take this workbook"
    return fast, annotate_with_openpyxl(original, result)


def assert_valid(data: bytes) -> None:
    """A sound zip, every XML part well-formed, one of each workbook element, calamine reads it."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        names = archive.namelist()
        assert len(names) == len({n.lower() for n in names})
        for name in names:
            if name.endswith((".xml", ".rels", ".vml")):
                ElementTree.fromstring(archive.read(name))
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        for tag in ("bookViews", "sheets", "definedNames"):
            assert len(workbook.findall(f"{{{MAIN_NS}}}{tag}")) <= 1, tag
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    for name in book.sheet_names:
        book.get_sheet_by_name(name).to_python()


def assert_same(original: bytes, result: FileResult) -> dict[str, Any]:
    fast, slow = both(original, result)
    assert_valid(fast)
    seen = view(fast)
    assert seen == view(slow)
    assert annotate_workbook(original, result) == fast
    return seen


def finding(
    code: str, row: int | None, column: str | None, sheet: str | None = None, error: bool = True
) -> Finding:
    return Finding(
        code=code,
        severity=Severity.ERROR if error else Severity.WARNING,
        path="$",
        message=f"{code} at {column} {row}: '=1+1' & <b>",
        location=SourceLocation(row=row, column=column, sheet=sheet),
    )


def save(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_sample_workbooks_read_the_same(
    check_sample: Check,
    samples: Path,
    planners_profile: PartnerProfile,
    strict_profile: PartnerProfile,
) -> None:
    for name, profile in [
        ("xlsx/analyst_errors.xlsx", None),
        ("xlsx/dates_and_text.xlsx", strict_profile),
        ("xlsx/analyst_orders.xlsx", planners_profile),
        ("xlsx/libreoffice_orders.xlsx", None),
    ]:
        seen = assert_same((samples / name).read_bytes(), check_sample(name, profile))
        assert seen["active"] == seen["sheets"][-1]


def _styled_book() -> Workbook:
    """Two order sheets, a title merged over the headings, dates, formulas, styled cells."""
    book = openpyxl.Workbook()
    orders = book.active
    assert orders is not None
    orders.title = "Orders"
    orders["A1"] = "Week 48 orders"
    orders.merge_cells("A1:D1")
    orders["A1"].font = Font(bold=True, size=14)
    orders.append(["po_number", "order_date", "sku", "quantity", "note"])
    orders.append(["PO-1", datetime(2026, 11, 20), "SKU-1", 3, "rush"])
    orders.append(["PO-1", datetime(2026, 11, 20), "SKU-2", "many", None])
    orders.append(["PO-2", "soon", "SKU-3", 5, None])
    orders["D6"] = "=SUM(D3:D5)"
    orders["B3"].number_format = "yyyy-mm-dd"
    orders["C4"].fill = PatternFill(fill_type="solid", fgColor="FF1F4E78")
    orders["C4"].font = Font(italic=True, color="FFFFFFFF")
    orders.merge_cells("E4:E5")
    orders.column_dimensions["B"].width = 14
    extra = book.create_sheet("Returns")
    extra.append(["po_number", "sku", "quantity"])
    extra.append(["PO-9", "SKU-9", -1])
    extra["C5"] = "stray"
    notes = book.create_sheet("Notes")
    notes["A1"] = "read me first"
    notes["A1"].comment = Comment("the analyst's own note", "Ann")
    return book


def test_findings_on_several_sheets_merged_cells_dates_formulas() -> None:
    original = save(_styled_book())
    result = FileResult(
        "styled.xlsx",
        "xlsx",
        [
            PoResult(
                "PO-1",
                [
                    finding("read.decimal", 4, "D (quantity)"),
                    finding("rule.styled", 4, "C (sku)", error=False),
                    finding("rule.row", 3, None),  # the row's first cell
                    finding("rule.merged", 5, "E (note)", error=False),  # E4:E5 -> E4
                    finding("rule.title", 1, "C (x)"),  # A1:D1 -> A1, on the title row
                    finding("rule.nowhere", None, "B (order_date)"),
                    finding("read.unknown_column", 2, "E (note)"),
                ],
                reference="sheet Orders, rows 3-4",
            ),
            PoResult(
                "PO-2",
                [finding("read.date", 5, "B (order_date)")],
                reference="sheet Orders, rows 5",
            ),
            PoResult(
                "PO-9",
                [
                    finding("rule.negative", 2, "C (quantity)"),
                    finding("rule.empty_cell", 2, "H (x)"),  # a cell that does not exist
                    finding(
                        "rule.empty_row", 4, "B (sku)", error=False
                    ),  # a row that does not exist
                ],
                reference="sheet Returns, rows 2",
            ),
        ],
    )
    seen = assert_same(original, result)
    orders = seen["Orders"]["cells"]
    assert "rule.title" in orders["A1"][2]
    assert orders["E4"][1] == "FFFFEB9C"
    assert orders["C4"][1] == "FFFFC7CE" or orders["C4"][1] == "FFFFEB9C"
    assert orders["B3"][6] == "yyyy-mm-dd"
    assert orders["D6"][0] == "=SUM(D3:D5)"
    # The title row is marked, so the headings' scan stops there: row 1 holds the findings
    # column's heading, overwritten by that row's findings (bold, as openpyxl does it).
    assert "rule.title" in orders["F1"][0]
    assert orders["F1"][4]
    assert seen["Orders"]["widths"]["F"] == 60
    returns = seen["Returns"]["cells"]
    assert returns["I1"][0] == "Orderport findings"  # after H2, the new cell
    assert "rule.empty_row" in returns["B4"][2]
    assert seen["Notes"]["cells"]["A1"][2] == "the analyst's own note"
    assert [seen[s]["selected"] for s in seen["sheets"]] == [False, False, False, True]


def test_clean_bench_style_workbook_with_inline_strings(tmp_path: Path) -> None:
    """A write-only workbook (inline strings, no styles beyond the defaults), nothing marked."""
    book = openpyxl.Workbook(write_only=True)
    ws = book.create_sheet("Orders")
    ws.append(["po_number", "currency", "sku", "quantity"])
    for n in range(1, 40):
        ws.append([f"PO-{n}", "USD", f"{n:08d}", n])
    path = tmp_path / "clean.xlsx"
    book.save(path)
    result = check_file(path)
    assert result.error is None
    seen = assert_same(path.read_bytes(), result)
    assert seen["sheets"] == ["Orders", "Summary"]


def test_marked_header_row_and_a_summary_name_taken() -> None:
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "Sheet 'one'"
    ws.append(["po_number", "quantity"])
    ws.append(["PO-1", 1])
    book.create_sheet("summary")
    result = FileResult(
        "x.xlsx",
        "xlsx",
        [
            PoResult(
                "PO-1",
                [
                    finding("rule.header", 1, "B (quantity)"),
                    finding("rule.line", 2, "A (po_number)"),
                ],
                reference="sheet Sheet 'one', rows 2",
            )
        ],
    )
    seen = assert_same(save(book), result)
    assert seen["sheets"][-1] == "Summary (2)"
    cells = seen["Sheet 'one'"]["cells"]
    assert "rule.header" in cells["C1"][0]  # the header row is marked: its text wins, bold kept
    assert cells["C1"][4]


def test_findings_on_an_empty_sheet() -> None:
    """openpyxl's extent of an empty sheet grows with the cells marks create: so does ours."""
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "Orders"
    ws.append(["po_number", "quantity"])
    book.create_sheet("Empty")
    result = FileResult(
        "e.xlsx",
        "xlsx",
        [
            PoResult(
                "PO-1",
                [
                    finding("rule.cell", 3, "B (q)", sheet="Empty"),
                    finding("rule.row", 2, None, sheet="Empty"),  # the first used column: B
                ],
                reference="sheet Orders, rows 2",
            )
        ],
    )
    cells = assert_same(save(book), result)["Empty"]["cells"]
    assert "rule.row" in cells["B2"][2]


def test_existing_cols_range_is_split_for_the_findings_column() -> None:
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "Orders"
    ws.append(["po_number", "quantity"])
    ws.append(["PO-1", "x"])
    original = save(book)
    # LibreOffice writes one <col> range over all unused columns: give the sheet one.
    with zipfile.ZipFile(io.BytesIO(original)) as archive:
        parts = {i.filename: archive.read(i) for i in archive.infolist()}
    sheet = parts["xl/worksheets/sheet1.xml"]
    sheet = sheet.replace(
        b"<sheetData", b'<cols><col min="2" max="1024" width="9"/></cols><sheetData', 1
    )
    parts["xl/worksheets/sheet1.xml"] = sheet
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    result = FileResult(
        "x.xlsx",
        "xlsx",
        [
            PoResult(
                "PO-1", [finding("rule.q", 2, "B (quantity)")], reference="sheet Orders, rows 2"
            )
        ],
    )
    fast = annotate_package(out.getvalue(), result, result_rows(result))
    assert fast is not None
    assert_valid(fast)
    with zipfile.ZipFile(io.BytesIO(fast)) as archive:
        spliced = archive.read("xl/worksheets/sheet1.xml")
    assert b'<col min="2" max="2" width="9"/>' in spliced
    assert b'<col min="3" max="3" width="60" customWidth="1"/>' in spliced
    assert b'<col min="4" max="1024" width="9"/>' in spliced
    ws2 = openpyxl.load_workbook(io.BytesIO(fast))["Orders"]
    assert ws2["C2"].value.startswith("ERROR in B")


def _vml_blocks(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [
            block
            for name in archive.namelist()
            if name.endswith(".vml")
            for block in re.findall(r'idmap[^>]*data="([^"]*)"', archive.read(name).decode())
        ]


def test_the_analysts_comments_are_kept_with_ours_below(libreoffice_errors: Path) -> None:
    original = libreoffice_errors.read_bytes()
    extra = finding("rule.sku", 3, "D (sku)")  # D3 carries the analyst's own comment
    result = check_file(libreoffice_errors)
    result.pos[0].findings.append(extra)
    seen = assert_same(original, result)
    note = seen["Orders"]["cells"]["D3"][2]
    assert note.index("check with buyer") < note.index("rule.sku")


def test_an_annotated_workbook_sent_back_is_annotated_again(libreoffice_errors: Path) -> None:
    """The analyst fixed some cells and sent our answer back: old notes stay, new ones join."""
    result = check_file(libreoffice_errors)
    first = annotate_workbook(libreoffice_errors.read_bytes(), result)
    again = FileResult(
        "again.xlsx",
        "xlsx",
        [
            PoResult(
                "PO-9001",
                [finding("rule.again", 5, "B (order_date)"), finding("rule.new", 7, "C (x)")],
                reference="sheet Orders, rows 5",
            )
        ],
    )
    seen = assert_same(first, again)
    cells = seen["Orders"]["cells"]
    assert "rule.again" in cells["B5"][2]
    assert "'soon' is not a date" in cells["B5"][2]  # the first round's note, kept above
    assert len(_vml_blocks(annotate_workbook(first, again))) == 1


def test_two_marked_sheets_get_their_own_shape_ids() -> None:
    result = FileResult(
        "two.xlsx",
        "xlsx",
        [
            PoResult("PO-1", [finding("rule.a", 3, "C (sku)")], reference="sheet Orders, rows 3"),
            PoResult("PO-9", [finding("rule.b", 2, "B (sku)")], reference="sheet Returns, rows 2"),
        ],
    )
    fast, _ = both(save(_styled_book()), result)
    blocks = _vml_blocks(fast)
    assert len(blocks) == 3  # the Notes sheet's own drawing, and one per marked sheet
    assert len(set(blocks)) == 3


def test_a_drawing_with_form_controls_goes_through_openpyxl(libreoffice_errors: Path) -> None:
    with zipfile.ZipFile(libreoffice_errors) as archive:
        parts = {i.filename: archive.read(i) for i in archive.infolist()}
    vml = "xl/drawings/vmlDrawing1.vml"
    parts[vml] = parts[vml].replace(b'ObjectType="Note"', b'ObjectType="Checkbox"')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    result = check_file(libreoffice_errors)
    assert annotate_package(out.getvalue(), result, result_rows(result)) is None
    assert view(annotate_workbook(out.getvalue(), result))["active"] == "Summary"


@pytest.mark.parametrize(
    "damage",
    [
        (b'<c r="', b'<c s="0" r="'),  # a cell whose reference is not its first attribute
        (b"<sheetData>", b"<sheetData><!-- x -->"),
    ],
)
def test_what_cannot_be_spliced_is_refused_up_front(damage: tuple[bytes, bytes]) -> None:
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.append(["po_number", "quantity"])
    ws.append(["PO-1", "x"])
    with zipfile.ZipFile(io.BytesIO(save(book))) as archive:
        parts = {i.filename: archive.read(i) for i in archive.infolist()}
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"].replace(*damage)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    result = FileResult(
        "x.xlsx",
        "xlsx",
        [PoResult("PO-1", [finding("rule.q", 2, "B (quantity)")], reference="sheet Sheet, rows 2")],
    )
    assert annotate_package(out.getvalue(), result, result_rows(result)) is None
    assert "Summary" in view(annotate_workbook(out.getvalue(), result))["sheets"]


def _random_case(seed: int) -> tuple[bytes, FileResult]:
    """A small random workbook (values, fills, comments, dates, merges) and random findings."""
    rnd = random.Random(seed)
    book = openpyxl.Workbook()
    titles = []
    for index in range(rnd.randint(1, 3)):
        ws = book.active if index == 0 else book.create_sheet()
        assert isinstance(ws, Worksheet)
        ws.title = f"S{index}" if rnd.random() < 0.8 else f"Sheet {index}'x"
        top, left = rnd.randint(1, 3), rnd.randint(1, 3)
        for row in range(top, top + rnd.randint(0, 8)):
            for column in range(left, left + rnd.randint(1, 5)):
                cell = ws.cell(row, column)
                pick = rnd.random()
                if pick < 0.5:
                    cell.value = rnd.choice(["x", "=1+1", 3, 2.5, "", None, "  sp  "])
                elif pick < 0.6:
                    cell.fill = PatternFill(fill_type="solid", fgColor="FF00FF00")
                elif pick < 0.65:
                    cell.comment = Comment(f"note {row} {column}", "Ann")
                elif pick < 0.7:
                    cell.value = datetime(2026, 1, row)
        if rnd.random() < 0.3 and ws.max_row >= 2:
            ws.merge_cells(start_row=top, start_column=left, end_row=top + 1, end_column=left + 1)
        titles.append(ws.title)
    findings = []
    for number in range(rnd.randint(1, 8)):
        column = rnd.choice([None, "A", "B", "C", "D", "F", "H"])
        findings.append(
            Finding(
                code=f"rule.r{number}",
                severity=rnd.choice([Severity.ERROR, Severity.WARNING]),
                path="$",
                message=f"m{number}",
                location=SourceLocation(
                    row=rnd.choice([None, 1, 2, 3, 4, 5, 9, 12]),
                    column=f"{column} (h)" if column else None,
                    sheet=rnd.choice([*titles, None, "Nope"]),
                ),
            )
        )
    reference = f"sheet {rnd.choice(titles)}, rows 2"
    return save(book), FileResult(
        "f.xlsx", "xlsx", [PoResult("PO-1", findings, reference=reference)]
    )


@pytest.mark.parametrize("seed", range(30))
def test_random_workbooks_read_the_same(seed: int) -> None:
    """Differential check over random layouts (300 seeds passed when this was written)."""
    assert_same(*_random_case(seed))
