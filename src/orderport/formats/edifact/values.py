"""Value conversions for EDIFACT data elements: numbers, dates and units."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

from orderport.formats.edifact.envelope import (
    INVALID_CHARACTER_TYPE,
    INVALID_DECIMAL_NOTATION,
)

UNIT_SYNONYMS = {
    "PCE": "EA",
    "C62": "EA",
    "EA": "EA",
    "NAR": "EA",
    "H87": "EA",
    "NMB": "EA",
}
"""UN/ECE Recommendation 20 codes for "one piece" -> the canonical EA; other codes pass as sent."""


def parse_number(raw: str) -> tuple[str | None, int | None]:
    """A plain decimal string (``"12.50"``) or the 0085 syntax code that explains why not.

    ISO 9735 (version 4) accepts either ``.`` or ``,`` as the decimal mark, requires a digit on
    both sides of it and allows a leading minus sign; no digit grouping, no exponent.
    """
    sign = "-" if raw.startswith("-") else ""
    text = raw[len(sign) :]
    if text.isascii() and text.isdigit():
        return raw, None
    for mark in ".,":
        whole, found, fraction = text.partition(mark)
        if found:
            if whole.isascii() and whole.isdigit() and fraction.isascii() and fraction.isdigit():
                return f"{sign}{whole}.{fraction}", None
            break
    digits = text.replace(".", "").replace(",", "")
    if digits and digits.isascii() and digits.isdigit():
        return None, INVALID_DECIMAL_NOTATION
    return None, INVALID_CHARACTER_TYPE


_POINT_FORMATS: dict[str, tuple[str, int]] = {
    "2": ("%d%m%y", 6),
    "3": ("%m%d%y", 6),
    "4": ("%d%m%Y", 8),
    "101": ("%y%m%d", 6),
    "102": ("%Y%m%d", 8),
    "201": ("%y%m%d%H%M", 10),
    "202": ("%y%m%d%H%M%S", 12),
    "203": ("%Y%m%d%H%M", 12),
    "204": ("%Y%m%d%H%M%S", 14),
}
"""2379 codes of one point in time: strptime format and digit count."""
_ZONED: dict[str, str] = {"205": "203", "303": "203", "304": "204"}
"""Codes with a time zone after the time (CCYYMMDDHHMM + ZZZ / +HHMM): the zone is dropped."""
_RANGES: dict[str, str] = {"711": "4", "713": "201", "717": "201", "718": "102", "719": "203"}
"""2379 range codes (start-end) and the point format of each end."""
SUPPORTED_DATE_FORMATS: tuple[str, ...] = (
    *_POINT_FORMATS,
    *_ZONED,
    *_RANGES,
    "103",
    "105",
    "602",
    "609",
    "610",
    "616",
    "715",
)
"""Every 2379 format code the ORDERS reader understands (docs/formats/edifact-orders.md)."""


def parse_edi_date(raw: str, fmt: str) -> tuple[tuple[str, str | None] | None, str | None]:
    """``((start, end), None)`` as ISO dates (``end`` for ranges and periods) or ``(None, reason)``.

    Formats (2379): points 2 DDMMYY, 3 MMDDYY, 4 DDMMCCYY, 101 YYMMDD, 102 CCYYMMDD, 201/202
    YYMMDDHHMM(SS), 203/204 CCYYMMDDHHMM(SS), 205/303/304 with a time zone; ranges 711, 713, 717,
    718 CCYYMMDD-CCYYMMDD, 719; periods 103 YYWWD, 105 YYDDD, 602 CCYY, 609 YYMM, 610 CCYYMM,
    616 CCYYWW, 715 CCYYWW-CCYYWW. A missing format is read as 102 when the value has eight
    digits, 203 with twelve, 204 with fourteen.
    """
    if not fmt:
        fmt = {8: "102", 12: "203", 14: "204"}.get(len(raw), "")
        if not fmt:
            return None, f"{raw!r} has no date format (2379) and is not CCYYMMDD"
    if fmt in _RANGES or fmt == "715":
        start, dash, end = raw.partition("-")
        if not dash:
            return None, f"{raw!r} is not a range (format {fmt} has a start and an end)"
        point = _RANGES.get(fmt, "616")
        first, why = parse_edi_date(start, point)
        if first is None:
            return None, why
        last, why = parse_edi_date(end, point)
        if last is None:
            return None, why
        begin, finish = first[0], last[1] or last[0]
        if finish < begin:
            return None, f"range {raw!r} ends before it starts"
        return (begin, finish), None
    if fmt in _ZONED:
        base = _ZONED[fmt]
        return parse_edi_date(raw[: _POINT_FORMATS[base][1]], base)
    if fmt in _POINT_FORMATS:
        return _point(raw, fmt)
    if fmt in _PERIODS:
        return _PERIODS[fmt](raw)
    supported = ", ".join(SUPPORTED_DATE_FORMATS)
    return None, f"date format {fmt!r} is not supported (use one of {supported})"


def _point(raw: str, fmt: str) -> tuple[tuple[str, str | None] | None, str | None]:
    pattern, length = _POINT_FORMATS[fmt]
    if len(raw) != length or not raw.isascii() or not raw.isdigit():
        return None, f"{raw!r} does not have the {length} digits of format {fmt}"
    if length > 8 or fmt in ("201", "202"):
        time_part = raw[-6:] if fmt in ("202", "204") else raw[-4:]
        hour, minute = time_part[:2], time_part[2:4]
        if not (hour < "24" and minute < "60"):
            return None, f"{raw!r} has an impossible time of day"
    try:
        moment = datetime.strptime(raw, pattern)
    except ValueError:
        return None, f"{raw!r} is not a real calendar date"
    if moment.year < 1000:
        return None, f"{raw!r} has a year before 1000"
    return (moment.date().isoformat(), None), None


def _digits(raw: str, length: int, fmt: str) -> str | None:
    if len(raw) == length and raw.isascii() and raw.isdigit():
        return None
    return f"{raw!r} does not have the {length} digits of format {fmt}"


def _century(two_digits: int) -> int:
    """Two-digit years as Python reads %y: 69-99 -> 19xx, 00-68 -> 20xx."""
    return 1900 + two_digits if two_digits >= 69 else 2000 + two_digits


def _span(first: date, last: date) -> tuple[tuple[str, str | None], None]:
    return (first.isoformat(), last.isoformat()), None


def _year(raw: str) -> tuple[tuple[str, str | None] | None, str | None]:
    why = _digits(raw, 4, "602")
    if why:
        return None, why
    year = int(raw)
    if year < 1000:
        return None, f"{raw!r} has a year before 1000"
    return _span(date(year, 1, 1), date(year, 12, 31))


def _month(
    raw: str, year: int, month: int, fmt: str
) -> tuple[tuple[str, str | None] | None, str | None]:
    if not 1 <= month <= 12:
        return None, f"{raw!r} is not a real month (format {fmt})"
    nxt = date(year + month // 12, month % 12 + 1, 1)
    return _span(date(year, month, 1), nxt - timedelta(days=1))


def _month_yymm(raw: str) -> tuple[tuple[str, str | None] | None, str | None]:
    why = _digits(raw, 4, "609")
    return (None, why) if why else _month(raw, _century(int(raw[:2])), int(raw[2:]), "609")


def _month_ccyymm(raw: str) -> tuple[tuple[str, str | None] | None, str | None]:
    why = _digits(raw, 6, "610")
    return (None, why) if why else _month(raw, int(raw[:4]), int(raw[4:]), "610")


def _week(raw: str) -> tuple[tuple[str, str | None] | None, str | None]:
    why = _digits(raw, 6, "616")
    if why:
        return None, why
    try:
        monday = date.fromisocalendar(int(raw[:4]), int(raw[4:]), 1)
    except ValueError:
        return None, f"{raw!r} is not a real ISO week (format 616 CCYYWW)"
    return _span(monday, monday + timedelta(days=6))


def _week_day(raw: str) -> tuple[tuple[str, str | None] | None, str | None]:
    why = _digits(raw, 5, "103")
    if why:
        return None, why
    try:
        day = date.fromisocalendar(_century(int(raw[:2])), int(raw[2:4]), int(raw[4]))
    except ValueError:
        return None, f"{raw!r} is not a real week day (format 103 YYWWD)"
    return (day.isoformat(), None), None


def _ordinal(raw: str) -> tuple[tuple[str, str | None] | None, str | None]:
    why = _digits(raw, 5, "105")
    if why:
        return None, why
    year, number = _century(int(raw[:2])), int(raw[2:])
    first = date(year, 1, 1)
    day = first + timedelta(days=number - 1)
    if not number >= 1 or day.year != year:
        return None, f"{raw!r} is not a real day of the year (format 105 YYDDD)"
    return (day.isoformat(), None), None


_PERIODS: dict[str, Callable[[str], tuple[tuple[str, str | None] | None, str | None]]] = {
    "103": _week_day,
    "105": _ordinal,
    "602": _year,
    "609": _month_yymm,
    "610": _month_ccyymm,
    "616": _week,
}
