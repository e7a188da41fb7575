"""The bodies of the DAGs' tasks: ids in, small summaries out (XCom carries ids, never payloads).

Each opens its own engine from the environment (``ORDERPORT_DATABASE_URL`` or the SQLite file in
``ORDERPORT_HOME``), uses Airflow Connections for channel secrets, and turns a fatal channel error
(host key mismatch, authentication refused) into ``AirflowFailException`` so Airflow does not
retry what only an operator can fix. A partner whose Connection does not exist yet is reported
and skipped (``AirflowSkipException``), so the other partners' run stays green. Transport and
database errors propagate and are retried.
"""

from __future__ import annotations

import functools
import logging
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, ParamSpec, TypeVar

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from orderport.pipeline.intake import IntakeContext

log = logging.getLogger(__name__)
_P = ParamSpec("_P")
_T = TypeVar("_T")


def _fatal_is_final(fn: Callable[_P, _T]) -> Callable[_P, _T]:
    @functools.wraps(fn)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _T:
        from orderport.channels import ChannelRefused
        from orderport.channels.base import CredentialsMissing

        try:
            return fn(*args, **kwargs)
        except CredentialsMissing as exc:
            from airflow.sdk.exceptions import AirflowSkipException

            log.warning("partner skipped, its credentials are missing: %s", exc)
            raise AirflowSkipException(f"skipped: {exc}") from exc
        except ChannelRefused as exc:
            from airflow.sdk.exceptions import AirflowFailException

            raise AirflowFailException(f"refused, not retrying: {exc}") from exc

    return wrapper


def home() -> Path:
    from orderport.settings import home_dir

    return home_dir()


@contextmanager
def store() -> Iterator[Engine]:
    from orderport.store.db import make_engine

    engine = make_engine()
    try:
        yield engine
    finally:
        engine.dispose()


def _context() -> IntakeContext:
    from orderport.airflow_support.credentials import AirflowConnectionResolver
    from orderport.pipeline.intake import IntakeContext

    return IntakeContext(home=home(), credentials=AirflowConnectionResolver())


def batches(ids: Sequence[int], size: int) -> list[list[int]]:
    """``ids`` in order, ``size`` at a time: one mapped task per batch, never one per file."""
    if size < 1:
        raise ValueError(f"batch size must be at least 1, got {size}")
    return [list(ids[i : i + size]) for i in range(0, len(ids), size)]


def runtime_int(name: str) -> int:
    """A Variable read when the task runs: environment, then the metadata database."""
    from airflow.sdk import Variable

    from orderport.airflow_support.defaults import DEFAULTS, positive_int

    raw = Variable.get(name, default=None)
    return positive_int(name, str(raw)) if raw is not None else DEFAULTS[name]


@_fatal_is_final
def claim(partner_id: str, batch_size: int, limit: int | None = None) -> list[list[int]]:
    """Claim the partner's complete files and group their ledger ids into batches.

    Also picks up this partner's rows an earlier run left ``received`` (reclaimed or never
    processed), so a crash between claim and process loses nothing.
    """
    from orderport.pipeline.intake import claim_files
    from orderport.store import ledger

    ctx = _context()
    with store() as engine:
        ids = claim_files(engine, partner_id, home=ctx.home, limit=limit, ctx=ctx)
        with engine.connect() as conn:
            claimed_now = set(ids)
            left = [r.id for r in ledger.waiting(conn, [partner_id]) if r.id not in claimed_now]
    found = ids + left
    log.info("partner %s: %d claimed now, %d left from earlier", partner_id, len(ids), len(left))
    return batches(found, batch_size)


@_fatal_is_final
def process(file_ids: Sequence[int]) -> dict[str, int]:
    """Process one batch; returns how many files ended in each ledger state."""
    from orderport.pipeline.intake import process_files

    ctx = _context()
    with store() as engine:
        outcomes = process_files(engine, list(file_ids), home=ctx.home, ctx=ctx)
    states = Counter(o.state.value for o in outcomes)
    return dict(states)


@_fatal_is_final
def deliver(partner_id: str | None = None) -> dict[str, int]:
    """Send the outbox (acknowledgments, result files, status files) of one or every partner."""
    from orderport.pipeline.deliver import deliver_pending

    ctx = _context()
    with store() as engine:
        summary = deliver_pending(engine, partner_id, home=ctx.home, ctx=ctx)
    if summary.failed:
        log.warning("deliveries failed (retried next run): %s", summary.failed)
    return {"sent": len(summary.sent), "failed": len(summary.failed)}


@_fatal_is_final
def export(partner_id: str, now: datetime | None = None) -> dict[str, int]:
    """Write the partner's status and booking files into the outbox."""
    from orderport.pipeline.export import export_pass

    with store() as engine:
        summary = export_pass(engine, partner_id, now=now or datetime.now(UTC))
    if summary.errors:
        raise RuntimeError(f"status export failed, rows stay queued: {summary.errors}")
    return {"files": len(summary.outbox_ids)}


def sweep(partner_ids: Sequence[str]) -> dict[str, int]:
    """The nightly sweep: claim and process every channel's files, partner by partner.

    A partner whose channel is down is logged and skipped, so one broken server does not stop
    the night; the other steps still run.
    """
    totals: Counter[str] = Counter()
    errors: list[str] = []
    for partner_id in partner_ids:
        try:
            for batch in claim(partner_id, batch_size=500):
                totals.update(process(batch))
        except Exception as exc:
            errors.append(f"{partner_id}: {exc}")
    for error in errors:
        log.warning("nightly sweep: %s", error)
    totals["channel_errors"] = len(errors)
    return dict(totals)


def reclaim() -> int:
    from orderport.pipeline.intake import reclaim_stuck
    from orderport.pipeline.nightly import stuck_after

    with store() as engine:
        return reclaim_stuck(engine, stuck_after())


def requeue_failed_deliveries(max_attempts: int = 5) -> int:
    """Parked (failed) outbox items get one more attempt tonight."""
    from orderport.store.outbox import requeue_failed

    with store() as engine, engine.begin() as conn:
        return requeue_failed(conn, attempts_left=1, max_attempts=max_attempts)


def purge() -> dict[str, int]:
    from orderport.pipeline.nightly import archive_retention, purge_archive

    with store() as engine:
        result = purge_archive(engine, archive_retention(), home=home())
    return {"removed": result.removed, "bytes": result.removed_bytes}


def alerts(now: datetime | None = None) -> int:
    from orderport.pipeline.alerts import alerts_pass
    from orderport.pipeline.ops_alerts import ops_alerts_pass

    at = now or datetime.now(UTC)
    with store() as engine:
        return len(alerts_pass(engine, now=at)) + len(ops_alerts_pass(engine, at))


def report(now: datetime, partner_ids: Sequence[str]) -> list[str]:
    from orderport.pipeline.nightly import report_day, write_report

    with store() as engine:
        files = write_report(engine, day=report_day(now), partner_ids=partner_ids)
    return [str(p) for p in files.all()]
