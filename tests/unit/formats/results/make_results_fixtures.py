"""Regenerates data/libreoffice_errors.xlsx: a styled workbook with errors, saved by LibreOffice.

Run by hand (needs ``soffice``), from the repository root:
``.venv/bin/python tests/unit/formats/results/make_results_fixtures.py``.
openpyxl writes the draft; LibreOffice Calc re-saves it, so the fixture is a workbook as
LibreOffice writes it (its own styles.xml, shared strings and comment parts).
"""

from __future__ import annotations

import datetime
import subprocess
import tempfile
from pathlib import Path

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill

DATA = Path(__file__).parent / "data"


def draft(path: Path) -> None:
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "Orders"
    ws["A1"] = "Autumn orders - LibreOffice"
    ws["A1"].font = Font(bold=True, size=14)
    ws.merge_cells("A1:F1")
    header = ["po_number", "order_date", "currency", "sku", "quantity", "unit_cost"]
    for col, name in enumerate(header, start=1):
        cell = ws.cell(row=2, column=col, value=name)
        cell.font = Font(bold=True, color="FFFFFFFF")
        cell.fill = PatternFill(fill_type="solid", fgColor="FF1F4E78")
    rows: list[list[str | int | float | datetime.datetime | None]] = [
        ["PO-9001", datetime.datetime(2026, 11, 20), "USD", "SKU-1", 10, 2.5],
        ["PO-9001", datetime.datetime(2026, 11, 20), "USD", "SKU-2", None, 3],
        ["PO-9002", "soon", "USD", "SKU-3", 4, 1.25],
        [
            '=HYPERLINK("http://x.example","hi")',
            datetime.datetime(2026, 11, 21),
            "USD",
            "-SKU",
            "lots",
            1,
        ],
    ]
    for r, values in enumerate(rows, start=3):
        for c, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=c, value=value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # the analyst typed it as text
    for r in range(3, 7):
        ws.cell(row=r, column=2).number_format = "DD.MM.YYYY"
        ws.cell(row=r, column=6).number_format = "#,##0.00"
    ws["D3"].comment = Comment("analyst: check with buyer", "J. Analyst")
    ws["H3"] = "=SUM(E3:E6)"
    ws.column_dimensions["A"].width = 24
    book.save(path)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "libreoffice_errors.xlsx"
        draft(source)
        out = Path(tmp) / "out"
        subprocess.run(
            [
                "soffice",
                "--headless",
                "--convert-to",
                "xlsx:Calc MS Excel 2007 XML",
                "--outdir",
                str(out),
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        DATA.mkdir(exist_ok=True)
        (DATA / "libreoffice_errors.xlsx").write_bytes((out / source.name).read_bytes())


if __name__ == "__main__":
    main()
