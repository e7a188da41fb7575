"""``ReadSettings.expected_sender``: the UNB sender must be the partner's id."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from orderport.formats.base import FormatError, ReadSettings
from orderport.formats.edifact import InterchangeReport, interchange_key, read_interchange

SAMPLE = (
    Path(__file__).resolve().parents[4] / "sample_files" / "edifact" / "cancel.edi"
).read_bytes()
SENDER, CONTROL = interchange_key(SAMPLE)


def read(expected: str | None) -> int:
    settings = ReadSettings(expected_sender=expected)
    return len(list(read_interchange(io.BytesIO(SAMPLE), "o.edi", settings, InterchangeReport())))


def test_the_partners_own_interchange_is_read() -> None:
    assert read(SENDER) >= 1


def test_another_sender_is_refused_naming_interchange_and_sender() -> None:
    with pytest.raises(FormatError) as caught:
        read("SOMEONEELSE")
    message = str(caught.value)
    assert SENDER in message
    assert CONTROL in message
    assert "SOMEONEELSE" in message
    assert caught.value.location is not None
    assert caught.value.location.segment == "UNB"
