"""Status events and bookings: recorded with full history, queued for export in the same breath.

Every ``record_*`` call works in the caller's transaction and, when it stores something new,
writes an ``export_queue`` row in that same transaction: the event can never be stored without
being owed to the partner, nor owed without being stored. Recording the same event or the same
booking content again (a re-read file after a crash) stores and queues nothing.

Lifecycle changes (received, accepted, on hold, canceled) live in ``po_status_history``, written
by ``orderport.store.lifecycle``. ``sync_lifecycle`` turns history rows that have no status event
yet into events (and queue rows); the unique ``(history_id, code)`` makes that exactly once even
when two passes race. The export pass calls it first, and ``record_receipt`` calls it for one PO.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, delete, func, insert, select, update

from orderport.errors import PartnerInputError
from orderport.model.tracking import Booking, StatusCode, StatusEvent
from orderport.store.canonical import document_hash
from orderport.store.events import emit
from orderport.store.tables import (
    booking_orders,
    booking_versions,
    bookings,
    export_queue,
    findings,
    fulfillment_orders,
    po_status_history,
    purchase_orders,
    status_events,
)
from orderport.store.types import utcnow

LIFECYCLE_SOURCE = "lifecycle"
MAX_REASON_FINDINGS = 3


class TrackingError(PartnerInputError, ValueError):
    """A status event or booking names something this partner does not have."""


@dataclass(frozen=True)
class StoredStatus:
    id: int
    event: StatusEvent
    source: str
    recorded_at: datetime


@dataclass(frozen=True)
class StoredBooking:
    version_id: int
    version: int
    booking: Booking
    source: str
    recorded_at: datetime


# --------------------------------------------------------------------------- status events


def record_status(conn: Connection, partner_id: str, event: StatusEvent, *, source: str) -> int:
    """Store ``event`` for the partner's PO and queue it for export; returns the event id.

    The PO's lifecycle history is synced first, so events are queued in causal order.
    A ``shipped`` event also closes what it names: the fulfillment order (or, for a PO-level
    event, all open ones) becomes shipped, and the PO once none is open any more.
    """
    po_id, po_status = _po(conn, partner_id, event.po_number)
    sync_lifecycle(conn, partner_id, po_id=po_id)  # earlier lifecycle changes come first
    fo_id = _fo(conn, partner_id, po_id, event) if event.fulfillment_order else None
    fingerprint = document_hash(event.model_dump(mode="json"))
    existing = conn.execute(
        select(status_events.c.id).where(
            status_events.c.partner_id == partner_id,
            status_events.c.fingerprint == fingerprint,
        )
    ).first()
    if existing is not None:
        return int(existing.id)
    history_id = None
    if event.code is StatusCode.SHIPPED:
        history_id = _ship(conn, po_id, po_status, fo_id, event, source)
    event_id = _insert_event(conn, partner_id, po_id, fo_id, event, source, history_id, fingerprint)
    if history_id is not None:  # the last open fulfillment order shipped: the PO is complete
        emit(conn, partner_id, "order.completed", _completed(conn, po_id, event))
    return event_id


def _completed(conn: Connection, po_id: int, event: StatusEvent) -> dict[str, Any]:
    """The order.completed body: the PO and its fulfillment orders' external ids (``X.1``)."""
    row = conn.execute(
        select(purchase_orders.c.po_number, purchase_orders.c.external_id).where(
            purchase_orders.c.id == po_id
        )
    ).one()
    external_ids = conn.execute(
        select(fulfillment_orders.c.external_id)
        .where(fulfillment_orders.c.po_id == po_id)
        .order_by(fulfillment_orders.c.seq)
    ).scalars()
    return {
        "po_number": row.po_number,
        "externalId": row.external_id,
        "fulfillmentOrders": list(external_ids),
        "at": event.at.isoformat(),
    }


def record_receipt(conn: Connection, partner_id: str, po_number: str, at: datetime) -> int:
    """The receipt confirmation of a stored PO; returns its ``received`` event id.

    Intake needs no extra call: the receipt is derived from the lifecycle history (see the module
    docstring). Calling this makes it immediate, and calling it twice changes nothing.
    """
    po_id, _ = _po(conn, partner_id, po_number)
    sync_lifecycle(conn, partner_id, po_id=po_id)
    found = conn.execute(
        select(status_events.c.id)
        .where(status_events.c.po_id == po_id, status_events.c.code == StatusCode.RECEIVED.value)
        .order_by(status_events.c.id)
    ).first()
    if found is not None:
        return int(found.id)
    event = StatusEvent(po_number=po_number, code=StatusCode.RECEIVED, at=at)
    return record_status(conn, partner_id, event, source=LIFECYCLE_SOURCE)


