from __future__ import annotations

import pytest

from orderport.validation.gtin import gs1_check_digit, gtin_problem, is_valid_gtin

# Published codes: a UPC-A, an EAN-13, a GTIN-8 and a GTIN-14.
VALID = ["036000291452", "4006381333931", "96385074", "10614141000415"]


@pytest.mark.parametrize("code", VALID)
def test_valid_codes_pass(code: str) -> None:
    assert is_valid_gtin(code)
    assert gtin_problem(code) is None
    assert gs1_check_digit(code[:-1]) == int(code[-1])


@pytest.mark.parametrize("code", VALID)
def test_every_wrong_check_digit_fails(code: str) -> None:
    for digit in "0123456789":
        if digit != code[-1]:
            wrong = code[:-1] + digit
            assert not is_valid_gtin(wrong)
            assert gtin_problem(wrong) == (
                f"GTIN {wrong!r} has check digit {digit}, expected {code[-1]}"
            )


def test_leading_zeros_matter() -> None:
    # UPC-A 036000291452 is EAN-13 0036000291452: padding keeps the check digit.
    assert is_valid_gtin("0036000291452")
    assert is_valid_gtin("00036000291452")


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("03600029145", "has 11 digits"),
        ("0360002914521", "check digit 1, expected 2"),
        ("03600029145X", "only the digits"),
        ("٠٣٦٠٠٠٢٩١٤٥٢", "only the digits"),  # Arabic-Indic digits are not GTIN digits
        ("", "only the digits"),
    ],
)
def test_problems_are_explained(code: str, reason: str) -> None:
    assert not is_valid_gtin(code)
    problem = gtin_problem(code)
    assert problem is not None
    assert reason in problem


def test_check_digit_refuses_non_digits() -> None:
    with pytest.raises(ValueError, match="only the digits"):
        gs1_check_digit("12a")
