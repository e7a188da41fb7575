"""``apply_many`` must do exactly what ``apply`` does item by item: same results, same rows.

Two partners in one database: "seq" gets every PO through ``apply``, "bulk" through
``apply_many``; then every table is compared with ids and timestamps left out.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import Engine, select, text

from orderport.model import Finding, PurchaseOrder, Severity, SourceLocation
from orderport.store import Outcome, UnknownPartnerError, apply, content_hash, upsert_partner
from orderport.store.bulk import COPY_MIN_ROWS, apply_many, hashed_text
from orderport.store.canonical import canonical_document
from orderport.store.lifecycle import ApplyResult
from orderport.store.tables import (
    audit_log,
    findings,
    fulfillment_order_lines,
    fulfillment_orders,
    po_lines,
    po_packaging,
    po_status_history,
    po_versions,
    purchase_orders,
)

ERROR = Finding(
    code="rule.quantity",
    severity=Severity.ERROR,
    path="$.lines[0].quantity",
    message="quantity must be positive",
    location=SourceLocation(file="po.csv", row=2, column="Qty"),
)
WARNING = Finding(code="rule.address", severity=Severity.WARNING, path="$", message="odd")


def make_po(number: str, quantity: str = "10.50", **extra: Any) -> PurchaseOrder:
    data: dict[str, Any] = {
        "po_number": number,
        "currency": "USD",
        "lines": [
            {
                "line_number": 1,
                "sku": "00123",
                "quantity": quantity,
                "uom": "EA",
                "unit_cost": {"amount": "2.25", "currency": "USD"},
                "gtin": "036000291452",
            },
            {"line_number": 2, "sku": "00456", "quantity": "3", "uom": "CS"},
        ],
        **extra,
    }
    return PurchaseOrder.model_validate_json(json.dumps(data))


PACKAGING = [
    {
        "packaging_type": "solid",
        "carton_quantity": 2,
        "item": {"sku": "00123", "case_pack_quantity": 5},
    }
]


def first_batch() -> list[tuple[PurchaseOrder, list[Finding]]]:
    """POs that the second batch then duplicates, changes and cancels."""
    return [
        (make_po("PO-DUP"), []),
        (make_po("PO-CHANGE"), [WARNING]),
        (make_po("PO-CANCEL"), []),
        (make_po("PO-APPROVED", options={"is_approved": True}), []),
    ]


def second_batch() -> list[tuple[PurchaseOrder, list[Finding]]]:
    many = [(make_po(f"PO-N{n:03d}", quantity=str(n + 1)), [WARNING]) for n in range(60)]
    return [
        (make_po("PO-DUP"), []),
        (make_po("PO-NEW", packaging=PACKAGING), []),
        (make_po("PO-HELD"), [ERROR, WARNING]),
        (make_po("PO-REJECT", options={"on_errors": "reject"}), [ERROR]),
        (make_po("PO-CHANGE", quantity="99"), []),
        (make_po("PO-CANCEL", purpose="cancel"), []),
        (make_po("PO-GONE", purpose="cancel"), []),
        (make_po("PO-NEWCHANGE", purpose="change"), []),
        (make_po("PO-APPROVED", quantity="7"), []),
        (make_po("PO-AUTO", options={"is_approved": True}), []),
        (make_po("PO-TWICE"), []),
        (make_po("PO-TWICE", quantity="5"), []),
        (make_po("PO-TWICE", quantity="5"), []),
        *many,
    ]


def summary(result: ApplyResult) -> tuple[Any, ...]:
    return (
        result.outcome,
        result.version,
        result.status,
        [f.model_dump() for f in result.findings],
    )


SKIP = {"partner_id", "id", "po_id", "fo_id", "created_at", "updated_at", "at", "entity_id"}


def snapshot(engine: Engine, partner: str) -> dict[str, list[Any]]:
    """Every row the partner's POs produced, keyed by PO number, ids and times left out."""
    out: dict[str, list[Any]] = {}
    with engine.connect() as conn:
        numbers = {
            r.id: r.po_number
            for r in conn.execute(
                select(purchase_orders.c.id, purchase_orders.c.po_number).where(
                    purchase_orders.c.partner_id == partner
                )
            )
        }
        fos = {
            r.id: numbers[r.po_id]
            for r in conn.execute(select(fulfillment_orders.c.id, fulfillment_orders.c.po_id))
            if r.po_id in numbers
        }
        for table, key in (
            (purchase_orders, "id"),
            (po_versions, "po_id"),
            (po_lines, "po_id"),
            (po_packaging, "po_id"),
            (po_status_history, "po_id"),
            (findings, "po_id"),
            (fulfillment_orders, "po_id"),
            (fulfillment_order_lines, "fo_id"),
        ):
            owners = fos if key == "fo_id" else numbers
            rows = [
                (owners[row[key]], {k: v for k, v in row.items() if k not in SKIP})
                for row in (r._asdict() for r in conn.execute(select(table)))
                if row[key] in owners
            ]
            out[table.name] = sorted(rows, key=repr)
        audits = [
            {k: v for k, v in r._asdict().items() if k not in SKIP}
            for r in conn.execute(select(audit_log))
        ]
        out["audit_log"] = sorted(
            (a for a in audits if a["detail"]["partner_id"] == partner), key=repr
        )
        for audit in out["audit_log"]:
            audit["detail"].pop("partner_id")
    return out


