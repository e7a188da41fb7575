"""Answers to the sender about one file: result CSV/JSON, an annotated workbook, e-mail text.

All renderers are pure functions of an ``orderport.pipeline.ingest.FileResult``. Every cell
written to a CSV or a spreadsheet passes ``neutralise_cell`` (formula injection).
"""

from orderport.formats.results.csv_file import CSV_COLUMNS, render_result_csv
from orderport.formats.results.json_file import (
    SCHEMA_ID,
    SCHEMA_PATH,
    render_result_json,
    result_document,
)
from orderport.formats.results.safety import neutralise_cell
from orderport.formats.results.text import render_result_text
from orderport.formats.results.workbook import annotate_workbook

__all__ = [
    "CSV_COLUMNS",
    "SCHEMA_ID",
    "SCHEMA_PATH",
    "annotate_workbook",
    "neutralise_cell",
    "render_result_csv",
    "render_result_json",
    "render_result_text",
    "result_document",
]
