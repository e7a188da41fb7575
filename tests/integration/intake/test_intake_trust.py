"""Issue 11 through the real intake pass: one path for every file, held means held, envelopes
rejected as the standards say (TA1 / 997 AK9*R / CONTRL UCI 4)."""

from __future__ import annotations

import sys
from pathlib import Path

from sqlalchemy import Engine

sys.path.insert(0, str(Path(__file__).parent))

from intake_helpers import SAMPLES, drop, write_profile

from orderport.partners import load_profiles
from orderport.pipeline.ingest import check_file
from orderport.pipeline.intake import ATTEMPTS_KEY, IntakeContext, intake_pass, reprocess
from orderport.store import ledger
from orderport.store.ledger import FileState
from orderport.store.outbox import items_for_file

PROFILE = """id: {pid}
name: Test partner {pid}
tier: quick_deploy
channel:
  kind: folder
  path: drop/{pid}
  completeness: {{convention: temp_rename, prefix: ".", suffix: ".tmp"}}
formats:
  accepted: [{formats}]
{edi}outbound:
  acknowledgment: true
"""


def context(tmp_path: Path, pid: str, formats: str, edi: str = "") -> tuple[IntakeContext, Path]:
    text = PROFILE.format(pid=pid, formats=formats, edi=edi)
    partners = write_profile(tmp_path / "partners", pid, text)
    home = tmp_path / "home"
    return IntakeContext(home=home, profiles=load_profiles(partners)), home


def only_row(engine: Engine, pid: str) -> ledger.LedgerRow:
    with engine.connect() as conn:
        [row] = ledger.list_files(conn, partner_id=pid)
    return row


def test_iea02_unlike_isa13_is_rejected_with_a_ta1_and_a_997_rejecting_the_group(
    engine: Engine, tmp_path: Path
) -> None:
    ctx, home = context(tmp_path, "edi1", "x12", "edi: {qualifier: ZZ, interchange_id: INITECH}\n")
    good = (SAMPLES / "x12" / "po_004010_crlf.edi").read_bytes()
    assert b"IEA*1*000001001~" in good
    drop(home / "drop" / "edi1", "po.edi", good.replace(b"IEA*1*000001001~", b"IEA*1*000001009~"))
    intake_pass(engine, home=home, ctx=ctx)

    row = only_row(engine, "edi1")
    assert row.state is FileState.REJECTED
    assert row.error is not None
    assert "IEA02 '000001009' does not match ISA13 '000001001'" in row.error
    assert "IEA" in row.error  # located: segment and element
    assert row.detail["outcomes"] == {}
    with engine.connect() as conn:
        answers = {item.kind: item.content.decode() for item in items_for_file(conn, row.id)}
    assert set(answers) == {"ack_ta1", "ack_997"}
    assert "TA1*000001001*260301*0930*R*001~" in answers["ack_ta1"]
    assert "AK9*R*1*1*0" in answers["ack_997"]
    assert "AK5*R" in answers["ack_997"]


def test_contrl_rejects_an_interchange_from_the_wrong_sender(
    engine: Engine, tmp_path: Path
) -> None:
    ctx, home = context(
        tmp_path, "edi2", "edifact", "edi: {qualifier: '14', interchange_id: '5999999000001'}\n"
    )
    drop(
        home / "drop" / "edi2",
        "orders.edi",
        (SAMPLES / "edifact" / "d96a_valid_una_release.edi").read_bytes(),
    )
    intake_pass(engine, home=home, ctx=ctx)

    row = only_row(engine, "edi2")
    assert row.state is FileState.REJECTED
    with engine.connect() as conn:
        [contrl] = items_for_file(conn, row.id)
    text = contrl.content.decode()
    # UCI: the interchange reference, sender, recipient, 0083 = 4 rejected, 0085 = 23 (sender)
    uci = next(segment for segment in text.split("'") if segment.strip().startswith("UCI"))
    assert uci.strip().startswith("UCI+INT0001+4012345000009:14+8798765000019:14+4+23")


def test_reprocessing_an_unchanged_held_file_keeps_it_held_and_logs_each_attempt(
    engine: Engine, tmp_path: Path
) -> None:
    ctx, home = context(tmp_path, "hold1", "csv, json")
    drop(
        home / "drop" / "hold1",
        "errors.csv",
        (SAMPLES / "csv" / "canonical_errors.csv").read_bytes(),
    )
    intake_pass(engine, home=home, ctx=ctx)
    first = only_row(engine, "hold1")
    assert first.state is FileState.HELD

    again = reprocess(engine, first.id, home=home, ctx=ctx)
    assert again.state is FileState.HELD
    row = only_row(engine, "hold1")
    assert row.state is FileState.HELD
    assert [a["state"] for a in row.detail[ATTEMPTS_KEY]] == ["held", "held"]
    with engine.connect() as conn:
        held = ledger.list_files(conn, partner_id="hold1", state=FileState.HELD)
    assert [r.id for r in held] == [first.id]


def test_ingest_and_intake_choose_the_reader_the_same_way(engine: Engine, tmp_path: Path) -> None:
    ctx, home = context(tmp_path, "same1", "csv, json, xlsx")
    workbook = (SAMPLES / "xlsx" / "analyst_orders.xlsx").read_bytes()
    inbox = home / "drop" / "same1"
    drop(inbox, "orders.csv", workbook)
    drop(inbox, "empty.csv", b"")
    intake_pass(engine, home=home, ctx=ctx)
    with engine.connect() as conn:
        rows = {r.original_name: r for r in ledger.list_files(conn, partner_id="same1")}

    loose = tmp_path / "loose"
    loose.mkdir()
    (loose / "orders.csv").write_bytes(workbook)
    (loose / "empty.csv").write_bytes(b"")
    profile = ctx.profile("same1")
    for name in ("orders.csv", "empty.csv"):
        checked = check_file(loose / name, profile)
        assert checked.error is not None, name
        assert rows[name].state is FileState.REJECTED, name
        assert rows[name].error == str(checked.error), name
    assert "the file name says CSV (.csv) but the content is XLSX" in str(rows["orders.csv"].error)
    assert "the file is empty" in str(rows["empty.csv"].error)