def test_apply_many_matches_apply_item_by_item(engine: Engine) -> None:
    with engine.begin() as conn:
        upsert_partner(conn, "seq", "One by one")
        upsert_partner(conn, "bulk", "In bulk")
    seq_results, bulk_results = [], []
    for batch in (first_batch(), second_batch()):
        with engine.begin() as conn:
            seq_results += [apply(conn, "seq", po, found) for po, found in batch]
        with engine.begin() as conn:
            bulk_results += apply_many(conn, "bulk", batch)
    assert [summary(r) for r in bulk_results] == [summary(r) for r in seq_results]
    outcomes = {r.outcome for r in bulk_results}
    assert outcomes >= {
        Outcome.CREATED,
        Outcome.DUPLICATE,
        Outcome.HELD,
        Outcome.REJECTED,
        Outcome.UPDATED,
        Outcome.CANCELED,
        Outcome.REFUSED,
    }
    assert len(second_batch()) - 10 >= COPY_MIN_ROWS  # the bulk path really used COPY on PG
    bulk = snapshot(engine, "bulk")
    assert bulk == snapshot(engine, "seq")
    assert [number for number, _ in bulk["po_packaging"]] == ["PO-NEW"]
    b, q = stored_forms(engine, "bulk"), stored_forms(engine, "seq")
    assert b == q


def stored_forms(engine: Engine, partner: str) -> set[tuple[Any, ...]]:
    """How timestamps, decimals and JSON are stored: SQL type (and text form on SQLite)."""
    sqlite = engine.dialect.name == "sqlite"
    kind = "typeof" if sqlite else "pg_typeof"
    # PostgreSQL prints timestamps without trailing zeros, so only SQLite's text is compared.
    size = "length(CAST({} AS TEXT))" if sqlite else "0 * length(CAST({} AS TEXT))"
    query = text(
        f"SELECT {kind}(v.created_at), {size.format('v.created_at')}, {kind}(v.document), "
        f"{kind}(h.at), {size.format('h.at')}, {kind}(l.quantity), CAST(l.quantity AS TEXT) "
        "FROM po_versions v JOIN purchase_orders p ON p.id = v.po_id "
        "JOIN po_status_history h ON h.po_id = p.id "
        "JOIN po_lines l ON l.po_id = p.id WHERE p.partner_id = :partner"
    )
    with engine.connect() as conn:
        return {tuple(r) for r in conn.execute(query, {"partner": partner})}


def test_apply_many_with_auto_approving_partner_matches_apply(engine: Engine) -> None:
    with engine.begin() as conn:
        upsert_partner(conn, "seq", "One by one")
        upsert_partner(conn, "bulk", "In bulk")
    batch = [(make_po(f"PO-{n}"), []) for n in range(3)] + [(make_po("PO-H"), [ERROR])]
    with engine.begin() as conn:
        seq = [apply(conn, "seq", po, f, partner_auto_approve=True) for po, f in batch]
        bulk = apply_many(conn, "bulk", batch, partner_auto_approve=True)
    assert [summary(r) for r in bulk] == [summary(r) for r in seq]
    assert snapshot(engine, "bulk") == snapshot(engine, "seq")


def test_bulk_hash_is_the_store_content_hash() -> None:
    po = make_po("PO-\u00e9", packaging=PACKAGING)
    text, digest = hashed_text(canonical_document(po))
    assert digest == content_hash(po)
    assert json.loads(text) == canonical_document(po)


def test_apply_many_needs_a_registered_partner_to_store(engine: Engine) -> None:
    with engine.begin() as conn, pytest.raises(UnknownPartnerError, match="'nobody'"):
        apply_many(conn, "nobody", [(make_po("PO-1"), [])])


def test_apply_many_refuses_and_rejects_for_unknown_partner_like_apply(engine: Engine) -> None:
    batch = [
        (make_po("PO-1", purpose="cancel"), []),
        (make_po("PO-2", options={"on_errors": "reject"}), [ERROR]),
    ]
    with engine.begin() as conn:
        seq = [apply(conn, "nobody", po, found) for po, found in batch]
        bulk = apply_many(conn, "nobody", batch)
    assert [summary(r) for r in bulk] == [summary(r) for r in seq]
    assert [r.outcome for r in bulk] == [Outcome.REFUSED, Outcome.REJECTED]


def test_apply_many_of_nothing_does_nothing(engine: Engine) -> None:
    with engine.begin() as conn:
        assert apply_many(conn, "nobody", []) == []
