"""Building one canonical document while recording where each value came from.

Pointers are RFC 6901 JSON pointers relative to the PO's own object (for an array file, the
array item; for JSON Lines, the line's object). ``row`` in every location is the line on which
that object starts, so a partner can find the PO in a long file and then the field in the PO.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from orderport.model import Finding, Severity, SourceLocation
from orderport.model.provenance import LazyProvenance
from orderport.validation.paths import pointer_token as pointer_token


def plain_decimal(value: int | Decimal | str) -> str:
    """A JSON number (int or Decimal) as a plain decimal string: 1.5E+2 -> "150"."""
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)
    text = format(value, "f")
    return text


def date_part(value: str) -> str:
    """The calendar date of a date or RFC 3339 timestamp, as written (no zone conversion)."""
    return value[:10]


def timestamp(value: str) -> str:
    """A timestamp; a bare date is taken as midnight UTC (Inspectorio sends UTC, "...Z")."""
    return value + "T00:00:00Z" if len(value) == 10 else value


def flag(value: object) -> bool:
    """Seed 002 flags are 1/0 or true/false."""
    return value is True or value == 1


class PointerProvenance(LazyProvenance):
    """JSON pointers (relative to the PO's object, which starts on ``row``), turned into
    SourceLocations only when a finding asks."""

    def __init__(self, file: str, row: int) -> None:
        self.row = row
        super().__init__(file=file)

    def _make(self, key: object) -> SourceLocation:
        return SourceLocation(file=self.file, row=self.row, pointer=str(key))


class Emitter:
    """Collects provenance and findings for one document."""

    __slots__ = ("_file", "_pointers", "findings", "provenance", "row")

    def __init__(self, filename: str, row: int) -> None:
        self.provenance = PointerProvenance(filename, row)
        self._pointers = self.provenance.raw
        self._file = filename
        self.row = row
        self.findings: list[Finding] = []
        # The PO's own object: where a finding about a field the partner left out points.
        self._pointers["$"] = ""

    def location(self, pointer: str) -> SourceLocation:
        return SourceLocation(file=self._file, row=self.row, pointer=pointer)

    def record(self, path: str, pointer: str) -> None:
        self._pointers[path] = pointer

    def put(self, target: dict[str, Any], key: str, value: object, path: str, pointer: str) -> None:
        """Set ``target[key]`` (canonical ``path``) from the partner value at ``pointer``."""
        target[key] = value
        self._pointers[path] = pointer

    def copy(
        self,
        source: dict[str, Any],
        source_key: str,
        target: dict[str, Any],
        key: str,
        path: str,
        pointer: str,
    ) -> None:
        """Copy one field when the partner gave it (``path``/``pointer`` name the parents)."""
        value = source.get(source_key)
        if value is not None:
            self.put(target, key, value, f"{path}.{key}", f"{pointer}/{source_key}")

    def copy_fields(
        self,
        source: dict[str, Any],
        fields: dict[str, str],
        target: dict[str, Any],
        path: str,
        pointer: str,
    ) -> None:
        """Copy every ``fields`` entry (partner key -> canonical key) the partner gave."""
        for source_key, key in fields.items():
            value = source.get(source_key)
            if value is not None:
                target[key] = value
                self._pointers[f"{path}.{key}"] = f"{pointer}/{source_key}"

    def finding(self, code: str, severity: Severity, path: str, message: str, pointer: str) -> None:
        self.findings.append(
            Finding(
                code=code,
                severity=severity,
                path=path,
                message=message,
                location=self.location(pointer),
            )
        )
