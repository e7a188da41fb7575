"""Exception alerts (seed 001): held POs, POs without a booking near the ship window's end,
bookings rejected or still pending past the cargo cut-off, confirmed bookings whose vessel,
voyage, flight or schedule changed, late deliveries.

An alert is raised once: each has a subject (the PO version, the booking version, the PO) and
``tracking_alerts`` holds one row per (partner, kind, subject), written in the same transaction
as the outbox items that announce it, per profile ``outbound.alerts``: a JSON/CSV file of kind
``alert`` (delivered to the partner's outbox) and/or an e-mail to ``alerts.email``. The e-mail is
queued as an ``email_reply`` envelope, the kind ``deliver_pending`` sends by SMTP (an item of
any other kind would be uploaded to the partner's channel). A later pass stays quiet.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlalchemy import Connection, Engine, exists, insert, select

from orderport.formats.results.safety import neutralise_cell
from orderport.partners import PartnerProfile, load_valid_profiles
from orderport.partners.profile import Alerts
from orderport.pipeline.answers import EMAIL_KIND
from orderport.store import acks
from orderport.store.events import emit_many
from orderport.store.outbox import enqueue
from orderport.store.tables import (
    booking_orders,
    booking_versions,
    bookings,
    partners,
    po_versions,
    purchase_orders,
    status_events,
    tracking_alerts,
)


class AlertKind(StrEnum):
    PO_ON_HOLD = "po_on_hold"
    NO_BOOKING = "no_booking"
    BOOKING_REJECTED = "booking_rejected"
    BOOKING_PENDING_PAST_CUTOFF = "booking_pending_past_cutoff"
    LATE_DELIVERY = "late_delivery"
    BOOKING_CHANGED = "booking_changed"
    ACK_REJECTED = "ack_rejected"
    ACK_OVERDUE = "ack_overdue"


@dataclass(frozen=True)
class Alert:
    partner_id: str
    kind: AlertKind
    subject: str
    """What the alert is about, e.g. ``po:4500012345:v2`` or ``booking:MAEU123:v3``."""
    message: str


JSON_TYPE = "application/json"
ALERT_COLUMNS = ("partner_id", "kind", "subject", "message")


def alerts_pass(
    engine: Engine,
    *,
    now: datetime,
    profiles: Mapping[str, PartnerProfile] | None = None,
) -> list[Alert]:
    """Raise every new alert of every partner with a profile; returns those raised now."""
    # A broken profile leaves out only its partner (the intake pass reports it).
    known = dict(load_valid_profiles()[0] if profiles is None else profiles)
    raised: list[Alert] = []
    with engine.connect() as conn:
        stored = sorted(set(conn.execute(select(partners.c.id)).scalars()) & set(known))
    for partner_id in stored:
        with engine.begin() as conn:
            raised.extend(_partner_alerts(conn, known[partner_id], now))
    return raised


def _partner_alerts(conn: Connection, profile: PartnerProfile, now: datetime) -> list[Alert]:
    settings = profile.outbound.alerts
    candidates = _candidates(conn, profile.id, settings, now) + _ack_alerts(conn, profile, now)
    new = [a for a in candidates if not _already_raised(conn, a)]
    if not new:
        return []
    outbox_ids: list[int] = []
    if settings.file == "json":
        body = {
            "partner_id": profile.id,
            "generated_at": now.isoformat(),
            "alerts": [{**asdict(a), "kind": a.kind.value} for a in new],
        }
        content = (json.dumps(body, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
        outbox_ids.append(
            enqueue(
                conn, profile.id, "alert", content, extension="json", media_type="application/json"
            )
        )
    elif settings.file == "csv":
        outbox_ids.append(
            enqueue(conn, profile.id, "alert", _csv(new), extension="csv", media_type="text/csv")
        )
    if settings.email:
        outbox_ids.append(
            enqueue(
                conn,
                profile.id,
                EMAIL_KIND,
                _email(profile, settings, new),
                extension="json",
                media_type=JSON_TYPE,
            )
        )
    conn.execute(
        insert(tracking_alerts),
        [
            {
                "partner_id": a.partner_id,
                "kind": a.kind.value,
                "subject": a.subject,
                "message": a.message,
                "raised_at": now,
                "outbox_ids": outbox_ids,
            }
            for a in new
        ],
    )
    alert_events = [
        ("alert.raised", {"kind": a.kind.value, "subject": a.subject, "message": a.message})
        for a in new
    ]
    emit_many(conn, profile.id, alert_events)
    return new


def _ack_alerts(conn: Connection, profile: PartnerProfile, now: datetime) -> list[Alert]:
    """Our interchanges the partner rejected, or left unacknowledged past its window."""
    found: list[Alert] = []
    pid = profile.id
    window = profile.outbound.ack_window()
    for sent in acks.interchanges(conn, pid):
        subject = f"outbound:{sent.outbox_id}"
        what = f"our {sent.document} (interchange {sent.interchange_ref}, outbox #{sent.outbox_id})"
        if sent.ack_status == "rejected" and profile.outbound.alerts.on_rejected:
            message = f"{what} was rejected by the partner: {sent.ack_detail}"
            found.append(Alert(pid, AlertKind.ACK_REJECTED, subject, message))
        elif acks.is_overdue(sent, window, now):
            message = f"{what} sent {sent.sent_at} has no acknowledgment after {window}"
            found.append(Alert(pid, AlertKind.ACK_OVERDUE, subject, message))
    return found


def _already_raised(conn: Connection, alert: Alert) -> bool:
    return (
        conn.execute(
            select(tracking_alerts.c.id).where(
                tracking_alerts.c.partner_id == alert.partner_id,
                tracking_alerts.c.kind == alert.kind.value,
                tracking_alerts.c.subject == alert.subject,
            )
        ).first()
        is not None
    )


def _candidates(conn: Connection, pid: str, settings: Alerts, now: datetime) -> list[Alert]:
    found: list[Alert] = []
    if settings.on_hold:
        for held in conn.execute(
            select(purchase_orders.c.po_number, purchase_orders.c.current_version).where(
                purchase_orders.c.partner_id == pid, purchase_orders.c.status == "on_hold"
            )
        ):
            subject = f"po:{held.po_number}:v{held.current_version}"
            message = f"PO {held.po_number} (version {held.current_version}) is on hold"
            found.append(Alert(pid, AlertKind.PO_ON_HOLD, subject, message))
    open_pos = conn.execute(
        select(
            purchase_orders.c.id,
            purchase_orders.c.po_number,
            purchase_orders.c.status,
            po_versions.c.document,
        )
        .join(
            po_versions,
            (po_versions.c.po_id == purchase_orders.c.id)
            & (po_versions.c.version == purchase_orders.c.current_version),
        )
        .where(
            purchase_orders.c.partner_id == pid,
            purchase_orders.c.status.in_(["approved", "shipped"]),
        )
        .order_by(purchase_orders.c.id)
    ).all()
    today = now.date()
    for po in open_pos:
        if settings.days_before_ship_end is not None and po.status == "approved":
            ship_end = _window_end(po.document, "ship_window")
            if (
                ship_end is not None
                and today >= ship_end - timedelta(days=settings.days_before_ship_end)
                and not _has_live_booking(conn, po.id)
            ):
                found.append(
                    Alert(
                        pid,
                        AlertKind.NO_BOOKING,
                        f"po:{po.po_number}",
                        f"PO {po.po_number} has no booking and its ship window ends {ship_end}",
                    )
                )
        delivery_end = _window_end(po.document, "delivery_window")
        if settings.on_late_delivery and delivery_end is not None and today > delivery_end:
            delivered = conn.execute(
                select(status_events.c.id).where(
                    status_events.c.po_id == po.id, status_events.c.code == "delivered"
                )
            ).first()
            if delivered is None:
                found.append(
                    Alert(
                        pid,
                        AlertKind.LATE_DELIVERY,
                        f"po:{po.po_number}",
                        f"PO {po.po_number} is not delivered; its delivery window "
                        f"ended {delivery_end}",
                    )
                )
    for bk in conn.execute(
        select(bookings).where(bookings.c.partner_id == pid).order_by(bookings.c.id)
    ):
        subject = f"booking:{bk.booking_reference}:v{bk.current_version}"
        if settings.on_rejected and bk.space_status == "rejected":
            found.append(
                Alert(
                    pid,
                    AlertKind.BOOKING_REJECTED,
                    subject,
                    f"booking {bk.booking_reference}: the carrier rejected the space",
                )
            )
        elif settings.on_booking_change and bk.current_version > 1:
            change = _confirmed_booking_change(conn, bk.id, bk.current_version)
            if change:
                found.append(
                    Alert(
                        pid,
                        AlertKind.BOOKING_CHANGED,
                        subject,
                        f"booking {bk.booking_reference} changed after confirmation: {change}",
                    )
                )
        if (
            settings.on_cutoff
            and bk.space_status == "pending"
            and bk.cargo_cutoff is not None
            and bk.cargo_cutoff < now
        ):
            found.append(
                Alert(
                    pid,
                    AlertKind.BOOKING_PENDING_PAST_CUTOFF,
                    subject,
                    f"booking {bk.booking_reference} is still pending; its cargo cut-off "
                    f"was {bk.cargo_cutoff.isoformat()}",
                )
            )
    return found


_WATCHED = ("vessel", "voyage", "flight_number", "etd", "eta", "origin", "destination")
"""What planners act on: a change to any of these after confirmation is an exception."""


def _confirmed_booking_change(conn: Connection, booking_id: int, version: int) -> str:
    """``field: old -> new`` for watched fields between the previous (confirmed) version and
    this one; empty when the previous version was not confirmed or nothing watched changed."""
    rows = conn.execute(
        select(booking_versions.c.version, booking_versions.c.document).where(
            booking_versions.c.booking_id == booking_id,
            booking_versions.c.version.in_((version - 1, version)),
        )
    ).all()
    documents = {row.version: row.document for row in rows}
    before, after = documents.get(version - 1), documents.get(version)
    if before is None or after is None or before.get("space_status") != "confirmed":
        return ""
    return "; ".join(
        f"{name}: {before.get(name)} -> {after.get(name)}"
        for name in _WATCHED
        if before.get(name) != after.get(name)
    )


def _has_live_booking(conn: Connection, po_id: int) -> bool:
    return bool(
        conn.execute(
            select(
                exists().where(
                    booking_orders.c.po_id == po_id,
                    booking_orders.c.booking_id == bookings.c.id,
                    bookings.c.space_status != "rejected",
                )
            )
        ).scalar()
    )


def _window_end(document: dict[str, object], key: str) -> date | None:
    window = document.get(key)
    if isinstance(window, dict) and isinstance(window.get("end"), str):
        return date.fromisoformat(window["end"])
    return None


def _csv(alerts: list[Alert]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(ALERT_COLUMNS)
    for a in alerts:
        writer.writerow(
            [neutralise_cell(v) for v in (a.partner_id, a.kind.value, a.subject, a.message)]
        )
    return buffer.getvalue().encode("utf-8")


def _email(profile: PartnerProfile, settings: Alerts, alerts: list[Alert]) -> bytes:
    """The e-mail in the outbox's mail envelope, which ``deliver_pending`` sends by SMTP."""
    lines = "\n".join(f"- [{a.kind.value}] {a.message}" for a in alerts)
    envelope: dict[str, object] = {
        "to": ", ".join(settings.email),
        "subject": f"Orderport: {len(alerts)} exception alert(s) for {profile.name}",
        "in_reply_to": None,
        "body": f"New exception alerts for {profile.name} ({profile.id}):\n\n{lines}\n",
        "attachments": [],
    }
    return json.dumps(envelope, ensure_ascii=False).encode("utf-8")
