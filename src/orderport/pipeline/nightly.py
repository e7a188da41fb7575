"""The nightly batch as plain functions (no Airflow): purge the archive past its retention, write
the operator's report, and ``run_nightly`` chaining every nightly step for a run without Airflow.

The archive is content-addressed (``orderport.store.archive``): one file may back many ledger
rows, so a file is purged only when it is older than the retention *and* no ledger row or outbox
row inside the retention (or still in flight) names its hash.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, or_, select

from orderport.reports import ReportFiles, write_nightly
from orderport.store import tables as t
from orderport.store.archive import archive_root

log = logging.getLogger(__name__)

RETENTION_ENV = "ORDERPORT_ARCHIVE_RETENTION_DAYS"
DEFAULT_RETENTION_DAYS = 400
"""Over a year, so a partner's annual reconciliation still finds last year's raw files."""
STUCK_ENV = "ORDERPORT_STUCK_AFTER_MINUTES"
DEFAULT_STUCK_MINUTES = 60
_SHA256 = re.compile(r"\A[0-9a-f]{64}\Z")
_FINAL = ("stored", "held", "rejected", "duplicate", "failed")


def home_dir() -> Path:
    return Path(os.environ.get("ORDERPORT_HOME") or "orderport-data").resolve()


def _env_days(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isascii() or not raw.isdigit() or int(raw) < 1:
        raise ValueError(f"{name}={raw!r}: expected a whole number of at least 1")
    return int(raw)


def archive_retention() -> timedelta:
    """``ORDERPORT_ARCHIVE_RETENTION_DAYS`` (default 400 days)."""
    return timedelta(days=_env_days(RETENTION_ENV, DEFAULT_RETENTION_DAYS))


def stuck_after() -> timedelta:
    """``ORDERPORT_STUCK_AFTER_MINUTES``: a claim older than this is taken back (default 60)."""
    return timedelta(minutes=_env_days(STUCK_ENV, DEFAULT_STUCK_MINUTES))


@dataclass
class PurgeResult:
    removed: int = 0
    removed_bytes: int = 0
    kept_recent: int = 0
    """Old enough by age but named by a ledger/outbox row inside the retention."""
    removed_paths: list[Path] = field(default_factory=list)


def _hashes_to_keep(engine: Engine, cutoff: datetime) -> set[str]:
    f, o = t.inbound_files, t.outbox
    keep: set[str] = set()
    with engine.connect() as conn:
        recent_files = select(f.c.sha256).where(
            or_(f.c.received_at >= cutoff, f.c.state.not_in(_FINAL))
        )
        keep.update(row[0] for row in conn.execute(recent_files))
        recent_out = select(o.c.sha256).where(or_(o.c.created_at >= cutoff, o.c.state != "sent"))
        keep.update(row[0] for row in conn.execute(recent_out))
    return keep


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
        if not is_temp and not _SHA256.match(name):
            log.warning("archive: leaving unexpected file %s alone", path)
            continue
        if not is_temp and name in keep:
            result.kept_recent += 1
            continue
        if not dry_run:
            path.unlink(missing_ok=True)
            _remove_empty(path.parent, root)
        result.removed += 1
        result.removed_bytes += info.st_size
        result.removed_paths.append(path)
    return result


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
