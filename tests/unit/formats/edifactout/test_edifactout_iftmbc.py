"""IFTMBC: booking confirmations with transport, schedule, equipment and space status."""

from __future__ import annotations

from typing import Any

import pytest

from orderport.formats.edifact.outbound import IFTMBC


def _message(kit: Any, version: str = "D96A", status_codes: Any = None, **booking: Any) -> Any:
    ctx = kit.context(edifact_version=version, status_codes=status_codes or {})
    (message,) = kit.read_both(IFTMBC.render([kit.booking(**booking)], ctx)).messages
    return message


def _located_dates(message: Any) -> dict[str, dict[str, str]]:
    """LOC qualifier -> its DTMs (qualifier -> value)."""
    out: dict[str, dict[str, str]] = {}
    current: dict[str, str] | None = None
    for seg in message.segments:
        if seg.tag == "LOC":
            current = out.setdefault(seg.value(1), {})
        elif seg.tag == "DTM" and current is not None:
            current[seg.value(1, 1)] = seg.value(1, 2)
        elif seg.tag != "DTM":
            current = None
    return out


@pytest.mark.parametrize("version", ["D96A", "D01B"])
def test_ocean_booking_with_two_containers_carrying_two_pos(kit: Any, version: str) -> None:
    message = _message(kit, version)
    # D96A allows one DTM per TDT/LOC: the cargo cut-off (DTM 180) goes on the TDT there.
    cutoff_on_tdt = ["TDT", "DTM", "LOC", "DTM", "LOC", "DTM"]
    cutoff_on_loc = ["TDT", "LOC", "DTM", "DTM", "LOC", "DTM"]
    assert message.tags == [
        "UNH", "BGM", "DTM", "RFF", "RFF", "RFF", "RFF", "RFF",
        *(cutoff_on_tdt if version == "D96A" else cutoff_on_loc),
        "EQD", "EQN", "EQD", "EQN", "UNT",
    ]  # fmt: skip
    assert message.segments[0].components(2) == ["IFTMBC", "D", version[1:], "UN"]
    bgm = message.one("BGM")
    assert [bgm.value(i) for i in (1, 2, 3, 4)] == ["770", "MAEU123456789", "9", "AP"]
    assert message.one("DTM", "137").components(1) == ["137", "202603011005", "203"]
    assert message.one("RFF", "BN").components(1) == ["BN", "MAEU123456789"]
    assert [r.value(1, 2) for r in message.all("RFF", "ON")] == ["PO-1001", "PO-1002"]
    assert [r.value(1, 2) for r in message.all("RFF", "CU")] == ["FO-1001-1", "FO-1002-1"]
    tdt = message.one("TDT")
    assert [tdt.value(1), tdt.value(2), tdt.value(3)] == ["20", "612W", "1"]
    assert tdt.components(5) == ["MAEU", "172", "182"]
    assert tdt.components(8) == ["", "", "", "MAERSK ESSEN"]
    assert message.one("LOC", "9").components(2) == ["CNSHA", "139", "6"]
    assert message.one("LOC", "11").components(2) == ["USLAX", "139", "6"]
    loading = {"133": "202603101800"}
    if version == "D96A":
        assert message.one("DTM", "180").components(1) == ["180", "202603081200", "203"]
    else:
        loading["180"] = "202603081200"
    assert _located_dates(message) == {"9": loading, "11": {"132": "202603270600"}}
    equipment = [
        (e.value(3, 1), e.components(3), n.value(1))
        for e, n in zip(message.all("EQD"), message.all("EQN"), strict=True)
    ]
    assert equipment == [
        ("45G1", ["45G1", "102", "5"], "1"),
        ("22G1", ["22G1", "102", "5"], "1"),
    ]
    assert {e.value(1) for e in message.all("EQD")} == {"CN"}


def test_equipment_count_goes_in_eqn(kit: Any) -> None:
    message = _message(kit, equipment=[{"type": "45G1", "count": 2}])
    assert message.one("EQN").value(1) == "2"


@pytest.mark.parametrize(
    ("status", "version", "function", "response"),
    [
        ("confirmed", "D96A", "9", "AP"),
        ("conditionally_confirmed", "D96A", "9", "CA"),
        ("rejected", "D01B", "9", "RE"),
        ("pending", "D01B", "9", "AJ"),
        ("pending", "D96A", "12", ""),
    ],
)
def test_space_status_in_bgm(
    kit: Any, status: str, version: str, function: str, response: str
) -> None:
    bgm = _message(kit, version, space_status=status).one("BGM")
    assert (bgm.value(3), bgm.value(4)) == (function, response)


def test_air_booking_has_flight_number_airline_and_airports(kit: Any) -> None:
    message = _message(
        kit,
        mode="air",
        carrier="LH",
        vessel=None,
        voyage=None,
        flight_number="LH8400",
        origin="FRA",
        destination="ORD",
        cargo_cutoff=None,
        equipment=[{"type": "PMC", "count": 3}],
    )
    tdt = message.one("TDT")
    assert [tdt.value(2), tdt.value(3)] == ["LH8400", "4"]
    assert tdt.components(5) == ["LH", "172", "3"]
    assert tdt.components(8) == []
    assert message.one("LOC", "9").components(2) == ["FRA", "", "3"]
    assert _located_dates(message)["9"] == {"133": "202603101800"}
    assert message.one("EQD").components(3) == ["PMC"]
    assert message.one("EQN").value(1) == "3"


def test_road_booking_with_unlocodes_has_no_port_code_list(kit: Any) -> None:
    message = _message(kit, mode="road", vessel=None, voyage=None, carrier="Fast Freight GmbH")
    assert message.one("TDT").value(3) == "3"
    assert message.one("TDT").components(5) == ["", "", "", "Fast Freight GmbH"]
    assert message.one("LOC", "9").components(2) == ["CNSHA", "", "6"]


def test_remarks_and_custom_space_status_code_go_in_ftx(kit: Any) -> None:
    message = _message(
        kit,
        space_status="conditionally_confirmed",
        remarks="Subject to reefer plug availability",
        status_codes={"conditionally_confirmed": "COND"},
    )
    assert message.one("FTX", "ACB").components(3) == ["CCF", "", "91"]
    assert message.one("FTX", "ACB").components(4) == ["COND"]
    assert message.one("FTX", "AAI").value(4) == "Subject to reefer plug availability"
    assert message.one("BGM").value(4) == "CA"


def test_bookings_are_one_message_each(kit: Any) -> None:
    bookings = [kit.booking(booking_reference="BK-1"), kit.booking(booking_reference="BK-2")]
    parsed = kit.read_both(IFTMBC.render(bookings, kit.context(control_number=3)))
    assert [m.one("RFF", "BN").value(1, 2) for m in parsed.messages] == ["BK-1", "BK-2"]
    assert parsed.unz.components(1) == ["2"]
    assert parsed.unb.value(5) == "3"
