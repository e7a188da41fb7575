"""Constrained scalar types shared by the canonical models.

Each type carries its own JSON Schema so the published contract is generated from the
model and cannot drift from it. Patterns use ``[0-9]`` rather than ``\\d`` (which matches any
Unicode digit in Python) and ``\\Z``-free anchors understood alike by every validator.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    AwareDatetime,
    BeforeValidator,
    Field,
    Strict,
    StringConstraints,
    WithJsonSchema,
)

DECIMAL_PATTERN = r"^-?[0-9]{1,15}(\.[0-9]{1,6})?$"
DECIMAL_LIMIT = 10**15
NON_NEGATIVE_DECIMAL_PATTERN = r"^[0-9]{1,15}(\.[0-9]{1,6})?$"
_NON_NEGATIVE_DECIMAL_RE = re.compile(NON_NEGATIVE_DECIMAL_PATTERN)
DATE_PATTERN = r"^[1-9][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
DATETIME_PATTERN = (
    r"^[1-9][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
    r"T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,6})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$"
)
CURRENCY_PATTERN = r"^[A-Z]{3}$"
COUNTRY_PATTERN = r"^[A-Z]{2}$"
GTIN_PATTERN = r"^([0-9]{8}|[0-9]{12,14})$"
# Identifiers: no control characters anywhere, no blank at either end. The character classes
# are spelled out (no \s, no .) because those mean different things in ECMA 262, Rust and Python.
_CONTROL = r"\x00-\x1f\x7f-\x9f"
_BLANK = r"\x20\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
IDENTIFIER_PATTERN = rf"^[^{_CONTROL}{_BLANK}]([^{_CONTROL}]*[^{_CONTROL}{_BLANK}])?$"
_DATE_RE = re.compile(DATE_PATTERN)
_INF = float("inf")
_DATETIME_RE = re.compile(DATETIME_PATTERN)


def _to_decimal(value: object) -> object:
    """Read JSON numbers and plain decimal strings exactly, and bound them, in one call.

    The bounds live here rather than in ``Field(ge=..., lt=...)``: behind a before-validator
    pydantic checks those in Python, one call each, which tripled the cost per value.
    """
    if isinstance(value, str):
        if not _NON_NEGATIVE_DECIMAL_RE.fullmatch(value):
            raise ValueError(f"{value[:40]!r} is not a plain decimal number such as 12 or 12.50")
        return Decimal(value)  # the pattern already bounds sign and size
    if isinstance(value, bool):
        raise ValueError("a decimal number is required, not true/false")
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        if value != value or value in (_INF, -_INF):
            raise ValueError("a finite number is required")
        # repr() is the shortest text that round-trips, so 1.1 reads as Decimal("1.1").
        number = Decimal(repr(value))
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError("a finite number is required")
        number = value
    else:
        return value  # the Decimal validator reports the wrong type
    if number < 0:
        raise ValueError(f"{number} is negative; a number >= 0 is required")
    if number >= DECIMAL_LIMIT:
        raise ValueError(f"{number} is too large; at most 15 digits before the decimal point")
    return number


def _integral_float_to_int(value: object) -> object:
    """JSON Schema counts 1.0 and 1e5 as integers; accept them too, but nothing else."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _check_date_text(value: object) -> object:
    """Hold dates to the published pattern; pydantic alone would also accept years below 1000."""
    if isinstance(value, str):
        if not _DATE_RE.fullmatch(value):
            raise ValueError(f"{value[:40]!r} is not a calendar date in the form YYYY-MM-DD")
        # Parsed here: after a before-validator, strict mode would refuse the text itself.
        return date.fromisoformat(value)
    return value


def _check_datetime_text(value: object) -> object:
    """Hold timestamps to RFC 3339 with seconds and a zone, as the published schema does."""
    if isinstance(value, str):
        if not _DATETIME_RE.fullmatch(value):
            raise ValueError(
                f"{value[:40]!r} is not a timestamp such as 2026-03-01T08:30:00Z (seconds and zone)"
            )
        return datetime.fromisoformat(value)
    return value


