"""The result file as CSV: one row per finding (and per PO without findings).

The columns an analyst reads come first (file, row, column, severity, message); the PO and the
EDI coordinates (segment, element, ...; empty for spreadsheets and CSV) follow.

UTF-8 with a byte-order mark and CRLF line ends so Excel opens it with the right characters;
every text cell passes ``neutralise_cell`` because PO numbers and quoted values come from the
partner.
"""

from __future__ import annotations

import csv
import io
from typing import Final

from orderport.formats.results.rows import ResultRow, iter_result_rows
from orderport.formats.results.safety import neutralise_cell
from orderport.pipeline.ingest import FileResult

CSV_COLUMNS: Final = (
    "file",
    "row",
    "column",
    "severity",
    "message",
    "po_number",
    "reference",
    "outcome",
    "status",
    "code",
    "field",
    "sheet",
    "segment",
    "segment_position",
    "element",
    "component",
    "pointer",
)


def _cells(row: ResultRow) -> list[str]:
    finding = row.finding
    loc = finding.location if finding else None
    values: list[object] = [
        row.file,
        loc.row if loc else None,
        loc.column if loc else None,
        finding.severity.value if finding else None,
        finding.message if finding else None,
        row.po_number,
        row.reference,
        row.outcome,
        row.status,
        finding.code if finding else None,
        finding.path if finding else None,
        row.sheet,
        loc.segment if loc else None,
        loc.segment_position if loc else None,
        loc.element if loc else None,
        loc.component if loc else None,
        loc.pointer if loc else None,
    ]
    return [
        "" if v is None else str(v) if isinstance(v, int) else neutralise_cell(str(v))
        for v in values
    ]


def render_result_csv(result: FileResult) -> bytes:
    """The result of one file as CSV bytes (UTF-8 with BOM, CRLF), encoded as it is written: the
    rows are made one at a time, and no text copy of the whole file is kept beside the bytes."""
    buffer = io.BytesIO()
    text = io.TextIOWrapper(buffer, encoding="utf-8-sig", errors="replace", newline="")
    writer = csv.writer(text, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(CSV_COLUMNS)
    writer.writerows(_cells(row) for row in iter_result_rows(result))
    text.flush()
    data = buffer.getvalue()
    text.detach()
    return data
