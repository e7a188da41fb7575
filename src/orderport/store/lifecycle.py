"""The purchase-order lifecycle (seed 002): apply what a partner sent, approve, cancel, get.

``apply`` stores what a partner sent for one PO by the rules in ``orderport.store.decide`` (the
same rules the batch path ``store.bulk.apply_many`` follows): created, updated, duplicate, held,
rejected, refused or canceled. A document that failed the schema is stored as read, on hold,
without line rows (``carry_out`` with no model), so an update can correct it.

Approval places fulfillment orders by the rule in ``orderport.store.routing``. An external id
already used by another PO of the partner blocks approval (finding ``store.external_id_taken``).

Every status change writes a ``po_status_history`` row and every state change an ``audit_log``
row; ``duplicate``, ``refused`` and ``rejected`` change nothing and write nothing. All work
happens in the caller's transaction (``with engine.begin() as conn``). Two transactions
creating the same new PO at once: the second fails with an IntegrityError and is retried.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, Row

from orderport import errors
from orderport.model import Finding, OnErrors, PurchaseOrder, Purpose, Severity
from orderport.model.types import IDENTIFIER_PATTERN
from orderport.store.canonical import canonical_document, document_hash
from orderport.store.decide import (
    CHANGE_OF_UNKNOWN_PO,
    PO_CLOSED,
    PO_UNKNOWN,
    Action,
    DecideOptions,
    Plan,
    PoHead,
    Stored,
    decide,
)
from orderport.store.routing import PlannedOrder, RoutedLine, load_warehouses, plan_fulfillment
from orderport.store.status import CLOSED_STATUSES, PoStatus
from orderport.store.tables import (
    audit_log,
    fulfillment_order_lines,
    fulfillment_orders,
    partners,
    po_lines,
    po_packaging,
    po_status_history,
    po_versions,
    purchase_orders,
)
from orderport.store.tables import findings as findings_table
from orderport.store.types import utcnow, without_nul

_IDENTIFIER = re.compile(IDENTIFIER_PATTERN)
"""A PO number that can identify a stored PO: no control characters, no blank at either end."""

__all__ = [
    "CHANGE_OF_UNKNOWN_PO",
    "CLOSED_STATUSES",
    "EXTERNAL_ID_TAKEN",
    "PO_CLOSED",
    "PO_ON_HOLD",
    "PO_UNKNOWN",
    "ApplyResult",
    "FoStatus",
    "Outcome",
    "PoStatus",
    "StoredPo",
    "UnknownPartnerError",
    "apply",
    "apply_as_read",
    "approve",
    "cancel",
    "get_po",
    "head_of",
    "upsert_partner",
]


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    DUPLICATE = "duplicate"
    HELD = "held"
    REJECTED = "rejected"
    CANCELED = "canceled"
    REFUSED = "refused"
    APPROVED = "approved"


class FoStatus(StrEnum):
    OPEN = "open"
    CANCELED = "canceled"
    SHIPPED = "shipped"


PO_ON_HOLD = "store.po_on_hold"
EXTERNAL_ID_TAKEN = "store.external_id_taken"


class UnknownPartnerError(errors.UnknownPartnerError):
    """The partner has no row in ``partners``; register it with ``upsert_partner`` first."""


@dataclass
class ApplyResult:
    outcome: Outcome
    po_id: int | None
    version: int | None
    status: PoStatus | None
    findings: list[Finding] = field(default_factory=list)
    """The findings passed in plus any the store added (e.g. ``store.po_closed``)."""


@dataclass(frozen=True)
class StatusChange:
    status: PoStatus
    at: datetime
    reason: str | None
    actor: str
    version: int | None


@dataclass(frozen=True)
class VersionInfo:
    version: int
    purpose: Purpose
    content_hash: str
    inbound_file_id: int | None
    created_at: datetime


@dataclass(frozen=True)
class FulfillmentOrder:
    id: int
    seq: int
    external_id: str
    warehouse_code: str
    status: FoStatus
    po_version: int
    lines: tuple[RoutedLine, ...]


@dataclass
class StoredPo:
    id: int
    partner_id: str
    po_number: str
    external_id: str | None
    status: PoStatus
    current_version: int
    content_hash: str
    created_at: datetime
    updated_at: datetime
    document: dict[str, Any]
    """The current version's canonical JSON (what an X12 860 merge starts from)."""
    status_history: list[StatusChange]
    versions: list[VersionInfo]
    fulfillment_orders: list[FulfillmentOrder]
    findings: list[Finding]
    """Findings recorded against the current version."""

    def purchase_order(self) -> PurchaseOrder:
        return PurchaseOrder.model_validate_json(json.dumps(self.document))


