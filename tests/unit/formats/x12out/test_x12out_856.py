"""856 ship notice: S-O-I hierarchy, carrier and tracking, partial shipments, custom codes."""

from __future__ import annotations

import pytest

from orderport.formats.x12.out_common import X12RenderError
from orderport.formats.x12.outbound import X12_856

VERSIONS = ["004010", "005010"]
SHIPPED = {
    "carrier": "MAEU",
    "tracking_number": "1Z999AA10123456784",
    "fulfillment_order": "EXT-4500012345.1",
    "location": "Shenzhen DC",
    "at": "2026-03-05T14:10:00+08:00",
}


def one_set(sets_of, data: bytes) -> list[list[str]]:
    sets = sets_of(data)
    assert len(sets) == 1
    return sets[0]


def hl_tree(segs: list[list[str]]) -> list[tuple[str, str, str]]:
    return [(seg[1], seg[2], seg[3]) for seg in segs if seg[0] == "HL"]


@pytest.mark.parametrize("version", VERSIONS)
def test_full_shipment(version, make_item, make_ctx, sets_of, only):
    data = X12_856.render([make_item("shipped", **SHIPPED)], make_ctx(version)).content
    segs = one_set(sets_of, data)
    assert segs[0] == ["ST", "856", "0001"]
    assert segs[1] == ["BSN", "00", "EXT-4500012345.1", "20260302", "0930", "0004"]
    assert hl_tree(segs) == [
        ("1", "", "S"),
        ("2", "1", "O"),
        ("3", "2", "I"),
        ("4", "2", "I"),
        ("5", "2", "I"),
    ]
    assert only(segs, "TD5") == [["TD5", "B", "2", "MAEU"]]
    assert only(segs, "REF") == [
        ["REF", "CN", "1Z999AA10123456784"],
        ["REF", "ZZ", "VERSENDET"],
    ]
    assert only(segs, "DTM") == [["DTM", "011", "20260305", "1410", "LT"]]
    assert only(segs, "N1") == [
        ["N1", "ST", "ACME DC 7", "92", "0007"],
        ["N1", "SF", "Shenzhen DC"],
    ]
    assert only(segs, "PRF") == [["PRF", "4500012345", "", "", "20260301"]]
    assert only(segs, "LIN") == [
        ["LIN", "1", "UP", "036000291452", "VN", "WID-001", "IN", "000123"],
        ["LIN", "2", "EN", "4006381333931", "SK", "SKU-0002"],
        ["LIN", "3", "IN", "000777", "BP", "BP-777"],
    ]
    assert only(segs, "SN1") == [
        ["SN1", "", "24", "EA", "", "24", "EA"],
        ["SN1", "", "10.5", "CS", "", "10.5", "CS"],
        ["SN1", "", "100", "EA", "", "100", "EA"],
    ]
    assert only(segs, "CTT") == [["CTT", "5", "134.5"]]


@pytest.mark.parametrize("version", VERSIONS)
def test_partial_shipment_lists_only_the_shipped_items(version, make_item, make_ctx, sets_of, only):
    lines = [
        {"line_number": 3, "quantity": "40", "sku": "SKU-777"},
        {"line_number": 1, "quantity": "24"},
    ]
    item = make_item("shipped", **SHIPPED, lines=lines)
    segs = one_set(sets_of, X12_856.render([item], make_ctx(version)).content)
    assert hl_tree(segs) == [("1", "", "S"), ("2", "1", "O"), ("3", "2", "I"), ("4", "2", "I")]
    assert [seg[1] for seg in only(segs, "LIN")] == ["3", "1"]
    assert only(segs, "SN1") == [
        ["SN1", "", "40", "EA", "", "100", "EA"],
        ["SN1", "", "24", "EA", "", "24", "EA"],
    ]
    assert only(segs, "CTT") == [["CTT", "4", "64"]]


def test_each_item_hl_sits_under_the_order(make_item, make_ctx, sets_of):
    segs = one_set(sets_of, X12_856.render([make_item("shipped")], make_ctx()).content)
    levels = {seg[1]: seg[3] for seg in segs if seg[0] == "HL"}
    items = [seg for seg in segs if seg[0] == "HL" and seg[3] == "I"]
    assert items, "the 856 has no item-level HL"
    for seg in items:
        assert levels[seg[2]] == "O"
        assert seg[4] == "0"


def test_carrier_name_instead_of_scac(make_item, make_ctx, sets_of, only):
    item = make_item("shipped", carrier="Kuehne + Nagel")
    segs = one_set(sets_of, X12_856.render([item], make_ctx()).content)
    assert only(segs, "TD5") == [["TD5", "B", "", "", "", "Kuehne + Nagel"]]
    assert segs[1][2] == "4500012345-2603020815"
    assert only(segs, "REF") == [["REF", "ZZ", "VERSENDET"]]
    assert only(segs, "DTM") == [["DTM", "011", "20260302", "0815", "UT"]]


def test_two_shipments_in_one_file(make_item, make_ctx, sets_of):
    first = make_item("shipped", **SHIPPED, lines=[{"line_number": 1, "quantity": "12"}])
    second = make_item(
        "shipped", tracking_number="TRK-2", lines=[{"line_number": 2, "quantity": "1"}]
    )
    sets = sets_of(X12_856.render([first, second], make_ctx()).content)
    assert [s[0][2] for s in sets] == ["0001", "0002"]
    assert [s[1][2] for s in sets] == ["EXT-4500012345.1", "TRK-2"]


def test_acknowledgment_status_is_refused(make_item, make_ctx):
    with pytest.raises(X12RenderError, match="856 for PO 4500012345: status 'accepted'"):
        X12_856.render([make_item("accepted")], make_ctx())


def test_shipping_a_line_the_po_lacks(make_item, make_ctx):
    item = make_item("shipped", lines=[{"line_number": 4, "quantity": "1"}])
    with pytest.raises(X12RenderError, match="ships line 4, which the PO does not have"):
        X12_856.render([item], make_ctx())