def sync_lifecycle(conn: Connection, partner_id: str, *, po_id: int | None = None) -> list[int]:
    """Status events for the partner's lifecycle history rows that have none; their ids."""
    query = (
        select(
            po_status_history.c.id,
            po_status_history.c.po_id,
            po_status_history.c.version,
            po_status_history.c.status,
            po_status_history.c.at,
            po_status_history.c.reason,
            po_status_history.c.actor,
            purchase_orders.c.po_number,
        )
        .join(purchase_orders, purchase_orders.c.id == po_status_history.c.po_id)
        .outerjoin(status_events, status_events.c.history_id == po_status_history.c.id)
        .where(purchase_orders.c.partner_id == partner_id, status_events.c.id.is_(None))
        .order_by(po_status_history.c.id)
    )
    if po_id is not None:
        query = query.where(po_status_history.c.po_id == po_id)
    rows = conn.execute(query).all()
    if not rows:
        return []
    first = dict(
        conn.execute(
            select(po_status_history.c.po_id, func.min(po_status_history.c.id))
            .where(po_status_history.c.po_id.in_({r.po_id for r in rows}))
            .group_by(po_status_history.c.po_id)
        ).all()
    )
    created: list[int] = []
    for row in rows:
        for code in _codes_for(row.status, is_first=first.get(row.po_id) == row.id):
            reason = row.reason
            if code is StatusCode.ON_HOLD:
                reason = _hold_reason(conn, row.po_id, row.version, row.reason)
            event = StatusEvent(po_number=row.po_number, code=code, at=row.at, reason=reason)
            fingerprint = document_hash({**event.model_dump(mode="json"), "history": row.id})
            source = f"{LIFECYCLE_SOURCE}:{row.actor}"
            created.append(
                _insert_event(conn, partner_id, row.po_id, None, event, source, row.id, fingerprint)
            )
    return created


def _codes_for(status: str, *, is_first: bool) -> list[StatusCode]:
    """Our status codes for one lifecycle status; the PO's first row is also its receipt."""
    mapped = {
        "needs_approval": [],
        "approved": [StatusCode.ACCEPTED],
        "on_hold": [StatusCode.ON_HOLD],
        "canceled": [StatusCode.CANCELED],
        "shipped": [StatusCode.SHIPPED],
    }.get(status, [])
    if is_first and status != "canceled":
        return [StatusCode.RECEIVED, *mapped]
    return list(mapped)


def _hold_reason(conn: Connection, po_id: int, version: int | None, reason: str | None) -> str:
    """The history reason plus the first error messages, so the partner knows what to fix."""
    messages = conn.execute(
        select(findings.c.path, findings.c.message)
        .where(
            findings.c.po_id == po_id,
            findings.c.version == version,
            findings.c.severity == "error",
        )
        .order_by(findings.c.id)
        .limit(MAX_REASON_FINDINGS)
    ).all()
    parts = [reason or "on hold", *(f"{m.path}: {m.message}" for m in messages)]
    return "; ".join(parts)[:500]


def status_history(conn: Connection, partner_id: str, po_number: str) -> list[StoredStatus]:
    """Every status event of the partner's PO (and its fulfillment orders), oldest first."""
    po_id, _ = _po(conn, partner_id, po_number)
    rows = conn.execute(
        select(status_events).where(status_events.c.po_id == po_id).order_by(status_events.c.id)
    ).all()
    return [StoredStatus(r.id, event_from_row(r, po_number), r.source, r.recorded_at) for r in rows]


def event_from_row(row: Row[Any], po_number: str) -> StatusEvent:
    """The ``StatusEvent`` a ``status_events`` row holds."""
    data = {
        "po_number": po_number,
        "fulfillment_order": row.fulfillment_order,
        "code": row.code,
        "at": row.at.isoformat(),
        "location": row.location,
        "reason": row.reason,
        "carrier": row.carrier,
        "tracking_number": row.tracking_number,
        "lines": row.lines,
    }
    return StatusEvent.model_validate_json(json.dumps(data))