# --------------------------------------------------------------------------- public API


def upsert_partner(
    conn: Connection, partner_id: str, name: str, settings: dict[str, Any] | None = None
) -> None:
    """Register a partner or update its name and settings, atomically: two first intake passes
    at once both register it without a unique-key error (INSERT ... ON CONFLICT DO UPDATE)."""
    values = {"name": name, "settings": settings or {}}
    upsert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    statement = upsert(partners).values(id=partner_id, created_at=utcnow(), **values)
    conn.execute(statement.on_conflict_do_update(index_elements=[partners.c.id], set_=values))


def apply(
    conn: Connection,
    partner_id: str,
    po: PurchaseOrder,
    findings: Sequence[Finding],
    *,
    inbound_file_id: int | None = None,
    partner_auto_approve: bool = False,
    actor: str = "intake",
) -> ApplyResult:
    """Store what the partner sent for one PO; the rules are ``store.decide``'s."""
    found = list(findings)
    row = _load(conn, partner_id, po.po_number)
    stored = stored_of(row)
    options = DecideOptions(partner_auto_approve=partner_auto_approve)
    if po.purpose is Purpose.CANCEL:
        plan = decide(stored, head_of(po), found, options)
        return carry_out(conn, partner_id, row, plan, po, None, "", found, inbound_file_id, actor)
    document = canonical_document(po)
    digest = document_hash(document)
    plan = decide(stored, head_of(po), found, options, digest)
    return carry_out(
        conn, partner_id, row, plan, po, document, digest, found, inbound_file_id, actor
    )


PO_NUMBER_MAX = 100


def storable_po_number(document: dict[str, Any]) -> str | None:
    """The PO number of a document as read, when it can identify a stored PO at all."""
    number = document.get("po_number")
    if isinstance(number, str) and len(number) <= PO_NUMBER_MAX and _IDENTIFIER.fullmatch(number):
        return number
    return None


def apply_as_read(
    conn: Connection,
    partner_id: str,
    document: dict[str, Any],
    findings: Sequence[Finding],
    *,
    inbound_file_id: int | None = None,
    actor: str = "intake",
) -> ApplyResult:
    """Store a document the schema refused, exactly as read, on hold with all its findings.

    Held means held: the partner's update (same PO number) corrects it, approval stays blocked
    until then. Rejected instead when the document asks for it (``options.on_errors: reject``,
    seed 002's ``doNotPersistOnWarnings``); a document without a usable PO number is rejected
    (nothing could find it again).
    """
    found = list(findings)
    number = storable_po_number(document)
    if number is None:
        return ApplyResult(Outcome.REJECTED, None, None, None, found)
    as_read = without_nul(json.loads(json.dumps(document, default=str)))
    options = as_read.get("options")
    wants_reject = isinstance(options, dict) and options.get("on_errors") == OnErrors.REJECT.value
    head = PoHead(
        po_number=number,
        purpose=Purpose(_raw_purpose(as_read)),
        on_errors=OnErrors.REJECT if wants_reject else OnErrors.HOLD,
        readable=False,
    )
    row = _load(conn, partner_id, number)
    digest = document_hash(as_read)
    plan = decide(stored_of(row), head, found, DecideOptions(), digest)
    return carry_out(
        conn, partner_id, row, plan, None, as_read, digest, found, inbound_file_id, actor
    )


def head_of(po: PurchaseOrder) -> PoHead:
    """What ``decide`` needs of a validated PO."""
    return PoHead(
        po_number=po.po_number,
        purpose=po.purpose,
        on_errors=po.options.on_errors,
        is_approved=po.options.is_approved,
    )


def stored_of(row: Row[Any] | None) -> Stored | None:
    return None if row is None else Stored(PoStatus(row.status), row.content_hash)


