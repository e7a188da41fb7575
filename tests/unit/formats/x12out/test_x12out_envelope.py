"""Envelope of every outbound X12 file: one interchange, one group, control numbers, versions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from orderport.formats.outbound import EdiParty, PoStatusItem
from orderport.formats.x12 import parse_strict
from orderport.formats.x12.out_common import X12RenderError
from orderport.formats.x12.outbound import X12_301, X12_855, X12_856, X12PoAcknowledgment

MakeItem = Callable[..., PoStatusItem]
VERSIONS = ["004010", "005010"]


def render_each(make_item: MakeItem, make_booking: Callable[..., Any], ctx: Any) -> list[bytes]:
    return [
        X12_855.render([make_item("accepted")], ctx).content,
        X12_856.render([make_item("shipped", carrier="UPSN")], ctx).content,
        X12_301.render([make_booking()], ctx).content,
    ]


@pytest.mark.parametrize("version", VERSIONS)
def test_envelope_of_each_writer(version, make_item, make_booking, make_ctx):
    ctx = make_ctx(version)
    files = render_each(make_item, make_booking, ctx)
    for data, (functional_id, set_id) in zip(
        files, [("PR", "855"), ("SH", "856"), ("RO", "301")], strict=True
    ):
        strict = parse_strict(data)
        isa = strict.isa
        assert (isa[5], isa[6].rstrip()) == ("ZZ", "ORDERPORT")
        assert (isa[7], isa[8].rstrip()) == ("01", "ACMEBUYER")
        assert isa[9:11] == ["260302", "0930"]
        assert isa[12] == version[:5]
        assert isa[11] == ("^" if version == "005010" else "U")
        assert isa[13] == "000004711"
        assert (isa[14], isa[15], isa[16]) == ("0", "P", ">")
        assert len(strict.groups) == 1
        gs = strict.groups[0].gs
        assert gs[1] == functional_id
        assert (gs[2], gs[3]) == ("ORDERPORT", "ACMEAPP")
        assert (gs[4], gs[5], gs[6], gs[7], gs[8]) == ("20260302", "0930", "4711", "X", version)
        assert [s.set_id for s in strict.groups[0].sets] == [set_id]
        assert strict.groups[0].sets[0].segments[0][2] == "0001"


def test_rendered_metadata(make_item, make_booking, make_ctx):
    ctx = make_ctx()
    for rendered in (
        X12_855.render([make_item("received")], ctx),
        X12_856.render([make_item("shipped")], ctx),
        X12_301.render([make_booking()], ctx),
    ):
        assert (rendered.extension, rendered.media_type) == ("edi", "application/edi-x12")
    assert (X12_855.name, X12_856.name, X12_301.name) == ("x12_855", "x12_856", "x12_301")


def test_transaction_sets_are_numbered_in_the_file(make_item, make_ctx):
    data = X12_855.render(
        [make_item("received"), make_item("accepted"), make_item("rejected")], make_ctx()
    ).content
    strict = parse_strict(data)
    sets = strict.groups[0].sets
    assert [s.segments[0][2] for s in sets] == ["0001", "0002", "0003"]
    assert [s.segments[-1][2] for s in sets] == ["0001", "0002", "0003"]
    assert data.decode().count("\nGE*3*4711~") == 1


def test_test_indicator_and_one_line_output(make_item, make_ctx):
    writer = X12PoAcknowledgment(newline=False)
    data = writer.render([make_item("accepted")], make_ctx(test_indicator=True)).content
    assert b"\n" not in data
    assert parse_strict(data).isa[15] == "T"


def test_unsupported_version_is_refused(make_item, make_ctx):
    with pytest.raises(X12RenderError, match="version '003040' is not supported"):
        X12_855.render([make_item("accepted")], make_ctx("003040"))


@pytest.mark.parametrize("control", [0, 1_000_000_000])
def test_control_number_out_of_range(control, make_item, make_ctx):
    with pytest.raises(ValueError, match="control_number must be between 1 and 999999999"):
        X12_855.render([make_item("accepted")], make_ctx(control_number=control))


def test_control_number_at_the_top_of_the_range(make_item, make_ctx):
    data = X12_855.render([make_item("accepted")], make_ctx(control_number=999_999_999)).content
    strict = parse_strict(data)
    assert (strict.isa[13], strict.groups[0].gs[6]) == ("999999999", "999999999")


@pytest.mark.parametrize(
    ("party", "message"),
    [
        (EdiParty("A-VERY-LONG-PARTNER-ID"), "interchange id 'A-VERY-LONG-PARTNER-ID'"),
        (EdiParty("ACME*1"), "interchange id 'ACME\\*1'"),
        (EdiParty("ACME", "Z"), "qualifier 'Z'"),
    ],
)
def test_bad_party_ids_are_refused(party, message, make_item, make_ctx):
    with pytest.raises(X12RenderError, match=f"partner acme, receiver: {message}"):
        X12_855.render([make_item("accepted")], make_ctx(receiver=party))


def test_an_empty_file_is_refused(make_ctx):
    with pytest.raises(X12RenderError, match="nothing to write"):
        X12_855.render([], make_ctx())
    with pytest.raises(X12RenderError, match="nothing to write"):
        X12_301.render([], make_ctx())


def test_bad_writer_options_are_refused():
    with pytest.raises(ValueError, match="status_qualifier"):
        X12PoAcknowledgment(status_qualifier="Z*")
