"""What the annotated workbook says, independent of how the .xlsx is written.

Both writers of the answer workbook (``workbook`` through openpyxl, ``ooxml_package`` at the zip
level) take their words from here: the comment on a marked cell, the text of the "Orderport
findings" column, and every cell of the Summary sheet. So the two cannot drift apart in what
the analyst reads; they only differ in how the bytes are produced.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final, Literal

from openpyxl.utils.cell import column_index_from_string, quote_sheetname

from orderport.formats.results.rows import ResultRow, summarise_po, totals
from orderport.formats.results.safety import neutralise_cell
from orderport.model import Finding
from orderport.pipeline.ingest import FileResult

SUMMARY_TITLE: Final = "Summary"
COMMENT_AUTHOR: Final = "Orderport"
FINDINGS_HEADER: Final = "Orderport findings"
FINDINGS_WIDTH: Final = 60
MAX_TEXT: Final = 32_000  # Excel keeps at most 32,767 characters in a comment or a cell
COMMENT_WIDTH: Final = 320
INFO_CODES: Final = frozenset({"read.unknown_column"})
"""Findings about columns we did not use: reported in the Summary, never marked in the sheet."""
MAX_COLUMN: Final = 16384  # XFD
MAX_ROW: Final = 1_048_576
_COLUMN_LABEL: Final = re.compile(r"([A-Z]{1,3})(?: \(.*\))?", re.DOTALL)
_MORE: Final = "\n... (more in the Summary sheet)"
_FIXES: Final = {
    "read.date": "Write the date as YYYY-MM-DD (e.g. 2026-11-20), or as a real date cell.",
    "read.decimal": "Write a plain number with a dot for decimals (2.50).",
    "read.boolean": "Write yes or no.",
    "read.missing_po_number": "Fill in the PO number on this row.",
    "read.inconsistent_po_value": "Give this column the same value on every row of the PO.",
    "read.po_not_contiguous": "Keep all rows of one PO together.",
    "read.unknown_column": "Nothing to do: the column is not read (rename it to use it).",
    "schema.pattern": "Enter the value in the format the message names.",
    "schema.required": "Fill in this value.",
}
_DEFAULT_FIX: Final = "Correct the value as the message says and send the file again."


def column_of(label: str | None) -> str | None:
    """The column letter of an XLSX reader label such as "C (Qty)", or None."""
    if not label:
        return None
    found = _COLUMN_LABEL.fullmatch(label)
    if found is None or column_index_from_string(found.group(1)) > MAX_COLUMN:
        return None
    return found.group(1)


@dataclass
class Mark:
    """Everything to say about one cell."""

    findings: list[Finding] = field(default_factory=list)

    @property
    def is_error(self) -> bool:
        return any(f.is_error for f in self.findings)


def how_to_fix(finding: Finding) -> str:
    """Plain advice for a finding's code (the message says what exactly is wrong)."""
    return _FIXES.get(finding.code, _DEFAULT_FIX)


def _clip(text: str) -> str:
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 40] + _MORE


def comment_text(findings: list[Finding], existing: str | None = None) -> str:
    """The comment on a marked cell, below the analyst's own comment when there is one."""
    text = "\n\n".join(
        neutralise_cell(f"{f.severity.value.upper()} {f.code}: {f.message}") for f in findings
    )
    if existing:
        text = f"{existing}\n\n--- {COMMENT_AUTHOR} ---\n{text}"
    return _clip(text)


