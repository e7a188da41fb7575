"""Dates as partners write them, when the profile names no format.

``auto_formats`` lists the formats real exports use: ISO first, then numeric day/month orders,
then text months ("05-Apr-2024", "April 5, 2024"; month names also in de/fr/es/nl). Whether
"04/05/2024" is 4 May or April 5 is decided once per file from all values seen
(``decide_day_first``), never per value.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Final

ISO: Final = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d")
DAY_FIRST: Final = ("%d.%m.%Y", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%y", "%d/%m/%y", "%d-%m-%y")
MONTH_FIRST: Final = ("%m/%d/%Y", "%m-%d-%Y", "%m/%d/%y", "%m-%d-%y")
TEXT_MONTHS: Final = (
    "%d-%b-%Y",
    "%d-%b-%y",
    "%d %b %Y",
    "%d %b %y",
    "%d %B %Y",
    "%d-%B-%Y",
    "%d.%b.%Y",
    "%d. %B %Y",
    "%d. %b %Y",
    "%b %d, %Y",
    "%B %d, %Y",
    "%b %d %Y",
    "%B %d %Y",
    "%d/%b/%Y",
)

_TIME_TAIL = re.compile(
    r"^(.+?)[ T]+[0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?\s*(?:[AaPp][Mm])?"
    r"\s*(?:Z|[+-][0-9]{2}:?[0-9]{2}|[A-Z]{3,4})?$"
)
_WORD = re.compile(r"[^\W\d_]+")
_MONTHS: Final = {
    # de
    "januar": "Jan", "jan": "Jan", "jänner": "Jan", "februar": "Feb", "feb": "Feb",
    "märz": "Mar", "mär": "Mar", "maerz": "Mar", "mrz": "Mar", "april": "Apr", "apr": "Apr",
    "mai": "May", "juni": "Jun", "jun": "Jun", "juli": "Jul", "jul": "Jul", "august": "Aug",
    "aug": "Aug", "september": "Sep", "sep": "Sep", "sept": "Sep", "oktober": "Oct",
    "okt": "Oct", "november": "Nov", "nov": "Nov", "dezember": "Dec", "dez": "Dec",
    # fr
    "janvier": "Jan", "janv": "Jan", "février": "Feb", "fevrier": "Feb", "févr": "Feb",
    "fevr": "Feb", "mars": "Mar", "avril": "Apr", "avr": "Apr", "juin": "Jun",
    "juillet": "Jul", "juil": "Jul", "août": "Aug", "aout": "Aug", "septembre": "Sep",
    "octobre": "Oct", "oct": "Oct", "novembre": "Nov", "décembre": "Dec", "decembre": "Dec",
    "déc": "Dec", "dec": "Dec",
    # es
    "enero": "Jan", "ene": "Jan", "febrero": "Feb", "marzo": "Mar", "abril": "Apr",
    "abr": "Apr", "mayo": "May", "may": "May", "junio": "Jun", "julio": "Jul", "agosto": "Aug",
    "ago": "Aug", "septiembre": "Sep", "setiembre": "Sep", "set": "Sep", "octubre": "Oct",
    "noviembre": "Nov", "diciembre": "Dec", "dic": "Dec",
    # nl
    "januari": "Jan", "februari": "Feb", "maart": "Mar", "mrt": "Mar", "mei": "May",
    "augustus": "Aug", "okt.": "Oct", "december": "Dec",
}  # fmt: skip
_ENGLISH: Final = frozenset(
    {
        "january", "february", "march", "april", "may", "june", "july", "august",
        "september", "october", "november", "december",
        "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    }
)  # fmt: skip


def auto_formats(day_first: bool) -> tuple[str, ...]:
    """The formats tried when the profile names none, in order."""
    numeric = DAY_FIRST + MONTH_FIRST if day_first else MONTH_FIRST + DAY_FIRST
    return ISO + numeric + TEXT_MONTHS


def _english_months(text: str) -> str:
    def swap(match: re.Match[str]) -> str:
        word = match.group()
        lower = word.casefold().rstrip(".")
        if lower in _ENGLISH:
            return word
        return _MONTHS.get(lower, word)

    return _WORD.sub(swap, text)


def parse_date(text: str, formats: Iterable[str], english: bool = False) -> str | None:
    """ISO date of ``text`` in the first format that fits, or None.

    A trailing time ("2024-04-05 00:00:00", "4/5/2024 12:00 AM") is ignored; with ``english``
    month names in de/fr/es/nl are read too.
    """
    candidates = [text]
    match = _TIME_TAIL.match(text)
    if match is not None:
        candidates.append(match.group(1).strip())
    if english and any(c.isalpha() for c in text):
        candidates.extend(_english_months(c) for c in list(candidates))
    for candidate in candidates:
        for fmt in formats:
            try:
                return datetime.strptime(candidate, fmt).date().isoformat()
            except ValueError:
                continue
    return None


def looks_like_serial(text: str) -> bool:
    """A 5-digit Excel date serial (1954-10-03 .. 2173-10-14) written as text in a CSV."""
    return len(text) == 5 and text.isascii() and text.isdigit() and 20000 <= int(text) <= 99999


def decide_day_first(values: Iterable[str]) -> bool | None:
    """True/False when the values say day-first/month-first; None when they cannot tell."""
    day_first = month_first = False
    for text in values:
        match = _TIME_TAIL.match(text)
        core = match.group(1).strip() if match else text
        if parse_date(core, ISO) is not None:
            continue
        as_day = parse_date(core, DAY_FIRST) is not None
        as_month = parse_date(core, MONTH_FIRST) is not None
        if as_day and not as_month:
            day_first = True
        elif as_month and not as_day:
            month_first = True
    if day_first and not month_first:
        return True
    if month_first and not day_first:
        return False
    return None
