"""neutralise_cell: every formula trigger is defused, nothing else is touched."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orderport.formats.results import neutralise_cell
from orderport.formats.results.safety import FORMULA_TRIGGERS


@pytest.mark.parametrize(
    "payload",
    [
        '=HYPERLINK("http://evil.example","click")',
        "+1+1",
        "-2+3",
        "@SUM(A1:A2)",
        "\t=1+1",
        "\r=1+1",
        "=cmd|' /C calc'!A0",
        "\uff1d1+1",
    ],
)
def test_formula_triggers_are_prefixed(payload: str) -> None:
    assert neutralise_cell(payload) == "'" + payload


@pytest.mark.parametrize("value", ["", "PO-8001", "12", " =1", "'=1", "a=b", "€5", "ü"])
def test_harmless_text_is_unchanged(value: str) -> None:
    assert neutralise_cell(value) == value


@given(st.text())
def test_result_never_starts_with_a_trigger_and_keeps_the_text(value: str) -> None:
    safe = neutralise_cell(value)
    assert not safe or safe[0] not in FORMULA_TRIGGERS
    assert safe in (value, "'" + value)
    assert neutralise_cell(safe) == safe
