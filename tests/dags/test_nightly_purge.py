"""purge_archive: old content nobody recent refers to goes; anything a recent or unfinished
ledger/outbox row names stays, however old the file is."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, insert

from orderport.pipeline.nightly import archive_retention, purge_archive
from orderport.store import outbox
from orderport.store.archive import archive_bytes, archived_path
from orderport.store.lifecycle import upsert_partner
from orderport.store.tables import inbound_files

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
OLD = NOW - timedelta(days=500)


def _archive(home: Path, data: bytes, mtime: datetime) -> str:
    sha, _ = archive_bytes(home, data)
    os.utime(archived_path(home, sha), (mtime.timestamp(), mtime.timestamp()))
    return sha


def _row(engine: Engine, sha: str, received: datetime, state: str) -> None:
    with engine.begin() as conn:
        conn.execute(
            insert(inbound_files).values(
                partner_id="acme",
                sha256=sha,
                original_name="f.csv",
                size=1,
                channel="folder",
                state=state,
                received_at=received,
                updated_at=received,
            )
        )


def test_purge_keeps_what_recent_rows_name(engine: Engine, tmp_path: Path) -> None:
    with engine.begin() as conn:
        upsert_partner(conn, "acme", "ACME")
    old_only = _archive(tmp_path, b"old file", OLD)
    resent = _archive(tmp_path, b"same bytes sent again", OLD)
    in_flight = _archive(tmp_path, b"claimed long ago", OLD)
    orphan = _archive(tmp_path, b"no row at all", OLD)
    unsent = _archive(tmp_path, b"outbound not yet sent", OLD)
    young = _archive(tmp_path, b"young file", NOW - timedelta(days=1))
    _row(engine, old_only, OLD, "stored")
    _row(engine, resent, OLD, "stored")
    _row(engine, resent, NOW - timedelta(days=2), "duplicate")
    _row(engine, in_flight, OLD, "claimed")
    with engine.begin() as conn:
        outbox.enqueue(conn, "acme", "ack", b"outbound not yet sent", extension="txt")

    dry = purge_archive(engine, timedelta(days=400), home=tmp_path, now=NOW, dry_run=True)
    assert dry.removed == 2
    assert archived_path(tmp_path, old_only).exists()

    result = purge_archive(engine, timedelta(days=400), home=tmp_path, now=NOW)
    gone = {p.name for p in result.removed_paths}
    assert gone == {old_only, orphan}
    for sha in (old_only, orphan):
        assert not archived_path(tmp_path, sha).exists()
    for sha in (resent, in_flight, unsent, young):
        assert archived_path(tmp_path, sha).exists()
    assert result.kept_recent == 3
    assert result.removed_bytes == len(b"old file") + len(b"no row at all")
    # emptied shard folders are removed too
    assert not archived_path(tmp_path, orphan).parent.exists()


def test_retention_setting_is_checked(monkeypatch: pytest.MonkeyPatch, engine: Engine) -> None:
    monkeypatch.setenv("ORDERPORT_ARCHIVE_RETENTION_DAYS", "30")
    assert archive_retention() == timedelta(days=30)
    monkeypatch.setenv("ORDERPORT_ARCHIVE_RETENTION_DAYS", "thirty")
    with pytest.raises(ValueError, match="ORDERPORT_ARCHIVE_RETENTION_DAYS='thirty'"):
        archive_retention()
    with pytest.raises(ValueError, match="positive"):
        purge_archive(engine, timedelta(0))
