"""Intake over folder channels on both databases: duplicates, crashes, concurrency, hardening.

The crash between commit and channel move is tested over SFTP (test_intake_sftp.py)."""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).parent))

from intake_helpers import (
    FOLDER_PROFILE,
    SAMPLES,
    concurrent_passes,
    drop,
    run_pass,
    write_profile,
)

from orderport.partners import load_profiles
from orderport.pipeline.deliver import deliver_pending
from orderport.pipeline.intake import IntakeContext, intake_pass, reprocess
from orderport.store import ledger
from orderport.store.archive import verify
from orderport.store.ledger import FileState
from orderport.store.outbox import pending as outbox_pending
from orderport.store.tables import outbox, purchase_orders

VALID_CSV = (SAMPLES / "csv" / "canonical_valid.csv").read_bytes()
ERRORS_CSV = (SAMPLES / "csv" / "canonical_errors.csv").read_bytes()
SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture
def setup(tmp_path: Path, database_url: str):
    partners = write_profile(
        tmp_path / "partners", "acme", FOLDER_PROFILE.format(pid="acme", cap=200_000)
    )
    home = tmp_path / "home"
    return database_url, home, partners, home / "drop" / "acme"


def ctx_for(home: Path, partners: Path) -> IntakeContext:
    return IntakeContext(home=home, profiles=load_profiles(partners))


def count(engine, table, *where) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one())


def test_same_bytes_under_two_names_one_po_one_duplicate_row(engine, setup):
    _, home, partners, inbox = setup
    drop(inbox, "orders.csv", VALID_CSV)
    drop(inbox, "orders-again.csv", VALID_CSV)
    summary = intake_pass(engine, home=home, ctx=ctx_for(home, partners))
    states = sorted(o.state for o in summary.outcomes)
    assert states == [FileState.DUPLICATE, FileState.STORED]
    dup = next(o for o in summary.outcomes if o.state is FileState.DUPLICATE)
    first = next(o for o in summary.outcomes if o.state is FileState.STORED)
    assert dup.duplicate_of == first.file_id
    assert count(engine, purchase_orders) == 2  # the sample holds two POs, stored once
    with engine.connect() as conn:
        rows = ledger.list_files(conn, partner_id="acme")
    assert all(verify(home, r.sha256) for r in rows)  # both archived (same content address)
    assert {r.original_name for r in rows} == {"orders.csv", "orders-again.csv"}
    assert sorted(p.name.split("-", 2)[2] for p in (inbox / "processed").iterdir()) == [
        "orders-again.csv",
        "orders.csv",
    ]


def test_sigkill_after_deliver_before_mark_leaves_one_copy(setup, engine):
    url, home, partners, inbox = setup
    drop(inbox, "orders.csv", ERRORS_CSV)
    killed = run_pass(url, home, partners, crash_at="after_deliver")
    assert killed.returncode == -signal.SIGKILL
    with engine.connect() as conn:
        assert [i.id for i in outbox_pending(conn, None)]  # delivered but not marked sent
    ctx = ctx_for(home, partners)
    intake_pass(engine, home=home, ctx=ctx)
    rerun = deliver_pending(engine, home=home, ctx=ctx)
    assert len(rerun.sent) == 1
    delivered = list((inbox / "outbox").iterdir())
    assert len(delivered) == 1
    assert delivered[0].name == "orders.csv.result.csv"  # named after the upload
    assert b"PO-3001" in delivered[0].read_bytes()


@SQLITE_ONLY  # the SFTP module races two passes on PostgreSQL too
def test_two_concurrent_passes_process_each_file_once(setup, engine):
    url, home, partners, inbox = setup
    names = []
    for i in range(12):
        body = VALID_CSV.replace(b"PO-1001", f"PO-9{i:03d}".encode()).replace(
            b"PO-1002", f"PO-8{i:03d}".encode()
        )
        names.append(f"orders-{i}.csv")
        drop(inbox, names[-1], body)
    ctx = ctx_for(home, partners)
    mine = concurrent_passes(url, home, partners, lambda: intake_pass(engine, home=home, ctx=ctx))
    assert mine.errors == []
    with engine.connect() as conn:
        rows = ledger.list_files(conn)
    assert sorted(r.original_name for r in rows) == sorted(names)
    assert {r.state for r in rows} <= {FileState.STORED, FileState.HELD}
    assert count(engine, purchase_orders) == 24
    assert len(list((inbox / "processed").iterdir())) == 12
    assert count(engine, outbox) == 12