def carry_out(
    conn: Connection,
    partner_id: str,
    row: Row[Any] | None,
    plan: Plan,
    po: PurchaseOrder | None,
    document: dict[str, Any] | None,
    digest: str,
    found: list[Finding],
    inbound_file_id: int | None,
    actor: str,
) -> ApplyResult:
    """Write what ``plan`` says, one PO at a time (the bulk path writes common plans itself).

    ``po`` is None for a document the schema refused: it is stored as read (``document``), on
    hold, without line rows.
    """
    found.extend(plan.added)
    po_id = row.id if row is not None else None
    version = row.current_version if row is not None else None
    if plan.action in (Action.DUPLICATE, Action.REJECT, Action.REFUSE):
        outcome = {
            Action.DUPLICATE: Outcome.DUPLICATE,
            Action.REJECT: Outcome.REJECTED,
            Action.REFUSE: Outcome.REFUSED,
        }[plan.action]
        return ApplyResult(outcome, po_id, version, plan.status, found)
    if plan.action is Action.CANCEL:
        assert row is not None
        return _cancel(
            conn, row, "canceled by partner", actor, found, inbound_file_id=inbound_file_id
        )
    assert document is not None
    assert plan.status is not None
    if row is None:
        return _create(
            conn, partner_id, po, document, digest, found, inbound_file_id, plan.status, actor
        )
    return _update(conn, row, po, document, digest, found, inbound_file_id, plan.status, actor)


def approve(
    conn: Connection, partner_id: str, po_number: str, actor: str = "operator"
) -> ApplyResult:
    """Approve a PO that needs approval and create its fulfillment orders."""
    row = _load(conn, partner_id, po_number)
    if row is None:
        return _refused([], PO_UNKNOWN, f"PO {po_number} is unknown, cannot approve it")
    status = PoStatus(row.status)
    if status is PoStatus.APPROVED:
        return ApplyResult(Outcome.DUPLICATE, row.id, row.current_version, status, [])
    if status is not PoStatus.NEEDS_APPROVAL:
        code, why = (
            (PO_ON_HOLD, "is on hold; correct its errors with an update first")
            if status is PoStatus.ON_HOLD
            else (PO_CLOSED, f"is {status.value}")
        )
        return _refused(
            [],
            code,
            f"PO {po_number} {why}, cannot approve it",
            po_id=row.id,
            version=row.current_version,
            status=status,
        )
    document = _document(conn, row.id, row.current_version)
    plan = _plan(conn, row, document, _stored_lines(conn, row.id, row.current_version))
    conflict = _external_id_conflict(conn, row.partner_id, row.id, plan)
    if conflict is not None:
        return ApplyResult(Outcome.REFUSED, row.id, row.current_version, status, [conflict])
    now = utcnow()
    _place(conn, row.id, row.partner_id, row.current_version, plan, now)
    _set_status(conn, row.id, PoStatus.APPROVED, now)
    _record_status(conn, row.id, row.current_version, PoStatus.APPROVED, "approved", actor, now)
    _audit(conn, row, "po.approved", actor, now, {"fulfillment_orders": len(plan)})
    return ApplyResult(Outcome.APPROVED, row.id, row.current_version, PoStatus.APPROVED, [])


def cancel(
    conn: Connection, partner_id: str, po_number: str, reason: str, actor: str = "operator"
) -> ApplyResult:
    """Cancel a PO and its open fulfillment orders (the rules are ``decide``'s, as for a
    partner's cancel)."""
    row = _load(conn, partner_id, po_number)
    plan = decide(stored_of(row), PoHead(po_number=po_number, purpose=Purpose.CANCEL), [])
    if plan.action is not Action.CANCEL:
        return carry_out(conn, partner_id, row, plan, None, None, "", [], None, actor)
    assert row is not None
    return _cancel(conn, row, reason, actor, [])


