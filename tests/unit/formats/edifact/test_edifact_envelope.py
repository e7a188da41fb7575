"""Interchange, group and message envelopes: counts, references, character sets, keys."""

from __future__ import annotations

import io

import pytest

from orderport.formats.base import FormatError, ReadSettings
from orderport.formats.edifact import (
    READER,
    EdifactSyntaxError,
    InterchangeReport,
    interchange_key,
    read_interchange,
)

UNB = "UNB+UNOC:3+SENDER:ZZ+RECEIVER:ZZ+260301:0900+REF1'"
BODY = "BGM+220+PO-{n}+9'LIN+1++4000862141404:EN'QTY+21:2'"


def message(ref: str, n: int = 1, count: int | None = None, unt_ref: str | None = None) -> str:
    body = BODY.format(n=n)
    segments = 2 + body.count("'")
    return f"UNH+{ref}+ORDERS:D:96A:UN'{body}UNT+{count or segments}+{unt_ref or ref}'"


def read(text: str, encoding: str = "latin-1"):
    report = InterchangeReport()
    docs = list(
        read_interchange(io.BytesIO(text.encode(encoding)), "t.edi", ReadSettings(), report)
    )
    return docs, report


def read_error(text: str) -> tuple[EdifactSyntaxError, InterchangeReport]:
    report = InterchangeReport()
    with pytest.raises(EdifactSyntaxError) as caught:
        list(read_interchange(io.BytesIO(text.encode("latin-1")), "t.edi", None, report))
    return caught.value, report


def test_several_messages_yield_documents_with_their_references() -> None:
    docs, report = read(UNB + message("M1", 1) + message("M2", 2) + "UNZ+2+REF1'")
    assert [d.data["po_number"] for d in docs] == ["PO-1", "PO-2"]
    assert [d.reference for d in docs] == ["M1", "M2"]
    assert [m.reference for m in report.messages] == ["M1", "M2"]
    assert all(m.accepted for m in report.messages)
    assert [m.document_index for m in report.messages] == [0, 1]
    assert report.complete
    assert report.error is None
    assert report.interchange is not None
    assert report.interchange.sender == ["SENDER", "ZZ"]
    assert report.interchange.control_reference == "REF1"


def test_unt_count_mismatch_rejects_the_message_and_says_where() -> None:
    docs, report = read(UNB + message("M1", count=9) + "UNZ+1+REF1'")
    (result,) = report.messages
    assert not result.accepted
    assert result.action == 4
    assert result.error is not None
    assert (result.error.code, result.error.segment, result.error.element) == (29, "UNT", 1)
    (finding,) = docs[0].findings
    assert finding.code == "read.syntax"
    assert finding.severity.value == "error"
    assert finding.location is not None
    assert (finding.location.segment, finding.location.segment_position) == ("UNT", 5)


def test_unt_reference_mismatch() -> None:
    _, report = read(UNB + message("M1", unt_ref="M9") + "UNZ+1+REF1'")
    error = report.messages[0].error
    assert error is not None
    assert (error.code, error.element) == (28, 2)


@pytest.mark.parametrize(
    ("trailer", "code", "element"),
    [("UNZ+2+REF1'", 29, 1), ("UNZ+1+OTHER'", 28, 2), ("UNZ+x+REF1'", 12, 1)],
)
def test_unz_checks_reject_the_interchange(trailer: str, code: int, element: int) -> None:
    error, report = read_error(UNB + message("M1") + trailer)
    assert (error.issue.code, error.issue.segment, error.issue.element) == (code, "UNZ", element)
    assert report.error == error.issue
    assert error.location is not None
    assert error.location.segment_position == 7


def test_missing_unz_is_a_truncated_interchange() -> None:
    error, _ = read_error(UNB + message("M1"))
    assert (error.issue.code, error.issue.segment) == (13, "UNZ")


def test_segment_outside_a_message() -> None:
    error, _ = read_error(UNB + "BGM+220+X'" + "UNZ+0+REF1'")
    assert error.issue.code == 33
    assert "outside" in error.message


