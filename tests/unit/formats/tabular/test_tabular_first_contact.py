"""Issue 13: real partner CSV exports and workbooks read right with no profile."""

import codecs
import io
from datetime import date

import pytest
from openpyxl import Workbook

from orderport.formats.base import ReadSettings
from orderport.formats.csv_reader import READER as CSV
from orderport.formats.tabular import bind_header, match_header
from orderport.formats.tabular.columns import COLUMNS
from orderport.formats.tabular.vocabulary import IGNORE, lookup, vocabulary, vocabulary_key
from orderport.formats.xlsx_reader import READER as XLSX


def read_csv(data, settings=None):
    if isinstance(data, str):
        data = data.encode("utf-8")
    return list(CSV.read(io.BytesIO(data), "export.csv", settings or ReadSettings()))


def read_xlsx(build, settings=None):
    wb = Workbook()
    build(wb.active)
    out = io.BytesIO()
    wb.save(out)
    return list(XLSX.read(io.BytesIO(out.getvalue()), "book.xlsx", settings or ReadSettings()))


def codes(doc, *skip):
    return [f.code for f in doc.findings if f.code not in skip]


# -- header vocabulary -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("PO #", "po_number"),
        ("P.O. No.", "po_number"),
        ("Purchase Order", "po_number"),
        ("Purchase Order # ", "po_number"),
        ("Bestellnummer", "po_number"),
        ("Bestell-Nr.", "po_number"),
        ("N° commande", "po_number"),
        ("Número de pedido", "po_number"),
        ("Inkoopordernummer", "po_number"),
        ("Item #", "buyer_sku"),
        ("Material", "buyer_sku"),
        ("Artikel", "buyer_sku"),
        ("Artikel-Nr.", "buyer_sku"),
        ("UPC", "gtin"),
        ("EAN", "gtin"),
        ("GTIN", "gtin"),
        ("Qty", "quantity"),
        ("Menge", "quantity"),
        ("Quantité", "quantity"),
        ("QUANTITE", "quantity"),
        ("Cantidad", "quantity"),
        ("Aantal", "quantity"),
        ("Unit Price", "unit_cost"),
        ("Einzelpreis", "unit_cost"),
        ("Ship To Address", "ship_to_line1"),
        ("PLZ", "ship_to_postal_code"),
        ("Ort", "ship_to_city"),
        ("Land", "ship_to_country"),
        ("Lineitem quantity", "quantity"),
        ("Need-By Date", "requested_delivery_date"),
    ],
)
def test_vocabulary_matches_erp_and_template_headers(header, column):
    assert match_header(header, {}) == column


def test_vocabulary_targets_are_canonical_columns_and_keys_do_not_collide():
    words = vocabulary()  # raises on two wordings sharing a key but naming different columns
    assert len(words) > 400
    for entry in words.values():
        for candidate in entry.candidates:
            assert candidate == IGNORE or candidate in COLUMNS, entry
    assert vocabulary_key("PO #") == vocabulary_key(" p.o. number ") == vocabulary_key("PO-Nr.")


def test_unknown_words_stay_unknown():
    assert lookup("Frobnitz") is None
    assert match_header("Line Amount", {}) is None  # recognised, deliberately not read


def test_sap_item_is_the_line_number_next_to_material_but_the_sku_next_to_line():
    sap = bind_header(["Purch.Doc.", "Item", "Material", "PO Quantity"], 1, {})
    assert {b.label: b.column.name for b in sap.columns}["Item"] == "line_number"
    oracle = bind_header(["Order", "Line", "Item", "Quantity"], 1, {})
    assert {b.label: b.column.name for b in oracle.columns}["Item"] == "buyer_sku"


# -- observation: a typical ERP CSV export is read with no profile ---------------------------

US_EXPORT = (
    "PO #,Item #,Description,UPC,Qty,Unit Price,Currency,Ship To Address,City,State,Zip,Country\n"
    "4500123456,A-100,Widget,036000291452,10,12.50,USD,1 Main St,Springfield,IL,62701,US\n"
    "4500123456,A-101,Gadget,036000291469,5,2.00,USD,1 Main St,Springfield,IL,62701,US\n"
)


def test_erp_csv_export_headers_are_read_and_each_match_is_reported():
    [doc] = read_csv(US_EXPORT)
    assert doc.data["po_number"] == "4500123456"
    assert doc.data["ship_to"] == {
        "line1": "1 Main St",
        "city": "Springfield",
        "province": "IL",
        "postal_code": "62701",
        "country": "US",
    }
    assert doc.data["lines"][0] == {
        "buyer_sku": "A-100",
        "description": "Widget",
        "gtin": "036000291452",
        "quantity": "10",
        "unit_cost": {"amount": "12.50", "currency": "USD"},
        "line_number": 1,
    }
    matched = [f for f in doc.findings if f.code == "read.column_matched"]
    assert len(matched) == 10  # Description and Currency are canonical names
    assert all(f.severity.value == "info" for f in matched)
    po = next(f for f in matched if f.location.column == "PO #")
    assert "po_number" in po.message
    assert codes(doc, "read.column_matched") == []


