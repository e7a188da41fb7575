"""The interchange around every outbound message type: UNA, UNB/UNZ, UNH/UNT, escaping."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from orderport.formats.edifact.outbound import (
    DESADV,
    IFTMBC,
    ORDRSP,
    EdifactRenderError,
)
from orderport.formats.outbound import OutboundContext, Rendered

Render = Callable[[Any, OutboundContext, int], Rendered]


def _status(writer: Any) -> Callable[[Any, OutboundContext, int], Rendered]:
    def render(kit: Any, ctx: OutboundContext, count: int) -> Rendered:
        items = [
            kit.item(
                "shipped" if writer is DESADV else "accepted",
                kit.purchase_order(f"PO-{n}"),
                tracking_number=f"1Z{n}",
            )
            for n in range(1, count + 1)
        ]
        return writer.render(items, ctx)  # type: ignore[no-any-return]

    return render


def _bookings(kit: Any, ctx: OutboundContext, count: int) -> Rendered:
    bookings = [kit.booking(booking_reference=f"BK{n}") for n in range(1, count + 1)]
    return IFTMBC.render(bookings, ctx)


WRITERS: dict[str, Render] = {
    "ORDRSP": _status(ORDRSP),
    "DESADV": _status(DESADV),
    "IFTMBC": _bookings,
}


@pytest.mark.parametrize("version", ["D96A", "D01B"])
@pytest.mark.parametrize("message_type", sorted(WRITERS))
def test_one_interchange_with_sequential_messages(
    kit: Any, message_type: str, version: str
) -> None:
    ctx = kit.context(edifact_version=version, control_number=90017)
    rendered = WRITERS[message_type](kit, ctx, 3)
    parsed = kit.read_both(rendered)
    assert rendered.content.startswith(b"UNA:+.? 'UNB+UNOC:3+")
    assert parsed.unb.components(2) == ["ORDERPORT", "ZZ"]
    assert parsed.unb.components(3) == ["5412345000013", "14"]
    assert parsed.unb.components(4) == ["260301", "1005"]
    assert parsed.unb.value(5) == "90017"
    assert parsed.unb.value(7) == message_type
    assert parsed.unb.value(11) == ""
    assert parsed.unz.value(1) == "3"
    assert len(parsed.messages) == 3
    major, release = version[1:3], version[3]
    for message in parsed.messages:
        assert message.segments[0].components(2) == [message_type, "D", major + release, "UN"]
        assert message.tags[1] == "BGM"
    # the three document numbers differ (file control number + message reference)
    numbers = {m.one("BGM").value(2) for m in parsed.messages}
    assert len(numbers) == 3


@pytest.mark.parametrize("message_type", sorted(WRITERS))
def test_test_indicator_goes_in_unb_11(kit: Any, message_type: str) -> None:
    parsed = kit.read_both(WRITERS[message_type](kit, kit.context(test_indicator=True), 1))
    assert parsed.unb.value(11) == "1"


def test_every_service_character_in_values_is_released(kit: Any) -> None:
    tricky = kit.TRICKY
    po = kit.purchase_order(
        tricky,
        organisations={"buyer": {"id": tricky, "name": tricky}},
        ship_to={"name": tricky, "line1": tricky, "city": tricky},
    )
    event = {"reason": tricky, "tracking_number": tricky, "carrier": tricky, "location": tricky}
    ctx = kit.context(status_codes={"on_hold": tricky, "shipped": tricky})
    on_hold = kit.read_both(ORDRSP.render([kit.item("on_hold", po, reason=tricky)], ctx))
    message = on_hold.messages[0]
    assert message.one("RFF", "ON").components(1) == ["ON", tricky]
    assert message.one("NAD", "BY").value(2) == tricky
    assert message.one("NAD", "BY").value(4) == tricky
    assert message.one("NAD", "DP").value(4) == tricky
    assert message.one("NAD", "DP").value(5) == tricky
    assert message.one("NAD", "DP").value(6) == tricky
    assert message.one("FTX").components(3) == ["HLD", "", "91"]
    assert message.one("FTX").components(4) == [tricky, tricky]

    shipped = kit.read_both(DESADV.render([kit.item("shipped", po, **event)], ctx)).messages[0]
    assert shipped.one("RFF", "CN").value(1, 2) == tricky
    assert shipped.one("TDT").value(5, 4) == tricky
    assert shipped.one("LOC").value(2, 4) == tricky
    assert shipped.all("RFF", "ON")[-1].components(1) == ["ON", tricky, "3"]

    booking = kit.booking(
        booking_reference=tricky,
        vessel=tricky,
        voyage=tricky,
        remarks=tricky,
        purchase_orders=[tricky],
        carrier=tricky,
    )
    confirmation = kit.read_both(IFTMBC.render([booking], kit.context())).messages[0]
    assert confirmation.one("BGM").value(2) == tricky
    assert confirmation.one("RFF", "BN").value(1, 2) == tricky
    assert confirmation.one("RFF", "ON").value(1, 2) == tricky
    assert confirmation.one("TDT").value(2) == tricky
    assert confirmation.one("TDT").value(8, 4) == tricky
    assert confirmation.one("FTX", "AAI").value(4) == tricky


def test_release_character_is_escaped_in_raw_bytes(kit: Any) -> None:
    rendered = ORDRSP.render([kit.item("accepted", kit.purchase_order("A?B'C"))], kit.context())
    assert b"RFF+ON:A??B?'C'" in rendered.content


def test_characters_outside_latin_1_are_refused_with_where(kit: Any) -> None:
    po = kit.purchase_order(ship_to={"name": "倉庫 East", "city": "Newark"})
    with pytest.raises(EdifactRenderError, match=r"ORDRSP message 1, segment NAD \(position \d+\)"):
        ORDRSP.render([kit.item("accepted", po)], kit.context())


def test_latin_1_text_is_written_in_unoc(kit: Any) -> None:
    po = kit.purchase_order(ship_to={"name": "Zürich Süd", "city": "Zürich"})
    rendered = ORDRSP.render([kit.item("accepted", po)], kit.context())
    assert "Zürich Süd".encode("latin-1") in rendered.content
    assert kit.read_both(rendered).messages[0].one("NAD", "DP").value(4) == "Zürich Süd"


def test_unknown_directory_version_is_refused(kit: Any) -> None:
    with pytest.raises(EdifactRenderError, match="'96A' is not a UN/EDIFACT directory"):
        ORDRSP.render([kit.item("accepted")], kit.context(edifact_version="96A"))


@pytest.mark.parametrize("message_type", sorted(WRITERS))
def test_nothing_to_write_is_an_error(kit: Any, message_type: str) -> None:
    with pytest.raises(EdifactRenderError, match=f"no {message_type} message"):
        WRITERS[message_type](kit, kit.context(), 0)


def test_writer_names_follow_the_profile_formats() -> None:
    assert (ORDRSP.name, DESADV.name, IFTMBC.name) == (
        "edifact_ordrsp",
        "edifact_desadv",
        "edifact_iftmbc",
    )