def get_po(conn: Connection, partner_id: str, po_number: str) -> StoredPo | None:
    """The stored PO with its current document, history, versions, fulfillment orders."""
    row = _load(conn, partner_id, po_number, lock=False)
    if row is None:
        return None
    history = [
        StatusChange(PoStatus(h.status), h.at, h.reason, h.actor, h.version)
        for h in conn.execute(
            select(po_status_history)
            .where(po_status_history.c.po_id == row.id)
            .order_by(po_status_history.c.id)
        )
    ]
    versions = [
        VersionInfo(v.version, Purpose(v.purpose), v.content_hash, v.inbound_file_id, v.created_at)
        for v in conn.execute(
            select(
                po_versions.c.version,
                po_versions.c.purpose,
                po_versions.c.content_hash,
                po_versions.c.inbound_file_id,
                po_versions.c.created_at,
            )
            .where(po_versions.c.po_id == row.id)
            .order_by(po_versions.c.version)
        )
    ]
    stored_findings = [
        Finding.model_validate(
            {
                "code": f.code,
                "severity": f.severity,
                "path": f.path,
                "message": f.message,
                "location": f.location,
            }
        )
        for f in conn.execute(
            select(findings_table)
            .where(
                findings_table.c.po_id == row.id,
                findings_table.c.version == row.current_version,
            )
            .order_by(findings_table.c.id)
        )
    ]
    return StoredPo(
        id=row.id,
        partner_id=row.partner_id,
        po_number=row.po_number,
        external_id=row.external_id,
        status=PoStatus(row.status),
        current_version=row.current_version,
        content_hash=row.content_hash,
        created_at=row.created_at,
        updated_at=row.updated_at,
        document=_document(conn, row.id, row.current_version),
        status_history=history,
        versions=versions,
        fulfillment_orders=_fulfillment_orders(conn, row.id),
        findings=stored_findings,
    )


# --------------------------------------------------------------------------- transitions


def _create(
    conn: Connection,
    partner_id: str,
    po: PurchaseOrder | None,
    document: dict[str, Any],
    digest: str,
    found: list[Finding],
    inbound_file_id: int | None,
    status: PoStatus,
    actor: str,
) -> ApplyResult:
    if conn.execute(select(partners.c.id).where(partners.c.id == partner_id)).first() is None:
        raise UnknownPartnerError(
            f"partner {partner_id!r} is not registered in the store (use upsert_partner)"
        )
    now = utcnow()
    head = _head_values(po, document)
    po_id: int = conn.execute(
        insert(purchase_orders)
        .values(
            partner_id=partner_id,
            po_number=head["po_number"],
            external_id=head["external_id"],
            status=status.value,
            current_version=1,
            content_hash=digest,
            created_at=now,
            updated_at=now,
        )
        .returning(purchase_orders.c.id)
    ).scalar_one()
    _insert_version(conn, po_id, 1, po, document, digest, inbound_file_id, now)
    row = _load(conn, partner_id, head["po_number"], lock=False)
    assert row is not None
    if status is PoStatus.APPROVED and po is not None:
        status = _approve_on_receipt(conn, row, po, 1, found, now)
    _insert_findings(conn, found, po_id, 1, inbound_file_id)
    reason = _reason(status, "received")
    _record_status(conn, po_id, 1, status, reason, actor, now)
    outcome = Outcome.HELD if status is PoStatus.ON_HOLD else Outcome.CREATED
    _audit(conn, row, f"po.{outcome.value}", actor, now, _detail(1, status, inbound_file_id))
    return ApplyResult(outcome, po_id, 1, status, found)


def _update(
    conn: Connection,
    row: Row[Any],
    po: PurchaseOrder | None,
    document: dict[str, Any],
    digest: str,
    found: list[Finding],
    inbound_file_id: int | None,
    status: PoStatus,
    actor: str,
) -> ApplyResult:
    now = utcnow()
    old_status = PoStatus(row.status)
    version = row.current_version + 1
    _insert_version(conn, row.id, version, po, document, digest, inbound_file_id, now)
    if status is PoStatus.APPROVED and po is not None:
        status = _approve_on_receipt(conn, row, po, version, found, now)
    if status is not PoStatus.APPROVED:
        _cancel_open_orders(conn, row.id, now)
    conn.execute(
        update(purchase_orders)
        .where(purchase_orders.c.id == row.id)
        .values(
            external_id=_head_values(po, document)["external_id"],
            status=status.value,
            current_version=version,
            content_hash=digest,
            updated_at=now,
        )
    )
    _insert_findings(conn, found, row.id, version, inbound_file_id)
    if status is not old_status:
        _record_status(conn, row.id, version, status, _reason(status, "changed"), actor, now)
    outcome = Outcome.HELD if status is PoStatus.ON_HOLD else Outcome.UPDATED
    _audit(conn, row, f"po.{outcome.value}", actor, now, _detail(version, status, inbound_file_id))
    return ApplyResult(outcome, row.id, version, status, found)


