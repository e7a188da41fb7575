"""``ReadSettings.expected_sender``: every ISA06 of the file must be the partner's id."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from orderport.formats.base import FormatError, ReadSettings
from orderport.formats.x12 import READER

SAMPLE = (
    Path(__file__).resolve().parents[4] / "sample_files" / "x12" / "po_004010_crlf.edi"
).read_text(encoding="latin-1")


def two_interchanges(second_sender: str) -> bytes:
    second = SAMPLE.replace("000001001", "000001002").replace(
        "INITECH        ", f"{second_sender:<15}"
    )
    return (SAMPLE + second).encode("latin-1")


def read(data: bytes, expected: str | None) -> int:
    settings = ReadSettings(expected_sender=expected)
    return len(list(READER.read(io.BytesIO(data), "two.edi", settings)))


def test_every_interchange_of_the_partner_is_read() -> None:
    assert read(two_interchanges("INITECH"), "INITECH") == 2


def test_a_later_interchange_from_another_sender_is_refused_by_name() -> None:
    with pytest.raises(FormatError) as caught:
        read(two_interchanges("EVILCORP"), "INITECH")
    message = str(caught.value)
    assert "EVILCORP" in message
    assert "000001002" in message
    assert "interchange 2" in message
    assert caught.value.location is not None
    assert caught.value.location.segment == "ISA"


def test_without_an_expected_sender_nothing_is_checked() -> None:
    assert read(two_interchanges("EVILCORP"), None) == 2
