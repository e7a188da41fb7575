"""Purge vs. re-archiving, and what a purged file's ledger rows say afterwards."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, insert

from orderport.pipeline.intake import reprocess
from orderport.pipeline.nightly import purge_archive
from orderport.store import ledger
from orderport.store.archive import archive_bytes, archived_path, relative_path
from orderport.store.lifecycle import upsert_partner
from orderport.store.tables import inbound_files

NOW = datetime.now(UTC)
OLD = NOW - timedelta(days=500)
RETENTION = timedelta(days=400)


def _age(home: Path, sha: str, when: datetime) -> None:
    os.utime(archived_path(home, sha), (when.timestamp(), when.timestamp()))


def _old_row(engine: Engine, sha: str, state: str = "rejected") -> int:
    with engine.begin() as conn:
        upsert_partner(conn, "acme", "ACME")
        return int(
            conn.execute(
                insert(inbound_files).values(
                    partner_id="acme",
                    sha256=sha,
                    original_name="orders.csv",
                    size=3,
                    channel="folder",
                    state=state,
                    archive_path=relative_path(sha),
                    received_at=OLD,
                    updated_at=OLD,
                    detail={"source": "x"},
                )
            ).inserted_primary_key[0]
        )


def test_archiving_the_same_bytes_again_makes_the_file_young(engine: Engine, tmp_path: Path):
    sha, _ = archive_bytes(tmp_path, b"resent after a year")
    _age(tmp_path, sha, OLD)
    archive_bytes(tmp_path, b"resent after a year")  # the partner sent it again today
    result = purge_archive(engine, RETENTION, home=tmp_path, now=NOW)
    assert result.removed == 0
    assert archived_path(tmp_path, sha).exists()


def test_purged_rows_are_marked_and_reprocess_says_when(engine: Engine, tmp_path: Path):
    sha, _ = archive_bytes(tmp_path, b"a,b\n")
    _age(tmp_path, sha, OLD)
    file_id = _old_row(engine, sha)
    result = purge_archive(engine, RETENTION, home=tmp_path, now=NOW)
    assert result.removed == 1
    with engine.connect() as conn:
        row = ledger.get(conn, file_id)
    assert row is not None
    assert row.archive_path is None
    assert row.detail == {"source": "x", ledger.PURGED_KEY: NOW.date().isoformat()}
    with pytest.raises(ValueError, match=f"archive was purged on {NOW.date().isoformat()}"):
        reprocess(engine, file_id, home=tmp_path)
