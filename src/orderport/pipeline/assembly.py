"""One PO from rows that are apart in a row file (CSV, spreadsheet).

A row reader yields one document per run of rows with the same PO number. When the same PO
number comes back later in the file, storing each run as the PO would keep only a fragment (the
last run wins). ``join`` appends the later run's lines, provenance and findings to the first
run's document, so the PO is validated and stored once with all its lines; PO-level values that
differ between the runs become findings. The row reader itself reports the split
(``read.po_not_contiguous``, an error: the PO is held with all its lines until it is resent).
"""

from __future__ import annotations

import re
from typing import Any

from orderport.formats.base import FormatError, RawDocument
from orderport.model import Finding, Severity, SourceLocation

INCONSISTENT_PO_VALUE = "read.inconsistent_po_value"

_LINE_PATH = re.compile(r"^\$\.lines\[([0-9]+)\]")


def _lines(doc: RawDocument) -> list[Any]:
    lines = doc.data.get("lines")
    return lines if isinstance(lines, list) else []


def _shift(path: str, offset: int) -> str:
    return _LINE_PATH.sub(lambda m: f"$.lines[{int(m.group(1)) + offset}]", path, count=1)


def _where(doc: RawDocument) -> str:
    location = doc.provenance.locate("$.po_number") or doc.provenance.locate("$")
    return _describe(location)


def _describe(location: SourceLocation | None) -> str:
    if location is None:
        return "later in the file"
    parts = []
    if location.sheet:
        parts.append(f"sheet {location.sheet}")
    if location.row is not None:
        parts.append(f"row {location.row}")
    return ", ".join(parts) or "later in the file"


def join(first: RawDocument, later: RawDocument) -> None:
    """Append ``later`` (more rows of the same PO) to ``first``, in place."""
    offset = len(_lines(first))
    where = _where(later)
    first.reference = _joined_reference(first.reference, later.reference)
    first.data["lines"] = _lines(first) + _lines(later)
    for path, location in later.provenance.locations.items():
        if _LINE_PATH.match(path):
            first.provenance.record(_shift(path, offset), location)
        elif path not in first.provenance.locations:
            first.provenance.record(path, location)
    for key, value in later.data.items():
        if key == "lines":
            continue
        if key not in first.data:
            first.data[key] = value
        elif first.data[key] != value:
            first.findings.append(
                Finding(
                    code=INCONSISTENT_PO_VALUE,
                    severity=Severity.ERROR,
                    path=f"$.{key}",
                    message=(
                        f"{key} is {first.data[key]!r} on the PO's first rows but {value!r} on "
                        f"its rows at {where}; PO-level columns must be the same on every row "
                        "of a PO"
                    ),
                    location=later.provenance.locate(f"$.{key}"),
                )
            )
    first.findings.extend(
        f.model_copy(update={"path": _shift(f.path, offset)}) for f in later.findings
    )


def _joined_reference(first: str | None, later: str | None) -> str | None:
    """Both runs' rows: "rows 2-3 and rows 6" (a shared sheet is named once)."""
    if not later:
        return first
    if not first:
        return later
    sheet, _, rest = later.partition(", ")
    if later.startswith("sheet ") and first.startswith(sheet + ", ") and rest:
        later = rest
    return f"{first} and {later}"


def rows_too_far_apart(doc: RawDocument, number: str, first_at: str) -> FormatError:
    """A run of rows that comes after its PO was already applied from this file (more than a
    batch of POs later): the file is refused whole rather than storing a fragment."""
    return FormatError(
        f"more rows of PO {number} at {_where(doc)}, far after its first rows ({first_at}); "
        "put all rows of a PO together in the file",
        doc.provenance.locate("$.po_number"),
    )
