"""Decimal separator and date order of a file whose profile is silent, decided from its data.

The first ``SAMPLE_ROWS`` data rows are looked at before any is read: every text value of the
date columns decides day-first vs month-first together (one "13/04/2024" settles the file), and
numbers written "12,50" or "1.234,50" settle the decimal comma. What was decided is reported as an
info finding; a file that cannot tell ("04/05/2024" only) gets a warning naming the assumption.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import islice
from typing import Final

from orderport.formats.tabular.columns import DATE, DECIMAL, Header
from orderport.formats.tabular.dates import (
    DAY_FIRST,
    MONTH_FIRST,
    auto_formats,
    decide_day_first,
    parse_date,
)
from orderport.formats.tabular.layout import Row
from orderport.formats.tabular.values import ValueParser
from orderport.model import Finding, Severity, SourceLocation

SAMPLE_ROWS: Final = 5_000
_COMMA_DECIMAL = re.compile(
    r"[-+]?(?:[0-9]{1,3}(?:[. ][0-9]{3})+,[0-9]+|[0-9]+,(?:[0-9]{1,2}|[0-9]{4,})|0,[0-9]+)"
)
_POINT_DECIMAL = re.compile(
    r"[-+]?(?:[0-9]{1,3}(?:[, ][0-9]{3})+\.[0-9]+|[0-9]+\.(?:[0-9]{1,2}|[0-9]{4,})|0\.[0-9]+)"
)


def infer_locale(
    header: Header,
    rows: Iterator[Row],
    parser: ValueParser,
    filename: str | None,
    sheet: str | None = None,
    day_first_hint: bool = False,
) -> tuple[list[Row], list[Finding]]:
    """Look at the first rows, set the parser's decimal comma and date order; rows are returned."""
    sample = list(islice(rows, SAMPLE_ROWS))
    findings: list[Finding] = []
    if not parser.auto_numbers and not parser.auto_dates:
        return sample, findings
    dates = [b.index for b in header.columns if b.column.kind == DATE]
    numbers = [b.index for b in header.columns if b.column.kind == DECIMAL]
    labels = {b.index: b.label for b in header.columns}

    def where(row: int, index: int) -> SourceLocation:
        return SourceLocation(file=filename, sheet=sheet, row=row, column=labels.get(index))

    if parser.auto_numbers and numbers:
        comma: tuple[int, int, str] | None = None
        point: tuple[int, int, str] | None = None
        for row, cells in sample:
            for index in numbers:
                value = cells[index] if index < len(cells) else None
                if not isinstance(value, str):
                    continue
                text = value.strip()
                if comma is None and _COMMA_DECIMAL.fullmatch(text):
                    comma = (row, index, text)
                elif point is None and _POINT_DECIMAL.fullmatch(text):
                    point = (row, index, text)
            if comma and point:
                break
        if comma is not None and point is None:
            parser.decimal_comma = True
            findings.append(
                Finding(
                    code="read.decimal_comma",
                    severity=Severity.INFO,
                    path="$",
                    message=(
                        f"numbers are read with a decimal comma (e.g. {comma[2]!r}); set "
                        "formats.csv.decimal_comma to pin it"
                    ),
                    location=where(comma[0], comma[1]),
                )
            )
        elif comma is None and point is None and day_first_hint:
            parser.decimal_comma = True
    if parser.auto_dates and dates:
        # Distinct values, first seen first: files repeat a few dates over thousands of rows,
        # and each look at a value is a dozen strptime attempts.
        seen: dict[str, None] = {}
        for _row, cells in sample:
            for index in dates:
                value = cells[index] if index < len(cells) else None
                if isinstance(value, str) and value.strip():
                    seen[value.strip()] = None
        values = list(seen)
        decided = decide_day_first(values)
        ambiguous = next((v for v in values if _ambiguous(v)), None)
        if decided is None:
            decided = day_first_hint or parser.decimal_comma
            if ambiguous is not None:
                order = "DD/MM/YYYY (day first)" if decided else "MM/DD/YYYY (month first)"
                findings.append(
                    Finding(
                        code="read.date_order_assumed",
                        severity=Severity.WARNING,
                        path="$",
                        message=(
                            f"no date in the file tells day and month apart (e.g. {ambiguous!r}); "
                            f"they were read as {order}; set formats.csv.date_formats to pin it"
                        ),
                        location=SourceLocation(file=filename, sheet=sheet),
                    )
                )
        elif ambiguous is not None:
            order = "day first (DD/MM)" if decided else "month first (MM/DD)"
            findings.append(
                Finding(
                    code="read.date_order",
                    severity=Severity.INFO,
                    path="$",
                    message=f"dates are read {order}, decided from all the file's date values",
                    location=SourceLocation(file=filename, sheet=sheet),
                )
            )
        parser.date_formats = auto_formats(day_first=decided)
    return sample, findings


def _ambiguous(text: str) -> bool:
    """A date that reads differently day-first and month-first ("04/05/2024")."""
    as_day = parse_date(text, DAY_FIRST)
    return as_day is not None and parse_date(text, MONTH_FIRST) not in (None, as_day)