def _cancel(
    conn: Connection,
    row: Row[Any],
    reason: str,
    actor: str,
    found: list[Finding],
    *,
    inbound_file_id: int | None = None,
) -> ApplyResult:
    now = utcnow()
    _cancel_open_orders(conn, row.id, now)
    _set_status(conn, row.id, PoStatus.CANCELED, now)
    _insert_findings(conn, found, row.id, row.current_version, inbound_file_id)
    _record_status(conn, row.id, row.current_version, PoStatus.CANCELED, reason, actor, now)
    detail = _detail(row.current_version, PoStatus.CANCELED, inbound_file_id)
    _audit(conn, row, "po.canceled", actor, now, {**detail, "reason": reason})
    return ApplyResult(Outcome.CANCELED, row.id, row.current_version, PoStatus.CANCELED, found)


def _head_values(po: PurchaseOrder | None, document: dict[str, Any]) -> dict[str, Any]:
    """PO number and external id of a model, or of a document as read (text or nothing)."""
    if po is not None:
        return {"po_number": po.po_number, "external_id": po.external_id}
    external = document.get("external_id")
    return {
        "po_number": str(document["po_number"]),
        # An id the schema refused (too long, not text) is not kept: it is a finding already.
        "external_id": external if isinstance(external, str) and len(external) <= 100 else None,
    }


def _approve_on_receipt(
    conn: Connection,
    row: Row[Any],
    po: PurchaseOrder,
    version: int,
    found: list[Finding],
    now: datetime,
) -> PoStatus:
    """Place the fulfillment orders; a taken external id holds the PO instead."""
    lines = [RoutedLine(ln.line_number, ln.sku, ln.quantity, ln.uom) for ln in po.lines]
    plan = plan_fulfillment(
        lines,
        load_warehouses(conn),
        external_id=po.external_id or po.po_number,
        can_split=po.options.can_split,
    )
    conflict = _external_id_conflict(conn, row.partner_id, row.id, plan)
    if conflict is not None:
        found.append(conflict)
        return PoStatus.ON_HOLD
    _place(conn, row.id, row.partner_id, version, plan, now)
    return PoStatus.APPROVED


def _refused(
    found: list[Finding],
    code: str,
    message: str,
    *,
    po_id: int | None = None,
    version: int | None = None,
    status: PoStatus | None = None,
) -> ApplyResult:
    refusal = Finding(code=code, severity=Severity.ERROR, path="$.po_number", message=message)
    return ApplyResult(Outcome.REFUSED, po_id, version, status, [*found, refusal])


def _reason(status: PoStatus, event: str) -> str:
    if status is PoStatus.ON_HOLD:
        return f"{event} with errors"
    if status is PoStatus.APPROVED:
        return f"{event}, approved"
    return event


# --------------------------------------------------------------------------- fulfillment


def _plan(
    conn: Connection, row: Row[Any], document: dict[str, Any], lines: list[RoutedLine]
) -> list[PlannedOrder]:
    options = document.get("options") or {}
    return plan_fulfillment(
        lines,
        load_warehouses(conn),
        external_id=row.external_id or row.po_number,
        can_split=bool(options.get("can_split", False)),
    )


def _external_id_conflict(
    conn: Connection, partner_id: str, po_id: int, plan: Sequence[PlannedOrder]
) -> Finding | None:
    wanted = {order.external_id: order.seq for order in plan}
    if not wanted:
        return None
    taken = [
        r.external_id
        for r in conn.execute(
            select(
                fulfillment_orders.c.external_id,
                fulfillment_orders.c.po_id,
                fulfillment_orders.c.seq,
            ).where(
                fulfillment_orders.c.partner_id == partner_id,
                fulfillment_orders.c.external_id.in_(wanted),
            )
        )
        if r.po_id != po_id or r.seq != wanted[r.external_id]
    ]
    if not taken:
        return None
    return Finding(
        code=EXTERNAL_ID_TAKEN,
        severity=Severity.ERROR,
        path="$.external_id",
        message=(
            f"external id {', '.join(sorted(taken))} is already used by another fulfillment "
            "order of this partner; send a unique external_id"
        ),
    )


