"""The result file as JSON, described by ``schemas/result_file.schema.json``.

Values are kept exactly as the partner sent them (no apostrophe prefixes): JSON is read by
programs, not opened as a spreadsheet, and a program must be able to match PO numbers.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any, Final

from orderport.formats.results.rows import file_error_finding, sheet_of, summarise_po, totals
from orderport.model import Finding
from orderport.pipeline.ingest import FileResult
from orderport.resources import package_path

SCHEMA_ID: Final = "https://orderport.dev/schemas/result_file.schema.json"
SCHEMA_PATH: Final = package_path("schemas/result_file.schema.json")


def _finding(finding: Finding, sheet: str | None) -> dict[str, Any]:
    loc = finding.location
    return {
        "severity": finding.severity.value,
        "code": finding.code,
        "field": finding.path,
        "message": finding.message,
        "location": {
            "sheet": sheet,
            "row": loc.row if loc else None,
            "column": loc.column if loc else None,
            "segment": loc.segment if loc else None,
            "segment_position": loc.segment_position if loc else None,
            "element": loc.element if loc else None,
            "component": loc.component if loc else None,
            "pointer": loc.pointer if loc else None,
        },
    }


def result_document(result: FileResult) -> dict[str, Any]:
    """The result of one file as a JSON-ready dict."""
    error = file_error_finding(result)
    purchase_orders: list[dict[str, Any]] = []
    outcomes: Counter[str] = Counter()
    for po in result.pos:
        summary = summarise_po(po)
        if summary.outcome is not None:
            outcomes[summary.outcome] += 1
        sheet = sheet_of(po.reference)
        purchase_orders.append(
            {
                "po_number": po.po_number,
                "reference": po.reference,
                "outcome": summary.outcome,
                "status": summary.status,
                "errors": summary.errors,
                "warnings": summary.warnings,
                "findings": [_finding(f, sheet) for f in po.findings],
            }
        )
    return {
        "$schema": SCHEMA_ID,
        "file": result.filename,
        "format": result.format,
        "has_errors": result.has_errors,
        "totals": {**totals(result), "outcomes": dict(sorted(outcomes.items()))},
        "file_error": None if error is None else _finding(error, None),
        "purchase_orders": purchase_orders,
    }


def render_result_json(result: FileResult) -> bytes:
    """The result of one file as UTF-8 JSON bytes (indented, keys in a stable order)."""
    text = json.dumps(result_document(result), ensure_ascii=False, indent=2)
    return (text + "\n").encode("utf-8", "replace")
