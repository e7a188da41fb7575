import json
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError

from orderport.model import Finding, PurchaseOrder, Severity, SourceLocation
from orderport.store import (
    FoStatus,
    Outcome,
    PoStatus,
    UnknownPartnerError,
    apply,
    approve,
    cancel,
    content_hash,
    get_po,
    upsert_partner,
)
from orderport.store.tables import (
    audit_log,
    fulfillment_orders,
    po_lines,
    po_status_history,
    po_versions,
    purchase_orders,
    warehouses,
)

ERROR = Finding(
    code="rule.quantity",
    severity=Severity.ERROR,
    path="$.lines[0].quantity",
    message="quantity must be positive",
    location=SourceLocation(file="po.csv", row=2, column="Qty"),
)
WARNING = Finding(
    code="rule.address", severity=Severity.WARNING, path="$.ship_to", message="odd address"
)


def make_po(po_number: str = "PO-1", lines: list[dict[str, Any]] | None = None, **extra: Any):
    data: dict[str, Any] = {
        "po_number": po_number,
        "currency": "USD",
        "lines": lines
        if lines is not None
        else [
            {
                "line_number": 1,
                "sku": "00123",
                "quantity": "10.50",
                "uom": "EA",
                "unit_cost": {"amount": "2.25", "currency": "EUR"},
                "gtin": "036000291452",
            },
            {"line_number": 2, "sku": "00456", "quantity": 3},
        ],
        **extra,
    }
    return PurchaseOrder.model_validate_json(json.dumps(data))


@pytest.fixture
def db(engine):
    with engine.begin() as conn:
        upsert_partner(conn, "acme", "Acme Retail")
        upsert_partner(conn, "zenith", "Zenith Stores", {"auto_approve": True})
    return engine


def count(conn, table, *where) -> int:
    return conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one()


def test_new_po_needs_approval_and_is_stored_exactly(db):
    po = make_po()
    with db.begin() as conn:
        result = apply(conn, "acme", po, [])
    assert (result.outcome, result.version, result.status) == (
        Outcome.CREATED,
        1,
        PoStatus.NEEDS_APPROVAL,
    )
    with db.connect() as conn:
        stored = get_po(conn, "acme", "PO-1")
        lines = conn.execute(select(po_lines).order_by(po_lines.c.position)).all()
        audits = conn.execute(select(audit_log.c.action)).scalars().all()
    assert stored is not None
    assert stored.id == result.po_id
    assert stored.purchase_order() == po
    assert stored.content_hash == content_hash(po)
    assert [s.status for s in stored.status_history] == [PoStatus.NEEDS_APPROVAL]
    assert stored.fulfillment_orders == []
    assert [(ln.sku, ln.quantity, ln.unit_cost, ln.currency) for ln in lines] == [
        ("00123", Decimal("10.50"), Decimal("2.25"), "EUR"),
        ("00456", Decimal("3"), None, "USD"),
    ]
    assert str(lines[0].quantity) == "10.50"
    assert audits == ["po.created"]


@pytest.mark.parametrize("how", ["option", "partner"])
def test_approved_on_receipt_creates_fulfillment_order(db, how):
    po = make_po(options={"is_approved": True}) if how == "option" else make_po()
    with db.begin() as conn:
        result = apply(conn, "acme", po, [WARNING], partner_auto_approve=how == "partner")
    assert (result.outcome, result.status) == (Outcome.CREATED, PoStatus.APPROVED)
    with db.connect() as conn:
        stored = get_po(conn, "acme", "PO-1")
    assert stored is not None
    [fo] = stored.fulfillment_orders
    assert (fo.external_id, fo.warehouse_code, fo.status) == ("PO-1", "MAIN", FoStatus.OPEN)
    assert [(ln.line_number, ln.sku, ln.quantity) for ln in fo.lines] == [
        ("1", "00123", Decimal("10.50")),
        ("2", "00456", Decimal("3")),
    ]
    assert stored.findings == [WARNING]  # warnings never block


def test_errors_hold_the_po_with_its_findings(db):
    with db.begin() as conn:
        result = apply(conn, "acme", make_po(options={"is_approved": True}), [ERROR, WARNING])
    assert (result.outcome, result.status, result.version) == (Outcome.HELD, PoStatus.ON_HOLD, 1)
    with db.connect() as conn:
        stored = get_po(conn, "acme", "PO-1")
    assert stored is not None
    assert stored.status is PoStatus.ON_HOLD
    assert stored.findings == [ERROR, WARNING]
    assert stored.findings[0].location == ERROR.location
    assert stored.fulfillment_orders == []


