"""The nightly report's figures, per partner for one UTC day and as 30 daily totals.

Sources in the store: the ledger (``inbound_files``: files received and their outcome), the
audit log (PO created / updated / held / canceled / approved), the ledger's per-file outcome
counts for what the audit log never records (duplicate, rejected), findings (by code), the outbox
(files sent, by kind), booking versions (bookings confirmed) and the partners' acknowledgments
of our interchanges (verdicts and ack alerts). Everything is counted in Python
over narrow column selections, so SQLite and PostgreSQL give the same answer without
dialect-specific date or JSON functions.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, select

from orderport.reports.actions import ActionContext, ActionItem, collect_actions
from orderport.store import tables as t

TREND_DAYS = 30
PO_OUTCOMES = ("created", "updated", "held", "rejected", "duplicate", "canceled")
FILE_STATES = ("stored", "held", "rejected", "duplicate", "failed")
ERROR_OUTCOMES = frozenset({"held", "rejected"})
_AUDIT_OUTCOMES = {f"po.{name}": name for name in ("created", "updated", "held", "canceled")}


@dataclass
class PartnerDay:
    """One partner's figures for the report day."""

    partner_id: str
    files_received: int = 0
    files_by_state: dict[str, int] = field(default_factory=dict)
    pos: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PO_OUTCOMES, 0))
    findings_by_code: dict[str, int] = field(default_factory=dict)
    files_sent_by_kind: dict[str, int] = field(default_factory=dict)
    status_files_sent: int = 0
    booking_files_sent: int = 0
    bookings_confirmed: int = 0
    alerts_by_kind: dict[str, int] = field(default_factory=dict)
    """Alerts raised on the day (business and operational, e.g. ``ops_file_crashed``)."""
    acks_by_status: dict[str, int] = field(default_factory=dict)
    """Partners' acknowledgments of our interchanges recorded that day, by verdict."""
    ack_alerts: dict[str, int] = field(default_factory=dict)
    """``ack_rejected`` / ``ack_overdue`` alerts raised that day."""


@dataclass(frozen=True)
class DayTotals:
    """All partners together on one day, for the 30-day charts."""

    day: date
    files_received: int
    pos: int
    pos_with_errors: int

    @property
    def error_rate(self) -> float:
        """Share of POs held or rejected (a ratio for a chart, not an amount)."""
        return self.pos_with_errors / self.pos if self.pos else 0.0


@dataclass
class NightlyReport:
    day: date
    generated_at: datetime
    partners: list[PartnerDay]
    trend: list[DayTotals]
    actions: list[ActionItem] = field(default_factory=list)
    """What needs an operator (held POs, rejected files, stuck claims, ...), see ``actions``."""

    @property
    def partial(self) -> bool:
        """The report covers today, so far (it was generated before the day ended)."""
        return self.generated_at < day_bounds(self.day)[1]

    def as_dict(self) -> dict[str, Any]:
        return {
            "day": self.day.isoformat(),
            "generated_at": self.generated_at.isoformat(),
            "partial_day": self.partial,
            "actions": [a.as_dict(self.generated_at) for a in self.actions],
            "partners": [vars(p) for p in self.partners],
            "totals": report_totals(self),
            "trend": [
                {
                    "day": d.day.isoformat(),
                    "files_received": d.files_received,
                    "pos": d.pos,
                    "pos_with_errors": d.pos_with_errors,
                    "error_rate": round(d.error_rate, 4),
                }
                for d in self.trend
            ],
        }


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(), tzinfo=UTC)
    return start, start + timedelta(days=1)


def _utc_day(value: datetime) -> date:
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC).date()


def _ledger_outcomes(detail: object) -> Mapping[str, int]:
    """Per-file PO outcome counts the intake keeps in ``inbound_files.detail["outcomes"]``."""
    if isinstance(detail, Mapping):
        outcomes = detail.get("outcomes")
        if isinstance(outcomes, Mapping):
            return {str(k): int(v) for k, v in outcomes.items() if isinstance(v, int)}
    return {}


def _kind_family(kind: str) -> str:
    lowered = kind.lower()
    if "booking" in lowered:
        return "booking"
    if "status" in lowered:
        return "status"
    return "other"


