"""The cron check behind outbound.schedule."""

import pytest

from orderport.partners.cron import validate_cron


@pytest.mark.parametrize(
    "expression",
    ["0 6 * * *", "*/15 8-18 * * mon-fri", "30 5 1,15 jan,jul *", "0 0 * * 7", "@daily"],
)
def test_valid(expression):
    validate_cron(expression)


@pytest.mark.parametrize(
    ("expression", "reason"),
    [
        ("0 6 * *", "needs 5 fields"),
        ("60 * * * *", "minute 60 is outside 0-59"),
        ("0 0 0 * *", "day of month 0 is outside 1-31"),
        ("0 0 * 13 *", "month 13 is outside 1-12"),
        ("0 0 * * funday", "'funday' is not a number"),
        ("0 18-8 * * *", "runs backwards"),
        ("*/0 * * * *", "step 0 is outside"),
        ("@sometimes", "needs 5 fields"),
    ],
)
def test_invalid_says_why(expression, reason):
    with pytest.raises(ValueError, match=reason):
        validate_cron(expression)
