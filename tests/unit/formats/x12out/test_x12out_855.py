"""855 PO acknowledgment: BAK/ACK codes per event, PO1 echoes, custom status codes, re-reads."""

from __future__ import annotations

import io

import pytest

from orderport.formats.x12.out_common import X12RenderError
from orderport.formats.x12.outbound import X12_855, X12PoAcknowledgment
from orderport.formats.x12.tokenizer import SegmentStream

VERSIONS = ["004010", "005010"]


def one_set(sets_of, data: bytes) -> list[list[str]]:
    sets = sets_of(data)
    assert len(sets) == 1
    return sets[0]


@pytest.mark.parametrize("version", VERSIONS)
def test_accepted_in_full(version, make_item, make_ctx, sets_of, only):
    segs = one_set(sets_of, X12_855.render([make_item("accepted")], make_ctx(version)).content)
    assert segs[0] == ["ST", "855", "0001"]
    assert segs[1] == ["BAK", "00", "AD", "4500012345", "20260301", "", "", "", "", "20260302"]
    assert only(segs, "REF") == [["REF", "ZZ", "accepted"]]
    assert only(segs, "N1") == [
        ["N1", "ST", "ACME DC 7", "92", "0007"],
        ["N1", "BY", "ACME Retail", "92", "ACME"],
    ]
    assert only(segs, "PO1") == [
        ["PO1", "1", "24", "EA", "2.5", "", "UP", "036000291452", "VN", "WID-001", "IN", "000123"],
        ["PO1", "2", "10.5", "CS", "", "", "EN", "4006381333931", "SK", "SKU-0002"],
        ["PO1", "3", "100", "EA", "", "", "IN", "000777", "BP", "BP-777"],
    ]
    assert only(segs, "ACK") == [
        ["ACK", "IA", "24", "EA"],
        ["ACK", "IA", "10.5", "CS"],
        ["ACK", "IA", "100", "EA"],
    ]
    assert only(segs, "CTT") == [["CTT", "3", "134.5"]]
    # each ACK follows its PO1
    tags = [seg[0] for seg in segs]
    assert tags[tags.index("PO1") :] == ["PO1", "ACK"] * 3 + ["CTT", "SE"]


def test_accepted_with_changes(make_item, make_ctx, sets_of, only):
    item = make_item(
        "accepted",
        lines=[
            {"line_number": 1, "quantity": "24"},
            {"line_number": 2, "quantity": "8", "uom": "CS"},
        ],
    )
    segs = one_set(sets_of, X12_855.render([item], make_ctx()).content)
    assert segs[1][2] == "AC"
    assert only(segs, "ACK") == [
        ["ACK", "IA", "24", "EA"],
        ["ACK", "IQ", "8", "CS"],
        ["ACK", "IB", "100", "EA"],
    ]


def test_zero_quantity_and_other_unit(make_item, make_ctx, sets_of, only):
    item = make_item(
        "accepted",
        lines=[
            {"line_number": 1, "quantity": "0"},
            {"line_number": 2, "quantity": "126", "uom": "EA"},
            {"line_number": 3, "quantity": "100"},
        ],
    )
    segs = one_set(sets_of, X12_855.render([item], make_ctx()).content)
    assert segs[1][2] == "AC"
    assert [seg[1:] for seg in only(segs, "ACK")] == [
        ["IR", "24", "EA"],
        ["IC", "126", "EA"],
        ["IA", "100", "EA"],
    ]


def test_event_confirming_every_line_in_full_is_no_change(make_item, make_ctx, sets_of):
    lines = [
        {"line_number": 1, "quantity": "24"},
        {"line_number": 2, "quantity": "10.50", "uom": "CS"},
        {"line_number": 3, "quantity": "100"},
    ]
    segs = one_set(
        sets_of, X12_855.render([make_item("accepted", lines=lines)], make_ctx()).content
    )
    assert segs[1][2] == "AD"


@pytest.mark.parametrize("version", VERSIONS)
def test_rejected_with_reason_and_custom_code(version, make_item, make_ctx, sets_of, only):
    item = make_item("rejected", reason="Unknown item 000777; price*list expired")
    segs = one_set(sets_of, X12_855.render([item], make_ctx(version)).content)
    assert segs[1][2] == "RD"
    assert only(segs, "REF") == [
        ["REF", "ZZ", "ABGELEHNT", "Unknown item 000777; price list expired"]
    ]
    assert [seg[1] for seg in only(segs, "ACK")] == ["IR", "IR", "IR"]