def test_errors_with_reject_option_persist_nothing(db):
    po = make_po(options={"on_errors": "reject"})
    with db.begin() as conn:
        result = apply(conn, "acme", po, [ERROR])
        assert (result.outcome, result.po_id, result.status) == (Outcome.REJECTED, None, None)
        assert result.findings == [ERROR]
        assert get_po(conn, "acme", "PO-1") is None
        assert count(conn, purchase_orders) == 0
        assert count(conn, audit_log) == 0


def test_identical_resubmission_is_a_duplicate(db):
    with db.begin() as conn:
        first = apply(conn, "acme", make_po(), [])
    with db.begin() as conn:
        again = apply(conn, "acme", make_po(), [], inbound_file_id=None)
    assert (again.outcome, again.po_id, again.version) == (Outcome.DUPLICATE, first.po_id, 1)
    with db.connect() as conn:
        assert count(conn, po_versions) == 1
        assert count(conn, po_status_history) == 1
        assert count(conn, audit_log) == 1


def test_changed_content_makes_a_new_version_and_keeps_the_old(db):
    with db.begin() as conn:
        apply(conn, "acme", make_po(), [])
    changed = make_po(
        lines=[{"line_number": 1, "sku": "00123", "quantity": "12"}], purpose="change"
    )
    with db.begin() as conn:
        result = apply(conn, "acme", changed, [])
    assert (result.outcome, result.version, result.status) == (
        Outcome.UPDATED,
        2,
        PoStatus.NEEDS_APPROVAL,
    )
    with db.connect() as conn:
        stored = get_po(conn, "acme", "PO-1")
        old_lines = count(conn, po_lines, po_lines.c.version == 1)
        new_lines = count(conn, po_lines, po_lines.c.version == 2)
        audits = conn.execute(select(audit_log.c.action).order_by(audit_log.c.id)).scalars().all()
    assert stored is not None
    assert [v.version for v in stored.versions] == [1, 2]
    assert stored.purchase_order() == changed
    assert (old_lines, new_lines) == (2, 1)
    assert audits == ["po.created", "po.updated"]


def test_corrected_held_po_is_re_evaluated(db):
    with db.begin() as conn:
        apply(conn, "acme", make_po(), [ERROR])
        fixed = apply(conn, "acme", make_po(notes="fixed"), [])
        assert (fixed.outcome, fixed.status) == (Outcome.UPDATED, PoStatus.NEEDS_APPROVAL)
        approved = apply(conn, "acme", make_po(notes="again", options={"is_approved": True}), [])
        assert (approved.outcome, approved.status) == (Outcome.UPDATED, PoStatus.APPROVED)
        stored = get_po(conn, "acme", "PO-1")
    assert stored is not None
    assert [s.status for s in stored.status_history] == [
        PoStatus.ON_HOLD,
        PoStatus.NEEDS_APPROVAL,
        PoStatus.APPROVED,
    ]
    assert stored.findings == []  # findings of the current version only
    assert [fo.status for fo in stored.fulfillment_orders] == [FoStatus.OPEN]


def test_approved_po_changed_with_errors_goes_on_hold_and_stops_fulfillment(db):
    with db.begin() as conn:
        apply(conn, "acme", make_po(options={"is_approved": True}), [])
        result = apply(conn, "acme", make_po(notes="bad"), [ERROR])
        stored = get_po(conn, "acme", "PO-1")
    assert (result.outcome, result.status) == (Outcome.HELD, PoStatus.ON_HOLD)
    assert stored is not None
    assert [fo.status for fo in stored.fulfillment_orders] == [FoStatus.CANCELED]


@pytest.mark.parametrize("closed", [PoStatus.CANCELED, PoStatus.SHIPPED])
def test_change_to_closed_po_is_refused_and_changes_nothing(db, closed):
    with db.begin() as conn:
        created = apply(conn, "acme", make_po(), [])
        conn.execute(
            update(purchase_orders)
            .where(purchase_orders.c.id == created.po_id)
            .values(status=closed.value)
        )
    with db.begin() as conn:
        result = apply(conn, "acme", make_po(notes="late change"), [WARNING])
    assert (result.outcome, result.status, result.version) == (Outcome.REFUSED, closed, 1)
    assert result.findings[0] == WARNING
    assert result.findings[-1].code == "store.po_closed"
    assert closed.value in result.findings[-1].message
    with db.connect() as conn:
        stored = get_po(conn, "acme", "PO-1")
        assert count(conn, po_versions) == 1
        assert count(conn, audit_log) == 1
    assert stored is not None
    assert stored.current_version == 1
    assert stored.status is closed


