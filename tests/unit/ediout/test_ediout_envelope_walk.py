"""Every outbound path to one partner: one control-number space and one identity per standard.

Issue 14: 997s counted under one sequence and 855/856/301 under another, so a partner got ISA13
000000001 twice; CONTRLs went out as the identity the partner addressed while ORDRSP/DESADV/
IFTMBC went out as ORDERPORT:ZZ.
"""

from __future__ import annotations

from collections import Counter

from envelopes import read_envelope
from partner_walk import setup, walk

from edi_validator import validate


def _repeats(values: list[str]) -> dict[str, int]:
    return {v: n for v, n in Counter(values).items() if n > 1}


def test_no_control_number_repeats_across_acks_status_and_bookings(engine, tmp_path):
    files = walk(engine, setup(tmp_path))
    kinds = Counter(kind for kind, _ in files)
    assert kinds == {
        "ack_997": 2,
        "contrl": 2,
        "status_x12_855": 2,
        "status_x12_856": 2,
        "status_edifact_ordrsp": 2,
        "status_edifact_desadv": 2,
        "booking_x12_301": 2,
        "booking_edifact_iftmbc": 2,
    }
    envelopes = [read_envelope(content) for _, content in files]
    x12 = [e for e in envelopes if e.standard == "x12"]
    edifact = [e for e in envelopes if e.standard == "edifact"]
    assert (len(x12), len(edifact)) == (8, 8)
    assert _repeats([int(e.interchange) for e in x12]) == {}  # ISA13
    assert _repeats([e.group for e in x12]) == {}  # GS06
    assert _repeats([e.interchange for e in edifact]) == {}  # UNB 0020
    # ... and the independent validator accepts every file (CONTRL has no grammar there).
    for kind, content in files:
        if kind != "contrl":
            assert validate(content) == [], (kind, content.decode("latin-1"))


def test_one_sender_per_standard_defaults_to_the_identity_the_partner_addressed(engine, tmp_path):
    envelopes = [read_envelope(content) for _, content in walk(engine, setup(tmp_path))]
    x12 = [e for e in envelopes if e.standard == "x12"]
    edifact = [e for e in envelopes if e.standard == "edifact"]
    # Default identity: the one the partner addressed, on every document of that standard.
    assert {e.sender for e in x12} == {("OPX12", "ZZ")}
    assert {e.application_sender for e in x12} == {"OPX12APP"}
    assert {e.sender for e in edifact} == {("8798765000019", "14")}
    assert {e.receiver for e in edifact} == {("4012345000009", "14")}


def test_profile_names_our_identity_for_every_document(engine, tmp_path):
    extra = (
        ', our_x12_id: "ORDERPORTX", our_x12_qualifier: "01", our_x12_application_id: "OPAPP",'
        ' our_edifact_id: "5412345000013", our_edifact_qualifier: "14"'
    )
    files = walk(engine, setup(tmp_path, extra))
    envelopes = [read_envelope(content) for _, content in files]
    assert {e.sender for e in envelopes if e.standard == "x12"} == {("ORDERPORTX", "01")}
    assert {e.application_sender for e in envelopes if e.standard == "x12"} == {"OPAPP"}
    assert {e.sender for e in envelopes if e.standard == "edifact"} == {("5412345000013", "14")}
