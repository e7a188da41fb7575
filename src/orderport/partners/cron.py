"""A small check of 5-field cron expressions, so a typo fails at `partners check`, not at 2 a.m.

Airflow accepts the same syntax (minute hour day-of-month month day-of-week, with ``*``, lists,
ranges, steps and month/day names) plus presets such as ``@daily``, which are allowed too.
"""

from __future__ import annotations

PRESETS = frozenset({"@once", "@hourly", "@daily", "@weekly", "@monthly", "@quarterly", "@yearly"})
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
_FIELDS: tuple[tuple[str, int, int, dict[str, int]], ...] = (
    ("minute", 0, 59, {}),
    ("hour", 0, 23, {}),
    ("day of month", 1, 31, {}),
    ("month", 1, 12, {name: number for number, name in enumerate(_MONTHS, start=1)}),
    ("day of week", 0, 7, {name: number for number, name in enumerate(_WEEKDAYS)}),
)


def _number(text: str, what: str, low: int, high: int, names: dict[str, int]) -> int:
    if text.lower() in names:
        return names[text.lower()]
    if not text.isascii() or not text.isdigit():
        raise ValueError(f"{what} {text!r} is not a number")
    value = int(text)
    if not low <= value <= high:
        raise ValueError(f"{what} {value} is outside {low}-{high}")
    return value


def _check_field(text: str, what: str, low: int, high: int, names: dict[str, int]) -> None:
    for item in text.split(","):
        base, _, step = item.partition("/")
        if step:
            _number(step, f"{what} step", 1, high, {})
        if base == "*":
            continue
        start, dash, end = base.partition("-")
        first = _number(start, what, low, high, names)
        if dash and _number(end, what, low, high, names) < first:
            raise ValueError(f"{what} range {base!r} runs backwards")


def validate_cron(expression: str) -> None:
    """Raise ``ValueError`` saying which field is wrong when ``expression`` is not valid cron."""
    text = expression.strip()
    if text in PRESETS:
        return
    parts = text.split()
    if len(parts) != len(_FIELDS):
        raise ValueError(
            f"cron schedule {expression!r} needs 5 fields (minute hour day month weekday) "
            f"or a preset such as @daily, found {len(parts)}"
        )
    for part, (what, low, high, names) in zip(parts, _FIELDS, strict=True):
        try:
            _check_field(part, what, low, high, names)
        except ValueError as exc:
            raise ValueError(f"cron schedule {expression!r}: {exc}") from None
