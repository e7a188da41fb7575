"""Issue 15, "the analyst's answer": result files named after the upload, the result CSV's
first columns, and a picture of the annotated workbook's first page.

The picture is rendered from an HTML view of the workbook (values, fills, our findings column)
in headless Chromium: LibreOffice is not installed on the test machines.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from collections.abc import Callable
from html import escape
from pathlib import Path

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import Engine, select

from orderport.formats.results import render_result_csv
from orderport.formats.results.workbook import FINDINGS_HEADER, annotate_workbook
from orderport.pipeline.ingest import FileResult
from orderport.store import lifecycle
from orderport.store.outbox import answer_filename, enqueue
from orderport.store.tables import outbox

Check = Callable[..., FileResult]
ROOT = Path(__file__).resolve().parents[4]
PICTURE = ROOT / "docs" / "img" / "annotated-workbook.png"


def test_result_files_are_named_after_the_upload_and_unique(engine: Engine) -> None:
    with engine.begin() as conn:
        lifecycle.upsert_partner(conn, "analysts", "Analysts")
        first = enqueue(
            conn, "analysts", "result_xlsx", b"1", extension="xlsx", answers="Week 48 orders.xlsx"
        )
        again = enqueue(
            conn, "analysts", "result_xlsx", b"2", extension="xlsx", answers="Week 48 orders.xlsx"
        )
        odd = enqueue(conn, "analysts", "result_csv", b"3", extension="csv", answers=".hidden")
        names = dict(conn.execute(select(outbox.c.id, outbox.c.filename)).all())
    assert names[first] == "Week 48 orders.xlsx.result.xlsx"
    assert names[again] == f"Week 48 orders.xlsx.result-{again}.xlsx"
    assert names[odd] == f"analysts_result_csv_{odd:010d}.csv"  # not writable as it is
    assert answer_filename("in\\\\sub/a\nb.csv", "csv") == "a_b.csv.result.csv"


def test_result_csv_starts_with_what_an_analyst_reads(check_sample: Check) -> None:
    data = render_result_csv(check_sample("csv/canonical_errors.csv"))
    reader = csv.reader(io.StringIO(data[3:].decode("utf-8"), newline=""))
    header = next(reader)
    assert header[:5] == ["file", "row", "column", "severity", "message"]
    rows = list(reader)
    assert {r[0] for r in rows} == {"canonical_errors.csv"}
    located = [r for r in rows if r[1].isdigit()]
    assert located
    assert all(r[3] in ("error", "warning") and r[4] for r in located)


def _html_view(ws: Worksheet) -> str:
    """The sheet as a plain HTML table: values, solid fills, wrapped text (a printout's view)."""
    rows = []
    for row in ws.iter_rows(min_row=1, max_row=ws.max_row, max_col=ws.max_column):
        cells = []
        for cell in row:
            style = "border:1px solid #bbb;padding:3px 6px;vertical-align:top;white-space:pre-wrap"
            if cell.fill is not None and cell.fill.fill_type == "solid":
                style += f";background:#{str(cell.fill.fgColor.rgb)[-6:]}"
            value = "" if cell.value is None else str(cell.value)
            mark = " &#9650;" if cell.comment is not None else ""
            cells.append(f'<td style="{style}">{escape(value)}{mark}</td>')
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"></head>'
        '<body style="font-family:sans-serif;font-size:13px;margin:16px">'
        f"<h3>{escape(ws.title)}</h3>"
        '<table style="border-collapse:collapse;max-width:1350px">'
        f"{''.join(rows)}</table></body></html>"
    )


def test_annotated_workbook_first_page_picture(
    check_sample: Check, samples: Path, tmp_path: Path
) -> None:
    original = (samples / "xlsx/analyst_errors.xlsx").read_bytes()
    result = check_sample("xlsx/analyst_errors.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(annotate_workbook(original, result)))
    first = book.worksheets[0]
    assert isinstance(first, Worksheet)
    header = [c.value for c in next(first.iter_rows(min_row=2, max_row=2))]
    assert header[-1] == FINDINGS_HEADER
    page = tmp_path / "workbook.html"
    page.write_text(_html_view(first))
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    assert browser, "headless Chromium is needed: apt-get install -y chromium"
    PICTURE.parent.mkdir(parents=True, exist_ok=True)
    shot = subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--window-size=1400,420",
            "--hide-scrollbars",
            f"--screenshot={PICTURE}",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert shot.returncode == 0, shot.stderr[-3000:]
    assert PICTURE.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
