"""What needs an operator first thing: the action list at the top of the nightly report.

Each source is a function ``(conn, context) -> list[ActionItem]`` registered in
``ACTION_SOURCES``; another part of Orderport adds its own (e.g. overdue or rejected
acknowledgments of our outbound documents) with ``register_action_source`` and the report
shows, counts and exports them like the built-in ones.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from statistics import median
from typing import Any

from sqlalchemy import Connection, select

from orderport.store import tables as t

REJECTED_LOOKBACK = timedelta(days=7)
STUCK_AFTER = timedelta(minutes=60)
CADENCE_HISTORY = timedelta(days=60)
CADENCE_MIN_FILES = 4
CADENCE_FACTOR = 3.0
"""A partner is "silent" after three of its usual gaps between files without one."""
CADENCE_MIN_GAP = timedelta(hours=12)


@dataclass(frozen=True)
class ActionContext:
    """When the report is made (``now``) and the end of the day it covers."""

    now: datetime
    until: datetime


@dataclass(frozen=True)
class ActionItem:
    """One thing to act on. ``since`` gives its age; ``detail`` says why, in plain words."""

    kind: str
    partner_id: str
    subject: str
    detail: str
    since: datetime | None
    action: str

    def age(self, now: datetime) -> timedelta | None:
        return None if self.since is None else now - _aware(self.since)

    def as_dict(self, now: datetime) -> dict[str, Any]:
        age = self.age(now)
        return {
            "kind": self.kind,
            "partner_id": self.partner_id,
            "subject": self.subject,
            "detail": self.detail,
            "since": _aware(self.since).isoformat() if self.since else None,
            "age_hours": round(age.total_seconds() / 3600, 1) if age is not None else None,
            "action": self.action,
        }


ActionSource = Callable[[Connection, ActionContext], list[ActionItem]]

KIND_LABELS: dict[str, str] = {
    "po_on_hold": "PO on hold",
    "file_rejected": "file rejected",
    "file_stuck": "file stuck in a claim",
    "delivery_failed": "delivery failing",
    "partner_silent": "partner silent",
}


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def held_pos(conn: Connection, ctx: ActionContext) -> list[ActionItem]:
    """Every PO on hold, with its first error finding (errors before warnings)."""
    po, fi = t.purchase_orders, t.findings
    first = (
        select(fi.c.message)
        .where(fi.c.po_id == po.c.id, fi.c.version == po.c.current_version)
        .order_by(fi.c.severity != "error", fi.c.id)
        .limit(1)
        .scalar_subquery()
    )
    rows = conn.execute(
        select(po.c.partner_id, po.c.po_number, po.c.current_version, po.c.updated_at, first)
        .where(po.c.status == "on_hold")
        .order_by(po.c.updated_at)
    )
    return [
        ActionItem(
            "po_on_hold",
            r[0],
            f"PO {r[1]} v{r[2]}",
            r[4] or "on hold (no finding recorded)",
            r[3],
            "ask the partner to correct and resend, or cancel it",
        )
        for r in rows
    ]


def rejected_files(conn: Connection, ctx: ActionContext) -> list[ActionItem]:
    """Files rejected or failed in the last week (to the end of the report day)."""
    f = t.inbound_files
    rows = conn.execute(
        select(f.c.id, f.c.partner_id, f.c.original_name, f.c.state, f.c.error, f.c.received_at)
        .where(
            f.c.state.in_(("rejected", "failed")),
            f.c.received_at >= ctx.until - REJECTED_LOOKBACK,
            f.c.received_at < ctx.until,
        )
        .order_by(f.c.received_at)
    )
    return [
        ActionItem(
            "file_rejected",
            r.partner_id,
            f"file #{r.id} {r.original_name}",
            r.error or f"{r.state} (no reason recorded)",
            r.received_at,
            "fix the profile and `orderport reprocess`, or ask the partner to resend",
        )
        for r in rows
    ]


def stuck_files(conn: Connection, ctx: ActionContext) -> list[ActionItem]:
    """Files claimed for longer than an intake pass can take: their pass died."""
    f = t.inbound_files
    rows = conn.execute(
        select(f.c.id, f.c.partner_id, f.c.original_name, f.c.claimed_at, f.c.received_at).where(
            f.c.state == "claimed"
        )
    )
    items = []
    for r in rows:
        since = _aware(r.claimed_at or r.received_at)
        if ctx.now - since >= STUCK_AFTER:
            items.append(
                ActionItem(
                    "file_stuck",
                    r.partner_id,
                    f"file #{r.id} {r.original_name}",
                    "claimed by an intake pass that never finished",
                    since,
                    "the next intake pass takes it back (--reclaim-after); check the worker logs",
                )
            )
    return items


def delivery_failures(conn: Connection, ctx: ActionContext) -> list[ActionItem]:
    """Outbox items that failed at least once and are still not sent."""
    o = t.outbox
    rows = conn.execute(
        select(o.c.id, o.c.partner_id, o.c.filename, o.c.attempts, o.c.last_error, o.c.created_at)
        .where(o.c.state != "sent", o.c.attempts > 0)
        .order_by(o.c.created_at)
    )
    return [
        ActionItem(
            "delivery_failed",
            r.partner_id,
            f"outbox #{r.id} {r.filename}",
            f"{r.attempts} failed attempt(s): {r.last_error or 'no error recorded'}",
            r.created_at,
            "fix the channel or SMTP settings, then `orderport deliver`",
        )
        for r in rows
    ]


def silent_partners(conn: Connection, ctx: ActionContext) -> list[ActionItem]:
    """Partners whose last file is older than three of their usual (median) gaps."""
    f = t.inbound_files
    received: dict[str, list[datetime]] = defaultdict(list)
    for partner_id, at in conn.execute(
        select(f.c.partner_id, f.c.received_at).where(
            f.c.received_at >= ctx.until - CADENCE_HISTORY, f.c.received_at < ctx.until
        )
    ):
        received[partner_id].append(_aware(at))
    items = []
    for partner_id, times in sorted(received.items()):
        if len(times) < CADENCE_MIN_FILES:
            continue
        times.sort()
        gaps = [(b - a).total_seconds() for a, b in pairwise(times)]
        usual = max(timedelta(seconds=median(gaps)), CADENCE_MIN_GAP)
        quiet = min(ctx.now, ctx.until) - times[-1]
        if quiet > usual * CADENCE_FACTOR:
            items.append(
                ActionItem(
                    "partner_silent",
                    partner_id,
                    f"no file for {_hours(quiet)}",
                    f"usually a file every {_hours(usual)} (median of the last {len(times)} files)",
                    times[-1],
                    "check the partner's channel and ask whether they stopped sending",
                )
            )
    return items


def _hours(value: timedelta) -> str:
    hours = value.total_seconds() / 3600
    return f"{hours / 24:.1f} days" if hours >= 48 else f"{hours:.0f} h"


ACK_ALERT_KINDS = {
    "ack_rejected": "the partner's translator rejected our document",
    "ack_overdue": "the partner has not acknowledged our document within its window",
}


def acknowledgment_problems(conn: Connection, ctx: ActionContext) -> list[ActionItem]:
    """Our 855/856/301/ORDRSP/DESADV/IFTMBC the partner rejected or left unacknowledged: the
    open ``ack_rejected`` / ``ack_overdue`` alerts (``orderport alerts ack`` closes one)."""
    rows = conn.execute(
        select(t.tracking_alerts)
        .where(t.tracking_alerts.c.kind.in_(ACK_ALERT_KINDS))
        .where(t.tracking_alerts.c.acked_at.is_(None))
        .where(t.tracking_alerts.c.raised_at <= ctx.until)
        .order_by(t.tracking_alerts.c.raised_at)
    )
    return [
        ActionItem(
            "ack_problem",
            r.partner_id,
            r.subject,
            f"{ACK_ALERT_KINDS[r.kind]}: {r.message}",
            r.raised_at,
            "read the partner's acknowledgment (orderport files), correct and resend, "
            "then orderport alerts ack",
        )
        for r in rows
    ]


KIND_LABELS["ack_problem"] = "acknowledgment rejected or overdue"

ACTION_SOURCES: list[ActionSource] = [
    held_pos,
    rejected_files,
    stuck_files,
    delivery_failures,
    silent_partners,
    acknowledgment_problems,
]


def register_action_source(source: ActionSource, kind: str, label: str) -> None:
    """Add a source of action items (e.g. overdue acknowledgments) to every nightly report."""
    if source not in ACTION_SOURCES:
        ACTION_SOURCES.append(source)
    KIND_LABELS[kind] = label


def collect_actions(conn: Connection, ctx: ActionContext) -> list[ActionItem]:
    """Every source's items, oldest first within each kind (sources in registration order)."""
    items: list[ActionItem] = []
    for source in ACTION_SOURCES:
        items.extend(source(conn, ctx))
    return items
