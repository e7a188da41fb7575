"""The export pass: each partner's new status events and booking changes, rendered into the outbox.

Exactly once, in two halves. (1) Recording an event writes its ``export_queue`` row in the same
transaction (``orderport.store.tracking``). (2) This pass, in ONE transaction per partner,
derives events from new lifecycle history, renders every queued row in each of the partner's
formats, enqueues the files in the outbox (control numbers of the writer's envelope) and
stamps the queue rows with the export id. A crash before the commit leaves everything queued
for the next pass; after it, the rows are never rendered again. Delivery (M's
``deliver_pending``) then sends each outbox row under a name fixed by its id, so a crash
between delivering and marking sent re-sends the same name, replacing, not duplicating.

Isolation: every query is keyed by the partner being exported, and the partner's own profile
(codes, formats, EDI ids) is the only one consulted.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection, Engine, insert, select, update

from orderport.formats.outbound import EdiParty, Envelope, OutboundContext, PoStatusItem, Rendered
from orderport.formats.outbound_registry import (
    WriterUnavailable,
    booking_writer,
    carries,
    envelope_of,
    status_writer,
)
from orderport.model import PurchaseOrder
from orderport.model.tracking import ReportedBooking
from orderport.partners import PartnerProfile, load_valid_profiles
from orderport.store.acks import record_outbound
from orderport.store.control_numbers import envelope_numbers, next_control_number
from orderport.store.identities import our_party
from orderport.store.outbox import enqueue
from orderport.store.tables import (
    booking_versions,
    bookings,
    export_queue,
    partners,
    po_versions,
    purchase_orders,
    status_events,
    tracking_exports,
)
from orderport.store.tracking import event_from_row, sync_lifecycle

log = logging.getLogger(__name__)

MAX_FILE_NUMBER = 999_999_999
"""The file sequence of CSV/JSON status and booking files."""


@dataclass(frozen=True)
class PartnerExport:
    partner_id: str
    status_events: int = 0
    booking_versions: int = 0
    outbox_ids: tuple[int, ...] = ()
    export_id: int | None = None
    error: str | None = None
    """Why nothing was exported this time (the rows stay queued for the next pass)."""


@dataclass
class ExportSummary:
    partners: list[PartnerExport] = field(default_factory=list)

    @property
    def outbox_ids(self) -> list[int]:
        return [i for p in self.partners for i in p.outbox_ids]

    @property
    def errors(self) -> dict[str, str]:
        return {p.partner_id: p.error for p in self.partners if p.error}


def export_pass(
    engine: Engine,
    partner_id: str | None = None,
    *,
    now: datetime,
    profiles: Mapping[str, PartnerProfile] | None = None,
    sender: EdiParty | None = None,
) -> ExportSummary:
    """Export one partner (``partner_id``) or every partner that has a profile and a store row.

    ``sender`` overrides our identity on every envelope (tests); otherwise it is the partner's
    (``orderport.store.identities.our_party``).
    """
    # A broken profile leaves out only its partner (the intake pass reports it).
    known = dict(load_valid_profiles()[0] if profiles is None else profiles)
    if partner_id is not None:
        targets = [partner_id]
    else:
        with engine.connect() as conn:
            stored = set(conn.execute(select(partners.c.id)).scalars())
        targets = sorted(stored & set(known))
    us = sender
    summary = ExportSummary()
    for target in targets:
        profile = known.get(target)
        if profile is None:
            summary.partners.append(PartnerExport(target, error="no partner profile"))
            continue
        try:
            with engine.begin() as conn:
                summary.partners.append(_export_partner(conn, profile, now, us))
        except (WriterUnavailable, ValueError) as exc:
            # A missing EDI module, or a writer refusing the data (X12RenderError and
            # EdifactRenderError are ValueErrors): this partner waits, the others go on.
            log.warning("export for %s failed, rows stay queued: %s", target, exc)
            summary.partners.append(PartnerExport(target, error=str(exc)))
    return summary


def _export_partner(
    conn: Connection, profile: PartnerProfile, now: datetime, us: EdiParty | None
) -> PartnerExport:
    pid = profile.id
    # Serialises passes for one partner (PostgreSQL; SQLite's BEGIN IMMEDIATE already does).
    if conn.execute(select(partners.c.id).where(partners.c.id == pid).with_for_update()).first():
        sync_lifecycle(conn, pid)
    queued = conn.execute(
        select(export_queue.c.id, export_queue.c.status_event_id, export_queue.c.booking_version_id)
        .where(export_queue.c.partner_id == pid, export_queue.c.export_id.is_(None))
        .order_by(export_queue.c.id)
    ).all()
    if not queued:
        return PartnerExport(pid)
    items = _status_items(conn, pid, [q.status_event_id for q in queued if q.status_event_id])
    booked = _bookings(conn, pid, [q.booking_version_id for q in queued if q.booking_version_id])
    outbox_ids: list[int] = []
    for fmt in profile.outbound.status_formats:
        chosen = [item for item in items if carries(fmt, item.event.code)]
        if chosen:
            ctx = _context(conn, profile, fmt, now, us)
            rendered = status_writer(fmt).render(chosen, ctx)
            outbox_ids.append(_enqueue(conn, profile, f"status_{fmt}", fmt, rendered, ctx, now))
    for booking_fmt in profile.outbound.booking_formats:
        if booked:
            ctx = _context(conn, profile, booking_fmt, now, us)
            rendered = booking_writer(booking_fmt).render(booked, ctx)
            outbox_ids.append(
                _enqueue(conn, profile, f"booking_{booking_fmt}", booking_fmt, rendered, ctx, now)
            )
    export_id = int(
        conn.execute(
            insert(tracking_exports)
            .values(
                partner_id=pid,
                at=now,
                status_events=len(items),
                booking_versions=len(booked),
                outbox_ids=outbox_ids,
            )
            .returning(tracking_exports.c.id)
        ).scalar_one()
    )
    conn.execute(
        update(export_queue)
        .where(export_queue.c.id.in_([q.id for q in queued]))
        .values(export_id=export_id)
    )
    return PartnerExport(pid, len(items), len(booked), tuple(outbox_ids), export_id)


def _enqueue(
    conn: Connection,
    profile: PartnerProfile,
    kind: str,
    fmt: str,
    rendered: Rendered,
    ctx: OutboundContext,
    now: datetime,
) -> int:
    """Queue one rendered file; an EDI interchange is also recorded to await its acknowledgment."""
    outbox_id = enqueue(
        conn,
        profile.id,
        kind,
        rendered.content,
        extension=rendered.extension,
        media_type=rendered.media_type,
    )
    envelope = envelope_of(fmt)
    if envelope is not None:
        record_outbound(
            conn,
            outbox_id=outbox_id,
            partner_id=profile.id,
            envelope=envelope,
            document=fmt.split("_", 1)[1].upper(),
            interchange_control=ctx.control_number,
            group_control=ctx.group_control,
            expects_ack=profile.outbound.ack_window() is not None,
            now=now,
        )
    return outbox_id


def _context(
    conn: Connection, profile: PartnerProfile, fmt: str, now: datetime, us: EdiParty | None
) -> OutboundContext:
    edi = profile.edi
    receiver = (
        EdiParty(edi.interchange_id, edi.qualifier or "ZZ", edi.application_id)
        if edi is not None
        else EdiParty(profile.id.upper()[:15])
    )
    envelope = envelope_of(fmt)
    if envelope is None:
        control = next_control_number(conn, profile.id, f"file_{fmt}", maximum=MAX_FILE_NUMBER)
        group = None
    else:
        numbers = envelope_numbers(conn, profile.id, envelope)
        control, group = numbers.interchange, numbers.group
    sender = us or our_party(conn, profile.id, edi, envelope or Envelope.X12)
    return OutboundContext(
        partner_id=profile.id,
        now=now,
        control_number=control,
        group_control=group,
        sender=sender,
        receiver=receiver,
        status_codes=dict(profile.mapping.custom_status_codes) if profile.mapping else {},
        x12_version=edi.x12_version if edi is not None else "004010",
        edifact_version=edi.edifact_version if edi is not None else "D96A",
        edifact_syntax=edi.edifact_syntax if edi is not None else "UNOC",
    )


def _status_items(conn: Connection, partner_id: str, ids: Sequence[int]) -> list[PoStatusItem]:
    if not ids:
        return []
    rows = conn.execute(
        select(status_events, purchase_orders.c.po_number)
        .join(purchase_orders, purchase_orders.c.id == status_events.c.po_id)
        .where(status_events.c.id.in_(ids), status_events.c.partner_id == partner_id)
        .order_by(status_events.c.id)
    ).all()
    documents = {
        r.po_id: PurchaseOrder.model_validate_json(json.dumps(r.document))
        for r in conn.execute(
            select(po_versions.c.po_id, po_versions.c.document)
            .join(purchase_orders, purchase_orders.c.id == po_versions.c.po_id)
            .where(
                purchase_orders.c.id.in_({r.po_id for r in rows}),
                purchase_orders.c.partner_id == partner_id,
                po_versions.c.version == purchase_orders.c.current_version,
            )
        )
    }
    return [PoStatusItem(documents[r.po_id], event_from_row(r, r.po_number)) for r in rows]


def _bookings(conn: Connection, partner_id: str, ids: Sequence[int]) -> list[ReportedBooking]:
    if not ids:
        return []
    rows = conn.execute(
        select(booking_versions.c.version, booking_versions.c.document)
        .join(bookings, bookings.c.id == booking_versions.c.booking_id)
        .where(booking_versions.c.id.in_(ids), bookings.c.partner_id == partner_id)
        .order_by(booking_versions.c.id)
    ).all()
    return [
        ReportedBooking.model_validate_json(json.dumps({**r.document, "version": r.version}))
        for r in rows
    ]
