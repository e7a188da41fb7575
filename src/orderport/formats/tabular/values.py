"""Cell values -> canonical values, with the partner's decimal and date settings.

Cell values arrive as text (CSV) or as spreadsheet values (XLSX: str, int, float, bool, date,
datetime); a value that cannot be read raises ValueProblem, which becomes a finding.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from orderport.formats.base import ReadSettings
from orderport.formats.tabular.columns import (
    BOOLEAN,
    DATE,
    DECIMAL,
    GTIN,
    IDENT,
    INTEGER,
    LOWER,
    TEXT,
    TIMESTAMP,
    UPPER,
    Cell,
)
from orderport.formats.tabular.dates import auto_formats, looks_like_serial, parse_date
from orderport.model import Severity

_PLAIN_DECIMAL = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_PLAIN_DECIMAL_COMMA = re.compile(r"-?[0-9]+(?:,[0-9]+)?")
_GROUPED_POINT = re.compile(r"-?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?")
_GROUPED_COMMA = re.compile(r"-?[0-9]{1,3}(?:[.\u00a0\u202f ][0-9]{3})+(?:,[0-9]+)?")
_GROUPED_SPACE = re.compile(r"-?[0-9]{1,3}(?:[\u00a0\u202f ][0-9]{3})+(?:\.[0-9]+)?")
_BOOLEANS: Final = {
    "true": True,
    "yes": True,
    "y": True,
    "1": True,
    "false": False,
    "no": False,
    "n": False,
    "0": False,
}
_EXCEL_EPOCH: Final = date(1899, 12, 30)
_CURRENCY_SYMBOLS: Final = ("€", "$", "£", "¥", "CHF", "EUR", "USD", "GBP")
_COMMA_GROUPS = re.compile(r"[-+]?[0-9]{1,3}(?:,[0-9]{3})+")
_POINT_GROUPS = re.compile(r"[-+]?[0-9]{1,3}(?:\.[0-9]{3})+")
MAX_INTEGER_DIGITS: Final = 18
"""Longest whole number read from a cell: far above any line number or count, and far below
Python's 4,300-digit ``int()`` limit (a longer digit string would raise instead of a finding)."""


class ValueProblem(Exception):
    """A cell value that cannot be read; becomes a ``read.<code>`` finding."""

    def __init__(self, code: str, message: str, severity: Severity = Severity.ERROR) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.severity = severity


def cell_text(value: Cell) -> str:
    """Text of a cell as a partner reads it; numbers from spreadsheets without float noise."""
    if isinstance(value, str):
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        # Excel keeps 15 significant digits; this drops binary noise like 12.499999999999998.
        return format(Decimal(f"{value:.15g}"), "f")
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


_FLOAT_NOISE = re.compile(r"[0-9]+\.0+")
_SCIENTIFIC = re.compile(r"[0-9](?:[.,][0-9]+)?[eE]\+[0-9]+")


def identifier_text(value: Cell) -> str:
    """An identifier as the partner wrote it: "4500123456.0" (a float export) -> "4500123456".

    Numbers in scientific notation ("4.50012E+09", what Excel shows for a long number) cannot
    be recovered and are refused.
    """
    text = cell_text(value)
    if "." in text and _FLOAT_NOISE.fullmatch(text):
        return text.split(".", 1)[0]
    if ("E+" in text or "e+" in text) and _SCIENTIFIC.fullmatch(text):
        raise ValueProblem(
            "identifier",
            f"{text!r} is a number in scientific notation; its digits are lost (format the "
            "column as text before saving)",
        )
    return text