def comment_height(text: str) -> int:
    """A comment box tall enough for ``text`` at ``COMMENT_WIDTH`` (capped)."""
    return min(600, 40 + 15 * (len(text) // 45 + text.count("\n") + 1))


def findings_text(found: list[tuple[str, Finding]]) -> str:
    """One row's cell of the findings column: each (column letter, finding) in words."""
    lines = [f"{f.severity.value.upper()} in {letter}: {f.message}" for letter, f in found]
    return neutralise_cell(_clip("\n".join(lines)))


def free_title(taken: list[str]) -> str:
    """ "Summary", or "Summary (2)"... when the analyst already has a sheet of that name."""
    folded = {name.casefold() for name in taken}
    title, number = SUMMARY_TITLE, 1
    while title.casefold() in folded:
        number += 1
        title = f"{SUMMARY_TITLE} ({number})"
    return title


Style = Literal["plain", "bold", "wrap", "link"]
"""How a Summary cell looks: "link" is a wrapped, blue, underlined cell with a hyperlink."""


@dataclass(frozen=True, slots=True)
class SummaryCell:
    """One cell of the Summary sheet; text is already neutralised (never a formula)."""

    value: str | int
    style: Style = "plain"
    link: str | None = None
    """Where a "link" cell points inside the workbook ("'Orders'!B4")."""


@dataclass(frozen=True, slots=True)
class SummarySheet:
    """The Summary's rows (1-based row number -> cells from column A) and its print title."""

    rows: list[tuple[int, list[SummaryCell]]]
    header_row: int


PO_HEADER: Final = ["Purchase order", "Where", "Outcome", "Status", "Errors", "Warnings"]
FINDING_HEADER: Final = [
    "Row",
    "Column",
    "What is wrong",
    "How to fix",
    "Severity",
    "Purchase order",
    "Cell",
    "Code",
    "JSON path",
]
FINDING_WIDTHS: Final = (6, 18, 48, 34, 9, 14, 8, 18, 20)


def _cells(values: list[str | int], style: Style = "plain") -> list[SummaryCell]:
    return [SummaryCell(neutralise_cell(v) if isinstance(v, str) else v, style) for v in values]


def summary_sheet(
    result: FileResult, rows: list[ResultRow], placed: dict[int, tuple[str, str]]
) -> SummarySheet:
    """The Summary: a checklist of findings (row, column, what, how) after the POs' outcomes.

    ``placed`` maps an index in ``rows`` to the (sheet, cell) its finding marked.
    """
    count = totals(result)
    out: list[tuple[int, list[SummaryCell]]] = [
        (1, _cells([f"Orderport result for {result.filename}"], "bold")),
        (
            2,
            _cells(
                [
                    f"{count['purchase_orders']} purchase order(s), {count['errors']} error(s), "
                    f"{count['warnings']} warning(s). Marked cells carry a comment; red = error, "
                    "yellow = warning."
                ]
            ),
        ),
    ]
    line = 3
    if result.error is not None:
        out.append(
            (line, _cells([f"The workbook could not be read: {result.error.message}"], "bold"))
        )
        line += 1
    line += 1
    out.append((line, _cells(list(PO_HEADER), "bold")))
    for po in result.pos:
        line += 1
        s = summarise_po(po)
        values: list[str | int] = [
            s.po_number or "",
            s.reference or "",
            s.outcome or "",
            s.status or "",
            s.errors,
            s.warnings,
        ]
        out.append((line, _cells(values)))
    line += 2
    out.append((line, _cells(list(FINDING_HEADER), "bold")))
    header_row = line
    for index, row in enumerate(rows):
        finding = row.finding
        if finding is None:
            continue
        line += 1
        sheet, coordinate = placed.get(index, ("", ""))
        loc = finding.location
        severity = "info" if finding.code in INFO_CODES else finding.severity.value
        cells = _cells(
            [
                loc.row if loc is not None and loc.row is not None else "",
                (loc.column or "") if loc is not None else "",
                finding.message,
                how_to_fix(finding),
                severity,
                row.po_number or "",
                coordinate,
                finding.code,
                finding.path,
            ],
            "wrap",
        )
        if coordinate:
            cells[6] = SummaryCell(cells[6].value, "link", f"{quote_sheetname(sheet)}!{coordinate}")
        out.append((line, cells))
    return SummarySheet(out, header_row)