def test_functional_groups_are_counted_by_unz_and_une() -> None:
    text = (
        UNB
        + "UNG+ORDERS+SENDER:ZZ+RECEIVER:ZZ+260301:0900+G1+UN+D:96A'"
        + message("M1")
        + message("M2", 2)
        + "UNE+2+G1'UNZ+1+REF1'"
    )
    docs, report = read(text)
    assert len(docs) == 2
    assert report.interchange is not None
    assert [g.reference for g in report.interchange.groups] == ["G1"]
    assert {m.group_reference for m in report.messages} == {"G1"}
    error, _ = read_error(text.replace("UNE+2+G1'", "UNE+3+G1'"))
    assert (error.issue.code, error.issue.segment) == (29, "UNE")


def test_unsupported_message_type_is_rejected_without_a_document() -> None:
    invoice = "UNH+I1+INVOIC:D:96A:UN'BGM+380+INV1+9'UNT+3+I1'"
    docs, report = read(UNB + invoice + message("M1") + "UNZ+2+REF1'")
    assert [d.reference for d in docs] == ["M1"]
    first = report.messages[0]
    assert first.error is not None
    assert (first.error.code, first.error.segment, first.error.element, first.error.component) == (
        14,
        "UNH",
        2,
        1,
    )
    assert first.document_index is None


def test_character_set_follows_the_syntax_identifier() -> None:
    text = UNB.replace("UNOC", "UNOY") + message("M1").replace("PO-1", "PO-ÅÄÖ") + "UNZ+1+REF1'"
    docs, _ = read(text, encoding="utf-8")
    assert docs[0].data["po_number"] == "PO-ÅÄÖ"
    latin = UNB + message("M1").replace("PO-1", "PO-é") + "UNZ+1+REF1'"
    docs, _ = read(latin, encoding="latin-1")
    assert docs[0].data["po_number"] == "PO-é"


def test_bytes_outside_unoa_are_refused_with_their_offset() -> None:
    text = UNB.replace("UNOC", "UNOA") + message("M1").replace("PO-1", "PO-é") + "UNZ+1+REF1'"
    error, _ = read_error(text)
    assert error.issue.code == 21
    assert f"offset {text.index('é')}" in error.message


def test_unknown_character_set_is_refused() -> None:
    error, report = read_error(UNB.replace("UNOC", "XXXX") + "UNZ+0+REF1'")
    assert error.issue.code == 46
    assert report.interchange is None


def test_interchange_key_identifies_resends() -> None:
    head = ("UNA:+.? '\n" + UNB).encode()
    assert interchange_key(head) == ("SENDER", "REF1")
    escaped = b"UNB+UNOC:3+SEND?+ER:ZZ+R:ZZ+260301:0900+R?'1'"
    assert interchange_key(escaped) == ("SEND+ER", "R'1")
    with pytest.raises(FormatError):
        interchange_key(b"ISA*00*          *00*")


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"UNA:+.? 'UNB+UNOC:3+A+B+1:1+1'", True),
        (b"\xef\xbb\xbf\r\nUNB+UNOC:3+A+B+1:1+1'", True),
        (b"UNA|*,\\ ~\nUNB*UNOC|3~", True),
        (b"ISA*00*          *00*", False),
        (b"UNBELIEVABLE,csv,header", False),
        (b"po_number,sku\n", False),
    ],
)
def test_sniff_decides_by_content(head: bytes, expected: bool) -> None:
    assert READER.sniff(head, "whatever.txt") is expected


def test_second_interchange_in_one_file_is_refused() -> None:
    one = UNB + message("M1") + "UNZ+1+REF1'"
    error, _ = read_error(one + one)
    assert "second interchange" in error.message


def test_large_interchange_streams_in_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    from orderport.formats.edifact import reader

    monkeypatch.setattr(reader, "CHUNK_SIZE", 61)
    count = 300
    text = UNB + "".join(message(f"M{i}", i) for i in range(count)) + f"UNZ+{count}+REF1'"
    docs, report = read(text)
    assert len(docs) == count
    assert len(report.messages) == count
    assert docs[-1].data["po_number"] == f"PO-{count - 1}"
