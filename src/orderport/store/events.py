"""Partner events for webhooks and the live stream, written in the caller's transaction.

``emit`` records the event (its id is the stream's event id) and queues one outbox item per
matching webhook subscription, in the same transaction as the change it reports: an event is
delivered if and only if its change was committed.
"""

from __future__ import annotations

import itertools
import json
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from orderport.store.outbox import enqueue
from orderport.store.tables import partner_events, webhook_deliveries, webhook_subscriptions
from orderport.store.types import without_nul

EVENT_TYPES = (
    "po.accepted",
    "po.held",
    "po.rejected",
    "order.completed",
    "status.changed",
    "booking.confirmed",
    "booking.changed",
    "alert.raised",
)
WEBHOOK_KIND = "webhook"
"""Outbox kind of webhook deliveries: sent by ``pipeline.webhooks``, never to a channel."""


@dataclass(frozen=True)
class Subscription:
    id: int
    partner_id: str
    url: str
    events: tuple[str, ...]
    secret: str
    created_at: datetime


@dataclass(frozen=True)
class PartnerEvent:
    id: int
    partner_id: str
    type: str
    data: dict[str, Any]
    created_at: datetime


def new_secret() -> str:
    """A Standard Webhooks secret: ``whsec_`` and base64 of 32 random bytes."""
    import base64

    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def subscribe(
    conn: Connection, partner_id: str, url: str, events: Sequence[str], secret: str
) -> Subscription:
    unknown = sorted(set(events) - set(EVENT_TYPES))
    if unknown:
        raise ValueError(f"unknown event types {unknown}; known: {', '.join(EVENT_TYPES)}")
    now = datetime.now(UTC)
    new_id = conn.execute(
        insert(webhook_subscriptions)
        .values(partner_id=partner_id, url=url, events=list(events), secret=secret, created_at=now)
        .returning(webhook_subscriptions.c.id)
    ).scalar_one()
    return Subscription(int(new_id), partner_id, url, tuple(events), secret, now)


def _subscription(row: Any) -> Subscription:  # noqa: ANN401 (a Row)
    return Subscription(
        int(row.id), row.partner_id, row.url, tuple(row.events), row.secret, row.created_at
    )


def subscriptions(conn: Connection, partner_id: str) -> list[Subscription]:
    rows = conn.execute(
        select(webhook_subscriptions)
        .where(
            webhook_subscriptions.c.partner_id == partner_id,
            webhook_subscriptions.c.deleted_at.is_(None),
        )
        .order_by(webhook_subscriptions.c.id)
    )
    return [_subscription(r) for r in rows]


def subscription(conn: Connection, subscription_id: int) -> Subscription | None:
    row = conn.execute(
        select(webhook_subscriptions).where(webhook_subscriptions.c.id == subscription_id)
    ).first()
    return _subscription(row) if row is not None else None


def unsubscribe(conn: Connection, partner_id: str, subscription_id: int) -> bool:
    done = conn.execute(
        update(webhook_subscriptions)
        .where(
            webhook_subscriptions.c.id == subscription_id,
            webhook_subscriptions.c.partner_id == partner_id,
            webhook_subscriptions.c.deleted_at.is_(None),
        )
        .values(deleted_at=datetime.now(UTC))
    )
    return done.rowcount == 1


def emit(conn: Connection, partner_id: str, event_type: str, data: dict[str, Any]) -> None:
    """Record one event and queue its webhooks."""
    emit_many(conn, partner_id, [(event_type, data)])


EMIT_CHUNK = 5_000
"""Events inserted per statement when nobody subscribed: a 1 GB file raises ~500k events, and
one statement for all of them held several copies of every row in memory at once."""


def emit_many(
    conn: Connection, partner_id: str, events: Iterable[tuple[str, dict[str, Any]]]
) -> list[int]:
    """Record events (one subscription look-up for all) and queue their webhooks; returns the
    event ids when webhooks were queued (an empty list when the partner has no subscription).
    ``events`` may be a generator: it is read once, a chunk at a time."""
    stream = iter(events)
    first = next(stream, None)
    if first is None:
        return []
    events = ((t, without_nul(d)) for t, d in itertools.chain((first,), stream))
    now = datetime.now(UTC)
    subs = subscriptions(conn, partner_id)
    if not subs:  # nobody to call: multi-row inserts (a big file's POs cost little)
        while chunk := list(itertools.islice(events, EMIT_CHUNK)):
            rows = [
                {"partner_id": partner_id, "type": t, "data": d, "created_at": now}
                for t, d in chunk
            ]
            conn.execute(insert(partner_events), rows)
        return []
    ids: list[int] = []
    for event_type, data in events:
        event_id = int(
            conn.execute(
                insert(partner_events)
                .values(partner_id=partner_id, type=event_type, data=data, created_at=now)
                .returning(partner_events.c.id)
            ).scalar_one()
        )
        ids.append(event_id)
        for sub in subs:
            if event_type not in sub.events:
                continue
            payload = {
                "type": event_type,
                "timestamp": now.isoformat(),
                "data": {"event_id": event_id, **data},
            }
            content = json.dumps(payload, separators=(",", ":"), default=str).encode()
            outbox_id = enqueue(
                conn,
                partner_id,
                WEBHOOK_KIND,
                content,
                extension="json",
                media_type="application/json",
            )
            conn.execute(
                insert(webhook_deliveries).values(
                    outbox_id=outbox_id,
                    subscription_id=sub.id,
                    event_id=event_id,
                    next_attempt_at=now,
                )
            )
    return ids


def events_after(
    conn: Connection,
    partner_id: str,
    after_id: int,
    types: Sequence[str] | None = None,
    limit: int = 500,
) -> list[PartnerEvent]:
    """The partner's events with an id above ``after_id``, oldest first."""
    query = (
        select(partner_events)
        .where(partner_events.c.partner_id == partner_id, partner_events.c.id > after_id)
        .order_by(partner_events.c.id)
        .limit(limit)
    )
    if types is not None:
        query = query.where(partner_events.c.type.in_(list(types)))
    return [
        PartnerEvent(int(r.id), r.partner_id, r.type, dict(r.data), r.created_at)
        for r in conn.execute(query)
    ]
