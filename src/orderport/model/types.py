"""Constrained scalar types shared by the canonical models.

Each type carries its own JSON Schema so the published contract is generated from the
model and cannot drift from it. Patterns use ``[0-9]`` rather than ``\\d`` (which matches any
Unicode digit in Python) and ``\\Z``-free anchors understood alike by every validator.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AwareDatetime, BeforeValidator, Field, StringConstraints, WithJsonSchema

DECIMAL_PATTERN = r"^-?[0-9]{1,15}(\.[0-9]{1,6})?$"
_DECIMAL_RE = re.compile(DECIMAL_PATTERN)
DATE_PATTERN = r"^[1-9][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
DATETIME_PATTERN = (
    r"^[1-9][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
    r"T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,6})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$"
)
CURRENCY_PATTERN = r"^[A-Z]{3}$"
COUNTRY_PATTERN = r"^[A-Z]{2}$"
GTIN_PATTERN = r"^([0-9]{8}|[0-9]{12,14})$"
# Printable text without leading/trailing blanks or control characters.
IDENTIFIER_PATTERN = r"^[^\s\x00-\x1f\x7f](.*[^\s\x00-\x1f\x7f])?$"


def _to_decimal(value: Any) -> Any:
    """Read JSON numbers and plain decimal strings exactly; leave other types to fail."""
    if isinstance(value, bool):
        raise ValueError("a decimal number is required, not true/false")
    if isinstance(value, str):
        if not _DECIMAL_RE.match(value):
            raise ValueError(f"{value!r} is not a plain decimal number such as 12 or 12.50")
        return Decimal(value)
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        # repr() is the shortest text that round-trips, so 1.1 reads as Decimal("1.1").
        return Decimal(repr(value))
    return value


def _decimal_schema(description: str, minimum: int | None) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": ["number", "string"],
        "pattern": DECIMAL_PATTERN,
        "description": description,
    }
    if minimum is not None:
        schema["minimum"] = minimum
    return schema


NonNegativeDecimal = Annotated[
    Decimal,
    BeforeValidator(_to_decimal),
    Field(ge=0, allow_inf_nan=False),
    WithJsonSchema(
        _decimal_schema("A non-negative decimal: a JSON number or a string such as \"12.50\".", 0)
    ),
]
"""Quantities and money: Decimal, never float; JSON number or plain decimal string."""

Identifier = Annotated[
    str,
    StringConstraints(min_length=1, max_length=100, pattern=IDENTIFIER_PATTERN),
]
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
            "description": "GTIN-8, UPC-A (12), EAN-13 or GTIN-14 digits; the check digit is verified.",
            "examples": ["036000291452"],
        }
    ),
]
IsoDate = Annotated[
    date,
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
