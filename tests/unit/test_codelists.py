"""The code lists come from maintained data: codes, alpha-3 and names map to one code."""

import pytest

from orderport import codelists


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("US", "US"),
        ("usa", "US"),
        ("United States", "US"),
        (" united  kingdom ", "GB"),
        ("UK", "GB"),
        ("Canada", "CA"),
        ("DEU", "DE"),
        ("276", "DE"),
        ("Narnia", None),
        ("", None),
    ],
)
def test_country_alpha2(value: str, expected: str | None) -> None:
    assert codelists.country_alpha2(value) == expected


def test_currency_codes_are_iso_4217() -> None:
    assert codelists.is_currency("EUR")
    assert not codelists.is_currency("XYZ")
    assert not codelists.is_currency("eur")
    assert codelists.suggest_currency("EUO") == "EUR"


def test_country_suggestion() -> None:
    assert codelists.suggest_country("Untied States") == "US"
