"""Per-set mapping state: provenance, findings and 997 errors recorded in one place.

Locations count segments from the set's ST (ST = 1), the same position the 997 AK302 uses.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from orderport.formats.numbers import MAX_COUNT_DIGITS, preview
from orderport.formats.x12 import results as r
from orderport.formats.x12.envelope import TransactionSet
from orderport.formats.x12.provenance import SegmentProvenance
from orderport.formats.x12.results import ElementError, SegmentError
from orderport.model import Finding, Severity, SourceLocation

_DIGITS = frozenset("0123456789")
_NUMERIC = frozenset("0123456789.-")
_PLAIN_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?").fullmatch
"""Digits with an optional fraction: a valid decimal that ``decimal`` returns unchanged."""


def element(segment: list[str], index: int) -> str:
    """Element ``index`` (1-based) of ``segment`` or "" when absent."""
    return segment[index] if index < len(segment) else ""


class SetContext:
    """Collects a set's provenance, findings and AK3/AK4 errors while it is mapped."""

    def __init__(self, ts: TransactionSet, filename: str) -> None:
        self.ts = ts
        self.filename = filename
        self.provenance = SegmentProvenance(file=filename)
        self.findings: list[Finding] = list(ts.findings)
        self.component = ts.separators.component
        self.loop = ""
        self._spots = self.provenance.spots
        self._segment_errors: dict[int, SegmentError] = {}

    def location(self, tag: str, position: int, element_index: int | None = None) -> SourceLocation:
        return SourceLocation(
            file=self.filename, segment=tag, segment_position=position, element=element_index
        )

    def record(self, path: str, tag: str, position: int, element_index: int | None) -> None:
        """Where ``path`` came from, kept as a tuple (``SegmentProvenance`` builds it lazily)."""
        self._spots[path] = (tag, position, element_index)

    def problem(
        self,
        code: str,
        path: str,
        message: str,
        tag: str,
        position: int,
        element_index: int | None = None,
        *,
        severity: Severity = Severity.ERROR,
        syntax: tuple[str, str, str] | None = None,
    ) -> None:
        """Record a finding; ``syntax`` = (AK403 code, data element ref, bad value) adds an AK4."""
        self.findings.append(
            Finding(
                code=code,
                severity=severity,
                path=path,
                message=f"{tag}{element_index:02d}: {message}" if element_index else message,
                location=self.location(tag, position, element_index),
            )
        )
        if syntax is not None:
            self.syntax_error(tag, position, element_index, *syntax)

    def syntax_error(
        self,
        tag: str,
        position: int,
        element_index: int | None,
        code: str,
        reference: str,
        bad_value: str,
        *,
        segment_code: str = r.SEG_HAS_ELEMENT_ERRORS,
    ) -> None:
        seg = self._segment_errors.get(position)
        if seg is None:
            seg = SegmentError(tag, position, segment_code, loop_id=self.loop)
            self._segment_errors[position] = seg
            self.ts.result.segment_errors.append(seg)
        if element_index is not None:
            seg.elements.append(ElementError(element_index, reference, code, bad_value[:99]))

    # -- values -------------------------------------------------------------------------------

    def decimal(
        self, segment: list[str], index: int, position: int, path: str, reference: str
    ) -> str | None:
        """A plain decimal string for an X12 R/N element, or None (with a finding) if bad."""
        text = element(segment, index)
        if not text:
            return None
        if _PLAIN_NUMBER(text) is not None:
            return text  # the usual case, already written the way it is stored
        if not _NUMERIC.issuperset(text):
            self._bad_number(segment, index, position, path, reference, text)
            return None
        try:
            value = Decimal(text)
        except InvalidOperation:
            self._bad_number(segment, index, position, path, reference, text)
            return None
        return text if text[0] in _DIGITS and text[-1] in _DIGITS else format(value, "f")

    def _bad_number(
        self, segment: list[str], index: int, position: int, path: str, ref: str, text: str
    ) -> None:
        self.problem(
            "read.number",
            path,
            f"{text!r} is not a number",
            segment[0],
            position,
            index,
            syntax=(r.EL_INVALID_CHARACTER, ref, text),
        )
        return None

    def integer(
        self, segment: list[str], index: int, position: int, path: str, reference: str
    ) -> int | None:
        text = self.decimal(segment, index, position, path, reference)
        if text is None:
            return None
        value = Decimal(text)
        if value != value.to_integral_value():
            self.problem(
                "read.integer",
                path,
                f"{text!r} is not a whole number",
                segment[0],
                position,
                index,
                syntax=(r.EL_INVALID_CHARACTER, reference, text),
            )
            return None
        if value and value.adjusted() >= MAX_COUNT_DIGITS:
            self.problem(
                "read.integer",
                path,
                f"{preview(text)} is too large a whole number",
                segment[0],
                position,
                index,
                syntax=(r.EL_TOO_LONG, reference, text),
            )
            return None
        return int(value)

    def date(
        self, segment: list[str], index: int, position: int, path: str, reference: str = "373"
    ) -> str | None:
        """CCYYMMDD -> "YYYY-MM-DD", or None with a finding and an AK4 code 8."""
        text = element(segment, index)
        if not text:
            return None
        if len(text) == 8 and _DIGITS.issuperset(text):
            try:
                return date(int(text[:4]), int(text[4:6]), int(text[6:])).isoformat()
            except ValueError:
                pass
        self.problem(
            "read.date",
            path,
            f"{text!r} is not a date CCYYMMDD",
            segment[0],
            position,
            index,
            syntax=(r.EL_INVALID_DATE, reference, text),
        )
        return None

    def text(self, segment: list[str], index: int, position: int, path: str) -> str | None:
        value = element(segment, index).strip()
        if not value:
            return None
        self.record(path, segment[0], position, index)
        return value

    def set_value(
        self,
        target: dict[str, Any],
        key: str,
        value: object,
        path: str,
        tag: str,
        position: int,
        index: int | None,
    ) -> None:
        target[key] = value
        self._spots[path] = (tag, position, index)
