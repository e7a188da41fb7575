"""The intake ledger: one row per inbound file and the state it has reached.

States: ``received`` (archived, not yet claimed) -> ``claimed`` (a pass owns it) -> ``parsed``
(inside the processing transaction only) -> one final state: ``stored`` / ``held`` /
``rejected`` / ``duplicate`` / ``failed``. ``finished_at`` says the source was moved on its
channel (processed/ or failed/); that happens only after the final state is committed, so a row
that is final but not finished tells a re-run to finish the move and nothing else.

The original file name is metadata (``original_name``), never a path: the bytes live in the
content-addressed archive under ``archive_path``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    Row,
    and_,
    delete,
    func,
    insert,
    or_,
    select,
    text,
    update,
)

from orderport.store.tables import inbound_files, inbound_interchanges, intake_seen

ORIGINAL_NAME_MAX = 500


class FileState(StrEnum):
    RECEIVED = "received"
    CLAIMED = "claimed"
    PARSED = "parsed"
    STORED = "stored"
    HELD = "held"
    REJECTED = "rejected"
    DUPLICATE = "duplicate"
    FAILED = "failed"

    @property
    def is_final(self) -> bool:
        return self in FINAL_STATES


FINAL_STATES = frozenset(
    {FileState.STORED, FileState.HELD, FileState.REJECTED, FileState.DUPLICATE, FileState.FAILED}
)
ANSWERED_STATES = (FileState.STORED, FileState.HELD, FileState.REJECTED)
"""A file in one of these was applied (or refused) and answered: the same bytes again are a
duplicate of it."""
PURGED_KEY = "archive_purged_on"
"""``detail`` key set by the nightly purge (with ``archive_path`` cleared): the day the file's raw
bytes left the archive."""
APPLIED_STATES = (FileState.STORED, FileState.HELD)
"""An interchange in one of these changed the store: the same interchange again is a duplicate."""


@dataclass(frozen=True)
class LedgerRow:
    id: int
    partner_id: str
    sha256: str
    original_name: str
    size: int
    format: str | None
    channel: str
    state: FileState
    archive_path: str | None
    duplicate_of: int | None
    received_at: datetime
    updated_at: datetime
    error: str | None
    channel_ref: str | None
    detail: dict[str, Any]
    claimed_at: datetime | None
    finished_at: datetime | None
    interchange_key: str | None
    processed_at: datetime | None
    attempts: int

    @property
    def needs_finish(self) -> bool:
        """Final in the ledger but not yet moved on its channel."""
        return self.state.is_final and self.finished_at is None and self.channel_ref is not None


def _now() -> datetime:
    return datetime.now(UTC)


def _row(row: Row[Any]) -> LedgerRow:
    m = row._mapping
    return LedgerRow(
        id=int(m["id"]),
        partner_id=m["partner_id"],
        sha256=m["sha256"],
        original_name=m["original_name"],
        size=int(m["size"]),
        format=m["format"],
        channel=m["channel"],
        state=FileState(m["state"]),
        archive_path=m["archive_path"],
        duplicate_of=m["duplicate_of"],
        received_at=m["received_at"],
        updated_at=m["updated_at"],
        error=m["error"],
        channel_ref=m["channel_ref"],
        detail=dict(m["detail"] or {}),
        claimed_at=m["claimed_at"],
        finished_at=m["finished_at"],
        interchange_key=m["interchange_key"],
        processed_at=m["processed_at"],
        attempts=int(m["attempts"] or 0),
    )


def _clip(name: str) -> str:
    return name if len(name) <= ORIGINAL_NAME_MAX else name[: ORIGINAL_NAME_MAX - 1] + "…"


def record_claimed(
    conn: Connection,
    *,
    partner_id: str,
    sha256: str,
    original_name: str,
    size: int,
    channel: str,
    channel_ref: str | None,
    archive_path: str | None,
    claim_token: str,
    detail: dict[str, Any] | None = None,
) -> int:
    """A fetched and archived file, claimed by the pass holding ``claim_token``."""
    now = _now()
    new_id = conn.execute(
        insert(inbound_files)
        .values(
            partner_id=partner_id,
            sha256=sha256,
            original_name=_clip(original_name),
            size=size,
            channel=channel,
            state=FileState.CLAIMED.value,
            archive_path=archive_path,
            received_at=now,
            updated_at=now,
            claimed_at=now,
            channel_ref=channel_ref,
            claim_token=claim_token,
            detail=detail or {},
            attempts=0,
        )
        .returning(inbound_files.c.id)
    ).scalar_one()
    return int(new_id)


def record_refused(
    conn: Connection,
    *,
    partner_id: str,
    original_name: str,
    size: int,
    channel: str,
    channel_ref: str | None,
    error: str,
    detail: dict[str, Any] | None = None,
) -> int:
    """A file the channel would not hand over (over the size cap, hostile name): no bytes, so
    no hash; recorded ``rejected`` so the operator and the partner see it."""
    now = _now()
    new_id = conn.execute(
        insert(inbound_files)
        .values(
            partner_id=partner_id,
            sha256="",
            original_name=_clip(original_name),
            size=size,
            channel=channel,
            state=FileState.REJECTED.value,
            received_at=now,
            updated_at=now,
            processed_at=now,
            channel_ref=channel_ref,
            error=error,
            detail=detail or {},
            attempts=0,
        )
        .returning(inbound_files.c.id)
    ).scalar_one()
    return int(new_id)


def get(conn: Connection, file_id: int) -> LedgerRow | None:
    row = conn.execute(select(inbound_files).where(inbound_files.c.id == file_id)).first()
    return _row(row) if row is not None else None


def find_by_channel_ref(conn: Connection, partner_id: str, channel_ref: str) -> LedgerRow | None:
    """The row of a claimed file by where it sits on the channel (claim names are unique)."""
    row = conn.execute(
        select(inbound_files)
        .where(inbound_files.c.partner_id == partner_id, inbound_files.c.channel_ref == channel_ref)
        .order_by(inbound_files.c.id)
    ).first()
    return _row(row) if row is not None else None


def claim(conn: Connection, file_id: int, token: str) -> bool:
    """``received`` -> ``claimed``; False when another pass claimed (or finished) it first.

    One conditional UPDATE: on PostgreSQL the row lock makes the loser's WHERE fail after the
    winner commits; on SQLite ``BEGIN IMMEDIATE`` serialises writers.
    """
    now = _now()
    changed = conn.execute(
        update(inbound_files)
        .where(inbound_files.c.id == file_id, inbound_files.c.state == FileState.RECEIVED.value)
        .values(state=FileState.CLAIMED.value, claim_token=token, claimed_at=now, updated_at=now)
    ).rowcount
    return bool(changed)


def lock_for_processing(conn: Connection, file_id: int) -> LedgerRow | None:
    """Lock the row for the processing transaction, and serialise processing per partner.

    Per-partner order matters beyond the row: two files with the same bytes, or an 860 and
    its 850, must not be applied side by side. PostgreSQL takes a transaction-level advisory
    lock on the partner, then the row lock; SQLite's ``BEGIN IMMEDIATE`` already holds the
    database's single write lock.
    """
    row = get(conn, file_id)
    if row is None or conn.dialect.name != "postgresql":
        return row
    conn.execute(
        text("SELECT pg_advisory_xact_lock(hashtext(:key))"),
        {"key": f"orderport.intake:{row.partner_id}"},
    )
    locked = conn.execute(
        select(inbound_files).where(inbound_files.c.id == file_id).with_for_update()
    ).first()
    return _row(locked) if locked is not None else None


def first_copy(conn: Connection, partner_id: str, sha256: str, exclude_id: int) -> int | None:
    """The earliest answered file of the partner with the same bytes, if any."""
    found = conn.execute(
        select(func.min(inbound_files.c.id)).where(
            inbound_files.c.partner_id == partner_id,
            inbound_files.c.sha256 == sha256,
            inbound_files.c.id != exclude_id,
            inbound_files.c.state.in_([s.value for s in ANSWERED_STATES]),
        )
    ).scalar()
    return int(found) if found is not None else None


def first_interchange(
    conn: Connection, partner_id: str, interchange_key: str, exclude_id: int
) -> int | None:
    """The earliest applied file of the partner that carried the same EDI interchange."""
    found = conn.execute(
        select(func.min(inbound_files.c.id))
        .select_from(
            inbound_interchanges.join(
                inbound_files, inbound_files.c.id == inbound_interchanges.c.file_id
            )
        )
        .where(
            inbound_interchanges.c.partner_id == partner_id,
            inbound_interchanges.c.interchange_key == interchange_key,
            inbound_files.c.id != exclude_id,
            inbound_files.c.state.in_([s.value for s in APPLIED_STATES]),
        )
    ).scalar()
    return int(found) if found is not None else None


def record_interchanges(
    conn: Connection, file_id: int, partner_id: str, keys: Sequence[str]
) -> None:
    """Remember every interchange of the file (replacing an earlier attempt's list)."""
    conn.execute(delete(inbound_interchanges).where(inbound_interchanges.c.file_id == file_id))
    unique = list(dict.fromkeys(keys))
    if unique:
        conn.execute(
            insert(inbound_interchanges),
            [{"file_id": file_id, "partner_id": partner_id, "interchange_key": k} for k in unique],
        )


def set_state(
    conn: Connection,
    file_id: int,
    state: FileState,
    *,
    error: str | None = None,
    fmt: str | None = None,
    duplicate_of: int | None = None,
    interchange_key: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Move a row to ``state``; final states stamp ``processed_at`` and count the attempt."""
    now = _now()
    values: dict[str, Any] = {"state": state.value, "updated_at": now, "error": error}
    if fmt is not None:
        values["format"] = fmt
    if duplicate_of is not None:
        values["duplicate_of"] = duplicate_of
    if interchange_key is not None:
        values["interchange_key"] = interchange_key
    if detail is not None:
        values["detail"] = detail
    if state.is_final:
        values["processed_at"] = now
        values["attempts"] = inbound_files.c.attempts + 1
    conn.execute(update(inbound_files).where(inbound_files.c.id == file_id).values(**values))


def mark_finished(conn: Connection, file_ids: Sequence[int]) -> None:
    """The sources were moved to processed/ or failed/ on their channel."""
    now = _now()
    conn.execute(
        update(inbound_files)
        .where(inbound_files.c.id.in_(list(file_ids)))
        .values(finished_at=now, updated_at=now)
    )


def reopen(conn: Connection, file_id: int, token: str) -> None:
    """A held/failed file taken back for reprocessing: claimed again, outcome cleared."""
    now = _now()
    conn.execute(
        update(inbound_files)
        .where(inbound_files.c.id == file_id)
        .values(
            state=FileState.CLAIMED.value,
            claim_token=token,
            claimed_at=now,
            updated_at=now,
            error=None,
        )
    )


def waiting(
    conn: Connection,
    partner_ids: Sequence[str] | None = None,
    *,
    file_ids: Sequence[int] | None = None,
    needs_finish: bool = False,
) -> list[LedgerRow]:
    """Rows a pass should still process (``received``) or finish on the channel.

    ``file_ids`` narrows to those rows (filtered in SQL, in chunks); ``needs_finish`` keeps only
    the final-but-unmoved ones.
    """
    unmoved = and_(
        inbound_files.c.state.in_([s.value for s in FINAL_STATES]),
        inbound_files.c.finished_at.is_(None),
        inbound_files.c.channel_ref.is_not(None),
    )
    condition = (
        unmoved if needs_finish else or_(inbound_files.c.state == FileState.RECEIVED.value, unmoved)
    )
    query = select(inbound_files).where(condition)
    if partner_ids is not None:
        query = query.where(inbound_files.c.partner_id.in_(list(partner_ids)))
    if file_ids is None:
        return [_row(r) for r in conn.execute(query.order_by(inbound_files.c.id))]
    wanted = sorted(set(file_ids))
    rows: list[LedgerRow] = []
    for start in range(0, len(wanted), _ID_CHUNK):
        chunk = wanted[start : start + _ID_CHUNK]
        found = conn.execute(query.where(inbound_files.c.id.in_(chunk)))
        rows.extend(_row(r) for r in found)
    return sorted(rows, key=lambda r: r.id)


_ID_CHUNK = 500
"""Ids per ``IN (...)``: well under every driver's bound-parameter limit."""


def reclaim_stuck(conn: Connection, older_than: timedelta) -> int:
    """Claims older than ``older_than`` (the pass died) go back to ``received``."""
    cutoff = _now() - older_than
    return int(
        conn.execute(
            update(inbound_files)
            .where(
                inbound_files.c.state.in_([FileState.CLAIMED.value, FileState.PARSED.value]),
                inbound_files.c.claimed_at < cutoff,
            )
            .values(state=FileState.RECEIVED.value, claim_token=None, updated_at=_now())
        ).rowcount
    )


def list_files(
    conn: Connection,
    *,
    partner_id: str | None = None,
    state: FileState | None = None,
    since: datetime | None = None,
    limit: int | None = None,
) -> list[LedgerRow]:
    """The ledger, newest first, filtered."""
    query = select(inbound_files).order_by(inbound_files.c.id.desc())
    if partner_id is not None:
        query = query.where(inbound_files.c.partner_id == partner_id)
    if state is not None:
        query = query.where(inbound_files.c.state == state.value)
    if since is not None:
        query = query.where(inbound_files.c.received_at >= since)
    if limit is not None:
        query = query.limit(limit)
    return [_row(r) for r in conn.execute(query)]


class DbSeenStore:
    """The IMAP channel's seen-set kept in ``intake_seen`` (one short transaction per add)."""

    def __init__(self, engine: Engine, partner_id: str) -> None:
        self._engine = engine
        self._partner_id = partner_id

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        with self._engine.connect() as conn:
            found = conn.execute(
                select(intake_seen.c.key).where(
                    intake_seen.c.partner_id == self._partner_id, intake_seen.c.key == key
                )
            ).first()
        return found is not None

    def add(self, key: str) -> None:
        with self._engine.begin() as conn:
            exists = conn.execute(
                select(intake_seen.c.key).where(
                    intake_seen.c.partner_id == self._partner_id, intake_seen.c.key == key
                )
            ).first()
            if exists is None:
                conn.execute(
                    insert(intake_seen).values(
                        partner_id=self._partner_id, key=key, created_at=_now()
                    )
                )


# --------------------------------------------------------------------- claim owners and crashes

PROCESSING_KEY = "processing_by"
"""``detail`` key: the owner token of the process that started processing the file (cleared when
the row becomes final or is taken back). Left on a non-final row by a dead owner = a crash."""
CRASHES_KEY = "crashes"
"""``detail`` key: how many times processing this file ended with its process dead."""


def held_claims(conn: Connection, partner_ids: Sequence[str] | None = None) -> list[LedgerRow]:
    """Rows claimed (or parsed) by some pass and not yet final."""
    query = select(inbound_files).where(
        inbound_files.c.state.in_([FileState.CLAIMED.value, FileState.PARSED.value])
    )
    if partner_ids is not None:
        query = query.where(inbound_files.c.partner_id.in_(list(partner_ids)))
    return [_row(r) for r in conn.execute(query.order_by(inbound_files.c.id))]


def claim_owner(conn: Connection, file_id: int) -> str | None:
    """The claim token of a row (it names the owning process)."""
    found = conn.execute(
        select(inbound_files.c.claim_token).where(inbound_files.c.id == file_id)
    ).scalar()
    return str(found) if found is not None else None


def mark_processing(conn: Connection, file_id: int, token: str) -> None:
    """Record that ``token``'s process starts processing the file (committed by the caller
    before the processing transaction, so it survives a crash inside it)."""
    row = get(conn, file_id)
    if row is None or row.state.is_final:
        return
    conn.execute(
        update(inbound_files)
        .where(inbound_files.c.id == file_id)
        .values(detail={**row.detail, PROCESSING_KEY: token})
    )


def release_claim(conn: Connection, row: LedgerRow, *, crashed: bool) -> int:
    """A dead owner's claim goes back to ``received``; returns the file's crash count."""
    detail = {k: v for k, v in row.detail.items() if k != PROCESSING_KEY}
    crashes = int(detail.get(CRASHES_KEY, 0)) + (1 if crashed else 0)
    if crashes:
        detail[CRASHES_KEY] = crashes
    conn.execute(
        update(inbound_files)
        .where(
            inbound_files.c.id == row.id,
            inbound_files.c.state.in_([FileState.CLAIMED.value, FileState.PARSED.value]),
        )
        .values(state=FileState.RECEIVED.value, claim_token=None, updated_at=_now(), detail=detail)
    )
    return crashes


def crash_counts(conn: Connection, file_ids: Sequence[int]) -> dict[int, int]:
    """file id -> crashes so far, for the ids that have any."""
    counts: dict[int, int] = {}
    wanted = sorted(set(file_ids))
    for start in range(0, len(wanted), _ID_CHUNK):
        chunk = wanted[start : start + _ID_CHUNK]
        rows = conn.execute(
            select(inbound_files.c.id, inbound_files.c.detail).where(inbound_files.c.id.in_(chunk))
        )
        for file_id, detail in rows:
            crashes = int((detail or {}).get(CRASHES_KEY, 0))
            if crashes:
                counts[int(file_id)] = crashes
    return counts