class _Counts:
    def __init__(self, day: date) -> None:
        self.day = day
        self.partners: dict[str, PartnerDay] = {}
        self.files: Counter[date] = Counter()
        self.pos: Counter[date] = Counter()
        self.errors: Counter[date] = Counter()

    def partner(self, partner_id: str) -> PartnerDay:
        if partner_id not in self.partners:
            self.partners[partner_id] = PartnerDay(partner_id)
        return self.partners[partner_id]

    def outcome(self, partner_id: str, when: date, outcome: str, n: int = 1) -> None:
        self.pos[when] += n
        if outcome in ERROR_OUTCOMES:
            self.errors[when] += n
        if when == self.day:
            counts = self.partner(partner_id).pos
            counts[outcome] = counts.get(outcome, 0) + n


def _files(conn: Connection, counts: _Counts, since: datetime, until: datetime) -> None:
    f = t.inbound_files
    rows = conn.execute(
        select(f.c.partner_id, f.c.state, f.c.received_at, f.c.detail).where(
            f.c.received_at >= since, f.c.received_at < until
        )
    )
    for partner_id, state, received_at, detail in rows:
        when = _utc_day(received_at)
        counts.files[when] += 1
        for outcome, n in _ledger_outcomes(detail).items():
            if outcome in ("duplicate", "rejected"):
                counts.outcome(partner_id, when, outcome, n)
        if when == counts.day:
            p = counts.partner(partner_id)
            p.files_received += 1
            p.files_by_state[state] = p.files_by_state.get(state, 0) + 1


def _audit(conn: Connection, counts: _Counts, since: datetime, until: datetime) -> None:
    a = t.audit_log
    rows = conn.execute(
        select(a.c.action, a.c.at, a.c.detail).where(
            a.c.at >= since,
            a.c.at < until,
            a.c.entity == "purchase_order",
            a.c.action.in_(list(_AUDIT_OUTCOMES)),
        )
    )
    for action, at, detail in rows:
        partner_id = detail.get("partner_id") if isinstance(detail, Mapping) else None
        if isinstance(partner_id, str):
            counts.outcome(partner_id, _utc_day(at), _AUDIT_OUTCOMES[action])


def _findings(conn: Connection, counts: _Counts, since: datetime, until: datetime) -> None:
    """Findings of the day's files, and of PO versions stored that day without a file."""
    fi, f, v, po = t.findings, t.inbound_files, t.po_versions, t.purchase_orders
    by_file = select(f.c.partner_id, fi.c.code).join(f, fi.c.inbound_file_id == f.c.id)
    by_file = by_file.where(f.c.received_at >= since, f.c.received_at < until)
    by_version = (
        select(po.c.partner_id, fi.c.code)
        .join(v, (fi.c.po_id == v.c.po_id) & (fi.c.version == v.c.version))
        .join(po, po.c.id == fi.c.po_id)
        .where(fi.c.inbound_file_id.is_(None), v.c.created_at >= since, v.c.created_at < until)
    )
    # A rejected or failed file whose error stopped reading has no finding rows: count its error.
    unread = (
        select(f.c.partner_id, f.c.state)
        .where(
            f.c.received_at >= since,
            f.c.received_at < until,
            f.c.state.in_(("rejected", "failed")),
            ~select(fi.c.id).where(fi.c.inbound_file_id == f.c.id).exists(),
        )
        .subquery()
    )
    file_level = select(unread.c.partner_id, ("file." + unread.c.state).label("code"))
    for query in (by_file, by_version, file_level):
        for partner_id, code in conn.execute(query):
            found = counts.partner(partner_id).findings_by_code
            found[code] = found.get(code, 0) + 1


def _sent(conn: Connection, counts: _Counts, since: datetime, until: datetime) -> None:
    o = t.outbox
    rows = conn.execute(
        select(o.c.partner_id, o.c.kind).where(o.c.sent_at >= since, o.c.sent_at < until)
    )
    for partner_id, kind in rows:
        p = counts.partner(partner_id)
        p.files_sent_by_kind[kind] = p.files_sent_by_kind.get(kind, 0) + 1
        family = _kind_family(kind)
        if family == "status":
            p.status_files_sent += 1
        elif family == "booking":
            p.booking_files_sent += 1


