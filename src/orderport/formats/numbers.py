"""Partner numbers turned into ``int`` only when their size is plausible.

``int()`` raises ``ValueError`` on a digit string longer than 4,300 digits (Python's limit) and
accepts non-ASCII digits; ``str.isdigit()`` is true for superscripts that ``int()`` refuses. A
control count or a whole-number element read through these helpers is either a sane ``int`` or
``None``, which the caller reports as a located finding in the sender's terms.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Final

MAX_COUNT_DIGITS: Final = 15
"""Longer than any control count or whole-number element in X12 (N0 1/10) or EDIFACT (n..15)."""


def count_value(text: str) -> int | None:
    """ASCII digits (leading zeros allowed) of at most ``MAX_COUNT_DIGITS`` -> int, else None."""
    text = text.strip()
    if not text or not text.isascii() or not text.isdigit():
        return None
    if len(text.lstrip("0")) > MAX_COUNT_DIGITS:
        return None
    return int(text)


def whole_value(text: str) -> int | None:
    """A decimal string holding a plausible whole number (``"12"``, ``"12.0"``) -> int, or None."""
    try:
        number = Decimal(text)
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite() or number != number.to_integral_value():
        return None
    if number and number.adjusted() >= MAX_COUNT_DIGITS:
        return None
    return int(number)


def preview(text: str, limit: int = 40) -> str:
    """``text`` quoted for a message, shortened when absurdly long."""
    if len(text) <= limit:
        return repr(text)
    return f"{text[: limit // 2]!r}... ({len(text)} characters)"
