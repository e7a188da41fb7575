"""Apply a batch of POs with a handful of statements instead of a dozen per PO.

``apply_many`` gives exactly the results (and writes exactly the rows) that calling
``lifecycle.apply`` on each item in order would, but it looks up every PO number of the batch in
one query and writes the common cases in bulk:

- an unchanged resubmission (same content hash) is a ``duplicate`` with no write at all, and a
  new PO with errors whose options say ``on_errors: reject`` is ``rejected`` with none either;
- new POs that are not approved on receipt (``needs_approval`` or ``on_hold``) are created
  together: one multi-row INSERT per table for the whole batch.

Everything else (cancels, changes to a stored PO, approval on receipt with its fulfillment
orders, a PO number that occurs twice in the batch) goes through ``lifecycle.apply`` one by one,
after the pending bulk rows are written, so the order of effects is the order of the items.

The new POs' ids come from one multi-row INSERT ... RETURNING; their other rows go in with binary
COPY on PostgreSQL and the driver's executemany on SQLite (see ``_write``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Dialect, Table, insert, select
from sqlalchemy.engine import Connection, Row

from orderport.model import Finding, OnErrors, PurchaseOrder, Purpose, Severity, has_errors
from orderport.store.canonical import canonical_bytes, canonical_document
from orderport.store.lifecycle import (
    CHANGE_OF_UNKNOWN_PO,
    ApplyResult,
    Outcome,
    PoStatus,
    UnknownPartnerError,
    apply,
    finding_rows,
    line_rows,
)
from orderport.store.tables import (
    audit_log,
    partners,
    po_lines,
    po_packaging,
    po_status_history,
    po_versions,
    purchase_orders,
)
from orderport.store.tables import findings as findings_table
from orderport.store.types import utcnow

ApplyItem = tuple[PurchaseOrder, Sequence[Finding]]
COPY_MIN_ROWS = 50
"""Below this many rows, COPY's extra round trips cost more than an executemany."""


@dataclass
class _NewPo:
    index: int
    po: PurchaseOrder
    document: dict[str, Any]
    text: str
    digest: str
    found: list[Finding]
    status: PoStatus


@dataclass
class _Pending:
    """New POs waiting to be written in bulk."""

    creates: list[_NewPo] = field(default_factory=list)
    partner_checked: bool = False


def apply_many(
    conn: Connection,
    partner_id: str,
    items: Sequence[ApplyItem],
    *,
    inbound_file_id: int | None = None,
    partner_auto_approve: bool = False,
    actor: str = "intake",
) -> list[ApplyResult]:
    """``[apply(conn, partner_id, po, findings, ...) for po, findings in items]``, in bulk."""
    if not items:
        return []
    stored = _load_many(conn, partner_id, {po.po_number for po, _ in items})
    results: list[ApplyResult | None] = [None] * len(items)
    pending = _Pending()
    seen: set[str] = set()

    def one_by_one(index: int, po: PurchaseOrder, found: Sequence[Finding]) -> None:
        _flush(conn, partner_id, pending, results, inbound_file_id, actor)
        results[index] = apply(
            conn,
            partner_id,
            po,
            found,
            inbound_file_id=inbound_file_id,
            partner_auto_approve=partner_auto_approve,
            actor=actor,
        )

    for index, (po, findings) in enumerate(items):
        number = po.po_number
        repeated = number in seen
        seen.add(number)
        row = stored.get(number)
        if repeated or po.purpose is Purpose.CANCEL:
            one_by_one(index, po, findings)
            continue
        document = canonical_document(po)
        text, digest = hashed_text(document)
        found = list(findings)
        if row is not None:
            if row.content_hash == digest:
                status = PoStatus(row.status)
                results[index] = ApplyResult(
                    Outcome.DUPLICATE, row.id, row.current_version, status, found
                )
            else:
                one_by_one(index, po, findings)
            continue
        errors = has_errors(found)
        if errors and po.options.on_errors is OnErrors.REJECT:
            results[index] = ApplyResult(Outcome.REJECTED, None, None, None, found)
            continue
        if not errors and (po.options.is_approved or partner_auto_approve):
            one_by_one(index, po, findings)
            continue
        if po.purpose is Purpose.CHANGE:
            found.append(
                Finding(
                    code=CHANGE_OF_UNKNOWN_PO,
                    severity=Severity.WARNING,
                    path="$.purpose",
                    message=f"change for PO {number}, which was never received; stored as new",
                )
            )
        status = PoStatus.ON_HOLD if errors else PoStatus.NEEDS_APPROVAL
        pending.creates.append(_NewPo(index, po, document, text, digest, found, status))
    _flush(conn, partner_id, pending, results, inbound_file_id, actor)
    done = [result for result in results if result is not None]
    assert len(done) == len(items)
    return done