def test_cancel_document_cancels_po_and_its_fulfillment_orders(db):
    with db.begin() as conn:
        apply(conn, "acme", make_po(options={"is_approved": True}), [])
    with db.begin() as conn:
        result = apply(conn, "acme", make_po(purpose="cancel", lines=[]), [])
        again = apply(conn, "acme", make_po(purpose="cancel", lines=[]), [])
        stored = get_po(conn, "acme", "PO-1")
    assert (result.outcome, result.status) == (Outcome.CANCELED, PoStatus.CANCELED)
    assert (again.outcome, again.status) == (Outcome.DUPLICATE, PoStatus.CANCELED)
    assert stored is not None
    assert [fo.status for fo in stored.fulfillment_orders] == [FoStatus.CANCELED]
    assert [s.status for s in stored.status_history] == [PoStatus.APPROVED, PoStatus.CANCELED]
    assert stored.current_version == 1  # the cancel is a status change, not a new version


def test_cancel_of_unknown_po_is_refused(db):
    with db.begin() as conn:
        by_document = apply(conn, "acme", make_po(purpose="cancel", lines=[]), [])
        by_operator = cancel(conn, "acme", "NOPE", "typo")
        assert count(conn, purchase_orders) == 0
    for result in (by_document, by_operator):
        assert (result.outcome, result.po_id) == (Outcome.REFUSED, None)
        assert [f.code for f in result.findings] == ["store.po_unknown"]


def test_operator_approve_and_cancel(db):
    with db.begin() as conn:
        apply(conn, "acme", make_po(), [])
        apply(conn, "acme", make_po("PO-HOLD"), [ERROR])
    with db.begin() as conn:
        approved = approve(conn, "acme", "PO-1", actor="alice")
        repeated = approve(conn, "acme", "PO-1")
        held = approve(conn, "acme", "PO-HOLD")
        unknown = approve(conn, "acme", "PO-404")
    assert (approved.outcome, approved.status) == (Outcome.APPROVED, PoStatus.APPROVED)
    assert repeated.outcome is Outcome.DUPLICATE
    assert (held.outcome, [f.code for f in held.findings]) == (
        Outcome.REFUSED,
        ["store.po_on_hold"],
    )
    assert [f.code for f in unknown.findings] == ["store.po_unknown"]
    with db.begin() as conn:
        canceled = cancel(conn, "acme", "PO-1", "customer called", actor="bob")
        refused = approve(conn, "acme", "PO-1")
        stored = get_po(conn, "acme", "PO-1")
    assert canceled.outcome is Outcome.CANCELED
    assert [f.code for f in refused.findings] == ["store.po_closed"]
    assert stored is not None
    assert [(s.status, s.actor, s.reason) for s in stored.status_history][1:] == [
        (PoStatus.APPROVED, "alice", "approved"),
        (PoStatus.CANCELED, "bob", "customer called"),
    ]
    assert [fo.status for fo in stored.fulfillment_orders] == [FoStatus.CANCELED]


def test_shipped_po_cannot_be_canceled(db):
    with db.begin() as conn:
        created = apply(conn, "acme", make_po(), [])
        conn.execute(
            update(purchase_orders)
            .where(purchase_orders.c.id == created.po_id)
            .values(status=PoStatus.SHIPPED.value)
        )
        result = cancel(conn, "acme", "PO-1", "too late")
    assert (result.outcome, result.status) == (Outcome.REFUSED, PoStatus.SHIPPED)
    assert [f.code for f in result.findings] == ["store.po_closed"]


def test_po_numbers_are_unique_per_partner_not_across_partners(db):
    with db.begin() as conn:
        a = apply(conn, "acme", make_po(options={"is_approved": True}), [])
        z = apply(conn, "zenith", make_po(notes="other", options={"is_approved": True}), [])
    assert (a.outcome, z.outcome) == (Outcome.CREATED, Outcome.CREATED)
    assert a.po_id != z.po_id
    with db.connect() as conn:
        acme, zenith = get_po(conn, "acme", "PO-1"), get_po(conn, "zenith", "PO-1")
    assert acme is not None
    assert zenith is not None
    assert acme.document["notes"] is None
    assert zenith.document["notes"] == "other"
    assert [fo.external_id for fo in acme.fulfillment_orders] == ["PO-1"]
    assert [fo.external_id for fo in zenith.fulfillment_orders] == ["PO-1"]
    with db.connect() as conn:
        row = conn.execute(select(purchase_orders).where(purchase_orders.c.id == a.po_id)).one()
    values = row._asdict()
    del values["id"]
    with pytest.raises(IntegrityError), db.begin() as conn:
        conn.execute(insert(purchase_orders).values(**values))


