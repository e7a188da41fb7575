"""Operational alerts, next to the business alerts of ``pipeline.alerts``: the plumbing's trouble.

Files stuck in a claim, files failed by a crash or an internal error, deliveries parked after
their retries, partners whose channel refuses us (a changed host key, a rejected login) or has
been failing longer than a limit. They share ``tracking_alerts`` with the business alerts (one
row per partner, kind and subject: each is raised once) and so show in ``orderport alerts``; an
e-mail goes to the partner profile's ``alerts.email`` when it has one.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Final, Protocol, runtime_checkable

from sqlalchemy import Connection, Engine, insert, select

from orderport.partners import PartnerProfile
from orderport.pipeline.answers import EMAIL_KIND, EMAIL_MEDIA_TYPE
from orderport.store import ledger
from orderport.store.ledger import FileState
from orderport.store.outbox import enqueue
from orderport.store.tables import inbound_files, outbox, partners, tracking_alerts

STUCK_AFTER: Final = timedelta(minutes=15)
"""A claim older than this whose owner cannot be shown dead is reported (not taken back)."""


class OpsKind(StrEnum):
    STUCK_CLAIM = "ops_stuck_claim"
    FILE_CRASHED = "ops_file_crashed"
    FILE_FAILED = "ops_file_failed"
    DELIVERY_PARKED = "ops_delivery_parked"
    CHANNEL_REFUSED = "ops_channel_refused"
    CHANNEL_FAILING = "ops_channel_failing"
    UNCLAIMABLE_NAME = "ops_unclaimable_name"
    LONE_MARKER = "ops_lone_marker"


@dataclass(frozen=True)
class OpsAlert:
    partner_id: str
    kind: OpsKind
    subject: str
    message: str


def _stuck(conn: Connection, now: datetime) -> list[OpsAlert]:
    found = []
    for row in ledger.held_claims(conn):
        if row.claimed_at is not None and now - row.claimed_at > STUCK_AFTER:
            found.append(
                OpsAlert(
                    row.partner_id,
                    OpsKind.STUCK_CLAIM,
                    f"file:{row.id}",
                    f"inbound file #{row.id} ({row.original_name}) has been claimed since "
                    f"{row.claimed_at:%Y-%m-%d %H:%M} UTC and is not finished",
                )
            )
    return found


def _failed(conn: Connection) -> list[OpsAlert]:
    query = select(
        inbound_files.c.id,
        inbound_files.c.partner_id,
        inbound_files.c.original_name,
        inbound_files.c.error,
        inbound_files.c.detail,
    ).where(inbound_files.c.state == FileState.FAILED.value)
    found = []
    for file_id, partner_id, name, error, detail in conn.execute(query):
        detail = detail or {}
        if ledger.CRASHES_KEY in detail:
            kind, what = OpsKind.FILE_CRASHED, "killed its intake process"
        elif "internal_error" in detail:
            kind, what = OpsKind.FILE_FAILED, f"failed ({detail['internal_error']})"
        else:
            continue
        found.append(
            OpsAlert(
                partner_id,
                kind,
                f"file:{file_id}",
                f"inbound file #{file_id} ({name}) {what}; set aside: {error}",
            )
        )
    return found


def _parked(conn: Connection) -> list[OpsAlert]:
    query = select(
        outbox.c.id, outbox.c.partner_id, outbox.c.filename, outbox.c.attempts, outbox.c.last_error
    ).where(outbox.c.state == "failed")
    return [
        OpsAlert(
            partner_id,
            OpsKind.DELIVERY_PARKED,
            f"outbox:{item_id}",
            f"delivery of {filename} parked after {attempts} failed attempts: {error}",
        )
        for item_id, partner_id, filename, attempts, error in conn.execute(query)
    ]


def channel_alerts(errors: Iterable[str], retriable: Iterable[str]) -> list[OpsAlert]:
    """Alerts for an intake pass's partner errors (``IntakeSummary.errors``): a refused channel
    (host key, login) at once, per distinct message."""
    transient = set(retriable)
    found = []
    for line in errors:
        partner_id, _, message = line.partition(": ")
        if partner_id in transient:
            continue
        digest = hashlib.sha256(message.encode("utf-8", "replace")).hexdigest()[:16]
        found.append(
            OpsAlert(
                partner_id,
                OpsKind.CHANNEL_REFUSED,
                f"channel:{digest}",
                f"the partner's channel cannot be used, an operator must act: {message}",
            )
        )
    return found


def unclaimable(partner_id: str, reasons: Iterable[str]) -> list[OpsAlert]:
    """Files left on the channel because their names cannot be claimed (``a\\b.csv``)."""
    return [
        OpsAlert(
            partner_id,
            OpsKind.UNCLAIMABLE_NAME,
            "name:" + hashlib.sha256(reason.encode("utf-8", "replace")).hexdigest()[:16],
            f"a file was left on the channel, its name cannot be taken in: {reason}",
        )
        for reason in reasons
    ]


@runtime_checkable
class MarkerLister(Protocol):
    def lone_markers(self) -> list[str]: ...


def lone_marker_alerts(channel: object, partner_id: str) -> list[OpsAlert]:
    """Done-markers older than the limit whose data file never arrived."""
    if not isinstance(channel, MarkerLister):
        return []
    return [
        OpsAlert(
            partner_id,
            OpsKind.LONE_MARKER,
            f"marker:{name[:180]}",
            f"the done-marker {name!r} has waited over an hour for its data file",
        )
        for name in channel.lone_markers()
    ]


CHANNEL_FAILING_AFTER: Final = timedelta(minutes=60)
_FAILURES_FILE: Final = "channel_failures.json"


def channel_failing(
    home: Path,
    partner_ids: Iterable[str],
    retriable: Iterable[str],
    now: datetime,
    limit: timedelta = CHANNEL_FAILING_AFTER,
) -> list[OpsAlert]:
    """Partners whose channel has failed on every pass for longer than ``limit``.

    The first failure of the current run of failures is kept per partner in
    ``$ORDERPORT_HOME/ops/channel_failures.json``; a pass that reaches the channel clears it."""
    path = home / "ops" / _FAILURES_FILE
    try:
        since: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        since = {}
    failing = set(retriable)
    for partner_id in partner_ids:
        if partner_id in failing:
            since.setdefault(partner_id, now.isoformat())
        else:
            since.pop(partner_id, None)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(since, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)
    found = []
    for partner_id, first in since.items():
        started = datetime.fromisoformat(first)
        if partner_id in failing and now - started > limit:
            found.append(
                OpsAlert(
                    partner_id,
                    OpsKind.CHANNEL_FAILING,
                    f"since:{first}",
                    f"the partner's channel has failed on every pass since {first} "
                    f"(over {int(limit.total_seconds() // 60)} minutes)",
                )
            )
    return found


def after_pass(
    engine: Engine,
    home: Path,
    partner_ids: Sequence[str],
    errors: Sequence[str],
    retriable: Sequence[str],
    profiles: Mapping[str, PartnerProfile] | None = None,
) -> list[OpsAlert]:
    """The channel alerts of one intake pass (refused channels, channels failing too long)."""
    now = datetime.now(UTC)
    found = channel_alerts(errors, retriable)
    found += channel_failing(home, partner_ids, retriable, now)
    return raise_alerts(engine, found, now, profiles)


def raise_alerts(
    engine: Engine,
    alerts: Iterable[OpsAlert],
    now: datetime,
    profiles: Mapping[str, PartnerProfile] | None = None,
) -> list[OpsAlert]:
    """Record each alert once (and mail it to the partner's alert address); returns new ones."""
    raised: list[OpsAlert] = []
    with engine.begin() as conn:
        known_partners = {r[0] for r in conn.execute(select(partners.c.id))}
        for alert in alerts:
            if alert.partner_id not in known_partners or _already(conn, alert):
                continue
            outbox_ids = _mail(conn, alert, now, profiles)
            conn.execute(
                insert(tracking_alerts).values(
                    partner_id=alert.partner_id,
                    kind=alert.kind.value,
                    subject=alert.subject[:200],
                    message=alert.message,
                    raised_at=now,
                    outbox_ids=outbox_ids,
                )
            )
            raised.append(alert)
    return raised


def _already(conn: Connection, alert: OpsAlert) -> bool:
    return (
        conn.execute(
            select(tracking_alerts.c.id).where(
                tracking_alerts.c.partner_id == alert.partner_id,
                tracking_alerts.c.kind == alert.kind.value,
                tracking_alerts.c.subject == alert.subject[:200],
            )
        ).first()
        is not None
    )


def _mail(
    conn: Connection,
    alert: OpsAlert,
    now: datetime,
    profiles: Mapping[str, PartnerProfile] | None,
) -> list[int]:
    profile = (profiles or {}).get(alert.partner_id)
    addresses = list(profile.outbound.alerts.email) if profile is not None else []
    if not addresses:
        return []
    envelope: dict[str, object] = {
        "to": ", ".join(str(a) for a in addresses),
        "subject": f"Orderport operational alert: {alert.kind.value} ({alert.partner_id})",
        "body": alert.message,
        "in_reply_to": None,
        "attachments": [],
    }
    item = enqueue(
        conn,
        alert.partner_id,
        EMAIL_KIND,
        json.dumps(envelope, ensure_ascii=False).encode("utf-8"),
        extension="json",
        media_type=EMAIL_MEDIA_TYPE,
    )
    return [item]


def ops_alerts_pass(
    engine: Engine, now: datetime, profiles: Mapping[str, PartnerProfile] | None = None
) -> list[OpsAlert]:
    """Raise the operational alerts the store shows (each once)."""
    with engine.connect() as conn:
        found = [*_stuck(conn, now), *_failed(conn), *_parked(conn)]
    return raise_alerts(engine, found, now, profiles)