def hashed_text(document: dict[str, Any]) -> tuple[str, str]:
    """The document's JSON text and its hash, exactly as ``canonical.document_hash`` makes it.

    The same text is then stored, so the document is serialised once instead of twice.
    """
    data = canonical_bytes(document)
    return data.decode("utf-8"), hashlib.sha256(data).hexdigest()


def _load_many(conn: Connection, partner_id: str, numbers: set[str]) -> dict[str, Row[Any]]:
    """The stored rows of ``numbers``, locked for update like ``lifecycle._load``."""
    query = (
        select(purchase_orders)
        .where(
            purchase_orders.c.partner_id == partner_id,
            purchase_orders.c.po_number.in_(sorted(numbers)),
        )
        .with_for_update()
    )
    return {row.po_number: row for row in conn.execute(query)}


def _flush(
    conn: Connection,
    partner_id: str,
    pending: _Pending,
    results: list[ApplyResult | None],
    inbound_file_id: int | None,
    actor: str,
) -> None:
    creates = pending.creates
    if not creates:
        return
    pending.creates = []
    if not pending.partner_checked:
        # Checked only before the first write, as ``apply`` does: rejections, refusals and
        # duplicates need no registered partner.
        found = conn.execute(select(partners.c.id).where(partners.c.id == partner_id)).first()
        if found is None:
            raise UnknownPartnerError(
                f"partner {partner_id!r} is not registered in the store (use upsert_partner)"
            )
        pending.partner_checked = True
    now = utcnow()
    ids = _insert_heads(conn, partner_id, creates, now)
    version_rows: list[dict[str, Any]] = []
    lines: list[dict[str, Any]] = []
    packaging: list[dict[str, Any]] = []
    found_rows: list[dict[str, Any]] = []
    history: list[dict[str, Any]] = []
    audits: list[dict[str, Any]] = []
    for new, po_id in zip(creates, ids, strict=True):
        po = new.po
        version_rows.append(
            {
                "po_id": po_id,
                "version": 1,
                "purpose": po.purpose.value,
                "document": new.document,
                "document_text": new.text,
                "content_hash": new.digest,
                "inbound_file_id": inbound_file_id,
                "created_at": now,
            }
        )
        lines.extend(line_rows(po_id, 1, po))
        packaging.extend(
            {"po_id": po_id, "version": 1, "seq": seq, "packaging": item}
            for seq, item in enumerate(new.document.get("packaging") or (), start=1)
        )
        found_rows.extend(finding_rows(new.found, po_id, 1, inbound_file_id))
        held = new.status is PoStatus.ON_HOLD
        history.append(
            {
                "po_id": po_id,
                "version": 1,
                "status": new.status.value,
                "at": now,
                "reason": "received with errors" if held else "received",
                "actor": actor,
            }
        )
        outcome = Outcome.HELD if held else Outcome.CREATED
        audits.append(
            {
                "at": now,
                "actor": actor,
                "action": f"po.{outcome.value}",
                "entity": "purchase_order",
                "entity_id": str(po_id),
                "detail": {
                    "partner_id": partner_id,
                    "po_number": po.po_number,
                    "version": 1,
                    "status": new.status.value,
                    "inbound_file_id": inbound_file_id,
                },
            }
        )
        results[new.index] = ApplyResult(outcome, po_id, 1, new.status, new.found)
    _write(conn, po_versions, version_rows, json_text="document")
    _write(conn, po_lines, lines)
    _write(conn, po_packaging, packaging)
    _write(conn, findings_table, found_rows)
    _write(conn, po_status_history, history)
    _write(conn, audit_log, audits)