def _place(
    conn: Connection,
    po_id: int,
    partner_id: str,
    version: int,
    plan: Sequence[PlannedOrder],
    now: datetime,
) -> None:
    """Create or re-plan the PO's fulfillment orders; rows are reused by ``seq``."""
    existing = {
        r.seq: r.id
        for r in conn.execute(
            select(fulfillment_orders.c.seq, fulfillment_orders.c.id).where(
                fulfillment_orders.c.po_id == po_id
            )
        )
    }
    line_rows: list[dict[str, Any]] = []
    for order in plan:
        values = {
            "po_version": version,
            "external_id": order.external_id,
            "warehouse_code": order.warehouse_code,
            "status": FoStatus.OPEN.value,
            "updated_at": now,
        }
        fo_id = existing.get(order.seq)
        if fo_id is None:
            fo_id = conn.execute(
                insert(fulfillment_orders)
                .values(po_id=po_id, partner_id=partner_id, seq=order.seq, created_at=now, **values)
                .returning(fulfillment_orders.c.id)
            ).scalar_one()
        else:
            conn.execute(
                update(fulfillment_orders).where(fulfillment_orders.c.id == fo_id).values(**values)
            )
            conn.execute(
                delete(fulfillment_order_lines).where(fulfillment_order_lines.c.fo_id == fo_id)
            )
        line_rows.extend(
            {
                "fo_id": fo_id,
                "position": position,
                "line_number": line.line_number,
                "sku": line.sku,
                "quantity": line.quantity,
                "uom": line.uom,
            }
            for position, line in enumerate(order.lines, start=1)
        )
    stale = [fo_id for seq, fo_id in existing.items() if seq > len(plan)]
    if stale:
        conn.execute(
            update(fulfillment_orders)
            .where(
                fulfillment_orders.c.id.in_(stale),
                fulfillment_orders.c.status == FoStatus.OPEN.value,
            )
            .values(status=FoStatus.CANCELED.value, updated_at=now)
        )
    if line_rows:
        conn.execute(insert(fulfillment_order_lines), line_rows)


def _cancel_open_orders(conn: Connection, po_id: int, now: datetime) -> None:
    conn.execute(
        update(fulfillment_orders)
        .where(
            fulfillment_orders.c.po_id == po_id,
            fulfillment_orders.c.status == FoStatus.OPEN.value,
        )
        .values(status=FoStatus.CANCELED.value, updated_at=now)
    )


def _fulfillment_orders(conn: Connection, po_id: int) -> list[FulfillmentOrder]:
    orders = conn.execute(
        select(fulfillment_orders)
        .where(fulfillment_orders.c.po_id == po_id)
        .order_by(fulfillment_orders.c.seq)
    ).all()
    lines: dict[int, list[RoutedLine]] = {}
    if orders:
        for ln in conn.execute(
            select(fulfillment_order_lines)
            .where(fulfillment_order_lines.c.fo_id.in_([o.id for o in orders]))
            .order_by(fulfillment_order_lines.c.fo_id, fulfillment_order_lines.c.position)
        ):
            lines.setdefault(ln.fo_id, []).append(
                RoutedLine(ln.line_number, ln.sku, ln.quantity, ln.uom)
            )
    return [
        FulfillmentOrder(
            id=o.id,
            seq=o.seq,
            external_id=o.external_id,
            warehouse_code=o.warehouse_code,
            status=FoStatus(o.status),
            po_version=o.po_version,
            lines=tuple(lines.get(o.id, ())),
        )
        for o in orders
    ]


# --------------------------------------------------------------------------- rows


def _load(
    conn: Connection, partner_id: str, po_number: str, *, lock: bool = True
) -> Row[Any] | None:
    query = select(purchase_orders).where(
        purchase_orders.c.partner_id == partner_id, purchase_orders.c.po_number == po_number
    )
    if lock:
        query = query.with_for_update()
    return conn.execute(query).first()


def _document(conn: Connection, po_id: int, version: int) -> dict[str, Any]:
    document: dict[str, Any] = conn.execute(
        select(po_versions.c.document).where(
            po_versions.c.po_id == po_id, po_versions.c.version == version
        )
    ).scalar_one()
    return document


def _stored_lines(conn: Connection, po_id: int, version: int) -> list[RoutedLine]:
    return [
        RoutedLine(r.line_number, r.sku, r.quantity, r.uom)
        for r in conn.execute(
            select(po_lines.c.line_number, po_lines.c.sku, po_lines.c.quantity, po_lines.c.uom)
            .where(po_lines.c.po_id == po_id, po_lines.c.version == version)
            .order_by(po_lines.c.position)
        )
    ]


