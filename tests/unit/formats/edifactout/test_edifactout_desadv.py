"""DESADV: despatch of a whole PO and a partial despatch."""

from __future__ import annotations

from typing import Any

import pytest

from orderport.formats.edifact.outbound import DESADV

SHIPPED = {"carrier": "UPSN", "tracking_number": "1Z999AA10123456784", "location": "Newark DC"}


def _despatched(message: Any) -> list[tuple[str, list[str], list[str], list[str]]]:
    """(line number, QTY 12, QTY 21, RFF ON) per LIN."""
    out = []
    for index, seg in enumerate(message.segments):
        if seg.tag != "LIN":
            continue
        group = []
        for follower in message.segments[index + 1 :]:
            if follower.tag in ("LIN", "CNT"):
                break
            group.append(follower)
        qty = {s.value(1, 1): s.components(1) for s in group if s.tag == "QTY"}
        (rff,) = [s.components(1) for s in group if s.tag == "RFF"]
        out.append((seg.value(1), qty["12"], qty["21"], rff))
    return out


@pytest.mark.parametrize("version", ["D96A", "D01B"])
def test_full_despatch_of_a_three_line_po(kit: Any, version: str) -> None:
    ctx = kit.context(edifact_version=version)
    parsed = kit.read_both(DESADV.render([kit.item("shipped", **SHIPPED)], ctx))
    (message,) = parsed.messages
    assert message.tags[:13] == [
        "UNH", "BGM", "DTM", "DTM", "RFF", "DTM", "RFF", "NAD", "NAD", "NAD", "TDT", "LOC", "CPS",
    ]  # fmt: skip
    assert message.segments[0].components(2) == ["DESADV", "D", version[1:], "UN"]
    bgm = message.one("BGM")
    assert (bgm.value(1), bgm.value(2), bgm.value(3)) == ("351", "4711-1", "9")
    assert message.dates() == {"137": "202603011005", "11": "202603010830", "171": "20260220"}
    assert message.one("RFF", "CN").components(1) == ["CN", "1Z999AA10123456784"]
    assert message.all("RFF")[0].components(1) == ["ON", "PO-1001"]
    assert message.one("TDT").value(1) == "20"
    assert message.one("TDT").components(5) == ["UPSN", "172", "182"]
    assert message.one("LOC").components(2) == ["", "", "", "Newark DC"]
    assert message.one("CPS").value(1) == "1"
    assert message.one("FTX").components(3) == ["SHP", "", "91"]  # 4441 is an..3
    assert message.one("FTX").components(4) == ["shipped"]
    assert _despatched(message) == [
        ("1", ["12", "100", "EA"], ["21", "100", "EA"], ["ON", "PO-1001", "1"]),
        ("2", ["12", "12.5", "KGM"], ["21", "12.5", "KGM"], ["ON", "PO-1001", "2"]),
        ("3", ["12", "40", "EA"], ["21", "40", "EA"], ["ON", "PO-1001", "3"]),
    ]
    assert message.one("CNT").components(1) == ["2", "3"]


def test_partial_despatch_lists_only_what_left(kit: Any) -> None:
    lines = [
        {"line_number": 1, "quantity": "60"},
        {"line_number": 2, "quantity": "0"},
        {"line_number": 3, "quantity": "40", "uom": "EA"},
    ]
    parsed = kit.read_both(DESADV.render([kit.item("shipped", lines=lines)], kit.context()))
    (message,) = parsed.messages
    assert _despatched(message) == [
        ("1", ["12", "60", "EA"], ["21", "100", "EA"], ["ON", "PO-1001", "1"]),
        ("3", ["12", "40", "EA"], ["21", "40", "EA"], ["ON", "PO-1001", "3"]),
    ]
    assert message.one("CNT").components(1) == ["2", "2"]
    assert message.all("LIN")[0].components(3) == ["4006381333931", "EN"]


def test_two_shipments_of_one_po_are_two_messages(kit: Any) -> None:
    first = kit.item("shipped", lines=[{"line_number": 1, "quantity": "60"}], tracking_number="T1")
    second = kit.item("shipped", lines=[{"line_number": 1, "quantity": "40"}], tracking_number="T2")
    parsed = kit.read_both(DESADV.render([first, second], kit.context(control_number=12)))
    assert [m.one("RFF", "CN").value(1, 2) for m in parsed.messages] == ["T1", "T2"]
    assert [m.one("BGM").value(2) for m in parsed.messages] == ["12-1", "12-2"]
    assert parsed.unz.components(1) == ["2"]


def test_carrier_name_goes_in_the_name_component_and_custom_code_in_ftx(kit: Any) -> None:
    ctx = kit.context(status_codes={"shipped": "DESP"})
    parsed = kit.read_both(DESADV.render([kit.item("shipped", carrier="Acme Trucking Ltd")], ctx))
    (message,) = parsed.messages
    assert message.one("TDT").components(5) == ["", "", "", "Acme Trucking Ltd"]
    assert message.all("LOC") == []
    # DESP is longer than 4441's three characters: our code, the partner's in the text
    assert message.one("FTX").components(3) == ["SHP", "", "91"]
    assert message.one("FTX").components(4) == ["DESP"]


def test_no_carrier_and_no_location_means_no_transport_segment(kit: Any) -> None:
    (message,) = kit.read_both(DESADV.render([kit.item("shipped")], kit.context())).messages
    assert "TDT" not in message.tags
    assert message.all("RFF", "CN") == []
    assert message.all("RFF", "ON")[0].components(1) == ["ON", "PO-1001"]