def test_unknown_partner_is_a_clear_error(db):
    with pytest.raises(UnknownPartnerError, match="'ghost' is not registered"), db.begin() as conn:
        apply(conn, "ghost", make_po(), [])


SPLIT_LINES = [
    {"line_number": 1, "sku": "W-1", "quantity": 1},
    {"line_number": 2, "sku": "E-1", "quantity": 2},
    {"line_number": 3, "sku": "Z-1", "quantity": 3},
    {"line_number": 4, "sku": "W-2", "quantity": 4},
]


def add_warehouses(conn) -> None:
    conn.execute(
        insert(warehouses),
        [
            {"code": "EAST", "name": "East", "sku_prefixes": ["E-"], "priority": 1},
            {"code": "WEST", "name": "West", "sku_prefixes": ["W-"], "priority": 2},
        ],
    )


def test_split_po_gets_one_fulfillment_order_per_warehouse(db):
    with db.begin() as conn:
        add_warehouses(conn)
        po = make_po(lines=SPLIT_LINES, external_id="EXT-7", options={"can_split": True})
        apply(conn, "acme", po, [])
        result = approve(conn, "acme", "PO-1")
        stored = get_po(conn, "acme", "PO-1")
    assert result.outcome is Outcome.APPROVED
    assert stored is not None
    assert [
        (fo.seq, fo.external_id, fo.warehouse_code, [ln.line_number for ln in fo.lines])
        for fo in stored.fulfillment_orders
    ] == [
        (1, "EXT-7.1", "EAST", ["2"]),
        (2, "EXT-7.2", "WEST", ["1", "4"]),
        (3, "EXT-7.3", "MAIN", ["3"]),
    ]


def test_unsplit_po_goes_whole_to_busiest_warehouse_and_replans_on_change(db):
    with db.begin() as conn:
        add_warehouses(conn)
        apply(conn, "acme", make_po(lines=SPLIT_LINES, options={"is_approved": True}), [])
        before = get_po(conn, "acme", "PO-1")
        split = make_po(lines=SPLIT_LINES, options={"is_approved": True, "can_split": True})
        apply(conn, "acme", split, [])
        after_split = get_po(conn, "acme", "PO-1")
        single = make_po(lines=SPLIT_LINES[:1], options={"is_approved": True, "can_split": True})
        apply(conn, "acme", single, [])
        after_single = get_po(conn, "acme", "PO-1")
    assert before is not None
    assert after_split is not None
    assert after_single is not None
    assert [
        (fo.external_id, fo.warehouse_code, len(fo.lines)) for fo in before.fulfillment_orders
    ] == [("PO-1", "WEST", 4)]
    assert [(fo.external_id, fo.status) for fo in after_split.fulfillment_orders] == [
        ("PO-1.1", FoStatus.OPEN),
        ("PO-1.2", FoStatus.OPEN),
        ("PO-1.3", FoStatus.OPEN),
    ]
    assert [
        (fo.external_id, fo.warehouse_code, fo.status, fo.po_version)
        for fo in after_single.fulfillment_orders
    ] == [
        ("PO-1", "WEST", FoStatus.OPEN, 3),
        ("PO-1.2", "WEST", FoStatus.CANCELED, 2),
        ("PO-1.3", "MAIN", FoStatus.CANCELED, 2),
    ]


def test_taken_external_id_holds_instead_of_approving(db):
    with db.begin() as conn:
        apply(conn, "acme", make_po("PO-A", external_id="X1", options={"is_approved": True}), [])
        result = apply(
            conn, "acme", make_po("PO-B", external_id="X1", options={"is_approved": True}), []
        )
        apply(conn, "acme", make_po("PO-C", external_id="X1"), [])
        refused = approve(conn, "acme", "PO-C")
        assert count(conn, fulfillment_orders) == 1
    assert (result.outcome, result.status) == (Outcome.HELD, PoStatus.ON_HOLD)
    assert [f.code for f in result.findings] == ["store.external_id_taken"]
    assert (refused.outcome, [f.code for f in refused.findings]) == (
        Outcome.REFUSED,
        ["store.external_id_taken"],
    )
