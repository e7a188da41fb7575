"""The result as plain text, for the body of an e-mail reply to the sender."""

from __future__ import annotations

from orderport.formats.results.rows import (
    file_error_finding,
    location_text,
    sheet_of,
    summarise_po,
    totals,
)
from orderport.model import Finding
from orderport.pipeline.ingest import FileResult, PoResult


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _finding_line(finding: Finding, sheet: str | None) -> str:
    where = location_text(finding.location, sheet)
    at = f" at {where}" if where else ""
    return f"  - {finding.severity.value.upper()} {finding.code}{at}: {finding.message}"


def _po_heading(po: PoResult) -> str:
    summary = summarise_po(po)
    name = f"PO {po.po_number}" if po.po_number else "A purchase order without a PO number"
    where = f" ({po.reference})" if po.reference else ""
    if summary.outcome is not None:
        state = summary.outcome + (f", status {summary.status}" if summary.status else "")
    else:
        state = "has errors" if summary.errors else "valid"
    counts = f"{_plural(summary.errors, 'error')}, {_plural(summary.warnings, 'warning')}"
    return f"{name}{where}: {state} ({counts})"


def render_result_text(result: FileResult) -> str:
    """A plain-text summary of what happened to the file and each of its POs."""
    count = totals(result)
    lines = [f"Result for {result.filename}" + (f" ({result.format})" if result.format else "")]
    lines.append(
        f"{_plural(count['purchase_orders'], 'purchase order')}, "
        f"{_plural(count['errors'], 'error')}, {_plural(count['warnings'], 'warning')}."
    )
    error = file_error_finding(result)
    if error is not None:
        lines += ["", "The file could not be read:", _finding_line(error, None)]
    for po in result.pos:
        sheet = sheet_of(po.reference)
        lines += ["", _po_heading(po)]
        lines.extend(_finding_line(f, sheet) for f in po.findings)
    if not result.has_errors:
        lines += ["", "No errors: nothing needs to be sent again."]
    else:
        lines += ["", "Please correct the errors and send the file again."]
    return "\n".join(lines) + "\n"
