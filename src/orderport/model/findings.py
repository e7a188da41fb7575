"""Findings: what validation says about a PO, and where in the partner's file it points."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"
    """What the reader inferred (a column matched by the header vocabulary, a date order)."""


class SourceLocation(BaseModel):
    """Where a value came from in the partner's file.

    Tabular formats fill row/column, EDI fills segment/element; ``file`` is the original name.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    segment: str | None = None
    segment_position: int | None = None
    element: int | None = None
    component: int | None = None
    pointer: str | None = None
    """A JSON pointer into the partner's own document (JSON inputs)."""

    def __str__(self) -> str:
        parts = [self.file] if self.file else []
        if self.sheet:
            parts.append(f"sheet {self.sheet}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column}")
        if self.segment:
            seg = self.segment
            if self.segment_position is not None:
                seg += f" (segment {self.segment_position})"
            parts.append(seg)
        if self.element is not None:
            el = f"element {self.element:02d}"
            if self.component is not None:
                el += f"-{self.component}"
            parts.append(el)
        if self.pointer:
            parts.append(self.pointer)
        return ", ".join(parts)


class Finding(BaseModel):
    """One problem with a PO. Errors block it (hold or reject); warnings never do."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str
    severity: Severity
    path: str
    message: str
    location: SourceLocation | None = None

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


def has_errors(findings: list[Finding]) -> bool:
    return any(f.is_error for f in findings)
