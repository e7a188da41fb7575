"""Value conversions for EDIFACT data elements: numbers, dates and units."""

from __future__ import annotations

from datetime import date

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


def parse_edi_date(raw: str, fmt: str) -> tuple[tuple[str, str | None] | None, str | None]:
    """``((start, end), None)`` as ISO dates (``end`` only for ranges) or ``(None, reason)``.

    Formats (2379): 102 CCYYMMDD, 203 CCYYMMDDHHMM, 204 CCYYMMDDHHMMSS, 718 CCYYMMDD-CCYYMMDD;
    a missing format is read as 102 when the value has eight digits, 203 when it has twelve.
    """
    if not fmt:
        fmt = {8: "102", 12: "203", 14: "204"}.get(len(raw), "")
        if not fmt:
            return None, f"{raw!r} has no date format (2379) and is not CCYYMMDD"
    if fmt == "718":
        start, dash, end = raw.partition("-")
        if not dash:
            return None, f"{raw!r} is not a range CCYYMMDD-CCYYMMDD (format 718)"
        first, why = _iso_date(start, raw, fmt)
        if first is None:
            return None, why
        last, why = _iso_date(end, raw, fmt)
        if last is None:
            return None, why
        if last < first:
            return None, f"range {raw!r} ends before it starts"
        return (first, last), None
    lengths = {"102": 8, "203": 12, "204": 14}
    length = lengths.get(fmt)
    if length is None:
        return None, f"date format {fmt!r} is not supported (use 102, 203, 204 or 718)"
    if len(raw) != length:
        return None, f"{raw!r} does not have the {length} digits of format {fmt}"
    day, why = _iso_date(raw[:8], raw, fmt)
    if day is None:
        return None, why
    if length > 8:
        hour, minute = raw[8:10], raw[10:12]
        if not (raw[8:].isdigit() and hour < "24" and minute < "60"):
            return None, f"{raw!r} has an impossible time of day"
    return (day, None), None


def _iso_date(text: str, raw: str, fmt: str) -> tuple[str | None, str | None]:
    if len(text) != 8 or not text.isascii() or not text.isdigit():
        return None, f"{raw!r} is not a date in format {fmt} (CCYYMMDD...)"
    try:
        date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return None, f"{raw!r} is not a real calendar date"
    if text[0] == "0":
        return None, f"{raw!r} has a year before 1000"
    return f"{text[:4]}-{text[4:6]}-{text[6:8]}", None