def test_on_hold(make_item, make_ctx, sets_of, only):
    segs = one_set(
        sets_of, X12_855.render([make_item("on_hold", reason="credit check")], make_ctx()).content
    )
    assert segs[1][2] == "AH"
    assert [seg[1:] for seg in only(segs, "ACK")] == [
        ["IH", "24", "EA"],
        ["IH", "10.5", "CS"],
        ["IH", "100", "EA"],
    ]
    assert only(segs, "REF") == [["REF", "ZZ", "on_hold", "credit check"]]


def test_received_is_acknowledged_without_detail(make_item, make_ctx, sets_of):
    segs = one_set(sets_of, X12_855.render([make_item("received")], make_ctx()).content)
    assert [seg[0] for seg in segs] == ["ST", "BAK", "REF", "N1", "N1", "SE"]
    assert segs[1][2] == "AK"
    assert segs[-1] == ["SE", "6", "0001"]


def test_po_date_falls_back_to_the_event_date(make_item, make_ctx, sets_of, po):
    item = make_item("accepted")
    undated = type(item)(po=po.model_copy(update={"order_date": None}), event=item.event)
    segs = one_set(sets_of, X12_855.render([undated], make_ctx()).content)
    assert segs[1][4] == "20260302"


def test_rendered_855_reads_back_with_our_tokenizer(make_item, make_ctx, sets_of):
    data = X12_855.render([make_item("accepted"), make_item("on_hold")], make_ctx()).content
    stream = SegmentStream(io.BytesIO(data), "out.edi", encoding="ascii")
    tokenized = list(stream)
    assert stream.separators is not None
    assert (stream.separators.element, stream.separators.segment) == ("*", "~")
    assert [seg[0] for seg in tokenized[:2]] == ["ISA", "GS"]
    assert [seg[0] for seg in tokenized[-2:]] == ["GE", "IEA"]
    assert tokenized[2:-2] == [seg for s in sets_of(data) for seg in s]


def test_buyer_sku_qualifier_is_configurable(make_item, make_ctx, sets_of, only):
    writer = X12PoAcknowledgment(buyer_sku_qualifier="BP", status_qualifier="ACK")
    segs = one_set(sets_of, writer.render([make_item("accepted")], make_ctx()).content)
    assert only(segs, "PO1")[0][-2:] == ["BP", "000123"]
    assert only(segs, "REF")[0][:2] == ["REF", "ACK"]


def test_status_not_carried_by_an_855(make_item, make_ctx):
    with pytest.raises(X12RenderError, match=r"855 for PO 4500012345: status 'shipped'.*856"):
        X12_855.render([make_item("shipped")], make_ctx())


def test_event_naming_a_line_the_po_lacks(make_item, make_ctx):
    item = make_item("accepted", lines=[{"line_number": 9, "quantity": "1"}])
    with pytest.raises(X12RenderError, match="confirms line 9, which the PO does not have"):
        X12_855.render([item], make_ctx())


def test_identifier_with_a_separator_is_an_error_naming_the_element(make_item, make_ctx, po):
    item = make_item("accepted")
    bad = po.model_copy(update={"po_number": "45*12"})
    with pytest.raises(X12RenderError, match=r"855 for PO 45\*12, BAK03 PO number: .*'\*'"):
        X12_855.render([type(item)(po=bad, event=item.event)], make_ctx())


def test_long_po_number_is_an_error(make_item, make_ctx, po):
    item = make_item("accepted")
    bad = po.model_copy(update={"po_number": "P" * 23})
    with pytest.raises(X12RenderError, match=r"BAK03 PO number: .* longer than 22"):
        X12_855.render([type(item)(po=bad, event=item.event)], make_ctx())


def test_three_letter_unit_is_an_error(make_item, make_ctx, po):
    item = make_item("accepted")
    line = po.lines[0].model_copy(update={"uom": "PCS"})
    bad = po.model_copy(update={"lines": [line]})
    with pytest.raises(X12RenderError, match="PO1 line 1 unit: 'PCS' is longer than 2"):
        X12_855.render([type(item)(po=bad, event=item.event)], make_ctx())


def test_names_are_transliterated_and_cleaned(make_item, make_ctx, sets_of, only, po):
    item = make_item("accepted")
    buyer = po.organisations.buyer
    assert buyer is not None
    organisations = po.organisations.model_copy(
        update={"buyer": buyer.model_copy(update={"name": "Müller~Straße GmbH"})}
    )
    renamed = po.model_copy(update={"organisations": organisations})
    data = X12_855.render([type(item)(po=renamed, event=item.event)], make_ctx()).content
    assert only(one_set(sets_of, data), "N1")[1] == [
        "N1",
        "BY",
        "Muller Strasse GmbH",
        "92",
        "ACME",
    ]
