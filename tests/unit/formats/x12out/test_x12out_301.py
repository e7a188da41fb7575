"""301 booking confirmation: B1 action codes, Y3 space, Y4 containers, N9 POs, ports, vessel."""

from __future__ import annotations

import pytest

from orderport.formats.x12.out_common import X12RenderError
from orderport.formats.x12.outbound import X12_301, X12BookingConfirmation
from orderport.model.tracking import SpaceStatus

VERSIONS = ["004010", "005010"]


def one_set(sets_of, data: bytes) -> list[list[str]]:
    sets = sets_of(data)
    assert len(sets) == 1
    return sets[0]


@pytest.mark.parametrize("version", VERSIONS)
def test_confirmed_booking_with_two_containers_and_two_pos(
    version, make_booking, make_ctx, sets_of, only
):
    segs = one_set(sets_of, X12_301.render([make_booking()], make_ctx(version)).content)
    assert [seg[0] for seg in segs] == [
        "ST", "B1", "Y3", "Y4", "Y4", "N9", "N9", "N9", "R4", "DTM", "R4", "DTM", "LX", "V1", "SE",
    ]  # fmt: skip
    assert segs[1] == ["B1", "MAEU", "MAEU123456789", "20260302", "A"]
    assert segs[2] == [
        "Y3", "MAEU123456789", "MAEU", "20260310", "20260328", "", "", "20260308", "1200",
    ]  # fmt: skip
    assert only(segs, "Y4") == [
        ["Y4", "MAEU123456789", "", "", "", "2", "45G1"],
        ["Y4", "MAEU123456789", "", "", "", "1", "22G1"],
    ]
    assert only(segs, "N9") == [
        ["N9", "PO", "4500012345"],
        ["N9", "PO", "4500012346"],
        ["N9", "ZZ", "confirmed", "Cut-off at CY; VGM due 24h before"],
    ]
    assert only(segs, "R4") == [["R4", "L", "UN", "CNSZX"], ["R4", "D", "UN", "USLGB"]]
    assert only(segs, "DTM") == [
        ["DTM", "369", "20260310", "1800", "LT"],
        ["DTM", "371", "20260328", "0600", "UT"],
    ]
    assert only(segs, "V1") == [["V1", "", "Maersk Essen", "", "612W", "MAEU"]]
    assert segs[-1] == ["SE", "15", "0001"]


@pytest.mark.parametrize(("version", "code"), [("004010", "D"), ("005010", "E")])
def test_rejected_space_is_declined(version, code, make_booking, make_ctx, sets_of):
    booking = make_booking(space_status="rejected")
    segs = one_set(sets_of, X12_301.render([booking], make_ctx(version)).content)
    assert segs[1][4] == code
    assert segs[2][1] == "DECLINE"


@pytest.mark.parametrize(
    ("status", "code"), [("conditionally_confirmed", "B"), ("pending", "N"), ("confirmed", "A")]
)
def test_space_status_action_codes(status, code, make_booking, make_ctx, sets_of, only):
    ctx = make_ctx(status_codes={"pending": "OFFEN"})
    segs = one_set(sets_of, X12_301.render([make_booking(space_status=status)], ctx).content)
    assert segs[1][4] == code
    assert segs[2][1] == "MAEU123456789"
    partner_code = "OFFEN" if status == "pending" else status
    assert only(segs, "N9")[-1][:3] == ["N9", "ZZ", partner_code]


def test_custom_action_codes(make_booking, make_ctx, sets_of):
    codes = {status: "U" for status in SpaceStatus}
    writer = X12BookingConfirmation(action_codes=codes)
    segs = one_set(sets_of, writer.render([make_booking()], make_ctx()).content)
    assert segs[1][4] == "U"
    with pytest.raises(ValueError, match="no B104 code for pending"):
        X12BookingConfirmation(action_codes={SpaceStatus.CONFIRMED: "A"})


def test_two_bookings_in_one_file(make_booking, make_ctx, sets_of):
    sets = sets_of(
        X12_301.render([make_booking(), make_booking(booking_reference="BK2")], make_ctx()).content
    )
    assert [(s[0][2], s[1][2]) for s in sets] == [("0001", "MAEU123456789"), ("0002", "BK2")]


def test_carrier_without_scac(make_booking, make_ctx, sets_of, only):
    booking = make_booking(carrier="Hapag-Lloyd AG", vessel=None, voyage=None)
    segs = one_set(sets_of, X12_301.render([booking], make_ctx("004010")).content)
    assert segs[1] == ["B1", "", "MAEU123456789", "20260302", "A"]
    assert segs[2][2] == ""
    assert only(segs, "V1") == []
    assert only(segs, "LX") == [["LX", "1"]]  # the LX loop is mandatory, vessel or not
    with pytest.raises(X12RenderError, match="B101: carrier 'Hapag-Lloyd AG' is not a 2-4 letter"):
        X12_301.render([booking], make_ctx("005010"))


def test_airport_codes_are_mutually_defined(make_booking, make_ctx, sets_of, only):
    booking = make_booking(mode="air", origin="HKG", destination="LAX", equipment=[])
    segs = one_set(sets_of, X12_301.render([booking], make_ctx()).content)
    assert only(segs, "R4") == [["R4", "L", "ZZ", "HKG"], ["R4", "D", "ZZ", "LAX"]]
    assert only(segs, "Y4") == []


def test_equipment_type_must_have_four_characters(make_booking, make_ctx):
    booking = make_booking(equipment=[{"type": "AKE", "count": 3}])
    with pytest.raises(X12RenderError, match="Y4 #1 element 06: equipment type 'AKE'"):
        X12_301.render([booking], make_ctx())


def test_more_than_ten_equipment_lines(make_booking, make_ctx):
    booking = make_booking(equipment=[{"type": "45G1", "count": 1}] * 11)
    with pytest.raises(X12RenderError, match="11 equipment lines"):
        X12_301.render([booking], make_ctx())


def test_booking_number_longer_than_y301(make_booking, make_ctx):
    with pytest.raises(X12RenderError, match=r"Y301 booking number: .* longer than 17"):
        X12_301.render([make_booking(booking_reference="B" * 18)], make_ctx())
