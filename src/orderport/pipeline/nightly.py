"""The nightly batch as plain functions (no Airflow): purge the archive past its retention, write
the operator's report, and ``run_nightly`` chaining every nightly step for a run without Airflow.

The archive is content-addressed (``orderport.store.archive``): one file may back many ledger
rows, so a file is purged only when it is older than the retention *and* no ledger row or outbox
row inside the retention (or still in flight) names its hash.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import Connection, Engine, Select, or_, select, update

from orderport.reports import ReportFiles, write_nightly
from orderport.settings import env_int, home_dir
from orderport.store import tables as t
from orderport.store.archive import archive_root, is_sha256
from orderport.store.ledger import FINAL_STATES, PURGED_KEY

log = logging.getLogger(__name__)

RETENTION_ENV = "ORDERPORT_ARCHIVE_RETENTION_DAYS"
DEFAULT_RETENTION_DAYS = 400
"""Over a year, so a partner's annual reconciliation still finds last year's raw files."""
STUCK_ENV = "ORDERPORT_STUCK_AFTER_MINUTES"
DEFAULT_STUCK_MINUTES = 60
_FINAL = tuple(sorted(s.value for s in FINAL_STATES))


def archive_retention() -> timedelta:
    """``ORDERPORT_ARCHIVE_RETENTION_DAYS`` (default 400 days)."""
    return timedelta(days=env_int(RETENTION_ENV, DEFAULT_RETENTION_DAYS))


def stuck_after() -> timedelta:
    """``ORDERPORT_STUCK_AFTER_MINUTES``: a claim older than this is taken back (default 60)."""
    return timedelta(minutes=env_int(STUCK_ENV, DEFAULT_STUCK_MINUTES))


@dataclass
class PurgeResult:
    removed: int = 0
    removed_bytes: int = 0
    kept_recent: int = 0
    """Old enough by age but named by a ledger/outbox row inside the retention."""
    removed_paths: list[Path] = field(default_factory=list)


def _recent_files(cutoff: datetime) -> Select[str]:
    f = t.inbound_files
    return select(f.c.sha256).where(or_(f.c.received_at >= cutoff, f.c.state.not_in(_FINAL)))


def _recent_outbox(cutoff: datetime) -> Select[str]:
    o = t.outbox
    return select(o.c.sha256).where(or_(o.c.created_at >= cutoff, o.c.state != "sent"))


def _hashes_to_keep(engine: Engine, cutoff: datetime) -> set[str]:
    keep: set[str] = set()
    with engine.connect() as conn:
        keep.update(row[0] for row in conn.execute(_recent_files(cutoff)))
        keep.update(row[0] for row in conn.execute(_recent_outbox(cutoff)))
    return keep


def _still_needed(conn: Connection, sha256: str, cutoff: datetime) -> bool:
    """Asked right before unlinking: a pass may have received the same bytes since the keep-set
    was read (it re-archived the file: same path, new ledger row)."""
    for query in (_recent_files(cutoff), _recent_outbox(cutoff)):
        column = query.selected_columns[0]
        if conn.execute(query.where(column == sha256).limit(1)).first() is not None:
            return True
    return False


def _mark_purged(conn: Connection, sha256: str, day: date) -> None:
    """The ledger rows of the purged file say so (``reprocess`` explains instead of failing)."""
    f = t.inbound_files
    rows = conn.execute(
        select(f.c.id, f.c.detail).where(f.c.sha256 == sha256, f.c.archive_path.is_not(None))
    ).all()
    for file_id, detail in rows:
        marked = {**(detail or {}), PURGED_KEY: day.isoformat()}
        conn.execute(update(f).where(f.c.id == file_id).values(archive_path=None, detail=marked))


def _archived(root: Path) -> Iterable[Path]:
    base = root / "sha256"
    if not base.is_dir():
        return
    for first in sorted(base.iterdir()):
        if not first.is_dir():
            continue
        for second in sorted(first.iterdir()):
            if second.is_dir():
                yield from sorted(second.iterdir())


def purge_archive(
    engine: Engine,
    older_than: timedelta,
    *,
    home: Path | None = None,
    now: datetime | None = None,
    dry_run: bool = False,
) -> PurgeResult:
    """Remove archived files older than ``older_than`` that nothing recent refers to."""
    if older_than <= timedelta(0):
        raise ValueError(f"older_than must be positive, got {older_than}")
    cutoff = (now or datetime.now(UTC)) - older_than
    keep = _hashes_to_keep(engine, cutoff)
    root = archive_root(home or home_dir())
    result = PurgeResult()
    for path in _archived(root):
        try:
            info = path.stat()
        except FileNotFoundError:
            continue
        if datetime.fromtimestamp(info.st_mtime, UTC) >= cutoff:
            continue
        name = path.name
        is_temp = name.startswith(".") and name.endswith(".tmp")
        if not is_temp and not is_sha256(name):
            log.warning("archive: leaving unexpected file %s alone", path)
            continue
        if not is_temp and name in keep:
            result.kept_recent += 1
            continue
        if not dry_run and not is_temp:
            with engine.begin() as conn:
                if _still_needed(conn, name, cutoff) or _young(path, cutoff):
                    result.kept_recent += 1
                    continue
                path.unlink(missing_ok=True)
                _mark_purged(conn, name, (now or datetime.now(UTC)).date())
            _remove_empty(path.parent, root)
        elif not dry_run:
            path.unlink(missing_ok=True)
            _remove_empty(path.parent, root)
        result.removed += 1
        result.removed_bytes += info.st_size
        result.removed_paths.append(path)
    return result


def _young(path: Path, cutoff: datetime) -> bool:
    """Re-archived since it was listed (``archive_file`` refreshes the mtime), or gone."""
    try:
        return datetime.fromtimestamp(path.stat().st_mtime, UTC) >= cutoff
    except FileNotFoundError:
        return True


def _remove_empty(folder: Path, root: Path) -> None:
    while folder != root and folder.is_relative_to(root):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


def report_day(now: datetime) -> date:
    """The nightly report covers the UTC day before the run (the batch runs after midnight)."""
    return (now.astimezone(UTC) - timedelta(days=1)).date()


def write_report(
    engine: Engine,
    *,
    day: date,
    out_dir: Path | None = None,
    partner_ids: Iterable[str] = (),
) -> ReportFiles:
    """The nightly report files under ``out_dir`` (default ``ORDERPORT_HOME/reports``)."""
    folder = out_dir if out_dir is not None else home_dir() / "reports"
    return write_nightly(engine, day, folder, partner_ids=partner_ids)
