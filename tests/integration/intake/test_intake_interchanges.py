"""Every interchange of an EDI file is checked for its sender and remembered for resends."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).parent))

from intake_helpers import SAMPLES, drop, write_profile

from orderport.partners import load_profiles
from orderport.pipeline.intake import IntakeContext, intake_pass
from orderport.store.ledger import FileState
from orderport.store.tables import outbox, purchase_orders

SAMPLE = (SAMPLES / "x12" / "po_004010_crlf.edi").read_text(encoding="latin-1")
X12_PROFILE = """id: initech
name: Initech
tier: quick_deploy
edi: {qualifier: ZZ, interchange_id: INITECH}
channel:
  kind: folder
  path: drop/initech
  max_file_bytes: 200000
  completeness: {convention: temp_rename, prefix: ".", suffix: ".tmp"}
formats:
  accepted: [x12]
"""


def interchange(control: str, sender: str = "INITECH", po: str = "4500012345") -> str:
    """The sample interchange with another ISA13/IEA02, ISA06 sender and PO number."""
    text = SAMPLE.replace("000001001", control).replace("INITECH        ", f"{sender:<15}")
    return text.replace("BEG*00*SA*4500012345", f"BEG*00*SA*{po}")


@pytest.fixture
def initech(tmp_path: Path) -> tuple[Path, IntakeContext]:
    partners = write_profile(tmp_path / "partners", "initech", X12_PROFILE)
    home = tmp_path / "home"
    return home / "drop" / "initech", IntakeContext(home=home, profiles=load_profiles(partners))


def pos(engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(purchase_orders)).scalar_one())


def test_a_second_interchange_from_another_sender_rejects_the_file(engine, initech):
    inbox, ctx = initech
    drop(
        inbox,
        "two.edi",
        (interchange("000001001") + interchange("000001002", "EVILCORP", "666")).encode(),
    )
    summary = intake_pass(engine, home=ctx.home, ctx=ctx)
    [outcome] = summary.outcomes
    assert outcome.state is FileState.REJECTED
    assert outcome.error is not None
    assert "EVILCORP" in outcome.error
    assert "000001002" in outcome.error
    assert pos(engine) == 0  # the first, genuine interchange is not applied alone either


def test_a_resent_later_interchange_is_a_duplicate_and_a_partial_resend_is_rejected(
    engine, initech
):
    inbox, ctx = initech
    drop(
        inbox,
        "a.edi",
        (interchange("000001001") + interchange("000001002", po="4500012346")).encode(),
    )
    [first] = intake_pass(engine, home=ctx.home, ctx=ctx).outcomes
    assert first.state is FileState.STORED
    assert pos(engine) == 2

    # the second interchange alone, sent again (other bytes: another PO date would do as well)
    drop(inbox, "b.edi", ("\r\n" + interchange("000001002", po="4500012346")).encode())
    [again] = intake_pass(engine, home=ctx.home, ctx=ctx).outcomes
    assert again.state is FileState.DUPLICATE
    assert again.duplicate_of == first.file_id
    assert "000001002" in (again.error or "")
    # Issue 12: the sender's translator is told too: a TA1 with note 025 (duplicate control
    # number), and no 997 (which would acknowledge the resent interchange as a new one).
    with engine.connect() as conn:
        answers = conn.execute(
            select(outbox.c.kind, outbox.c.content).where(outbox.c.inbound_file_id == again.file_id)
        ).all()
    assert [a.kind for a in answers] == ["ack_ta1"]
    assert b"TA1*000001002*" in bytes(answers[0].content)
    assert b"*R*025" in bytes(answers[0].content)

    # a new interchange together with the old one: nothing applied, the partner is told which
    mixed = interchange("000001003", po="4500012347") + interchange("000001002", po="4500012346")
    drop(inbox, "c.edi", mixed.encode())
    [partial] = intake_pass(engine, home=ctx.home, ctx=ctx).outcomes
    assert partial.state is FileState.REJECTED
    assert f"x12:INITECH:000001002 in file #{first.file_id}" in (partial.error or "")
    assert pos(engine) == 2