def _insert_version(
    conn: Connection,
    po_id: int,
    version: int,
    po: PurchaseOrder | None,
    document: dict[str, Any],
    digest: str,
    inbound_file_id: int | None,
    now: datetime,
) -> None:
    conn.execute(
        insert(po_versions).values(
            po_id=po_id,
            version=version,
            purpose=po.purpose.value if po is not None else _raw_purpose(document),
            document=document,
            content_hash=digest,
            inbound_file_id=inbound_file_id,
            created_at=now,
        )
    )
    rows = line_rows(po_id, version, po) if po is not None else []
    if rows:
        conn.execute(insert(po_lines), rows)
    packaging_rows = [
        {"po_id": po_id, "version": version, "seq": seq, "packaging": packaging}
        for seq, packaging in enumerate(
            (document.get("packaging") or ()) if po is not None else (), start=1
        )
    ]
    if packaging_rows:
        conn.execute(insert(po_packaging), packaging_rows)


def _raw_purpose(document: dict[str, Any]) -> str:
    purpose = document.get("purpose")
    known = {p.value for p in Purpose}
    return purpose if isinstance(purpose, str) and purpose in known else Purpose.ORIGINAL.value


def _insert_findings(
    conn: Connection,
    found: Iterable[Finding],
    po_id: int | None,
    version: int | None,
    inbound_file_id: int | None,
) -> None:
    rows = finding_rows(found, po_id, version, inbound_file_id)
    if rows:
        conn.execute(insert(findings_table), rows)


def line_rows(po_id: int, version: int, po: PurchaseOrder) -> list[dict[str, Any]]:
    """The ``po_lines`` rows of one version of a PO (shared with the bulk path)."""
    default_currency = po.currency
    return [
        {
            "po_id": po_id,
            "version": version,
            "position": position,
            "line_number": ln.line_number,
            "sku": ln.sku,
            "buyer_sku": ln.buyer_sku,
            "vendor_sku": ln.vendor_sku,
            "gtin": ln.gtin,
            "description": ln.description,
            "quantity": ln.quantity,
            "uom": ln.uom,
            "unit_cost": ln.unit_cost.amount if ln.unit_cost else None,
            "currency": ln.unit_cost.currency if ln.unit_cost else default_currency,
            "requested_delivery_date": ln.requested_delivery_date,
        }
        for position, ln in enumerate(po.lines, start=1)
    ]


def finding_rows(
    found: Iterable[Finding], po_id: int | None, version: int | None, inbound_file_id: int | None
) -> list[dict[str, Any]]:
    """The ``findings`` rows for findings recorded against a PO version (or a file)."""
    return [
        {
            "inbound_file_id": inbound_file_id,
            "po_id": po_id,
            "version": version,
            "code": f.code,
            "severity": f.severity.value,
            "path": f.path,
            "message": f.message,
            "location": f.location.model_dump(mode="json", exclude_none=True)
            if f.location
            else None,
        }
        for f in found
    ]


def _set_status(conn: Connection, po_id: int, status: PoStatus, now: datetime) -> None:
    conn.execute(
        update(purchase_orders)
        .where(purchase_orders.c.id == po_id)
        .values(status=status.value, updated_at=now)
    )


def _record_status(
    conn: Connection,
    po_id: int,
    version: int | None,
    status: PoStatus,
    reason: str | None,
    actor: str,
    now: datetime,
) -> None:
    conn.execute(
        insert(po_status_history).values(
            po_id=po_id, version=version, status=status.value, at=now, reason=reason, actor=actor
        )
    )


def _detail(version: int, status: PoStatus, inbound_file_id: int | None) -> dict[str, Any]:
    return {"version": version, "status": status.value, "inbound_file_id": inbound_file_id}


def _audit(
    conn: Connection,
    row: Row[Any],
    action: str,
    actor: str,
    now: datetime,
    detail: dict[str, Any],
) -> None:
    conn.execute(
        insert(audit_log).values(
            at=now,
            actor=actor,
            action=action,
            entity="purchase_order",
            entity_id=str(row.id),
            detail={"partner_id": row.partner_id, "po_number": row.po_number, **detail},
        )
    )