def _bookings(conn: Connection, counts: _Counts, since: datetime, until: datetime) -> None:
    """Booking versions recorded that day whose space status is confirmed."""
    b, bv = t.bookings, t.booking_versions
    rows = conn.execute(
        select(b.c.partner_id, bv.c.document)
        .join(b, b.c.id == bv.c.booking_id)
        .where(bv.c.recorded_at >= since, bv.c.recorded_at < until)
    )
    for partner_id, document in rows:
        if isinstance(document, Mapping) and document.get("space_status") == "confirmed":
            counts.partner(partner_id).bookings_confirmed += 1


def _alerts(conn: Connection, counts: _Counts, since: datetime, until: datetime) -> None:
    query = select(t.tracking_alerts.c.partner_id, t.tracking_alerts.c.kind).where(
        t.tracking_alerts.c.raised_at >= since, t.tracking_alerts.c.raised_at < until
    )
    for partner_id, kind in conn.execute(query):
        found = counts.partner(partner_id).alerts_by_kind
        found[kind] = found.get(kind, 0) + 1


def _acks(conn: Connection, counts: _Counts, since: datetime, until: datetime) -> None:
    """Acknowledgments received for our interchanges, and the ack alerts raised, that day."""
    oi, ta = t.outbound_interchanges, t.tracking_alerts
    for partner_id, status in conn.execute(
        select(oi.c.partner_id, oi.c.ack_status).where(oi.c.ack_at >= since, oi.c.ack_at < until)
    ):
        p = counts.partner(partner_id)
        p.acks_by_status[status] = p.acks_by_status.get(status, 0) + 1
    for partner_id, kind in conn.execute(
        select(ta.c.partner_id, ta.c.kind).where(
            ta.c.kind.in_(["ack_rejected", "ack_overdue"]),
            ta.c.raised_at >= since,
            ta.c.raised_at < until,
        )
    ):
        p = counts.partner(partner_id)
        p.ack_alerts[kind] = p.ack_alerts.get(kind, 0) + 1


def _trend(counts: _Counts, days: Iterable[date]) -> list[DayTotals]:
    return [DayTotals(d, counts.files[d], counts.pos[d], counts.errors[d]) for d in days]


def collect(
    engine: Engine,
    day: date,
    *,
    now: datetime | None = None,
    partner_ids: Iterable[str] = (),
    trend_days: int = TREND_DAYS,
) -> NightlyReport:
    """The report for UTC ``day``; ``partner_ids`` get a row even on a quiet day."""
    counts = _Counts(day)
    for partner_id in partner_ids:
        counts.partner(partner_id)
    first = day - timedelta(days=trend_days - 1)
    since, until = day_bounds(first)[0], day_bounds(day)[1]
    day_start = day_bounds(day)[0]
    generated = now or datetime.now(UTC)
    with engine.connect() as conn:
        _files(conn, counts, since, until)
        _audit(conn, counts, since, until)
        _findings(conn, counts, day_start, until)
        _sent(conn, counts, day_start, until)
        _bookings(conn, counts, day_start, until)
        _alerts(conn, counts, day_start, until)
        _acks(conn, counts, day_start, until)
        actions = collect_actions(conn, ActionContext(now=generated, until=until))
    partners = [counts.partners[k] for k in sorted(counts.partners)]
    for p in partners:
        p.findings_by_code = dict(sorted(p.findings_by_code.items()))
    days = [first + timedelta(days=i) for i in range(trend_days)]
    return NightlyReport(day, generated, partners, _trend(counts, days), actions)


def report_totals(report: NightlyReport) -> dict[str, int]:
    """Every partner together: the totals row of the per-partner table."""
    totals: Counter[str] = Counter()
    for counts in totals_by_partner(report).values():
        totals.update(counts)
    return dict(totals)


def totals_by_partner(report: NightlyReport) -> dict[str, dict[str, int]]:
    """Flat per-partner counts (for the CSV extract and the HTML table)."""
    flat: dict[str, dict[str, int]] = defaultdict(dict)
    for p in report.partners:
        row = flat[p.partner_id]
        row["files_received"] = p.files_received
        for state in FILE_STATES:
            row[f"files_{state}"] = p.files_by_state.get(state, 0)
        for outcome in PO_OUTCOMES:
            row[f"pos_{outcome}"] = p.pos.get(outcome, 0)
        row["findings"] = sum(p.findings_by_code.values())
        row["status_files_sent"] = p.status_files_sent
        row["booking_files_sent"] = p.booking_files_sent
        row["bookings_confirmed"] = p.bookings_confirmed
    return dict(flat)