class ValueParser:
    """Per-file value parsing with the partner's settings; caches repeated date texts.

    Where the profile is silent (``decimal_comma`` None, no ``date_formats``) the parser is in
    automatic mode: a number is read by its own shape ("12,50" and "1.234,50" are decimal commas;
    only "1,234" needs the file's decision, ``grouping_comma``) and dates are tried in
    ``dates.AUTO_FORMATS`` order, day-first or month-first as ``infer_locale`` decided for the file.
    """

    def __init__(self, settings: ReadSettings, excel_serials: bool = False) -> None:
        self.auto_numbers = settings.decimal_comma is None
        self.decimal_comma = bool(settings.decimal_comma)
        self.auto_dates = not settings.date_formats
        self.date_formats = settings.date_formats or auto_formats(day_first=False)
        self.excel_serials = excel_serials
        self.auto_serials = self.auto_dates and not excel_serials
        self._dates: dict[str, str] = {}

    def converter(self, kind: str) -> Callable[[Cell], Any]:
        """The parsing function for a kind of column."""
        return {
            TEXT: cell_text,
            IDENT: identifier_text,
            DECIMAL: self.decimal,
            DATE: self.date,
            INTEGER: self.integer,
            LOWER: _lower,
            UPPER: _upper,
            BOOLEAN: self.boolean,
            GTIN: self.gtin,
            TIMESTAMP: self.timestamp,
        }[kind]

    def parse(self, kind: str, value: Cell) -> object:
        if kind is TEXT:
            return cell_text(value)
        if kind is IDENT:
            return identifier_text(value)
        if kind is DECIMAL:
            return self.decimal(value)
        if kind is DATE:
            return self.date(value)
        if kind is INTEGER:
            return self.integer(value)
        if kind is LOWER:
            return cell_text(value).lower()
        if kind is UPPER:
            return cell_text(value).upper()
        if kind is BOOLEAN:
            return self.boolean(value)
        if kind is GTIN:
            return self.gtin(value)
        if kind is TIMESTAMP:
            return self.timestamp(value)
        raise AssertionError(kind)

    def decimal(self, value: Cell) -> str:
        if value.__class__ is str and not self.decimal_comma and _PLAIN_DECIMAL.fullmatch(value):
            return value
        if isinstance(value, bool):
            raise ValueProblem("decimal", f"{value} is not a number")
        if isinstance(value, int | float):
            return cell_text(value)
        text = cell_text(value)
        if self.auto_numbers:
            return self._auto_decimal(text)
        if self.decimal_comma:
            if _PLAIN_DECIMAL_COMMA.fullmatch(text):
                return text.replace(",", ".")
            if _GROUPED_COMMA.fullmatch(text):
                return re.sub(r"[.\u00a0\u202f ]", "", text).replace(",", ".")
        else:
            if _PLAIN_DECIMAL.fullmatch(text):
                return text
            if _GROUPED_POINT.fullmatch(text):
                return text.replace(",", "")
            if _GROUPED_SPACE.fullmatch(text):
                return re.sub(r"[\u00a0\u202f ]", "", text)
        try:
            number = Decimal(text.lstrip("+"))
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite() or "," in text:
            hint = (
                ""
                if self.decimal_comma or "," not in text
                else " (decimal commas are read only when the partner's settings say decimal_comma)"
            )
            raise ValueProblem("decimal", f"{text!r} is not a number{hint}")
        return format(number, "f")

    def _auto_decimal(self, text: str) -> str:
        """A number by its own shape; "1,234" / "1.234" follow the file's decision."""
        body = text.replace("\u00a0", " ").replace("\u202f", " ").strip()
        for symbol in _CURRENCY_SYMBOLS:
            body = body.replace(symbol, "")
        body = body.strip()
        if body.endswith("-") and body[:-1].replace(",", "").replace(".", "").isdigit():
            body = "-" + body[:-1]  # SAP writes negatives as 12,50-
        comma, point = body.rfind(","), body.rfind(".")
        if comma >= 0 and point >= 0:
            decimal_comma = comma > point
        elif comma >= 0:
            decimal_comma = not _COMMA_GROUPS.fullmatch(body) or self.decimal_comma
        elif point >= 0:
            decimal_comma = bool(_POINT_GROUPS.fullmatch(body)) and self.decimal_comma
        else:
            decimal_comma = False
        if decimal_comma:
            cleaned = re.sub(r"[. ']", "", body).replace(",", ".")
        else:
            cleaned = re.sub(r"[, ']", "", body)
        if _PLAIN_DECIMAL.fullmatch(cleaned.lstrip("+")):
            return cleaned.lstrip("+")
        raise ValueProblem("decimal", f"{text!r} is not a number")

    def integer(self, value: Cell) -> int:
        if (
            value.__class__ is str
            and value.isdigit()
            and value.isascii()
            and len(value) <= MAX_INTEGER_DIGITS
        ):
            return int(value)
        if isinstance(value, bool):
            raise ValueProblem("integer", f"{value} is not a whole number")
        if isinstance(value, int):
            return value
        text = cell_text(value)
        if len(text.lstrip("+-0").split(".", 1)[0].split(",", 1)[0]) > MAX_INTEGER_DIGITS + 6:
            raise ValueProblem(
                "integer",
                f"{_preview(text)} is too large a whole number (at most "
                f"{MAX_INTEGER_DIGITS} digits)",
            )
        if text.isascii() and text.isdigit():
            return int(text)
        try:
            number = Decimal(self.decimal(text))
        except ValueProblem:
            number = None
        if number is None or number != number.to_integral_value():
            raise ValueProblem("integer", f"{_preview(text)} is not a whole number")
        if number.adjusted() >= MAX_INTEGER_DIGITS:
            raise ValueProblem(
                "integer",
                f"{_preview(text)} is too large a whole number (at most "
                f"{MAX_INTEGER_DIGITS} digits)",
            )
        return int(number)

    def boolean(self, value: Cell) -> bool:
        if isinstance(value, bool):
            return value
        text = cell_text(value)
        found = _BOOLEANS.get(text.lower())
        if found is None:
            raise ValueProblem("boolean", f"{text!r} is not true/false, yes/no, 1/0 or Y/N")
        return found

    def date(self, value: Cell) -> str:
        if isinstance(value, datetime):
            return value.date().isoformat()
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, int | float) and not isinstance(value, bool):
            return self._serial(value, str(value))
        text = cell_text(value)
        cached = self._dates.get(text)
        if cached is not None:
            return cached
        parsed = parse_date(text, self.date_formats, english=self.auto_dates)
        if parsed is None:
            if self.excel_serials and text.isascii() and text.isdigit() and len(text) < 8:
                return self._serial(int(text), text)
            if self.auto_serials and looks_like_serial(text):
                return (_EXCEL_EPOCH + timedelta(days=int(text))).isoformat()
            raise ValueProblem(
                "date",
                f"{text!r} is not a date in the expected format "
                f"({', '.join(_fmt_hint(f) for f in self.date_formats)})",
            )
        if len(self._dates) > 4096:
            self._dates.clear()
        self._dates[text] = parsed
        return parsed

    def _serial(self, number: float, text: str) -> str:
        if not self.excel_serials:
            raise ValueProblem("date", f"{text!r} is not a date")
        if not 1 <= number < 2958466:  # 9999-12-31
            raise ValueProblem("date", f"{text!r} is not a date serial number Excel knows")
        return (_EXCEL_EPOCH + timedelta(days=int(number))).isoformat()

    def timestamp(self, value: Cell) -> str:
        if isinstance(value, datetime):
            stamp = value
        else:
            text = cell_text(value)
            try:
                stamp = datetime.fromisoformat(text)
            except ValueError:
                raise ValueProblem(
                    "timestamp", f"{text!r} is not a timestamp like 2026-03-01T08:30:00Z"
                ) from None
        if stamp.tzinfo is None:
            raise ValueProblem(
                "timestamp", f"{stamp.isoformat()!r} has no time zone (add Z or +01:00)"
            )
        return stamp.isoformat().replace("+00:00", "Z")

    def gtin(self, value: Cell) -> str:
        text = identifier_text(value)
        was_number = isinstance(value, int | float) and not isinstance(value, bool)
        if isinstance(value, str) and "." in value and _FLOAT_NOISE.fullmatch(value.strip()):
            was_number = True  # "36000291452.0": a number cell exported by a script
        if was_number and len(text) < 12:
            # A UPC typed into a number cell loses its leading zeros; zeros never change the
            # GS1 check digit, so padding back to 12 digits is safe.
            return text.rjust(12, "0")
        return text


def _preview(text: str) -> str:
    """A value quoted for a message, shortened when absurdly long."""
    if len(text) <= 40:
        return repr(text)
    return f"{text[:20]!r}... ({len(text)} characters)"


def _lower(value: Cell) -> str:
    return cell_text(value).lower()


def _upper(value: Cell) -> str:
    return cell_text(value).upper()


def _fmt_hint(fmt: str) -> str:
    return (
        fmt.replace("%Y", "YYYY")
        .replace("%m", "MM")
        .replace("%d", "DD")
        .replace("%y", "YY")
        .replace("%b", "Mon")
        .replace("%H", "hh")
        .replace("%M", "mm")
        .replace("%S", "ss")
    )
