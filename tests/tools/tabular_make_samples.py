"""(Re)build the .xlsx samples in sample_files/xlsx/.

Run: .venv/bin/python tests/tools/tabular_make_samples.py
then .venv/bin/python tests/tools/regen_expected.py, and review every diff by hand.

The LibreOffice sample is converted from a CSV by ``soffice --headless --convert-to xlsx``
(Debian package libreoffice-calc-nogui); it is skipped with a message when soffice is missing,
and the committed file is kept.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import zipfile
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

OUT = Path(__file__).resolve().parents[2] / "sample_files" / "xlsx"


def analyst_orders() -> None:
    """Title rows, a merged title, a totals row, a notes sheet before and a pivot sheet after."""
    wb = Workbook()
    notes = wb.active
    assert notes is not None
    notes.title = "Read me"
    notes["A1"] = "Replenishment orders - fill in the Orders sheet only."
    ws = wb.create_sheet("Orders")
    ws["A1"] = "Spring replenishment - Acme Retail"
    ws["A1"].font = Font(bold=True, size=14)
    ws.merge_cells("A1:I1")
    ws["A2"] = "Prepared by: J. Analyst"
    ws.append([])
    ws.append(
        ["PO #", "Order date", "Vendor", "Currency", "Line", "SKU", "UPC", "Qty", "Unit price"]
    )
    rows = [
        ("PO-8001", date(2026, 11, 20), "vendor_1", "USD", 1, "SKU-100", 36000291452, 100, 7.5),
        ("PO-8001", date(2026, 11, 20), "vendor_1", "USD", 2, "SKU-101", None, 50, 7.5),
        ("PO-8002", date(2026, 11, 21), "vendor_2", "USD", 1, "SKU-200", None, 24, 0.1 + 0.2),
    ]
    for values in rows:
        ws.append(list(values))
        ws.cell(ws.max_row, 2).number_format = "dd/mm/yyyy"
        ws.cell(ws.max_row, 7).number_format = "000000000000"
    ws.append([])
    ws.append(["Grand total", None, None, None, None, None, None, "=SUM(H5:H7)", None])
    pivot = wb.create_sheet("Pivot")
    pivot.append(["po_number", "quantity"])
    pivot.append(["PO-8001", 150])
    wb.save(OUT / "analyst_orders.xlsx")


def dates_and_text() -> None:
    """Date serials in number cells, text dates, numbers stored as text, a numeric SKU and
    an unknown column (a warning)."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Sheet1"
    ws.append(
        [
            "po_number",
            "order_date",
            "delivery_end",
            "currency",
            "vendor_id",
            "sku",
            "quantity",
            "unit_cost",
            "Buyer comment",
        ]
    )
    ws.append(["PO-8101", 46346, "2027-01-20", "USD", "vendor_1", 123, "120", "7.50", "rush"])
    ws.append(["PO-8101", 46346, "2027-01-20", "USD", "vendor_1", "000124", "1,200", "7.5", None])
    ws.append(["PO-8102", "21/11/2026", "20/01/2027", "USD", "vendor_1", "SKU-9", " 3 ", "12", ""])
    wb.save(OUT / "dates_and_text.xlsx")


def analyst_errors() -> None:
    """Unreadable values, an inconsistent PO column and an unknown column."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Orders"
    ws.append(["Purchase order errors sample"])
    ws.append(["po_number", "order_date", "currency", "vendor_id", "sku", "quantity", "Comment"])
    ws.append(["PO-8201", date(2026, 11, 20), "USD", "vendor_1", "SKU-1", "ten", "rush"])
    ws.append(["PO-8201", "next week", "EUR", "vendor_1", "SKU-2", 4, None])
    ws.cell(3, 2).number_format = "yyyy-mm-dd"
    wb.save(OUT / "analyst_errors.xlsx")


def macro_workbook() -> None:
    """A macro-enabled workbook renamed to .xlsx: refused by content."""
    base = OUT / "_plain.xlsx"
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["po_number", "sku", "quantity"])
    ws.append(["PO-1", "SKU-1", 1])
    wb.save(base)
    with (
        zipfile.ZipFile(base) as src,
        zipfile.ZipFile(OUT / "macro_renamed.xlsx", "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "[Content_Types].xml":
                data = data.replace(
                    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
                )
            dst.writestr(item, data)
        dst.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 not a real VBA project")
    base.unlink()


def zip_bomb() -> None:
    """A sheet part that inflates 1000:1 (small on disk, refused before parsing)."""
    with zipfile.ZipFile(OUT / "zip_bomb.xlsx", "w", zipfile.ZIP_DEFLATED) as dst:
        dst.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>',
        )
        dst.writestr("xl/worksheets/sheet1.xml", b" " * (4 << 20))


def legacy_xls() -> None:
    """An OLE2 compound file header: legacy .xls or an encrypted workbook."""
    (OUT / "legacy.xls").write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 24 + b"\x3e\x00\x03\x00" + b"\x00" * 476
    )


def libreoffice() -> None:
    soffice = shutil.which("soffice")
    if soffice is None:
        print("soffice not found: keeping the committed libreoffice_orders.xlsx")
        return
    csv_text = (
        "po_number,order_date,currency,vendor_id,ship_to_name,ship_to_line1,ship_to_city,"
        "ship_to_province,ship_to_postal_code,ship_to_country,line_number,sku,quantity,unit_cost\n"
        "PO-8301,2026-11-20,USD,vendor_1,Acme DC West,5 Bay Rd,Oakland,CA,94607,US,"
        "1,SKU-1,12,3.25\n"
        "PO-8301,2026-11-20,USD,vendor_1,Acme DC West,5 Bay Rd,Oakland,CA,94607,US,"
        "2,SKU-2,6,4\n"
    )
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "libreoffice_orders.csv"
        src.write_text(csv_text)
        subprocess.run(
            [soffice, "--headless", "--convert-to", "xlsx", "--outdir", tmp, str(src)],
            check=True,
            capture_output=True,
            env={"HOME": tmp, "PATH": "/usr/bin:/bin"},
        )
        shutil.copy(Path(tmp) / "libreoffice_orders.xlsx", OUT / "libreoffice_orders.xlsx")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    analyst_orders()
    dates_and_text()
    analyst_errors()
    macro_workbook()
    zip_bomb()
    legacy_xls()
    libreoffice()
    print("wrote", ", ".join(sorted(p.name for p in OUT.glob("*.xls*") if p.suffix != ".json")))


if __name__ == "__main__":
    main()
