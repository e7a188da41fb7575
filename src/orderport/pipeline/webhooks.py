"""Webhook delivery: outbox items of kind ``webhook`` POSTed to their subscription's URL.

Signed in the Standard Webhooks style: ``webhook-id`` (stable per outbox item, so a receiver
can drop a repeat), ``webhook-timestamp`` (Unix seconds) and ``webhook-signature``
(``v1,`` + base64 HMAC-SHA256 of ``id.timestamp.body`` with the subscription's secret).
A failed try is retried with exponential backoff; after ``max_attempts`` the item is dead
(outbox state ``failed``) until ``replay`` gives it a new start. Each item is claimed with a
lease before sending, so two passes at once do not both send it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import Connection, Engine, and_, select, update

from orderport.store import outbox
from orderport.store.events import WEBHOOK_KIND
from orderport.store.tables import outbox as outbox_table
from orderport.store.tables import webhook_deliveries, webhook_subscriptions

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
BACKOFF_SECONDS = 30.0
MAX_BACKOFF = timedelta(hours=6)
LEASE = timedelta(minutes=2)


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    mac = hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def message_id(outbox_id: int) -> str:
    return f"msg_{outbox_id}"


@dataclass
class WebhookSummary:
    sent: list[int] = field(default_factory=list)
    retrying: dict[int, str] = field(default_factory=dict)
    dead: dict[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class _Due:
    outbox_id: int
    content: bytes
    url: str
    secret: str


def _due(conn: Connection, now: datetime, limit: int) -> list[_Due]:
    rows = conn.execute(
        select(
            outbox_table.c.id,
            outbox_table.c.content,
            webhook_subscriptions.c.url,
            webhook_subscriptions.c.secret,
        )
        .join(webhook_deliveries, webhook_deliveries.c.outbox_id == outbox_table.c.id)
        .join(
            webhook_subscriptions,
            webhook_subscriptions.c.id == webhook_deliveries.c.subscription_id,
        )
        .where(
            outbox_table.c.kind == WEBHOOK_KIND,
            outbox_table.c.state == outbox.OutboxState.PENDING.value,
            webhook_deliveries.c.next_attempt_at <= now,
            webhook_subscriptions.c.deleted_at.is_(None),
        )
        .order_by(outbox_table.c.id)
        .limit(limit)
    ).all()
    return [_Due(int(r.id), bytes(r.content), r.url, r.secret) for r in rows]


def _claim(engine: Engine, outbox_id: int, now: datetime) -> bool:
    with engine.begin() as conn:
        done = conn.execute(
            update(webhook_deliveries)
            .where(
                webhook_deliveries.c.outbox_id == outbox_id,
                webhook_deliveries.c.next_attempt_at <= now,
            )
            .values(next_attempt_at=now + LEASE)
        )
    return done.rowcount == 1


def backoff(attempts: int, base_seconds: float) -> timedelta:
    """Wait before try ``attempts + 1``: base, 2x, 4x, ... capped at ``MAX_BACKOFF``."""
    return min(timedelta(seconds=base_seconds * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def deliver_webhooks(
    engine: Engine,
    *,
    now: datetime | None = None,
    max_attempts: int = MAX_ATTEMPTS,
    backoff_seconds: float = BACKOFF_SECONDS,
    timeout: float = 10.0,
    limit: int = 1000,
) -> WebhookSummary:
    """One pass over the webhook items that are due; returns what happened to each."""
    moment = now or datetime.now(UTC)
    summary = WebhookSummary()
    with engine.connect() as conn:
        due = _due(conn, moment, limit)
    with httpx.Client(timeout=timeout, follow_redirects=False) as client:
        for item in due:
            if not _claim(engine, item.outbox_id, moment):
                continue  # another pass has it
            msg_id = message_id(item.outbox_id)
            stamp = int(datetime.now(UTC).timestamp())
            headers = {
                "content-type": "application/json",
                "webhook-id": msg_id,
                "webhook-timestamp": str(stamp),
                "webhook-signature": sign(item.secret, msg_id, stamp, item.content),
            }
            status: int | None = None
            try:
                answer = client.post(item.url, content=item.content, headers=headers)
                status = answer.status_code
                error = None if 200 <= status < 300 else f"HTTP {status}"
            except httpx.HTTPError as exc:
                error = f"{type(exc).__name__}: {exc}"
            _record(
                engine,
                item.outbox_id,
                status,
                error,
                moment,
                max_attempts,
                backoff_seconds,
                summary,
            )
    return summary


def _record(
    engine: Engine,
    outbox_id: int,
    status: int | None,
    error: str | None,
    now: datetime,
    max_attempts: int,
    backoff_seconds: float,
    summary: WebhookSummary,
) -> None:
    with engine.begin() as conn:
        delivery = update(webhook_deliveries).where(webhook_deliveries.c.outbox_id == outbox_id)
        if error is None:
            outbox.mark_sent(conn, outbox_id)
            conn.execute(delivery.values(last_status=status))
            summary.sent.append(outbox_id)
            return
        state = outbox.mark_attempt_failed(conn, outbox_id, error, max_attempts=max_attempts)
        attempts = conn.execute(
            select(outbox_table.c.attempts).where(outbox_table.c.id == outbox_id)
        ).scalar_one()
        conn.execute(
            delivery.values(
                last_status=status, next_attempt_at=now + backoff(int(attempts), backoff_seconds)
            )
        )
    if state is outbox.OutboxState.FAILED:
        log.warning("webhook %s is dead after %s tries: %s", outbox_id, attempts, error)
        summary.dead[outbox_id] = error
    else:
        summary.retrying[outbox_id] = error


def replay(engine: Engine, outbox_id: int) -> bool:
    """Give a webhook item (dead or sent) a fresh start; False when there is no such item."""
    with engine.begin() as conn:
        done = conn.execute(
            update(outbox_table)
            .where(outbox_table.c.id == outbox_id, outbox_table.c.kind == WEBHOOK_KIND)
            .values(state=outbox.OutboxState.PENDING.value, attempts=0, last_error=None)
        )
        if done.rowcount != 1:
            return False
        conn.execute(
            update(webhook_deliveries)
            .where(webhook_deliveries.c.outbox_id == outbox_id)
            .values(next_attempt_at=datetime.now(UTC))
        )
    return True


@dataclass(frozen=True)
class DeadLetter:
    outbox_id: int
    partner_id: str
    url: str
    attempts: int
    error: str | None


def dead_letters(engine: Engine) -> list[DeadLetter]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                outbox_table.c.id,
                outbox_table.c.partner_id,
                outbox_table.c.attempts,
                outbox_table.c.last_error,
                webhook_subscriptions.c.url,
            )
            .join(webhook_deliveries, webhook_deliveries.c.outbox_id == outbox_table.c.id)
            .join(
                webhook_subscriptions,
                and_(webhook_subscriptions.c.id == webhook_deliveries.c.subscription_id),
            )
            .where(
                outbox_table.c.kind == WEBHOOK_KIND,
                outbox_table.c.state == outbox.OutboxState.FAILED.value,
            )
            .order_by(outbox_table.c.id)
        ).all()
    return [DeadLetter(int(r.id), r.partner_id, r.url, int(r.attempts), r.last_error) for r in rows]
