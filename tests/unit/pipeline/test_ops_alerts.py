"""Issue 12: refused and failed files make intake exit non-zero; operational alerts raised once."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import update
from typer.testing import CliRunner

from orderport.channels import TransportError
from orderport.channels.folder import FolderChannel
from orderport.cli import app
from orderport.formats import csv_reader
from orderport.pipeline import crash_recovery, ops_alerts
from orderport.reports.collect import collect
from orderport.store import ledger
from orderport.store.lifecycle import upsert_partner
from orderport.store.tables import inbound_files, tracking_alerts

SAMPLES = Path(__file__).parents[3] / "sample_files"
SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
PROFILE = """id: acme
name: Acme
tier: quick_deploy
channel:
  kind: folder
  path: drop/acme
  completeness: {convention: temp_rename, prefix: ".", suffix: ".tmp"}
formats:
  accepted: [csv, json]
"""


@pytest.fixture
def cli_env(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    (tmp_path / "partners").mkdir()
    (tmp_path / "partners" / "acme.yaml").write_text(PROFILE, encoding="utf-8")
    monkeypatch.setenv("ORDERPORT_HOME", str(home))
    monkeypatch.setenv("ORDERPORT_DATABASE_URL", database_url)
    monkeypatch.setenv("ORDERPORT_PARTNERS", str(tmp_path / "partners"))
    return home


def drop(home: Path, name: str, data: bytes) -> None:
    inbox = home / "drop" / "acme"
    inbox.mkdir(parents=True, exist_ok=True)
    (inbox / name).write_bytes(data)


@SQLITE_ONLY
def test_intake_exit_code_says_files_were_refused(cli_env: Path) -> None:
    # UTF-16 without a byte-order mark is refused (with a BOM it is read: issue 13).
    drop(cli_env, "wide.csv", "po_number,sku,quantity\nP1,S1,1\n".encode("utf-16-be"))
    done = CliRunner().invoke(app, ["intake", "--all"])
    assert done.exit_code == 1, done.output  # findings or rejections (README exit codes)
    assert "1 file(s) refused or failed" in done.output
    again = CliRunner().invoke(app, ["intake", "--all"])
    assert again.exit_code == 0, again.output  # nothing new this pass


@SQLITE_ONLY
def test_a_failed_file_is_answered_and_alerted_once(
    cli_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def hog(*args: object, **kwargs: object) -> object:
        raise MemoryError

    monkeypatch.setattr(csv_reader.CsvReader, "read", hog)
    drop(cli_env, "orders.csv", (SAMPLES / "csv" / "canonical_valid.csv").read_bytes())
    done = CliRunner().invoke(app, ["intake", "--all"])
    assert done.exit_code == 1, done.output  # findings or rejections (README exit codes)
    assert "Traceback" not in done.output
    first = CliRunner().invoke(app, ["alerts"])
    assert first.exit_code == 0, first.output
    assert "[ops_file_failed]" in first.output
    assert "MemoryError" in first.output  # the operator sees the cause; the partner does not
    second = CliRunner().invoke(app, ["alerts"])
    assert "[ops_file_failed]" not in second.output
    assert "0 new alert(s)" in second.output


def test_stuck_claims_and_refused_channels_are_alerted_once(engine) -> None:
    now = datetime.now(UTC)
    with engine.begin() as conn:
        upsert_partner(conn, "acme", "Acme")
        file_id = ledger.record_claimed(
            conn,
            partner_id="acme",
            sha256="0" * 64,
            original_name="late.csv",
            size=1,
            channel="folder",
            channel_ref="processing/x-late.csv",
            archive_path=None,
            claim_token="otherhost:1:1:abcd",
            detail={},
        )
        conn.execute(
            update(inbound_files)
            .where(inbound_files.c.id == file_id)
            .values(claimed_at=now - timedelta(hours=2))
        )
    raised = ops_alerts.ops_alerts_pass(engine, now)
    assert [(a.kind, a.subject) for a in raised] == [
        (ops_alerts.OpsKind.STUCK_CLAIM, f"file:{file_id}")
    ]
    assert ops_alerts.ops_alerts_pass(engine, now) == []
    (acme,) = collect(engine, now.date(), now=now).partners
    assert acme.alerts_by_kind == {"ops_stuck_claim": 1}  # in the nightly report data
    errors = ["acme: sftp host key for example.net changed (expected SHA256:abc)"]
    refused = ops_alerts.channel_alerts(errors, retriable=[])
    assert [a.kind for a in ops_alerts.raise_alerts(engine, refused, now)] == [
        ops_alerts.OpsKind.CHANNEL_REFUSED
    ]
    assert ops_alerts.raise_alerts(engine, refused, now) == []
    assert ops_alerts.channel_alerts(["acme: timed out"], retriable=["acme"]) == []


def test_claim_tokens_name_a_live_owner_and_dead_owners_are_told() -> None:
    token = crash_recovery.claim_token()
    assert len(token) <= 64
    assert crash_recovery.owner_alive(token) is True
    host, _, start, rand = token.split(":")
    assert crash_recovery.owner_alive(f"{host}:999999999:{start}:{rand}") is False
    assert crash_recovery.owner_alive("elsewhere:1:1:abcd") is None
    assert crash_recovery.owner_alive("0123456789abcdef") is None


def _pass(home: Path, engine):  # type: ignore[no-untyped-def]
    from orderport.partners import load_profiles, profiles_dir
    from orderport.pipeline.intake import IntakeContext, intake_pass

    ctx = IntakeContext(home=home, profiles=load_profiles(profiles_dir()))
    return intake_pass(engine, home=home, ctx=ctx)


@SQLITE_ONLY
def test_unclaimable_name_is_alerted_once(cli_env: Path, engine) -> None:
    drop(cli_env, "a\\b.csv", (SAMPLES / "csv" / "canonical_valid.csv").read_bytes())
    _pass(cli_env, engine)
    with engine.connect() as conn:
        kinds = [r.kind for r in conn.execute(tracking_alerts.select())]
    assert kinds == ["ops_unclaimable_name"]
    _pass(cli_env, engine)
    with engine.connect() as conn:
        assert len(list(conn.execute(tracking_alerts.select()))) == 1
    assert (cli_env / "drop" / "acme" / "a\\b.csv").exists()


@SQLITE_ONLY
def test_one_file_failing_to_download_does_not_abort_the_claim_step(
    cli_env: Path, engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    valid = (SAMPLES / "csv" / "canonical_valid.csv").read_bytes()
    for i in range(4):
        body = valid.replace(b"PO-1001", f"PO-5{i}".encode()).replace(
            b"PO-1002", f"PO-4{i}".encode()
        )
        drop(cli_env, f"orders-{i}.csv", body)
    fetch = FolderChannel.fetch

    def flaky(self: FolderChannel, claimed, workdir):  # type: ignore[no-untyped-def]
        if claimed.candidate.name == "orders-1.csv":
            raise TransportError("connection lost mid-download")
        return fetch(self, claimed, workdir)

    monkeypatch.setattr(FolderChannel, "fetch", flaky)
    summary = _pass(cli_env, engine)
    assert sorted(o.original_name for o in summary.outcomes) == [
        "orders-0.csv",
        "orders-2.csv",
        "orders-3.csv",
    ]
    assert any("connection lost mid-download" in e for e in summary.errors)
    monkeypatch.setattr(FolderChannel, "fetch", fetch)
    # The next pass takes the file left in processing/ at once (not after --reclaim-after).
    again = _pass(cli_env, engine)
    assert [o.original_name for o in again.outcomes] == ["orders-1.csv"]
    assert again.errors == []
    with engine.connect() as conn:
        assert len(ledger.list_files(conn)) == 4


def test_lone_done_markers_older_than_an_hour_are_alerted(tmp_path: Path) -> None:
    from orderport.channels.base import Completeness, CompletenessSettings
    from orderport.channels.folder import FolderSettings

    settings = CompletenessSettings(convention=Completeness.DONE_MARKER, marker_suffix=".done")
    channel = FolderChannel(FolderSettings(root=tmp_path, completeness=settings))
    inbox = tmp_path / "inbox"
    for name in ("orders.csv", "orders.csv.done", "lost.csv.done", "fresh.csv.done"):
        (inbox / name).write_bytes(b"x")
    old = datetime.now(UTC).timestamp() - 7200
    for name in ("orders.csv.done", "lost.csv.done"):
        os.utime(inbox / name, (old, old))
    alerts = ops_alerts.lone_marker_alerts(channel, "acme")
    assert [a.subject for a in alerts] == ["marker:lost.csv.done"]
    assert "waited over an hour" in alerts[0].message


def test_channel_failing_longer_than_the_limit_is_alerted(tmp_path: Path) -> None:
    start = datetime(2026, 12, 6, 3, 0, tzinfo=UTC)
    assert ops_alerts.channel_failing(tmp_path, ["acme", "beta"], ["acme"], start) == []
    later = start + timedelta(minutes=30)
    assert ops_alerts.channel_failing(tmp_path, ["acme", "beta"], ["acme"], later) == []
    late = start + timedelta(minutes=61)
    (alert,) = ops_alerts.channel_failing(tmp_path, ["acme", "beta"], ["acme"], late)
    assert alert.kind is ops_alerts.OpsKind.CHANNEL_FAILING
    assert alert.subject == f"since:{start.isoformat()}"
    # A pass that reaches the channel ends the run of failures.
    assert ops_alerts.channel_failing(tmp_path, ["acme"], [], late) == []
    assert ops_alerts.channel_failing(tmp_path, ["acme"], ["acme"], late) == []


def test_parked_delivery_and_crashed_file_are_alerted(engine) -> None:
    from orderport.store import outbox as box

    now = datetime.now(UTC)
    with engine.begin() as conn:
        upsert_partner(conn, "acme", "Acme")
        item = box.enqueue(conn, "acme", "result_csv", b"x", extension="csv")
        for _ in range(5):
            box.mark_attempt_failed(conn, item, "connection refused", max_attempts=5)
        file_id = ledger.record_claimed(
            conn,
            partner_id="acme",
            sha256="1" * 64,
            original_name="poison.xlsx",
            size=1,
            channel="folder",
            channel_ref=None,
            archive_path=None,
            claim_token="x",
            detail={ledger.CRASHES_KEY: 3},
        )
        ledger.set_state(
            conn,
            file_id,
            ledger.FileState.FAILED,
            error=crash_recovery.crash_reason(3),
            detail={ledger.CRASHES_KEY: 3},
        )
    kinds = sorted(a.kind.value for a in ops_alerts.ops_alerts_pass(engine, now))
    assert kinds == ["ops_delivery_parked", "ops_file_crashed"]
    assert ops_alerts.ops_alerts_pass(engine, now) == []
