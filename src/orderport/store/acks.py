"""Outbound interchanges awaiting the partner's acknowledgment, and what it said.

Each EDI interchange we send is recorded by its control numbers (ISA13 + GS06, UNB 0020) in
the transaction that queues it. An inbound 997/999/TA1/CONTRL that names one of them sets its
``ack_status``: ``accepted``, ``accepted_with_errors`` or ``rejected`` (with the segment and
element the partner named in ``ack_detail``). Interchanges whose partner profile sets
``outbound.ack_expected_within`` and that have no acknowledgment after that window are overdue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, insert, select, update

from orderport.formats.acks_in import AckResult
from orderport.formats.outbound import Envelope
from orderport.store.tables import (
    export_queue,
    outbound_interchanges,
    outbox,
    status_events,
    tracking_exports,
)


def record_outbound(
    conn: Connection,
    *,
    outbox_id: int,
    partner_id: str,
    envelope: Envelope,
    document: str,
    interchange_control: int,
    group_control: int | None,
    expects_ack: bool,
    now: datetime,
) -> None:
    """Remember an interchange we queued, so its acknowledgment can be matched to it."""
    conn.execute(
        insert(outbound_interchanges).values(
            outbox_id=outbox_id,
            partner_id=partner_id,
            standard=envelope.value,
            document=document,
            interchange_ref=str(interchange_control),
            group_ref=None if group_control is None else str(group_control),
            expects_ack=1 if expects_ack else 0,
            created_at=now,
        )
    )


@dataclass(frozen=True)
class Matched:
    outbox_id: int
    document: str
    interchange_ref: str
    status: str


def record_ack(
    conn: Connection, partner_id: str, ack: AckResult, *, file_id: int | None, now: datetime
) -> Matched | None:
    """Set the acknowledgment status of the interchange ``ack`` answers; None if unknown.

    A later acknowledgment of the same interchange replaces the earlier one (partners resend
    corrected 997s); a rejection is never downgraded by a duplicate acceptance of it.
    """
    where = [
        outbound_interchanges.c.partner_id == partner_id,
        outbound_interchanges.c.standard == ack.envelope.value,
    ]
    if ack.interchange_control is not None:
        where.append(outbound_interchanges.c.interchange_ref == _number(ack.interchange_control))
    if ack.group_control is not None:
        where.append(outbound_interchanges.c.group_ref == _number(ack.group_control))
    if ack.interchange_control is None and ack.group_control is None:
        return None
    row = conn.execute(
        select(outbound_interchanges)
        .where(*where)
        .order_by(outbound_interchanges.c.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    conn.execute(
        update(outbound_interchanges)
        .where(outbound_interchanges.c.id == row.id)
        .values(ack_status=ack.status, ack_detail=ack.detail, ack_file_id=file_id, ack_at=now)
    )
    return Matched(row.outbox_id, row.document, row.interchange_ref, ack.status)


@dataclass(frozen=True)
class AwaitedInterchange:
    id: int
    partner_id: str
    outbox_id: int
    document: str
    interchange_ref: str
    group_ref: str | None
    created_at: datetime
    sent_at: datetime | None
    ack_status: str | None
    ack_detail: str | None
    expects_ack: bool


def interchanges(conn: Connection, partner_id: str | None = None) -> list[AwaitedInterchange]:
    """Every outbound interchange (of one partner) with its acknowledgment state, oldest first."""
    query = (
        select(outbound_interchanges, outbox.c.sent_at)
        .join(outbox, outbox.c.id == outbound_interchanges.c.outbox_id)
        .order_by(outbound_interchanges.c.id)
    )
    if partner_id is not None:
        query = query.where(outbound_interchanges.c.partner_id == partner_id)
    return [
        AwaitedInterchange(
            r.id,
            r.partner_id,
            r.outbox_id,
            r.document,
            r.interchange_ref,
            r.group_ref,
            r.created_at,
            r.sent_at,
            r.ack_status,
            r.ack_detail,
            bool(r.expects_ack),
        )
        for r in conn.execute(query)
    ]


def is_overdue(sent: AwaitedInterchange, window: timedelta | None, now: datetime) -> bool:
    """Awaited, delivered, unanswered, and the partner's window has passed."""
    return (
        window is not None
        and sent.expects_ack
        and sent.ack_status is None
        and sent.sent_at is not None
        and sent.sent_at + window <= now
    )


def _number(control: str) -> str:
    """Control numbers as we store them: ``000000042`` is ``42``."""
    stripped = control.strip()
    return str(int(stripped)) if stripped.isascii() and stripped.isdigit() else stripped


def for_po(conn: Connection, partner_id: str, po_id: int) -> list[AwaitedInterchange]:
    """Our interchanges that carried a status event of the PO (``orderport show``)."""
    exported = conn.execute(
        select(tracking_exports.c.outbox_ids)
        .join(export_queue, export_queue.c.export_id == tracking_exports.c.id)
        .join(status_events, status_events.c.id == export_queue.c.status_event_id)
        .where(status_events.c.po_id == po_id, status_events.c.partner_id == partner_id)
    ).scalars()
    wanted = {int(i) for ids in exported for i in (ids or [])}
    return [i for i in interchanges(conn, partner_id) if i.outbox_id in wanted]
