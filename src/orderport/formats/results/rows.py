"""A file's result flattened once, so the CSV, JSON, text and workbook renderings agree.

Every PO yields one row per finding, or a single row without a finding when it has none; a file
that could not be read yields one file-level row (no PO, outcome ``rejected``, code
``read.file``). Tabular readers name the sheet only in the PO's reference ("sheet Orders,
rows 3-4"), so the sheet is taken from there.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

from orderport.model import Finding, Severity, SourceLocation
from orderport.pipeline.ingest import FileResult, PoResult

FILE_ERROR_CODE: Final = "read.file"
REJECTED: Final = "rejected"


@dataclass(frozen=True, slots=True)
class ResultRow:
    """One line of a result file: a PO (or the whole file) and at most one finding."""

    file: str
    po_number: str | None
    reference: str | None
    outcome: str | None
    status: str | None
    sheet: str | None
    finding: Finding | None


@dataclass(frozen=True, slots=True)
class PoSummary:
    """Per-PO counts for summaries."""

    po_number: str | None
    reference: str | None
    outcome: str | None
    status: str | None
    errors: int
    warnings: int


def sheet_of(reference: str | None) -> str | None:
    """The sheet named by a tabular reference such as "sheet Orders, rows 3-4"."""
    if not reference or not reference.startswith("sheet "):
        return None
    name, sep, _rows = reference[len("sheet ") :].rpartition(", rows ")
    return name if sep and name else None


def file_error_finding(result: FileResult) -> Finding | None:
    """The file-level error of ``result`` as a finding, or None when the file was read."""
    if result.error is None:
        return None
    return Finding(
        code=FILE_ERROR_CODE,
        severity=Severity.ERROR,
        path="$",
        message=result.error.message,
        location=result.error.location or SourceLocation(file=result.filename),
    )


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def summarise_po(po: PoResult) -> PoSummary:
    counts = Counter(f.severity for f in po.findings)
    return PoSummary(
        po_number=po.po_number,
        reference=po.reference,
        outcome=_text(po.outcome),
        status=_text(po.status),
        errors=counts[Severity.ERROR],
        warnings=counts[Severity.WARNING],
    )


def result_rows(result: FileResult) -> list[ResultRow]:
    """Every row of the result file, the file-level error (if any) first."""
    return list(iter_result_rows(result))


def iter_result_rows(result: FileResult) -> Iterator[ResultRow]:
    """``result_rows`` one at a time: a 1 GB file's answer has ~500k rows."""
    error = file_error_finding(result)
    if error is not None:
        yield ResultRow(result.filename, None, None, REJECTED, None, None, error)
    for po in result.pos:
        summary = summarise_po(po)
        sheet = sheet_of(po.reference)
        base = (result.filename, po.po_number, po.reference, summary.outcome, summary.status)
        if not po.findings:
            yield ResultRow(*base, sheet, None)
        for f in po.findings:
            yield ResultRow(*base, (f.location.sheet if f.location else None) or sheet, f)


def totals(result: FileResult) -> dict[str, int]:
    """Counts for the whole file: POs, errors, warnings (a file-level error counts as one)."""
    errors = sum(1 for p in result.pos for f in p.findings if f.is_error)
    warnings = sum(1 for p in result.pos for f in p.findings if not f.is_error)
    if result.error is not None:
        errors += 1
    return {"purchase_orders": len(result.pos), "errors": errors, "warnings": warnings}


def location_text(location: SourceLocation | None, sheet: str | None = None) -> str:
    """Where a finding points, in the partner's words, without the file name."""
    if location is None:
        return f"sheet {sheet}" if sheet else ""
    if location.sheet is None and sheet:
        location = location.model_copy(update={"sheet": sheet})
    return str(location.model_copy(update={"file": None}))
