"""Reading partners' acknowledgments: 997, 999, TA1 and CONTRL verdicts with what they name."""

from __future__ import annotations

import pytest

from orderport.formats.acks_in import acknowledgment_kind, read_acknowledgment
from orderport.formats.base import FormatError
from orderport.formats.outbound import Envelope

ISA = (
    "ISA*00*          *00*          *ZZ*PARTNER        *ZZ*ORDERPORT      *260321*0700*^*00501*"
    "000000077*0*P*:~"
)


def test_999_with_ik3_ik4_is_rejected_and_names_segment_and_element():
    data = (
        ISA + "GS*FA*PARTNER*ORDERPORT*20260321*0700*77*X*005010X231A1~ST*999*0001*005010X231A1~"
        "AK1*PR*42*005010~AK2*855*0001~IK3*BAK*2**8~IK4*1*353*7*XX~IK5*R*5~AK9*R*1*1*0~"
        "SE*8*0001~GE*1*77~IEA*1*000000077~"
    ).encode()
    assert acknowledgment_kind(data) == "999"
    [result] = read_acknowledgment(data, "a.edi")
    assert (result.envelope, result.group_control, result.status) == (
        Envelope.X12,
        "42",
        "rejected",
    )
    assert result.detail == (
        "AK9 R: 855 0001 R: segment BAK at position 2 (error 8); element 1 (error 7) value 'XX'"
    )
    assert result.sender == "PARTNER"


@pytest.mark.parametrize(
    ("verdict", "status"), [("A", "accepted"), ("E", "accepted_with_errors"), ("P", "rejected")]
)
def test_997_group_verdicts(verdict, status):
    data = (
        ISA + "GS*FA*PARTNER*ORDERPORT*20260321*0700*77*X*005010~ST*997*0001~AK1*SH*7~"
        f"AK9*{verdict}*1*1*1~SE*4*0001~GE*1*77~IEA*1*000000077~"
    ).encode()
    assert acknowledgment_kind(data) == "997"
    [result] = read_acknowledgment(data, "a.edi")
    assert (result.group_control, result.status) == ("7", status)


def test_ta1_names_our_interchange():
    data = (ISA + "TA1*000004711*260321*0700*R*022~IEA*0*000000077~").encode()
    assert acknowledgment_kind(data) == "TA1"
    [result] = read_acknowledgment(data, "t.edi")
    assert (result.interchange_control, result.group_control) == ("000004711", None)
    assert (result.status, result.detail) == ("rejected", "TA1 R, note code 022")


def test_contrl_with_a_rejected_message_is_rejected():
    data = (
        b"UNB+UNOC:3+4012345000009:14+ORDERPORT:ZZ+260321:0700+R77'UNH+1+CONTRL:D:3:UN'"
        b"UCI+4711+ORDERPORT:ZZ+4012345000009:14+7'UCM+1+ORDRSP:D:96A:UN+4+12+FTX'"
        b"UCS+5+12'UCD+12+3:1'UNT+6+1'UNZ+1+R77'"
    )
    assert acknowledgment_kind(data) == "CONTRL"
    [result] = read_acknowledgment(data, "c.edi")
    assert (result.envelope, result.interchange_control) == (Envelope.EDIFACT, "4711")
    assert result.status == "rejected"
    assert "message 1 (ORDRSP) rejected, error 12 in FTX" in result.detail
    assert "segment position 5 error 12" in result.detail
    assert "element 3:1 error 12" in result.detail
    assert result.sender == "4012345000009"


def test_orders_and_850s_are_not_acknowledgments():
    assert (
        acknowledgment_kind(b"UNA:+.? 'UNB+UNOC:3+A:14+B:14+260301:0930+1'UNH+1+ORDERS:D:96A:UN'")
        is None
    )
    x12 = ISA + "GS*PO*PARTNER*ORDERPORT*20260321*0700*1*X*005010~ST*850*0001~"
    assert acknowledgment_kind(x12.encode()) is None
    assert acknowledgment_kind(b"po_number,sku\n1,2\n") is None


def test_an_acknowledgment_without_verdicts_is_a_format_error():
    data = (
        ISA + "GS*FA*PARTNER*ORDERPORT*20260321*0700*77*X*005010~ST*997*0001~AK1*SH*7~"
    ).encode()
    with pytest.raises(FormatError, match="without AK9 or TA1"):
        read_acknowledgment(data, "x.edi")
