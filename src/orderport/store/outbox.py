"""The outbox: files to send, queued in the caller's transaction, delivered and marked later.

File names are deterministic from the outbox id, so a delivery repeated after a crash (delivered,
not yet marked sent) replaces the same file at the partner instead of adding a second copy.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import Connection, select, update

from orderport.store.tables import outbox


class OutboxState(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    """Gave up after too many attempts; an operator must look (the nightly batch retries)."""


@dataclass(frozen=True)
class OutboxItem:
    id: int
    partner_id: str
    kind: str
    filename: str
    media_type: str
    content: bytes
    sha256: str
    state: OutboxState
    attempts: int
    inbound_file_id: int | None
    created_at: datetime


def outbox_filename(partner_id: str, kind: str, outbox_id: int, extension: str) -> str:
    """The name the partner sees: stable for a given outbox row."""
    return f"{partner_id}_{kind}_{outbox_id:010d}.{extension.lstrip('.')}"


def answer_filename(original: str, extension: str, outbox_id: int | None = None) -> str | None:
    """``<original name>.result.<ext>`` (``.result-<id>.<ext>`` on a collision), or None when
    the original name cannot be written on a partner's server as it is."""
    base = original.replace("\\", "/").rsplit("/", 1)[-1].strip()
    base = "".join("_" if unicodedata.category(ch).startswith("C") else ch for ch in base)
    suffix = f".result-{outbox_id}" if outbox_id is not None else ".result"
    name = f"{base}{suffix}.{extension.lstrip('.')}"
    if not base or base.startswith(".") or len(name.encode("utf-8")) > 240:
        return None
    return name


def _answer_name(
    conn: Connection, partner_id: str, original: str, extension: str, outbox_id: int
) -> str | None:
    name = answer_filename(original, extension)
    if name is None:
        return None
    taken = conn.execute(
        select(outbox.c.id).where(
            outbox.c.partner_id == partner_id, outbox.c.filename == name, outbox.c.id != outbox_id
        )
    ).first()
    return answer_filename(original, extension, outbox_id) if taken else name


def enqueue(
    conn: Connection,
    partner_id: str,
    kind: str,
    content: bytes,
    *,
    extension: str,
    media_type: str = "application/octet-stream",
    inbound_file_id: int | None = None,
    answers: str | None = None,
) -> int:
    """Queue a file for ``partner_id``; returns its outbox id.

    ``answers``: the name of the file this answers; the partner then gets
    ``<that name>.result.<ext>`` (unique among its files) instead of a generated name."""
    now = datetime.now(UTC)
    new_id = conn.execute(
        outbox.insert()
        .values(
            partner_id=partner_id,
            kind=kind,
            inbound_file_id=inbound_file_id,
            filename="",
            media_type=media_type,
            content=content,
            sha256=hashlib.sha256(content).hexdigest(),
            state=OutboxState.PENDING.value,
            attempts=0,
            created_at=now,
        )
        .returning(outbox.c.id)
    ).scalar_one()
    named = _answer_name(conn, partner_id, answers, extension, new_id) if answers else None
    conn.execute(
        update(outbox)
        .where(outbox.c.id == new_id)
        .values(filename=named or outbox_filename(partner_id, kind, new_id, extension))
    )
    return int(new_id)


def _item(row: object) -> OutboxItem:
    m = row._mapping  # type: ignore[attr-defined]
    return OutboxItem(
        id=m["id"],
        partner_id=m["partner_id"],
        kind=m["kind"],
        filename=m["filename"],
        media_type=m["media_type"],
        content=bytes(m["content"]),
        sha256=m["sha256"],
        state=OutboxState(m["state"]),
        attempts=m["attempts"],
        inbound_file_id=m["inbound_file_id"],
        created_at=m["created_at"],
    )


def pending(
    conn: Connection, partner_id: str | None = None, *, include_failed: bool = False
) -> list[OutboxItem]:
    """Items still to deliver, oldest first."""
    states = [OutboxState.PENDING.value]
    if include_failed:
        states.append(OutboxState.FAILED.value)
    query = select(outbox).where(outbox.c.state.in_(states)).order_by(outbox.c.id)
    if partner_id is not None:
        query = query.where(outbox.c.partner_id == partner_id)
    return [_item(row) for row in conn.execute(query)]


def items_for_file(conn: Connection, inbound_file_id: int) -> list[OutboxItem]:
    """Everything queued in answer to one inbound file."""
    query = select(outbox).where(outbox.c.inbound_file_id == inbound_file_id).order_by(outbox.c.id)
    return [_item(row) for row in conn.execute(query)]


def mark_sent(conn: Connection, outbox_id: int) -> None:
    conn.execute(
        update(outbox)
        .where(outbox.c.id == outbox_id)
        .values(state=OutboxState.SENT.value, sent_at=datetime.now(UTC), last_error=None)
    )


def mark_attempt_failed(
    conn: Connection, outbox_id: int, error: str, *, max_attempts: int = 5
) -> OutboxState:
    """Count a failed delivery; after ``max_attempts`` the item is parked as failed."""
    attempts = conn.execute(select(outbox.c.attempts).where(outbox.c.id == outbox_id)).scalar_one()
    state = OutboxState.FAILED if attempts + 1 >= max_attempts else OutboxState.PENDING
    conn.execute(
        update(outbox)
        .where(outbox.c.id == outbox_id)
        .values(attempts=attempts + 1, last_error=error[:2000], state=state.value)
    )
    return state


def requeue_failed(conn: Connection, *, attempts_left: int = 1, max_attempts: int = 5) -> int:
    """Give parked items ``attempts_left`` more tries (the nightly batch); how many were parked."""
    result = conn.execute(
        update(outbox)
        .where(outbox.c.state == OutboxState.FAILED.value)
        .values(state=OutboxState.PENDING.value, attempts=max(max_attempts - attempts_left, 0))
    )
    return int(result.rowcount)