def test_type_mismatch_and_size_cap_are_rejected_and_answered(engine, setup):
    _, home, partners, inbox = setup
    workbook = (SAMPLES / "xlsx" / "analyst_orders.xlsx").read_bytes()
    drop(inbox, "orders.csv", workbook)
    drop(inbox, "huge.csv", VALID_CSV + b"\n" * 250_000)
    ctx = ctx_for(home, partners)
    summary = intake_pass(engine, home=home, ctx=ctx)
    by_name = {o.original_name: o for o in summary.outcomes}
    assert by_name["orders.csv"].state is FileState.REJECTED
    assert "content is XLSX" in (by_name["orders.csv"].error or "")
    assert by_name["orders.csv"].outbox_ids
    with engine.connect() as conn:
        rows = {r.original_name: r for r in ledger.list_files(conn)}
    assert rows["huge.csv"].state is FileState.REJECTED
    assert "over the cap" in (rows["huge.csv"].error or "")
    assert len(list((inbox / "failed").iterdir())) == 2
    deliver_pending(engine, home=home, ctx=ctx)
    (answer,) = list((inbox / "outbox").iterdir())
    assert b"XLSX" in answer.read_bytes()


def test_zip_bomb_and_macro_workbook_rejected_with_reason(engine, setup):
    _, home, partners, inbox = setup
    drop(inbox, "bomb.xlsx", (SAMPLES / "xlsx" / "zip_bomb.xlsx").read_bytes())
    drop(inbox, "macro.xlsx", (SAMPLES / "xlsx" / "macro_renamed.xlsx").read_bytes())
    ctx = ctx_for(home, partners)
    summary = intake_pass(engine, home=home, ctx=ctx)
    by_name = {o.original_name: o for o in summary.outcomes}
    assert by_name["bomb.xlsx"].state is FileState.REJECTED
    assert "zip bomb" in (by_name["bomb.xlsx"].error or "")
    assert by_name["macro.xlsx"].state is FileState.REJECTED
    assert "macro" in (by_name["macro.xlsx"].error or "")
    sent = deliver_pending(engine, home=home, ctx=ctx)
    assert len(sent.sent) == 2
    assert count(engine, purchase_orders) == 0


def test_formula_injection_payload_is_neutralised_in_the_delivered_result(engine, setup):
    _, home, partners, inbox = setup
    hostile = ERRORS_CSV.replace(b"PO-3002", b"=HYPERLINK(1)")
    drop(inbox, "evil.csv", hostile)
    ctx = ctx_for(home, partners)
    intake_pass(engine, home=home, ctx=ctx)
    deliver_pending(engine, home=home, ctx=ctx)
    (answer,) = list((inbox / "outbox").iterdir())
    text = answer.read_text(encoding="utf-8-sig")
    assert "HYPERLINK" in text
    assert not any(cell.startswith("=") for line in text.splitlines() for cell in line.split(","))


def test_hostile_names_kept_as_metadata_only(engine, setup):
    _, home, partners, inbox = setup
    name = "orders\n; rm -rf $HOME \u202e.csv"
    drop(inbox, name, VALID_CSV)
    summary = intake_pass(engine, home=home, ctx=ctx_for(home, partners))
    (outcome,) = summary.outcomes
    assert outcome.state is FileState.STORED
    with engine.connect() as conn:
        (row,) = ledger.list_files(conn)
    assert row.original_name == name
    assert row.archive_path == f"sha256/{row.sha256[:2]}/{row.sha256[2:4]}/{row.sha256}"
    assert not any((home / "archive").rglob("*orders*"))


def test_reprocess_a_held_file_from_the_archive(engine, setup):
    _, home, partners, inbox = setup
    drop(inbox, "errors.csv", ERRORS_CSV)
    ctx = ctx_for(home, partners)
    (first,) = intake_pass(engine, home=home, ctx=ctx).outcomes
    assert first.state is FileState.HELD
    before = count(engine, purchase_orders)
    again = reprocess(engine, first.file_id, home=home, ctx=ctx)
    assert again.result is not None
    assert again.result.pos
    assert again.state.is_final
    assert count(engine, purchase_orders) == before  # nothing created twice
    drop(inbox, "ok.csv", VALID_CSV)
    (ok,) = intake_pass(engine, home=home, ctx=ctx).outcomes
    with pytest.raises(ValueError, match="stored"):
        reprocess(engine, ok.file_id, home=home, ctx=ctx)


def test_a_broken_profile_leaves_out_only_its_own_partner(engine, setup, monkeypatch):
    """Issue 13: one invalid profile in the folder used to stop the whole pass."""
    _, home, partners, inbox = setup
    (partners / "broken.yaml").write_text("id: broken\ntier: quick_deploy\nchannel: 7\n", "utf-8")
    monkeypatch.setenv("ORDERPORT_PARTNERS", str(partners))
    drop(inbox, "orders.csv", VALID_CSV)
    summary = intake_pass(engine, home=home, ctx=IntakeContext(home=home))
    assert [o.state for o in summary.outcomes] == [FileState.STORED]
    assert summary.errors, "the broken profile is reported"
    assert all(e.startswith("profile ") and "broken.yaml" in e for e in summary.errors)
    assert not any("Traceback" in e for e in summary.errors)
