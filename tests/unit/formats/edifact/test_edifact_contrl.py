"""CONTRL we write, re-read with pydifact (an independent EDIFACT parser)."""

from __future__ import annotations

import contextlib
from datetime import datetime
from pathlib import Path

import pytest
from pydifact.segmentcollection import Interchange

from orderport.formats.edifact import (
    EdifactSyntaxError,
    InterchangeReport,
    build_contrl,
    read_interchange,
)

SAMPLES = Path(__file__).resolve().parents[4] / "sample_files" / "edifact"
NOW = datetime(2026, 3, 1, 10, 5)
# pydifact ships no service-segment directories for UCx; it says so on every segment.
pytestmark = pytest.mark.filterwarnings("ignore::pydifact.exceptions.MissingImplementationWarning")


def contrl_for(name: str, control_ref: int = 4711) -> tuple[Interchange, InterchangeReport, bytes]:
    report = InterchangeReport()
    with (SAMPLES / name).open("rb") as stream, contextlib.suppress(EdifactSyntaxError):
        list(read_interchange(stream, name, None, report))
    assert report.interchange is not None
    raw = build_contrl(
        report.interchange,
        report.messages,
        control_ref=control_ref,
        now=NOW,
        interchange_error=report.error,
    )
    parsed = Interchange.from_str(raw.decode(report.interchange.encoding))
    return parsed, report, raw


def tags(interchange: Interchange) -> list[str]:
    return [segment.tag for segment in interchange.segments]


def seg(interchange: Interchange, tag: str, index: int = 0) -> list:
    return [s for s in interchange.segments if s.tag == tag][index].elements


def test_envelope_swaps_sender_and_recipient_and_uses_our_control_reference() -> None:
    parsed, _, raw = contrl_for("two_messages.edi", control_ref=99)
    assert parsed.sender == ["RECEIVER1", "ZZ"]
    assert parsed.recipient == ["SENDER1", "ZZ"]
    assert parsed.control_reference == "99"
    assert parsed.timestamp == NOW.replace(second=0)
    (message,) = list(parsed.get_messages())
    assert message.type == "CONTRL"
    assert raw.endswith(b"UNZ+1+99'")
    # pydifact keeps UNH..UNT in .segments (UNB/UNZ are the envelope)
    assert seg(parsed, "UNT") == [str(len(parsed.segments)), "1"]


def test_clean_interchange_is_acknowledged_with_a_ucm_per_message() -> None:
    parsed, _, _ = contrl_for("two_messages.edi")
    assert tags(parsed) == ["UNH", "UCI", "UCM", "UCM", "UNT"]
    assert seg(parsed, "UCI") == ["IC2", ["SENDER1", "ZZ"], ["RECEIVER1", "ZZ"], "7"]
    assert seg(parsed, "UCM", 0) == ["A1", ["ORDERS", "D", "96A", "UN"], "7"]
    assert seg(parsed, "UCM", 1) == ["A2", ["ORDERS", "D", "96A", "UN"], "7"]


def test_unt_count_mismatch_rejects_the_message_with_code_29() -> None:
    parsed, _, _ = contrl_for("unt_mismatch.edi")
    assert seg(parsed, "UCI")[3] == "7"
    assert seg(parsed, "UCM") == ["1", ["ORDERS", "D", "96A", "UN"], "4", "29", "UNT", "1"]


def test_data_syntax_errors_point_at_segment_and_element() -> None:
    parsed, _, _ = contrl_for("syntax_errors.edi")
    assert tags(parsed) == ["UNH", "UCI", "UCM", "UCS", "UCD", "UCS", "UCD", "UCS", "UCD", "UNT"]
    assert seg(parsed, "UCM")[2] == "4"
    assert [seg(parsed, "UCS", i) for i in range(3)] == [["7"], ["8"], ["10"]]
    assert [seg(parsed, "UCD", i) for i in range(3)] == [
        ["37", ["1", "2"]],
        ["19", ["1", "2"]],
        ["13", ["1", "2"]],
    ]


def test_rejected_interchange_has_uci_4_and_no_messages() -> None:
    parsed, report, _ = contrl_for("unz_mismatch.edi")
    assert report.error is not None
    assert tags(parsed) == ["UNH", "UCI", "UNT"]
    assert seg(parsed, "UCI") == [
        "INT0006",
        ["4012345000009", "14"],
        ["8798765000019", "14"],
        "4",
        "29",
        "UNZ",
        "1",
    ]


def test_groups_get_ucf_and_the_partners_service_characters() -> None:
    parsed, _, raw = contrl_for("groups_custom_separators.edi")
    assert raw.startswith(b"UNA|*,\\ ~UNB*UNOC|3*")
    assert tags(parsed) == ["UNH", "UCI", "UCF", "UCM", "UNT"]
    assert seg(parsed, "UCF") == ["G1", ["SENDER2", "ZZ"], ["RECEIVER2", "ZZ"], "7"]


def test_syntax_version_4_uses_four_digit_years_and_contrl_4_1() -> None:
    parsed, _, raw = contrl_for("d01b_no_una.edi")
    assert b"+20260301:1005+" in raw
    assert seg(parsed, "UNH")[1] == ["CONTRL", "4", "1", "UN"]
    assert seg(parsed, "UCI")[0] == "20260302-77"


@pytest.mark.parametrize("name", sorted(p.name for p in SAMPLES.glob("*.edi")))
def test_every_sample_gets_a_contrl_pydifact_can_read(name: str) -> None:
    parsed, report, _ = contrl_for(name)
    assert seg(parsed, "UCI")[0] == report.interchange.control_reference  # type: ignore[union-attr]
    rejected = report.error is not None
    assert seg(parsed, "UCI")[3] == ("4" if rejected else "7")
    ucm = [s.elements for s in parsed.segments if s.tag == "UCM"]
    if not rejected:
        assert [(u[0], u[2]) for u in ucm] == [
            (m.reference, str(m.action)) for m in report.messages
        ]


def test_values_with_service_characters_are_escaped() -> None:
    report = InterchangeReport()
    text = (
        "UNB+UNOC:3+SEND?+ER:ZZ+REC?'V:ZZ+260301:0900+R?:1'"
        "UNH+1+ORDERS:D:96A:UN'BGM+220+P+9'UNT+3+1'UNZ+1+R?:1'"
    )
    import io

    list(read_interchange(io.BytesIO(text.encode()), "e.edi", None, report))
    assert report.interchange is not None
    raw = build_contrl(report.interchange, report.messages, control_ref=1, now=NOW)
    parsed = Interchange.from_str(raw.decode())
    assert parsed.recipient == ["SEND+ER", "ZZ"]
    assert seg(parsed, "UCI")[:3] == ["R:1", ["SEND+ER", "ZZ"], ["REC'V", "ZZ"]]
