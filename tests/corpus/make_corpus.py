"""Write the partner-file corpus: each file in the style of one ERP, spreadsheet or translator.

    /work/main/.venv/bin/python tests/corpus/make_corpus.py

Every file is rendered from a hand-written expectation (``EXPECTED`` below): the canonical values
a person reading the file would write down. ``<file>.expected.json`` holds that expectation; the
corpus test reads each file with no profile and compares. The expectation is never produced by
the reader.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook

HERE = Path(__file__).parent
FILES = HERE / "files"
EXPECTED: dict[str, dict[str, Any]] = {}


def expect(name: str, pos: list[dict[str, Any]], needs: str | None = None) -> None:
    """``needs``: None (reads right with no profile), "profile: why" or "hand work: why"."""
    EXPECTED[name] = {"needs": needs, "purchase_orders": pos}


def text_file(name: str, text: str, encoding: str = "utf-8", bom: bytes = b"") -> None:
    (FILES / name).write_bytes(bom + text.encode(encoding))


def workbook(name: str, build: Callable[[Workbook], None]) -> None:
    wb = Workbook()
    build(wb)
    wb.save(FILES / name)


# -- CSV exports ------------------------------------------------------------------------------


def csv_files() -> None:
    text_file(
        "netsuite_us.csv",
        "Document Number,Date,Vendor,Item,Description,Quantity,Rate,Amount,Currency,"
        "Expected Receipt Date\n"
        "PO10023,04/05/2024,V-100,WID-1,Widget,10,12.50,125.00,USD,04/19/2024\n"
        'PO10023,04/05/2024,V-100,WID-2,Gadget,"1,200",0.75,900.00,USD,04/19/2024\n',
    )
    expect(
        "netsuite_us.csv",
        [
            {
                "po_number": "PO10023",
                "order_date": "2024-04-05",
                "currency": "USD",
                "organisations": {"vendor": {"id": "V-100"}},
                "lines": [
                    {
                        "buyer_sku": "WID-1",
                        "quantity": "10",
                        "unit_cost": {"amount": "12.50"},
                        "requested_delivery_date": "2024-04-19",
                    },
                    {"buyer_sku": "WID-2", "quantity": "1200", "unit_cost": {"amount": "0.75"}},
                ],
            }
        ],
    )
    text_file(
        "sap_de_cp1252.csv",
        "Einkaufsbeleg;Position;Material;Kurztext;Bestellmenge;BME;Nettopreis;Währung;"
        "Lieferdatum;Werk\n"
        "4500012345;00010;000000000000104711;Schraube Größe M6;1.200;ST;0,12;EUR;05.04.2024;1000\n"
        "4500012345;00020;000000000000104712;Mutter M6;500;ST;1.234,50;EUR;12.04.2024;1000\n"
        ";;;Summe;1.700;;;;;\n",
        encoding="cp1252",
    )
    expect(
        "sap_de_cp1252.csv",
        [
            {
                "po_number": "4500012345",
                "currency": "EUR",
                "ship_to": {"location_id": "1000"},
                "lines": [
                    {
                        "buyer_sku": "000000000000104711",
                        "description": "Schraube Größe M6",
                        "quantity": "1200",
                        "uom": "ST",
                        "unit_cost": {"amount": "0.12"},
                        "requested_delivery_date": "2024-04-05",
                    },
                    {
                        "buyer_sku": "000000000000104712",
                        "quantity": "500",
                        "unit_cost": {"amount": "1234.50"},
                        "requested_delivery_date": "2024-04-12",
                    },
                ],
            }
        ],
    )
    text_file(
        "oracle_po_lines.csv",
        "Order,Line,Item,Item Description,Quantity,UOM,Price,Need-By Date,Ship-To Location,"
        "Supplier,Currency\n"
        "1290,1,AS54888,Desktop PC,5,Each,1250.00,05-APR-2024,M1- Seattle,Advanced Network,USD\n"
        "1290,2,AS54999,Monitor,5,Each,199.99,05-APR-2024,M1- Seattle,Advanced Network,USD\n",
    )
    expect(
        "oracle_po_lines.csv",
        [
            {
                "po_number": "1290",
                "currency": "USD",
                "ship_to": {"location_id": "M1- Seattle"},
                "organisations": {"vendor": {"id": "Advanced Network"}},
                "lines": [
                    {
                        "buyer_sku": "AS54888",
                        "quantity": "5",
                        "uom": "EA",  # "Each" as sent: a UN/ECE Rec 20 synonym
                        "unit_cost": {"amount": "1250.00"},
                        "requested_delivery_date": "2024-04-05",
                    },
                    {"buyer_sku": "AS54999", "description": "Monitor"},
                ],
            }
        ],
    )
    text_file(
        "dynamics_bom.csv",
        "Purchase order,Line number,Item number,Product name,Quantity,Unit,Unit price,"
        "Net amount,Delivery date,Currency\n"
        "PO-000123,1,1000,Surface Pro,2,ea,999.00,1998.00,2024-04-05,EUR\n",
        bom=codecs.BOM_UTF8,
    )
    expect(
        "dynamics_bom.csv",
        [
            {
                "po_number": "PO-000123",
                "currency": "EUR",
                "lines": [
                    {
                        "buyer_sku": "1000",
                        "description": "Surface Pro",
                        "quantity": "2",
                        "uom": "EA",
                        "unit_cost": {"amount": "999.00"},
                        "requested_delivery_date": "2024-04-05",
                    }
                ],
            }
        ],
    )
    text_file(
        "shopify_orders.csv",
        "Name,Email,Financial Status,Created at,Currency,Lineitem quantity,Lineitem name,"
        "Lineitem price,Lineitem sku,Shipping Name,Shipping Street,Shipping City,Shipping Zip,"
        "Shipping Province,Shipping Country\n"
        "#1001,a@example.com,paid,2024-04-05 10:12:01 -0400,USD,2,Tee - M,25.00,TEE-M,"
        "Ann Lee,1 Elm St,Boston,02134,MA,US\n"
        "#1001,,,,,1,Cap,15.00,CAP-1,,,,,,\n",
    )
    expect(
        "shopify_orders.csv",
        [
            {
                "po_number": "#1001",
                "order_date": "2024-04-05",
                "currency": "USD",
                "ship_to": {
                    "name": "Ann Lee",
                    "line1": "1 Elm St",
                    "city": "Boston",
                    "postal_code": "02134",
                    "province": "MA",
                    "country": "US",
                },
                "lines": [
                    {
                        "sku": "TEE-M",
                        "description": "Tee - M",
                        "quantity": "2",
                        "unit_cost": {"amount": "25.00"},
                    },
                    {"sku": "CAP-1", "quantity": "1"},
                ],
            }
        ],
    )
    text_file(
        "fr_point_virgule.csv",
        "N° commande;Référence;Désignation;Quantité;Prix unitaire;Devise;Date de livraison;"
        "Destinataire;Adresse de livraison;Code postal;Ville;Pays\n"
        "CMD-2024-118;REF-01;Chaise pliante;12;18,90;EUR;25/04/2024;Café Lumière;"
        "3 rue des Lilas;69003;Lyon;FR\n"
        "CMD-2024-118;REF-02;Table ronde;2;149,00;EUR;03/05/2024;Café Lumière;"
        "3 rue des Lilas;69003;Lyon;FR\n",
    )
    expect(
        "fr_point_virgule.csv",
        [
            {
                "po_number": "CMD-2024-118",
                "currency": "EUR",
                "ship_to": {
                    "name": "Café Lumière",
                    "line1": "3 rue des Lilas",
                    "postal_code": "69003",
                    "city": "Lyon",
                    "country": "FR",
                },
                "lines": [
                    {
                        "buyer_sku": "REF-01",
                        "quantity": "12",
                        "unit_cost": {"amount": "18.90"},
                        "requested_delivery_date": "2024-04-25",
                    },
                    {"buyer_sku": "REF-02", "requested_delivery_date": "2024-05-03"},
                ],
            }
        ],
    )
    text_file(
        "es_tabuladores.tsv",
        "Número de pedido\tCódigo artículo\tDescripción\tCantidad\tPrecio unitario\tMoneda\t"
        "Fecha de entrega\n"
        "PED-7781\tART-9\tTornillo\t100\t0,05\tEUR\t04/05/2024\n",
    )
    expect(
        "es_tabuladores.tsv",
        [
            {
                "po_number": "PED-7781",
                "currency": "EUR",
                "lines": [
                    {
                        "buyer_sku": "ART-9",
                        "quantity": "100",
                        "unit_cost": {"amount": "0.05"},
                        "requested_delivery_date": "2024-05-04",
                    }
                ],
            }
        ],
    )
    text_file(
        "nl_pipes.csv",
        "Bestelnummer|Artikelcode|Omschrijving|Aantal|Prijs|Valuta|Leverdatum\n"
        "NL-5520|A-77|Fietsbel|24|3,25|EUR|15-04-2024\n",
    )
    expect(
        "nl_pipes.csv",
        [
            {
                "po_number": "NL-5520",
                "currency": "EUR",
                "lines": [
                    {
                        "buyer_sku": "A-77",
                        "quantity": "24",
                        "unit_cost": {"amount": "3.25"},
                        "requested_delivery_date": "2024-04-15",
                    }
                ],
            }
        ],
    )
    text_file(
        "excel_unicode_text.txt",
        "PO Number\tItem #\tUPC\tQty\tUnit Cost\tCurrency\r\n"
        "7001\tB-12\t036000291452\t6\t4.10\tUSD\r\n",
        encoding="utf-16-le",
        bom=codecs.BOM_UTF16_LE,
    )
    expect(
        "excel_unicode_text.txt",
        [
            {
                "po_number": "7001",
                "currency": "USD",
                "lines": [
                    {
                        "buyer_sku": "B-12",
                        "gtin": "036000291452",
                        "quantity": "6",
                        "unit_cost": {"amount": "4.10"},
                    }
                ],
            }
        ],
    )
    text_file(
        "report_with_title_rows.csv",
        "Open Purchase Order Report\nGenerated: 2024-04-05 08:00\n\n"
        "PO #,Item #,Qty,Unit Price,Currency,Ship Date\n"
        'PO-88,X1,"2,500",1.10,USD,Apr 12 2024\n'
        "PO-88,X2,10,3.00,USD,Apr 12 2024\n"
        ',Grand Total,"2,510",,,\n',
    )
    expect(
        "report_with_title_rows.csv",
        [
            {
                "po_number": "PO-88",
                "currency": "USD",
                "lines": [
                    {
                        "buyer_sku": "X1",
                        "quantity": "2500",
                        "unit_cost": {"amount": "1.10"},
                        "requested_ship_date": "2024-04-12",
                    },
                    {"buyer_sku": "X2", "quantity": "10"},
                ],
            }
        ],
    )
    text_file(
        "pandas_float_ids.csv",
        "PO Number,SKU,UPC,Qty,Unit Price,Currency,Order Date\n"
        "4500123456.0,000123,36000291452.0,2.0,5.5,USD,45387\n",
    )
    expect(
        "pandas_float_ids.csv",
        [
            {
                "po_number": "4500123456",
                "order_date": "2024-04-05",
                "lines": [
                    {
                        "sku": "000123",
                        "gtin": "036000291452",
                        "quantity": "2.0",
                        "unit_cost": {"amount": "5.5"},
                    }
                ],
            }
        ],
    )


# -- workbooks --------------------------------------------------------------------------------


def workbooks() -> None:
    def title_merged(wb: Workbook) -> None:
        ws = wb.active
        ws["A1"] = "ACME Trading - Purchase Orders March"
        ws.merge_cells("A1:F1")
        ws.append([])
        ws.append(["PO Number", "Item #", "Description", "Qty", "Unit Price", "Currency"])
        ws.append([4500000101, "A-1", "Bolt", 10, 1.5, "USD"])
        ws.append([4500000101, "A-2", "Nut", 20, 0.25, "USD"])

    workbook("title_merged_header_row3.xlsx", title_merged)
    expect(
        "title_merged_header_row3.xlsx",
        [
            {
                "po_number": "4500000101",
                "currency": "USD",
                "lines": [
                    {"buyer_sku": "A-1", "quantity": "10", "unit_cost": {"amount": "1.5"}},
                    {"buyer_sku": "A-2", "quantity": "20", "unit_cost": {"amount": "0.25"}},
                ],
            }
        ],
    )

    def form_blocks(wb: Workbook) -> None:
        ws = wb.active
        ws["A1"] = "PURCHASE ORDER"
        for number, day, items in (
            (4500000201, date(2024, 4, 5), [("B-1", 3, 2.0), ("B-2", 4, 1.0)]),
            (4500000202, date(2024, 4, 8), [("C-1", 7, 9.99)]),
        ):
            ws.append(["PO Number:", number, None, "Order Date:", day])
            ws.append(["Currency:", "EUR", None, "Vendor:", "V-9"])
            ws.append([])
            ws.append(["Line", "Item #", "Description", "Qty", "Unit Price", "Amount"])
            for index, (sku, qty, price) in enumerate(items, start=1):
                ws.append([index, sku, f"Item {sku}", qty, price, qty * price])
            ws.append([None, None, "TOTAL", sum(i[1] for i in items), None, None])
            ws.append(["Please confirm this order within 48 hours."])
            ws.append([])

    workbook("form_blocks_two_pos.xlsx", form_blocks)
    expect(
        "form_blocks_two_pos.xlsx",
        [
            {
                "po_number": "4500000201",
                "order_date": "2024-04-05",
                "currency": "EUR",
                "organisations": {"vendor": {"id": "V-9"}},
                "lines": [{"buyer_sku": "B-1", "quantity": "3"}, {"buyer_sku": "B-2"}],
            },
            {
                "po_number": "4500000202",
                "order_date": "2024-04-08",
                "currency": "EUR",
                "lines": [{"buyer_sku": "C-1", "quantity": "7", "unit_cost": {"amount": "9.99"}}],
            },
        ],
    )

    def total_units(wb: Workbook) -> None:
        ws = wb.active
        ws.append(["PO #", "SKU", "Qty", "Cost", "Currency"])
        ws.append(["P-1", "S-1", 5, 2, "USD"])
        ws.append(["P-1", "S-2", 7, 3, "USD"])
        ws.append(["TOTAL UNITS", None, "=SUM(C2:C3)", None, None])

    workbook("total_units_row.xlsx", total_units)
    expect(
        "total_units_row.xlsx",
        [
            {
                "po_number": "P-1",
                "lines": [{"sku": "S-1", "quantity": "5"}, {"sku": "S-2", "quantity": "7"}],
            }
        ],
    )

    def numeric_ids(wb: Workbook) -> None:
        ws = wb.active
        ws.append(["PO Number", "Material", "EAN", "Menge", "Einzelpreis", "Währung"])
        ws.append([4500123456, 104711, 4006381333931, 12, 3.5, "EUR"])
        ws.append([4500123456, "000104712", "04006381333948", 1, 10, "EUR"])

    workbook("numeric_identifier_cells.xlsx", numeric_ids)
    expect(
        "numeric_identifier_cells.xlsx",
        [
            {
                "po_number": "4500123456",
                "currency": "EUR",
                "lines": [
                    {"buyer_sku": "104711", "gtin": "4006381333931", "quantity": "12"},
                    {"buyer_sku": "000104712", "gtin": "04006381333948"},
                ],
            }
        ],
    )

    def flat_with_subtotals(wb: Workbook) -> None:
        ws = wb.active
        ws.append(["PO Number", "Line", "SKU", "Description", "Qty", "Price", "Currency"])
        ws.append(["PO-1", 1, "K-1", "Kettle", 2, 20, "GBP"])
        ws.append(["PO-1", 2, "K-2", "Toaster", 1, 30, "GBP"])
        ws.append([None, None, None, "Subtotal", 3, None, None])
        ws.append(["PO-2", 1, "K-3", "Mug", 12, 2.5, "GBP"])
        ws.append([None, None, None, "Subtotal", 12, None, None])
        ws.append([None, None, None, "Grand Total", 15, None, None])

    workbook("several_pos_subtotals.xlsx", flat_with_subtotals)
    expect(
        "several_pos_subtotals.xlsx",
        [
            {
                "po_number": "PO-1",
                "currency": "GBP",
                "lines": [{"sku": "K-1", "quantity": "2"}, {"sku": "K-2", "quantity": "1"}],
            },
            {
                "po_number": "PO-2",
                "lines": [{"sku": "K-3", "quantity": "12", "unit_cost": {"amount": "2.5"}}],
            },
        ],
    )

    def german_text_cells(wb: Workbook) -> None:
        ws = wb.active
        ws.append(
            [
                "Bestell-Nr.",
                "Artikel-Nr.",
                "Bezeichnung",
                "Menge",
                "Preis",
                "Währung",
                "Liefertermin",
                "Werk",
            ]
        )
        ws.append(["B-900", "0815", "Kabel", "1.000", "0,99", "EUR", "30.04.2024", "DE01"])

    workbook("german_text_cells.xlsx", german_text_cells)
    expect(
        "german_text_cells.xlsx",
        [
            {
                "po_number": "B-900",
                "currency": "EUR",
                "ship_to": {"location_id": "DE01"},
                "lines": [
                    {
                        "buyer_sku": "0815",
                        "quantity": "1000",
                        "unit_cost": {"amount": "0.99"},
                        "requested_delivery_date": "2024-04-30",
                    }
                ],
            }
        ],
    )

    def notes_rows(wb: Workbook) -> None:
        ws = wb.active
        ws.append(["Instructions: fill one row per item. Do not change the headers."])
        ws.append(["PO", "SKU", "Qty", "Currency"])
        ws.append(["N-1", "S-1", 4, "USD"])
        ws.append(["Notes: deliver to the back door, call before arrival"])

    workbook("notes_and_instructions.xlsx", notes_rows)
    expect(
        "notes_and_instructions.xlsx",
        [{"po_number": "N-1", "currency": "USD", "lines": [{"sku": "S-1", "quantity": "4"}]}],
    )

    def second_sheet(wb: Workbook) -> None:
        info = wb.active
        info.title = "Read me"
        info.append(["This workbook lists our orders on the next sheet."])
        orders = wb.create_sheet("Orders")
        orders.append(["Order No.", "Item No.", "Qty", "Price", "Curr"])
        orders.append(["SO-5", "IT-1", 9, 1.25, "CAD"])

    workbook("orders_on_second_sheet.xlsx", second_sheet)
    expect(
        "orders_on_second_sheet.xlsx",
        [
            {
                "po_number": "SO-5",
                "currency": "CAD",
                "lines": [{"buyer_sku": "IT-1", "quantity": "9", "unit_cost": {"amount": "1.25"}}],
            }
        ],
    )

    def date_cells(wb: Workbook) -> None:
        ws = wb.active
        ws.append(["PO Number", "SKU", "Qty", "Order Date", "Ship Date", "Delivery Date"])
        ws.append(["D-1", "S-1", 1, datetime(2024, 4, 5, 0, 0), "Apr 12, 2024", 45397])

    workbook("date_cells_and_text.xlsx", date_cells)
    expect(
        "date_cells_and_text.xlsx",
        [
            {
                "po_number": "D-1",
                "order_date": "2024-04-05",
                "lines": [
                    {
                        "sku": "S-1",
                        "requested_ship_date": "2024-04-12",
                        "requested_delivery_date": "2024-04-15",
                    }
                ],
            }
        ],
    )

    def offset_table(wb: Workbook) -> None:
        ws = wb.active
        ws["C3"] = "Purchase Order"
        ws["C5"] = "PO Number"
        ws["D5"] = "SKU"
        ws["F5"] = "Quantity"
        ws["G5"] = "Unit Price"
        ws["H5"] = "Currency"
        ws.append([])
        ws["C6"], ws["D6"], ws["F6"], ws["G6"], ws["H6"] = "OFF-1", "Z-1", 3, 7.25, "USD"

    workbook("offset_table.xlsx", offset_table)
    expect(
        "offset_table.xlsx",
        [
            {
                "po_number": "OFF-1",
                "currency": "USD",
                "lines": [{"sku": "Z-1", "quantity": "3", "unit_cost": {"amount": "7.25"}}],
            }
        ],
    )


# -- EDI --------------------------------------------------------------------------------------

X12_BODY = [
    "ST{e}850{e}0001",
    "BEG{e}00{e}SA{e}PO-X12-1{e}{e}20240405",
    "CUR{e}BY{e}USD",
    "N1{e}ST{e}DC 7{e}92{e}0007",
    "PO1{e}1{e}24{e}EA{e}2.50{e}{e}UP{e}036000291452{e}VN{e}WID-001",
    "PID{e}F{e}{e}{e}{e}Blue widget",
    "PO1{e}2{e}10{e}CS{e}12{e}{e}VN{e}WID-002",
    "CTT{e}2",
    "SE{e}9{e}0001",
]


def x12(name: str, element: str, sub: str, terminator: str, newline: str, version: str) -> None:
    isa = (
        f"ISA{element}00{element}          {element}00{element}          {element}ZZ{element}"
        f"PARTNER        {element}ZZ{element}ORDERPORT      {element}240405{element}0930"
        f"{element}{'U' if version == '00401' else '^'}{element}{version}{element}000000001"
        f"{element}0{element}P{element}{sub}"
    )
    gs_version = "004010" if version == "00401" else "005010"
    segments = [
        isa,
        f"GS{element}PO{element}PARTNER{element}ORDERPORT{element}20240405{element}0930"
        f"{element}1{element}X{element}{gs_version}",
        *[s.format(e=element) for s in X12_BODY],
        f"GE{element}1{element}1",
        f"IEA{element}1{element}000000001",
    ]
    text_file(name, "".join(s + terminator + newline for s in segments))
    expect(
        name,
        [
            {
                "po_number": "PO-X12-1",
                "order_date": "2024-04-05",
                "currency": "USD",
                "lines": [
                    {
                        "gtin": "036000291452",
                        "vendor_sku": "WID-001",
                        "quantity": "24",
                        "unit_cost": {"amount": "2.50"},
                        "description": "Blue widget",
                    },
                    {"vendor_sku": "WID-002", "quantity": "10", "uom": "CS"},
                ],
            }
        ],
    )


EDIFACT_BODY = (
    "UNH+1+ORDERS:D:96A:UN'BGM+220+PO-EDI-1+9'DTM+137:{date}'"
    "NAD+DP+STORE-114::92++Store 114+Kungsgatan 40+Stockholm++11135+SE'CUX+2:SEK:9'"
    "LIN+1++07350053850019:SRV'IMD+F++:::T?'ent 2?+'QTY+21:6:EA'PRI+AAA:1299.00'"
    "LIN+2'PIA+5+NO-STOVE:SA'QTY+21:12'PRI+AAA:599'UNS+S'UNT+15+1'"
)


def edifact(name: str, una: bool, newline: str, dtm: str, date_text: str) -> None:
    body = EDIFACT_BODY.format(date=date_text)
    head = "UNA:+.? '" if una else ""
    text = head + "UNB+UNOC:3+PARTNER:ZZ+ORDERPORT:ZZ+240405:0930+1'" + body + "UNZ+1+1'"
    if newline:
        text = text.replace("'", "'" + newline).replace("?'" + newline, "?'")
    text_file(name, text)
    expect(
        name,
        [
            {
                "po_number": "PO-EDI-1",
                "order_date": dtm,
                "currency": "SEK",
                "ship_to": {"location_id": "STORE-114", "city": "Stockholm", "country": "SE"},
                "lines": [
                    {"gtin": "07350053850019", "quantity": "6", "description": "T'ent 2+"},
                    {"quantity": "12"},
                ],
            }
        ],
    )


def edi_files() -> None:
    x12("x12_4010_crlf.edi", "*", ">", "~", "\r\n", "00401")
    x12("x12_5010_one_line_pipes.edi", "|", ":", "~", "", "00501")
    x12("x12_newline_terminator.edi", "*", ">", "\n", "", "00401")
    edifact("edifact_una_crlf.edi", True, "\r\n", "2024-04-05", "20240405:102")
    edifact("edifact_one_line_yymmdd.edi", False, "", "2024-04-05", "240405:101")
    edifact("edifact_lf_timestamp.edi", True, "\n", "2024-04-05", "202404051530:203")


# -- JSON shapes of the seeds ---------------------------------------------------------------


def json_files() -> None:
    inspectorio = {
        "po_number": "INS-1",
        "vendor_custom_id": "V-1",
        "created_date": "2024-04-05T08:00:00Z",
        "lines": [
            {
                "item": {"custom_id": "TEE-1", "style_name": "Classic tee"},
                "unit_cost": 4.5,
                "unit_cost_currency_code": "USD",
            }
        ],
        "packaging_details": [
            {
                "packaging_type": "solid",
                "carton_quantity": 10,
                "item": {"custom_id": "TEE-1", "case_pack_quantity": 12},
            }
        ],
    }
    text_file("inspectorio_currency_on_lines.json", json.dumps(inspectorio, indent=2))
    expect(
        "inspectorio_currency_on_lines.json",
        [
            {
                "po_number": "INS-1",
                "currency": "USD",
                "lines": [
                    {
                        "sku": "TEE-1",
                        "quantity": "120",
                        "pack_size": 12,
                        "description": "Classic tee",
                    }
                ],
            }
        ],
    )
    text_file("loupe_country_titles.json", (HERE / "loupe_source.json").read_text("utf-8"))
    expect(
        "loupe_country_titles.json",
        [
            {
                "customer_reference": "LP-77",
                "ship_to": {"country": "US"},
                "bill_to": {"country": "CA"},
            }
        ],
    )
    threepl = {
        "externalId": "3PL-1",
        "currency": "EUR",
        "purchaseOrderNo": "3PL-1",
        "items": [{"sku": "SKU-1", "qty": 3, "price": 9.5, "description": "Box"}],
    }
    text_file("threepl_basic.json", json.dumps(threepl, indent=2))
    expect(
        "threepl_basic.json",
        [
            {
                "po_number": "3PL-1",
                "external_id": "3PL-1",
                "currency": "EUR",
                "lines": [{"sku": "SKU-1", "quantity": "3", "unit_cost": {"amount": "9.5"}}],
            }
        ],
    )


def main() -> None:
    FILES.mkdir(exist_ok=True)
    for old in FILES.iterdir():
        old.unlink()
    csv_files()
    workbooks()
    edi_files()
    json_files()
    for name, spec in EXPECTED.items():
        target = FILES / f"{name}.expected.json"
        target.write_text(json.dumps(spec, indent=2, ensure_ascii=False) + "\n", "utf-8")
    print(f"wrote {len(EXPECTED)} files to {FILES}")


if __name__ == "__main__":
    main()
