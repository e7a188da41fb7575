"""Code lists from maintained data (pycountry for ISO 3166-1 and ISO 4217, the package's data file
for units of measure: UN/ECE Rec. 20 and X12 355 codes plus partners' synonyms), never ifs.

Partners write countries as alpha-2, alpha-3, numeric codes or names ("USA", "United States",
"Deutschland" is not covered: only the English names and the common names pycountry carries).
Lookups are cached: the lists are small and the same values repeat on every line of a file.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

import pycountry
from rapidfuzz import process

_EXTRA_COUNTRY_NAMES = {
    # Common names that partners' systems print and pycountry does not carry.
    "UK": "GB",
    "GREAT BRITAIN": "GB",
    "ENGLAND": "GB",
    "USA": "US",
    "U.S.A.": "US",
    "U.S.": "US",
    "UNITED STATES OF AMERICA": "US",
    "AMERICA": "US",
    "SOUTH KOREA": "KR",
    "KOREA": "KR",
    "RUSSIA": "RU",
    "VIETNAM": "VN",
    "TAIWAN": "TW",
    "HOLLAND": "NL",
    "THE NETHERLANDS": "NL",
    "CZECH REPUBLIC": "CZ",
    "TURKEY": "TR",
}


@cache
def country_alpha2(value: str) -> str | None:
    """The ISO 3166-1 alpha-2 code for a code or English name, or None when it is not a country."""
    text = " ".join(value.split()).upper()
    if not text:
        return None
    if text in _EXTRA_COUNTRY_NAMES:
        return _EXTRA_COUNTRY_NAMES[text]
    try:
        found = pycountry.countries.lookup(text)
    except LookupError:
        return None
    return str(found.alpha_2)


@cache
def is_currency(code: str) -> bool:
    """Whether ``code`` is an active ISO 4217 alphabetic currency code (upper case)."""
    return code.isascii() and code.isupper() and pycountry.currencies.get(alpha_3=code) is not None


@cache
def _country_choices() -> dict[str, str]:
    choices = {str(c.alpha_2): str(c.alpha_2) for c in pycountry.countries}
    choices.update({str(c.name).upper(): str(c.alpha_2) for c in pycountry.countries})
    return choices


@cache
def _currency_choices() -> tuple[str, ...]:
    return tuple(str(c.alpha_3) for c in pycountry.currencies)


def suggest_country(value: str) -> str | None:
    """The closest country code for an unknown value ("did you mean"), or None."""
    found = process.extractOne(value.upper(), _country_choices().keys(), score_cutoff=80)
    return _country_choices()[found[0]] if found else None


def suggest_currency(value: str) -> str | None:
    """The closest currency code for an unknown value ("did you mean"), or None."""
    found = process.extractOne(value.upper(), _currency_choices(), score_cutoff=60)
    return found[0] if found else None


# --- units of measure (UN/ECE Rec. 20 and X12 355, from the package's data file) -------------

UOM_DATA = "units_of_measure.csv"


@dataclass(frozen=True)
class UnitsOfMeasure:
    codes: dict[str, str]
    """Code -> name (both lists)."""
    synonyms: dict[str, str]
    """Upper-cased spelling -> the code it stands for."""


@cache
def units_of_measure() -> UnitsOfMeasure:
    """The units of measure from ``orderport/data/units_of_measure.csv`` (read once)."""
    text = resources.files("orderport.data").joinpath(UOM_DATA).read_text(encoding="utf-8")
    codes: dict[str, str] = {}
    synonyms: dict[str, str] = {}
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    for row in rows:
        code, kind, name = row["code"].strip(), row["list"].strip(), row["name"].strip()
        if kind == "synonym":
            synonyms[code.upper()] = name
        else:
            codes.setdefault(code, name)
    return UnitsOfMeasure(codes, synonyms)


def uom_code(value: str) -> str | None:
    """The unit code ``value`` stands for: itself when listed, the code of a synonym (``pcs`` ->
    ``EA``), or None when it is no unit we know."""
    units = units_of_measure()
    if value in units.codes:
        return value
    folded = " ".join(value.split()).upper()
    if folded in units.codes:
        return folded
    return units.synonyms.get(folded)


def suggest_uom(value: str) -> str | None:
    """The closest unit code for an unknown value ("did you mean"), or None."""
    units = units_of_measure()
    choices = {**{c: c for c in units.codes}, **units.synonyms}
    found = process.extractOne(value.upper(), choices.keys(), score_cutoff=70)
    return choices[found[0]] if found else None


STATE_REQUIRED_COUNTRIES = frozenset(
    {"US", "CA", "AU", "BR", "MX", "IN", "CN", "JP", "MY", "AR", "AE", "ID", "KR", "TH"}
)
"""Countries whose postal addresses need a state, province or prefecture for delivery.

Elsewhere (most of Europe, for one) an address has no province line, so an address rule that
demands one everywhere would hold every such order."""


def state_required(country: str | None) -> bool:
    """Whether an address in ``country`` (alpha-2, or unknown: None) must name its province."""
    return country is None or country in STATE_REQUIRED_COUNTRIES
