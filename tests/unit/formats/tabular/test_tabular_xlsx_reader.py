"""XLSX reader: header discovery, sheets, totals rows, Excel values, cell provenance."""

import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook

from orderport.formats.base import FormatError, ReadSettings
from orderport.formats.xlsx_reader import READER, column_letter


def workbook_bytes(build):
    wb = Workbook()
    build(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def read(data, settings=None):
    return list(READER.read(io.BytesIO(data), "book.xlsx", settings or ReadSettings()))


def test_column_letters():
    assert [column_letter(i) for i in (0, 25, 26, 27, 701, 702)] == [
        "A",
        "Z",
        "AA",
        "AB",
        "ZZ",
        "AAA",
    ]


def test_header_below_titles_merged_cells_and_blank_rows():
    def build(wb):
        ws = wb.active
        ws["B2"] = "March orders"
        ws.merge_cells("B2:E2")
        ws["B3"] = "quantity per line"  # one known word is not a header
        ws.append([])
        ws.append([None, "Frobnitz", "PO Number", "SKU", "Qty"])
        ws.append([None, "", "P1", "S1", 5])

    [doc] = read(workbook_bytes(build), ReadSettings(column_aliases={"Qty": "quantity"}))
    assert doc.data["lines"] == [{"sku": "S1", "quantity": "5", "line_number": 1}]
    location = doc.provenance.locate("$.lines[0].quantity")
    assert (location.row, location.column) == (6, "E (Qty)")
    [unknown] = doc.findings
    assert unknown.code == "read.unknown_column"
    assert (unknown.location.row, unknown.location.column) == (5, "B (Frobnitz)")


def test_first_sheet_with_a_header_is_read_and_others_ignored():
    def build(wb):
        wb.active.title = "Cover"
        wb.active["A1"] = "Read me"
        orders = wb.create_sheet("Orders")
        orders.append(["po_number", "quantity"])
        orders.append(["P1", 1])
        other = wb.create_sheet("Old")
        other.append(["po_number", "quantity"])
        other.append(["OLD", 1])

    data = workbook_bytes(build)
    assert [d.data["po_number"] for d in read(data)] == ["P1"]
    assert read(data)[0].reference == "sheet Orders, rows 2"
    picked = read(data, ReadSettings(sheets=("Old", "Orders")))
    assert [d.data["po_number"] for d in picked] == ["OLD", "P1"]
    with pytest.raises(FormatError, match="'Missing' not found"):
        read(data, ReadSettings(sheets=("Missing",)))
    with pytest.raises(FormatError, match="sheet 'Cover' has no header"):
        read(data, ReadSettings(sheets=("Cover",)))


def test_no_sheet_with_header():
    def build(wb):
        wb.active["A1"] = "nothing here"

    with pytest.raises(FormatError, match="no sheet has a header row"):
        read(workbook_bytes(build))


def test_totals_and_blank_rows_are_skipped():
    def build(wb):
        ws = wb.active
        ws.append(["po_number", "sku", "quantity", "unit_cost"])
        ws.append(["P1", "S1", 2, 1.5])
        ws.append(["P1", "S2", 3, 1.5])
        ws.append([])
        ws.append([None, None, 5, 7.5])
        ws.append(["Grand Total", None, 5, None])
        ws.append([None, "Total", 5, None])

    [doc] = read(workbook_bytes(build))
    assert len(doc.data["lines"]) == 2
    assert doc.findings == []


def test_excel_values_become_canonical_text():
    def build(wb):
        ws = wb.active
        ws.append(
            [
                "po_number",
                "order_date",
                "delivery_end",
                "ship_end",
                "sku",
                "gtin",
                "quantity",
                "unit_cost",
                "line_number",
                "is_approved",
                "created_at",
            ]
        )
        ws.append(
            [
                80,
                datetime(2026, 11, 20, 0, 0),
                46346,
                "2026-12-01",
                123,
                36000291452,
                "120",
                0.1 + 0.2,
                2.0,
                True,
                "2026-11-20T10:00:00Z",
            ]
        )
        ws.cell(2, 6).number_format = "000000000000"

    [doc] = read(workbook_bytes(build))
    data = doc.data
    assert data["po_number"] == "80"
    assert data["order_date"] == "2026-11-20"
    assert data["delivery_window"] == {"end": "2026-11-20"}
    assert data["ship_window"] == {"end": "2026-12-01"}
    assert data["options"] == {"is_approved": True}
    assert data["created_at"] == "2026-11-20T10:00:00Z"
    assert data["lines"] == [
        {
            "sku": "123",
            "gtin": "036000291452",
            "quantity": "120",
            "unit_cost": {"amount": "0.3"},
            "line_number": "2",
        }
    ]


def test_date_cell_and_its_serial_are_the_same_value():
    def build(wb):
        ws = wb.active
        ws.append(["po_number", "order_date", "quantity"])
        ws.append(["P1", date(2026, 11, 20), 1])
        ws.append(["P1", 46346, 1])
        ws.append(["P1", "21.11.2026", 1])

    [doc] = read(workbook_bytes(build), ReadSettings(date_formats=("%d.%m.%Y",)))
    [finding] = doc.findings
    assert finding.code == "read.inconsistent_po_value"
    assert (finding.location.row, finding.location.column) == (4, "B (order_date)")


def test_unreadable_cells_are_findings_with_cell_location():
    def build(wb):
        ws = wb.active
        ws.append(["po_number", "requested_ship_date", "pack_size", "quantity"])
        ws.append(["P1", "soon", 2.5, 1])

    [doc] = read(workbook_bytes(build))
    found = {f.code: f for f in doc.findings}
    assert set(found) == {"read.date", "read.integer"}
    assert found["read.date"].location.column == "B (requested_ship_date)"
    assert found["read.integer"].path == "$.lines[0].pack_size"


def test_sniff_by_content():
    data = workbook_bytes(lambda wb: None)
    assert READER.sniff(data[:4096], "upload.bin")
    assert READER.sniff(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 50, "old.xls")
    assert not READER.sniff(b"po_number,sku\n", "x.xlsx")
    assert not READER.sniff(b"PK\x03\x04....word/document.xml", "x.docx")
