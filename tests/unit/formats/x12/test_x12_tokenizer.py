"""Tokenizer: separators from the ISA header, newline handling, broken headers, keys."""

from __future__ import annotations

import io

import pytest

from orderport.formats.base import FormatError
from orderport.formats.x12 import READER, interchange_key
from orderport.formats.x12.tokenizer import SegmentStream, split_isa


def isa(el: str = "*", rep: str = "U", comp: str = ">", version: str = "00401") -> list[str]:
    return [
        "ISA",
        "00",
        " " * 10,
        "00",
        " " * 10,
        "ZZ",
        "SENDER01".ljust(15),
        "ZZ",
        "RECEIVER".ljust(15),
        "260301",
        "0930",
        rep,
        version,
        "000000042",
        "0",
        "P",
        comp,
    ]


def text(
    el: str, term: str, comp: str, rep: str = "U", version: str = "00401", newline: str = ""
) -> str:
    segs = [
        isa(el, rep, comp, version),
        ["GS", "PO", "S", "R", "20260301", "0930", "1", "X", "004010"],
        ["ST", "850", "0001"],
        ["BEG", "00", "SA", "PO-1", "", "20260301"],
        ["PO1", "1", "2", "EA", "1.5", "", "UP", "036000291452", "SK", f"A{comp}B"],
        ["SE", "4", "0001"],
        ["GE", "1", "1"],
        ["IEA", "1", "000000042"],
    ]
    return "".join(el.join(s) + term + newline for s in segs)


def segments(data: str) -> list[list[str]]:
    return list(SegmentStream(io.BytesIO(data.encode()), "t.edi"))


@pytest.mark.parametrize(
    ("el", "term", "comp", "rep", "version"),
    [
        ("*", "~", ">", "U", "00401"),
        ("|", "~", ">", "^", "00501"),
        ("^", "|", "\\", "U", "00401"),
        ("~", "^", ">", "U", "00401"),
        ("|", "\n", ":", "^", "00501"),
    ],
)
def test_separators_come_from_the_isa(el: str, term: str, comp: str, rep: str, version: str):
    data = text(el, term, comp, rep, version)
    _, seps, end = split_isa(data)
    assert (seps.element, seps.segment, seps.component) == (el, term, comp)
    assert seps.repetition == (rep if version >= "00402" else None)
    assert end == 106
    segs = segments(data)
    assert [s[0] for s in segs] == ["ISA", "GS", "ST", "BEG", "PO1", "SE", "GE", "IEA"]
    assert segs[4][9] == f"A{comp}B"  # the component separator stays inside the element


@pytest.mark.parametrize("newline", ["", "\n", "\r\n"])
def test_newlines_after_terminators_are_dropped(newline: str):
    segs = segments(text("*", "~", ">", newline=newline))
    assert segs[3] == ["BEG", "00", "SA", "PO-1", "", "20260301"]
    assert segs[-1] == ["IEA", "1", "000000042"]


def test_repetition_is_none_in_004010_even_when_isa11_is_a_symbol():
    _, seps, _ = split_isa(text("*", "~", ">", rep="^", version="00401"))
    assert seps.repetition is None


def test_segments_split_across_chunk_boundaries(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr("orderport.formats.x12.tokenizer.CHUNK_SIZE", 7)
    assert segments(text("*", "~", ">", newline="\r\n")) == segments(text("*", "~", ">"))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("GS*PO~", "does not start with ISA"),
        ("ISA*00*   ~", "fewer than 16 elements"),
        (text("*", "~", ">").replace("000000042", "00000042X", 1), "ISA13"),
        (text("*", "~", ">").replace("00401", "4010", 1), "ISA12"),
        (text("*", "~", ">", rep=">", version="00501"), "ISA11"),
    ],
)
def test_broken_isa_is_a_format_error(data: str, message: str):
    with pytest.raises(FormatError, match=message) as info:
        segments(data)
    assert info.value.location is not None
    assert info.value.location.segment == "ISA"


def test_unterminated_last_segment_is_a_format_error():
    data = text("*", "~", ">")[:-1]
    with pytest.raises(FormatError, match="unterminated segment"):
        segments(data)


def test_undecodable_bytes_are_a_format_error():
    raw = text("*", "~", ">").encode().replace(b"PO-1", b"PO-\xff")
    with pytest.raises(FormatError, match="cannot be decoded as utf-8"):
        list(SegmentStream(io.BytesIO(raw), "t.edi"))


def test_interchange_key_is_sender_and_control_number():
    assert interchange_key(b"\r\n" + text("|", "~", ">").encode()[:200]) == (
        "SENDER01",
        "000000042",
    )
    with pytest.raises(FormatError):
        interchange_key(b"not x12")


def test_sniff_by_content():
    assert READER.sniff(text("*", "~", ">").encode()[:4096], "anything.txt")
    assert READER.sniff(b"\xef\xbb\xbf" + text("|", "~", ">").encode(), "x")
    assert not READER.sniff(b"UNA:+.? 'UNB+UNOC:3", "x.edi")
    assert not READER.sniff(b"ISA is a word,in a csv\n", "x.csv")