# -- observation: title rows, merged cells, blank rows, header on row 3 ----------------------


def test_workbook_header_below_title_merged_cells_and_blank_row():
    def build(ws):
        ws["A1"] = "ACME Purchase Orders - March"
        ws.merge_cells("A1:E1")
        ws.append([])
        ws.append(["PO Number", "Item #", "Qty", "Unit Price", "Delivery Date"])
        ws.append([4500123456, "A-1", 3, 9.5, date(2024, 4, 5)])

    [doc] = read_xlsx(build)
    assert doc.data["po_number"] == "4500123456"
    line = doc.data["lines"][0]
    assert (line["buyer_sku"], line["quantity"], line["requested_delivery_date"]) == (
        "A-1",
        "3",
        "2024-04-05",
    )
    location = doc.provenance.locate("$.lines[0].quantity")
    assert (location.row, location.column) == (4, "C (Qty)")


# -- observation: TOTAL UNITS (and other totals and notes) are never lines -------------------


def test_total_units_in_the_po_column_is_not_a_po_row():
    def build(ws):
        ws.append(["PO Number", "SKU", "Qty"])
        ws.append(["P1", "S1", 5])
        ws.append(["P1", "S2", 7])
        ws.append(["TOTAL UNITS", None, 12])

    [doc] = read_xlsx(build)
    assert len(doc.data["lines"]) == 2
    assert codes(doc, "read.column_matched") == []


@pytest.mark.parametrize(
    "label",
    ["Grand Total", "Subtotal:", "Sous-total", "Summe", "Gesamtsumme", "Totaal", "Total PO"],
)
def test_totals_rows_by_label_anywhere_on_the_row(label):
    text = f"PO Number,SKU,Description,Qty\nP1,S1,Bolt,5\n,,{label},5\nP1,S2,Nut,1\n"
    [doc] = read_csv(text)
    assert [line["sku"] for line in doc.data["lines"]] == ["S1", "S2"]
    assert codes(doc, "read.column_matched") == []


def test_a_product_named_total_is_still_a_line():
    [doc] = read_csv("PO Number,SKU,Description,Qty\nP1,S1,Total Care Shampoo 250ml,5\n")
    assert doc.data["lines"][0]["description"] == "Total Care Shampoo 250ml"


def test_note_and_instruction_rows_are_not_lines():
    text = (
        "PO Number,SKU,Qty\nP1,S1,5\n"
        "Please deliver to dock 3 between 8am and 4pm,,\n"
        "Bemerkung: bitte avisieren,,\n"
    )
    [doc] = read_csv(text)
    assert len(doc.data["lines"]) == 1
    assert codes(doc, "read.column_matched") == ["read.note_row", "read.note_row"]
    assert {f.severity.value for f in doc.findings} == {"info"}


def test_several_pos_on_one_sheet_as_form_blocks():
    def build(ws):
        ws["A1"] = "PURCHASE ORDER"
        ws.append(["PO Number:", 4500000001, None, "Order Date:", date(2024, 4, 5)])
        ws.append(["Currency:", "EUR"])
        ws.append([])
        ws.append(["Line", "Item #", "Description", "Qty", "Unit Price", "Amount"])
        ws.append([1, "A-1", "Bolt", 10, 1.5, 15])
        ws.append([2, "A-2", "Nut", 20, 0.5, 10])
        ws.append([None, None, "TOTAL", 30, None, 25])
        ws.append([])
        ws.append(["PO Number:", 4500000002, None, "Order Date:", date(2024, 4, 6)])
        ws.append(["Currency:", "EUR"])
        ws.append(["Line", "Item #", "Description", "Qty", "Unit Price", "Amount"])
        ws.append([1, "B-1", "Washer", 3, 0.1, 0.3])

    first, second = read_xlsx(build)
    assert (first.data["po_number"], first.data["order_date"], first.data["currency"]) == (
        "4500000001",
        "2024-04-05",
        "EUR",
    )
    assert [line["buyer_sku"] for line in first.data["lines"]] == ["A-1", "A-2"]
    assert (second.data["po_number"], second.data["order_date"]) == ("4500000002", "2024-04-06")
    assert [line["buyer_sku"] for line in second.data["lines"]] == ["B-1"]
    assert codes(second, "read.column_matched") == []


# -- locale inferred from the data -----------------------------------------------------------


def test_decimal_comma_and_thousands_points_inferred():
    text = "Bestellnummer;Artikel;Menge;Einzelpreis\n4711;A;1.200;0,12\n4711;B;3;1.234,50\n"
    [doc] = read_csv(text)
    assert [(li["quantity"], li["unit_cost"]["amount"]) for li in doc.data["lines"]] == [
        ("1200", "0.12"),
        ("3", "1234.50"),
    ]
    assert "read.decimal_comma" in codes(doc)


def test_thousands_commas_with_decimal_points():
    [doc] = read_csv('PO,SKU,Qty,Price\nP,S,"1,200","1,234.50"\n')
    assert (doc.data["lines"][0]["quantity"], doc.data["lines"][0]["unit_cost"]["amount"]) == (
        "1200",
        "1234.50",
    )