def _decimal_schema(description: str, minimum: int | None) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": ["number", "string"],
        "pattern": NON_NEGATIVE_DECIMAL_PATTERN,
        "description": description,
    }
    if minimum is not None:
        schema["minimum"] = minimum
    # Numbers get the bound that the pattern gives strings (at most 15 integer digits).
    schema["exclusiveMaximum"] = DECIMAL_LIMIT
    return schema


NonNegativeDecimal = Annotated[
    Decimal,
    BeforeValidator(_to_decimal),
    WithJsonSchema(
        _decimal_schema('A non-negative decimal: a JSON number or a string such as "12.50".', 0)
    ),
]
"""Quantities and money: Decimal, never float; JSON number or plain decimal string."""

WholeNumber = Annotated[int, BeforeValidator(_integral_float_to_int), Strict()]
"""An integer; "5" and true are refused, 5.0 is 5 (as in JSON Schema)."""

NonNegativeWholeNumber = Annotated[
    int, Strict(), Field(ge=0), BeforeValidator(_integral_float_to_int)
]
"""A ``WholeNumber`` >= 0 whose bound survives inside ``X | None`` in the JSON Schema (a
field-level ``ge`` on an optional before-validated int is emitted as an unknown "ge" keyword)."""

Identifier = Annotated[
    str,
    StringConstraints(min_length=1, max_length=100, pattern=IDENTIFIER_PATTERN),
]

LINE_NUMBER_PATTERN = r"^[0-9A-Za-z][0-9A-Za-z._/-]{0,19}$"


def _line_number_text(value: object) -> object:
    """1 -> "1" (JSON numbers stay accepted); text stays exactly as sent ("00010", "A1")."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 1:
            raise ValueError("a numeric line number is 1 or more")
        return str(value)
    return value


LineNumber = Annotated[
    str,
    BeforeValidator(_line_number_text),
    StringConstraints(min_length=1, max_length=20, pattern=LINE_NUMBER_PATTERN),
    WithJsonSchema(
        {
            "description": 'The line number as the partner sent it: "00010", "A1" or 10.',
            "anyOf": [
                {"type": "string", "pattern": LINE_NUMBER_PATTERN},
                {"type": "integer", "minimum": 1, "maximum": 99999999999999999999},
            ],
        }
    ),
]
"""A line number is an identifier: kept as sent (SAP "00010" is not 10), numbers become text."""
Text = Annotated[str, StringConstraints(min_length=1, max_length=500)]
CurrencyCode = Annotated[
    str,
    StringConstraints(pattern=CURRENCY_PATTERN),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": CURRENCY_PATTERN,
            "description": "ISO 4217 alphabetic currency code.",
            "examples": ["USD", "EUR"],
        }
    ),
]
CountryCode = Annotated[
    str,
    StringConstraints(pattern=COUNTRY_PATTERN),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": COUNTRY_PATTERN,
            "description": "ISO 3166-1 alpha-2 country code.",
            "examples": ["US", "DE"],
        }
    ),
]
Gtin = Annotated[
    str,
    StringConstraints(pattern=GTIN_PATTERN),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": GTIN_PATTERN,
            "description": (
                "GTIN-8, UPC-A (12), EAN-13 or GTIN-14 digits; the check digit is verified."
            ),
            "examples": ["036000291452"],
        }
    ),
]
IsoDate = Annotated[
    date,
    BeforeValidator(_check_date_text),
    WithJsonSchema(
        {
            "type": "string",
            "format": "date",
            "pattern": DATE_PATTERN,
            "description": "Calendar date, YYYY-MM-DD.",
            "examples": ["2026-03-01"],
        }
    ),
]
IsoDateTime = Annotated[
    AwareDatetime,
    BeforeValidator(_check_datetime_text),
    WithJsonSchema(
        {
            "type": "string",
            "format": "date-time",
            "pattern": DATETIME_PATTERN,
            "description": "RFC 3339 timestamp with a time zone, e.g. 2026-03-01T08:30:00Z.",
            "examples": ["2026-03-01T08:30:00Z"],
        }
    ),
]