def _insert_event(
    conn: Connection,
    partner_id: str,
    po_id: int,
    fo_id: int | None,
    event: StatusEvent,
    source: str,
    history_id: int | None,
    fingerprint: str,
) -> int:
    now = utcnow()
    event_id = int(
        conn.execute(
            insert(status_events)
            .values(
                partner_id=partner_id,
                po_id=po_id,
                fo_id=fo_id,
                fulfillment_order=event.fulfillment_order,
                code=event.code.value,
                at=event.at,
                location=event.location,
                reason=event.reason,
                carrier=event.carrier,
                tracking_number=event.tracking_number,
                lines=[line.model_dump(mode="json") for line in event.lines],
                fingerprint=fingerprint,
                source=source[:200],
                history_id=history_id,
                recorded_at=now,
            )
            .returning(status_events.c.id)
        ).scalar_one()
    )
    conn.execute(
        insert(export_queue).values(partner_id=partner_id, status_event_id=event_id, queued_at=now)
    )
    data = {
        "status_event_id": event_id,
        "po_number": event.po_number,
        **event.model_dump(mode="json", exclude_none=True, exclude={"po_number", "lines"}),
    }
    emit(conn, partner_id, "status.changed", data)
    return event_id


def _ship(
    conn: Connection,
    po_id: int,
    po_status: str,
    fo_id: int | None,
    event: StatusEvent,
    source: str,
) -> int | None:
    """Mark what was shipped; returns the PO's new history row when the PO itself closed."""
    now = utcnow()
    scope = fulfillment_orders.c.id == fo_id if fo_id is not None else None
    open_orders = update(fulfillment_orders).where(
        fulfillment_orders.c.po_id == po_id, fulfillment_orders.c.status == "open"
    )
    if scope is not None:
        open_orders = open_orders.where(scope)
    conn.execute(open_orders.values(status="shipped", updated_at=now))
    still_open = conn.execute(
        select(func.count())
        .select_from(fulfillment_orders)
        .where(fulfillment_orders.c.po_id == po_id, fulfillment_orders.c.status == "open")
    ).scalar_one()
    if po_status != "approved" or still_open:
        return None
    conn.execute(
        update(purchase_orders)
        .where(purchase_orders.c.id == po_id)
        .values(status="shipped", updated_at=now)
    )
    version = conn.execute(
        select(purchase_orders.c.current_version).where(purchase_orders.c.id == po_id)
    ).scalar_one()
    return int(
        conn.execute(
            insert(po_status_history)
            .values(
                po_id=po_id,
                version=version,
                status="shipped",
                at=event.at,
                reason=event.reason or "shipped",
                actor=f"tracking:{source}"[:100],
            )
            .returning(po_status_history.c.id)
        ).scalar_one()
    )


# --------------------------------------------------------------------------- bookings