def test_date_order_decided_from_all_values_of_the_file():
    text = "PO,SKU,Qty,Delivery Date\nP,A,1,04/05/2024\nP,B,1,04/13/2024\n"
    [doc] = read_csv(text)
    dates = [li["requested_delivery_date"] for li in doc.data["lines"]]
    assert dates == ["2024-04-05", "2024-04-13"]  # 04/13 proves month-first for the file
    text = "PO,SKU,Qty,Delivery Date\nP,A,1,04/05/2024\nP,B,1,13/04/2024\n"
    [doc] = read_csv(text)
    assert [li["requested_delivery_date"] for li in doc.data["lines"]] == [
        "2024-05-04",
        "2024-04-13",
    ]
    assert "read.date_order" in codes(doc)


def test_ambiguous_dates_get_a_warning_naming_the_assumption():
    [doc] = read_csv("PO,SKU,Qty,Delivery Date\nP,A,1,04/05/2024\n")
    [warning] = [f for f in doc.findings if f.code == "read.date_order_assumed"]
    assert warning.severity.value == "warning"
    assert "MM/DD/YYYY" in warning.message
    assert "04/05/2024" in warning.message
    assert doc.data["lines"][0]["requested_delivery_date"] == "2024-04-05"


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("05-Apr-2024", "2024-04-05"),
        ("5 April 2024", "2024-04-05"),
        ("Apr 5, 2024", "2024-04-05"),
        ("05.04.2024", "2024-04-05"),
        ("2024-04-05 00:00:00", "2024-04-05"),
        ("4/5/2024 12:00 AM", "2024-04-05"),
        ("05-Mär-2024", "2024-03-05"),
        ("5 avril 2024", "2024-04-05"),
        ("45387", "2024-04-05"),
        ("20240405", "2024-04-05"),
    ],
)
def test_text_dates_and_serials_in_csv(text, iso):
    [doc] = read_csv(f'PO,SKU,Qty,Order Date\nP,A,1,"{text}"\n'.encode())
    assert doc.data["order_date"] == iso


# -- encodings --------------------------------------------------------------------------------


def test_cp1252_is_detected_with_a_finding():
    data = "Bestellnummer;Artikel;Menge;Bezeichnung\n4711;A;1;Größe €\n".encode("cp1252")
    [doc] = read_csv(data)
    assert doc.data["lines"][0]["description"] == "Größe €"
    [finding] = [f for f in doc.findings if f.code == "read.encoding_detected"]
    assert "cp1252" in finding.message


def test_excel_unicode_text_export_utf16_tabs():
    data = codecs.BOM_UTF16_LE + "PO Number\tSKU\tQty\r\nP1\tS1\t2\r\n".encode("utf-16-le")
    assert CSV.sniff(data[:512], "export.txt")
    [doc] = read_csv(data)
    assert doc.data["lines"][0] == {"sku": "S1", "quantity": "2", "line_number": 1}


def test_title_lines_above_a_csv_header_and_delimiter_of_the_table():
    text = "Open Purchase Orders\nRun date: 2024-04-05\n\nPO Number;SKU;Qty\nP1;S1;2\n"
    assert CSV.sniff(text.encode(), "x.csv")
    [doc] = read_csv(text)
    assert doc.data["po_number"] == "P1"


# -- identifiers are text ---------------------------------------------------------------------


def test_identifiers_never_gain_float_noise():
    [doc] = read_csv("PO Number,SKU,UPC,Qty\n4500123456.0,000123,36000291452.0,2\n")
    assert doc.data["po_number"] == "4500123456"
    assert doc.data["lines"][0]["sku"] == "000123"
    assert doc.data["lines"][0]["gtin"] == "036000291452"


def test_numeric_identifier_cells_in_a_workbook():
    def build(ws):
        ws.append(["PO Number", "Material", "EAN", "Qty"])
        ws.append([4500123456, 104711, 4006381333931, 2])
        ws.append([4500123456, "000104712", "04006381333948", 1])

    [doc] = read_xlsx(build)
    assert doc.data["po_number"] == "4500123456"
    assert [(li["buyer_sku"], li["gtin"]) for li in doc.data["lines"]] == [
        ("104711", "4006381333931"),
        ("000104712", "04006381333948"),
    ]


def test_scientific_notation_identifier_is_refused_not_guessed():
    [doc] = read_csv("PO Number,SKU,Qty\nP1,4.50012E+09,2\n")
    assert "read.identifier" in codes(doc)


def test_po_currency_from_the_lines_when_every_line_agrees():
    [doc] = read_csv("PO,SKU,Qty,Price,Price Currency\nP,A,1,2.50,USD\nP,B,1,3,USD\n")
    assert doc.data["currency"] == "USD"
    assert doc.provenance.locate("$.currency").column == "Price Currency"
    [doc] = read_csv("PO,SKU,Qty,Price,Price Currency\nP,A,1,2.50,USD\nP,B,1,3,EUR\n")
    assert "currency" not in doc.data
