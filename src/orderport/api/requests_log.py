"""The answers given to requests: Idempotency-Key replays and answers to resent bodies."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, select, update
from sqlalchemy.exc import IntegrityError

from orderport.store.tables import api_requests


@dataclass(frozen=True)
class Answer:
    status_code: int
    body: dict[str, Any]


@dataclass(frozen=True)
class Reserved:
    row_id: int


@dataclass(frozen=True)
class Earlier:
    """The key was used before: its answer (None while that request is still running)."""

    request_hash: str
    answer: Answer | None


def reserve(
    conn: Connection, partner_id: str, idem_key: str | None, request_hash: str, endpoint: str
) -> Reserved | Earlier:
    """Record a request before processing it; with a key used before, what that one got."""
    try:
        with conn.begin_nested():
            row_id = conn.execute(
                api_requests.insert()
                .values(
                    partner_id=partner_id,
                    idem_key=idem_key,
                    request_hash=request_hash,
                    endpoint=endpoint,
                    created_at=datetime.now(UTC),
                )
                .returning(api_requests.c.id)
            ).scalar_one()
    except IntegrityError:
        row = conn.execute(
            select(api_requests).where(
                api_requests.c.partner_id == partner_id, api_requests.c.idem_key == idem_key
            )
        ).one()
        answer = (
            Answer(int(row.status_code), dict(row.response))
            if row.status_code is not None
            else None
        )
        return Earlier(row.request_hash, answer)
    return Reserved(int(row_id))


def finish(conn: Connection, row_id: int, file_id: int | None, answer: Answer) -> None:
    conn.execute(
        update(api_requests)
        .where(api_requests.c.id == row_id)
        .values(file_id=file_id, status_code=answer.status_code, response=answer.body)
    )


def forget(conn: Connection, row_id: int) -> None:
    """Drop a reservation whose request failed before an answer (the key may be used again)."""
    conn.execute(api_requests.delete().where(api_requests.c.id == row_id))


def answer_for_file(conn: Connection, file_id: int, endpoint: str) -> Answer | None:
    """The answer given by ``endpoint`` to the request that brought this inbound file."""
    row = conn.execute(
        select(api_requests.c.status_code, api_requests.c.response)
        .where(
            api_requests.c.file_id == file_id,
            api_requests.c.endpoint == endpoint,
            api_requests.c.status_code.is_not(None),
        )
        .order_by(api_requests.c.id)
        .limit(1)
    ).first()
    if row is None:
        return None
    return Answer(int(row.status_code), dict(row.response))
