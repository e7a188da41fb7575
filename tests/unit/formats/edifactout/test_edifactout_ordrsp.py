"""ORDRSP: what each status says about the PO and its three lines."""

from __future__ import annotations

from typing import Any

import pytest

from orderport.formats.edifact.outbound import ORDRSP, EdifactRenderError


def _message(kit: Any, code: str, version: str = "D96A", **event: Any) -> Any:
    ctx = kit.context(edifact_version=version, status_codes=event.pop("status_codes", {}))
    parsed = kit.read_both(ORDRSP.render([kit.item(code, **event)], ctx))
    (message,) = parsed.messages
    return message


def _lines(message: Any) -> list[tuple[str, str, str, str]]:
    """(line number, action, QTY 21, QTY 113) per LIN, read from the segments after it."""
    out = []
    number = action = ""
    quantities: dict[str, str] = {}
    for seg in message.segments:
        if seg.tag in ("LIN", "UNS"):
            if number:
                out.append((number, action, quantities.get("21", ""), quantities.get("113", "")))
            number, action, quantities = seg.value(1), seg.value(2), {}
        elif seg.tag == "QTY":
            quantities[seg.value(1, 1)] = seg.value(1, 2)
    return out


@pytest.mark.parametrize("version", ["D96A", "D01B"])
def test_accepted_po_with_three_lines(kit: Any, version: str) -> None:
    message = _message(kit, "accepted", version)
    assert message.tags == [
        "UNH", "BGM", "DTM", "DTM", "FTX", "RFF", "DTM", "NAD", "NAD", "NAD",
        "LIN", "PIA", "IMD", "QTY", "QTY",
        "LIN", "PIA", "QTY", "QTY",
        "LIN", "PIA", "QTY", "QTY",
        "UNS", "CNT", "UNT",
    ]  # fmt: skip
    bgm = message.one("BGM")
    assert (bgm.value(1), bgm.value(2), bgm.value(3)) == ("231", "4711-1", "29")
    assert message.dates() == {"137": "202603011005", "7": "202603010830", "171": "20260220"}
    assert message.one("RFF").components(1) == ["ON", "PO-1001"]
    assert message.one("NAD", "BY").components(2) == ["5412345000013", "", "9"]
    assert message.one("NAD", "BY").value(4) == "Acme Retail"
    assert message.one("NAD", "SU").components(2) == ["V-77", "", "92"]
    dp = message.one("NAD", "DP")
    assert dp.components(2) == ["DC-EAST", "", "92"]
    assert [dp.value(i) for i in (4, 5, 6, 8, 9)] == [
        "Acme DC East", "1 Harbour Road", "Newark", "07114", "US",
    ]  # fmt: skip
    assert _lines(message) == [
        ("1", "5", "100", "100"),
        ("2", "5", "12.5", "12.5"),
        ("3", "5", "40", "40"),
    ]
    lin = message.all("LIN")
    assert lin[0].components(3) == ["4006381333931", "EN"]
    assert lin[1].components(3) == []
    pia = message.all("PIA")
    assert [p.components(i) for p in pia for i in range(1, len(p.elements) + 1)] == [
        ["1"], ["WID-001", "SA"], ["5"], ["ACME-2", "IN"], ["5"], ["00042", "SA"],
    ]  # fmt: skip
    assert message.one("IMD").value(3, 4) == "Blue widget"
    assert [q.components(1) for q in message.all("QTY")][2:4] == [
        ["21", "12.5", "KGM"],
        ["113", "12.5", "KGM"],
    ]
    assert message.one("CNT").components(1) == ["2", "3"]
    assert message.one("FTX").components(3) == ["ACC", "", "91"]
    assert message.one("FTX").components(4) == ["accepted"]


def test_changed_and_refused_lines_make_a_change_response(kit: Any) -> None:
    message = _message(
        kit,
        "accepted",
        lines=[{"line_number": 2, "quantity": "10"}, {"line_number": 3, "quantity": "0"}],
    )
    assert message.one("BGM").value(3) == "4"
    assert _lines(message) == [
        ("1", "5", "100", "100"),
        ("2", "3", "12.5", "10"),
        ("3", "7", "40", "0"),
    ]
    # the PO line's unit applies when the event line does not name one
    assert message.all("QTY")[3].components(1) == ["113", "10", "KGM"]


def test_every_line_at_zero_is_not_accepted(kit: Any) -> None:
    zero = [{"line_number": n, "quantity": "0"} for n in (1, 2, 3)]
    message = _message(kit, "accepted", lines=zero)
    assert message.one("BGM").value(3) == "27"
    assert {action for _, action, _, _ in _lines(message)} == {"7"}


@pytest.mark.parametrize("code", ["rejected", "canceled"])
def test_refusals_refuse_every_line(kit: Any, code: str) -> None:
    message = _message(kit, code, reason="Discontinued item")
    assert message.one("BGM").value(3) == "27"
    assert [(a, q) for _, a, _, q in _lines(message)] == [("7", "0")] * 3
    ftx = message.one("FTX")
    assert ftx.components(3) == [code[:3].upper(), "", "91"]
    assert ftx.components(4) == [code, "Discontinued item"]


@pytest.mark.parametrize("code", ["received", "on_hold", "exception"])
def test_undecided_statuses_are_not_processed_yet(kit: Any, code: str) -> None:
    message = _message(kit, code, reason="Credit check")
    assert message.one("BGM").value(3) == "12"
    assert [(a, q) for _, a, _, q in _lines(message)] == [("", "")] * 3
    assert "113" not in {q.value(1, 1) for q in message.all("QTY")}


def test_custom_status_code_replaces_ours_in_ftx(kit: Any) -> None:
    message = _message(kit, "accepted", status_codes={"accepted": "OK"})
    assert message.one("FTX").components(3) == ["OK", "", "92"]
    assert message.one("FTX").components(4) == ["OK"]
    longer = _message(kit, "accepted", status_codes={"accepted": "OK-ACK"}).one("FTX")
    assert longer.components(3) == ["ACC", "", "91"]  # 4441 is an..3: the code goes in text
    assert longer.components(4) == ["OK-ACK"]
    # the coded UN/EDIFACT elements keep their meaning
    assert message.one("BGM").value(3) == "29"


def test_long_reason_is_split_into_text_components(kit: Any) -> None:
    reason = "x" * 150
    ftx = _message(kit, "on_hold", reason=reason).one("FTX")
    assert ftx.components(4) == ["on_hold", "x" * 70, "x" * 70, "x" * 10]


def test_one_message_per_item_with_its_own_po(kit: Any) -> None:
    items = [
        kit.item("accepted", kit.purchase_order("PO-A")),
        kit.item("rejected", kit.purchase_order("PO-B")),
    ]
    parsed = kit.read_both(ORDRSP.render(items, kit.context()))
    assert [m.one("RFF").value(1, 2) for m in parsed.messages] == ["PO-A", "PO-B"]
    assert [m.one("BGM").value(3) for m in parsed.messages] == ["29", "27"]


def test_event_naming_a_line_the_po_lacks_is_refused(kit: Any) -> None:
    with pytest.raises(EdifactRenderError, match="PO 'PO-1001' names line 9"):
        ORDRSP.render(
            [kit.item("accepted", lines=[{"line_number": 9, "quantity": "1"}])], kit.context()
        )


def test_event_for_another_po_is_refused(kit: Any) -> None:
    item = kit.item("accepted")
    wrong = type(item)(po=kit.purchase_order("PO-OTHER"), event=item.event)
    with pytest.raises(EdifactRenderError, match="paired with PO 'PO-OTHER'"):
        ORDRSP.render([wrong], kit.context())