def _insert_heads(
    conn: Connection, partner_id: str, creates: list[_NewPo], now: datetime
) -> list[int]:
    rows = [
        {
            "partner_id": partner_id,
            "po_number": new.po.po_number,
            "external_id": new.po.external_id,
            "status": new.status.value,
            "current_version": 1,
            "content_hash": new.digest,
            "created_at": now,
            "updated_at": now,
        }
        for new in creates
    ]
    statement = insert(purchase_orders).returning(
        purchase_orders.c.id, sort_by_parameter_order=True
    )
    return [int(row.id) for row in conn.execute(statement, rows)]


@dataclass(frozen=True)
class _Plan:
    """How to bulk-insert into one table on one dialect."""

    names: list[str]
    processors: list[Callable[[Any], Any] | None]
    pg_types: list[str]
    copy: str
    insert: str


_PG_TYPE_NAMES = {
    "integer": "int4",
    "bigint": "int8",
    "timestamp with time zone": "timestamptz",
    "timestamp without time zone": "timestamp",
}


@cache
def _plan(table: Table, dialect: Dialect) -> _Plan:
    """Columns without generated ids, their bind processors and PostgreSQL type names."""
    columns = [c for c in table.columns if not (c.primary_key and c.autoincrement is True)]
    names = [c.name for c in columns]
    pg_types = []
    for column in columns:
        name = column.type.compile(dialect).split("(", 1)[0].strip().lower()
        pg_types.append(_PG_TYPE_NAMES.get(name, name))
    joined = ", ".join(names)
    return _Plan(
        names=names,
        processors=[
            column.type.dialect_impl(dialect).bind_processor(dialect) for column in columns
        ],
        pg_types=pg_types,
        copy=f"COPY {table.name} ({joined}) FROM STDIN (FORMAT BINARY)",
        # Names come from our own table metadata, never from input.
        insert=f"INSERT INTO {table.name} ({joined}) VALUES ({', '.join('?' * len(names))})",  # noqa: S608
    )


def _same_text(text: str) -> str:
    return text


def _write(
    conn: Connection, table: Table, rows: list[dict[str, Any]], json_text: str | None = None
) -> None:
    """Insert ``rows`` the cheapest way the database offers; the same values either way.

    PostgreSQL: binary COPY once there are enough rows to pay for it. SQLite: the driver's
    executemany with SQLAlchemy's own bind processors (so stored values are identical), which
    skips SQLAlchemy's per-row statement machinery. ``json_text`` names a column whose
    serialised JSON is already in the row under ``<column>_text`` (the hashed document), so it
    is not serialised a second time.
    """
    if not rows:
        return
    dialect = conn.dialect
    name = dialect.name
    if name == "postgresql" and len(rows) >= COPY_MIN_ROWS:
        plan = _plan(table, dialect)
        driver: Any = conn.connection.dbapi_connection
        with driver.cursor() as cursor, cursor.copy(plan.copy) as copy:
            copy.set_types(plan.pg_types)
            for values in zip(*_columns(plan.names, rows, json_text, _jsonb_text), strict=True):
                copy.write_row(values)
        return
    if name == "sqlite":
        plan = _plan(table, dialect)
        columns = _columns(plan.names, rows, json_text, _same_text)
        for index, (column, processor) in enumerate(zip(plan.names, plan.processors, strict=True)):
            if processor is not None and column != json_text:
                columns[index] = [processor(value) for value in columns[index]]
        conn.exec_driver_sql(plan.insert, list(zip(*columns, strict=True)))
        return
    conn.execute(insert(table), [_without_text(row, json_text) for row in rows])


def _columns(
    names: list[str],
    rows: list[dict[str, Any]],
    json_text: str | None,
    wrap: Callable[[str], object],
) -> list[list[Any]]:
    """The rows' values column by column (a list comprehension per column instead of a function
    call per cell: the store's largest Python cost on wide tables like ``po_lines``)."""
    columns: list[list[Any]] = []
    for name in names:
        if name == json_text:
            key = f"{name}_text"
            columns.append([wrap(row[key]) for row in rows])
        else:
            columns.append([row.get(name) for row in rows])
    return columns


def _jsonb_text(text: str) -> object:
    from psycopg.types.json import Jsonb

    return Jsonb(text, dumps=_same_text)


def _without_text(row: dict[str, Any], json_text: str | None) -> dict[str, Any]:
    if json_text is None:
        return row
    return {k: v for k, v in row.items() if k != f"{json_text}_text"}