def record_booking(conn: Connection, partner_id: str, booking: Booking, *, source: str) -> int:
    """Store a booking (a new version when it changed) and queue it; returns the version row id.

    The POs and fulfillment orders it names must be the partner's own.
    """
    po_ids = [_po(conn, partner_id, number)[0] for number in booking.purchase_orders]
    for external_id in booking.fulfillment_orders:
        if (
            conn.execute(
                select(fulfillment_orders.c.id).where(
                    fulfillment_orders.c.partner_id == partner_id,
                    fulfillment_orders.c.external_id == external_id,
                )
            ).first()
            is None
        ):
            raise TrackingError(
                f"booking {booking.booking_reference}: fulfillment order {external_id!r} "
                f"is unknown for partner {partner_id}"
            )
    document = booking.model_dump(mode="json")
    digest = document_hash(document)
    now = utcnow()
    row = conn.execute(
        select(bookings)
        .where(
            bookings.c.partner_id == partner_id,
            bookings.c.booking_reference == booking.booking_reference,
        )
        .with_for_update()
    ).first()
    values = {
        "space_status": booking.space_status.value,
        "etd": booking.etd,
        "eta": booking.eta,
        "cargo_cutoff": booking.cargo_cutoff,
        "updated_at": now,
    }
    if row is None:
        booking_id = int(
            conn.execute(
                insert(bookings)
                .values(
                    partner_id=partner_id,
                    booking_reference=booking.booking_reference,
                    current_version=1,
                    created_at=now,
                    **values,
                )
                .returning(bookings.c.id)
            ).scalar_one()
        )
        version = 1
    else:
        current = conn.execute(
            select(booking_versions.c.id, booking_versions.c.content_hash).where(
                booking_versions.c.booking_id == row.id,
                booking_versions.c.version == row.current_version,
            )
        ).one()
        if current.content_hash == digest:
            return int(current.id)
        booking_id, version = int(row.id), int(row.current_version) + 1
        conn.execute(
            update(bookings)
            .where(bookings.c.id == booking_id)
            .values(current_version=version, **values)
        )
    version_id = int(
        conn.execute(
            insert(booking_versions)
            .values(
                booking_id=booking_id,
                version=version,
                document=document,
                content_hash=digest,
                source=source[:200],
                recorded_at=now,
            )
            .returning(booking_versions.c.id)
        ).scalar_one()
    )
    conn.execute(delete(booking_orders).where(booking_orders.c.booking_id == booking_id))
    if po_ids:
        conn.execute(
            insert(booking_orders), [{"booking_id": booking_id, "po_id": p} for p in set(po_ids)]
        )
    conn.execute(
        insert(export_queue).values(
            partner_id=partner_id, booking_version_id=version_id, queued_at=now
        )
    )
    kind = "booking.confirmed" if version == 1 else "booking.changed"
    emit(conn, partner_id, kind, {"booking_version_id": version_id, "version": version, **document})
    return version_id


def booking_history(conn: Connection, partner_id: str, reference: str) -> list[StoredBooking]:
    """Every version of the partner's booking, oldest first (empty when unknown)."""
    rows = conn.execute(
        select(booking_versions)
        .join(bookings, bookings.c.id == booking_versions.c.booking_id)
        .where(bookings.c.partner_id == partner_id, bookings.c.booking_reference == reference)
        .order_by(booking_versions.c.version)
    ).all()
    return [
        StoredBooking(r.id, r.version, booking_from_document(r.document), r.source, r.recorded_at)
        for r in rows
    ]


def bookings_for_po(conn: Connection, partner_id: str, po_number: str) -> list[StoredBooking]:
    """The current version of every booking that carries the partner's PO."""
    po_id, _ = _po(conn, partner_id, po_number)
    rows = conn.execute(
        select(booking_versions)
        .join(bookings, bookings.c.id == booking_versions.c.booking_id)
        .join(booking_orders, booking_orders.c.booking_id == bookings.c.id)
        .where(
            booking_orders.c.po_id == po_id,
            booking_versions.c.version == bookings.c.current_version,
        )
        .order_by(bookings.c.id)
    ).all()
    return [
        StoredBooking(r.id, r.version, booking_from_document(r.document), r.source, r.recorded_at)
        for r in rows
    ]


def booking_from_document(document: dict[str, Any]) -> Booking:
    return Booking.model_validate_json(json.dumps(document))


# --------------------------------------------------------------------------- helpers


def _po(conn: Connection, partner_id: str, po_number: str) -> tuple[int, str]:
    row = conn.execute(
        select(purchase_orders.c.id, purchase_orders.c.status).where(
            purchase_orders.c.partner_id == partner_id,
            purchase_orders.c.po_number == po_number,
        )
    ).first()
    if row is None:
        raise TrackingError(f"PO {po_number!r} is unknown for partner {partner_id}")
    return int(row.id), str(row.status)


def _fo(conn: Connection, partner_id: str, po_id: int, event: StatusEvent) -> int:
    row = conn.execute(
        select(fulfillment_orders.c.id).where(
            fulfillment_orders.c.partner_id == partner_id,
            fulfillment_orders.c.po_id == po_id,
            fulfillment_orders.c.external_id == event.fulfillment_order,
        )
    ).first()
    if row is None:
        raise TrackingError(
            f"fulfillment order {event.fulfillment_order!r} is not one of PO {event.po_number}"
        )
    return int(row.id)


def pending_queue(conn: Connection, partner_id: str) -> Sequence[Any]:
    """The partner's queue rows not exported yet, oldest first."""
    return conn.execute(
        select(export_queue)
        .where(export_queue.c.partner_id == partner_id, export_queue.c.export_id.is_(None))
        .order_by(export_queue.c.id)
    ).all()
