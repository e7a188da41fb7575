"""Recording status events and bookings: history, idempotence, isolation, lifecycle sync."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from tracking_helpers import make_booking, make_po

from orderport.model import Finding, Severity
from orderport.model.tracking import StatusCode, StatusEvent
from orderport.store import lifecycle
from orderport.store.tables import export_queue, po_status_history
from orderport.store.tracking import (
    TrackingError,
    booking_history,
    bookings_for_po,
    record_booking,
    record_receipt,
    record_status,
    status_history,
    sync_lifecycle,
)


def _event(po: str, code: str, at: str = "2026-03-20T14:00:00Z", **extra: object) -> StatusEvent:
    return StatusEvent.model_validate(
        {"po_number": po, "code": StatusCode(code), "at": at, **extra}, strict=False
    )


def _queued(conn) -> int:
    return conn.execute(select(func.count()).select_from(export_queue)).scalar_one()


def test_same_event_twice_is_stored_and_queued_once(engine, store_po):
    store_po("acme", "PO-1")
    with engine.begin() as conn:
        first = record_status(conn, "acme", _event("PO-1", "processing"), source="a")
        queued = _queued(conn)
        assert record_status(conn, "acme", _event("PO-1", "processing"), source="b") == first
        assert _queued(conn) == queued
        later = record_status(
            conn, "acme", _event("PO-1", "processing", "2026-03-21T00:00:00Z"), source="a"
        )
        assert later != first
        assert _queued(conn) == queued + 1


def test_events_only_reach_the_partners_own_pos(engine, store_po):
    store_po("acme", "PO-1")
    store_po("zenith", "PO-2")
    with engine.begin() as conn:
        with pytest.raises(TrackingError, match="PO 'PO-1' is unknown for partner zenith"):
            record_status(conn, "zenith", _event("PO-1", "processing"), source="t")
        with pytest.raises(TrackingError, match="not one of PO PO-1"):
            record_status(
                conn, "acme", _event("PO-1", "shipped", fulfillment_order="X-PO-2.1"), source="t"
            )
        with pytest.raises(TrackingError, match="unknown for partner zenith"):
            record_booking(conn, "zenith", make_booking("B1", ["PO-1"]), source="t")


def test_lifecycle_history_becomes_events_exactly_once(engine, store_po):
    store_po("acme", "PO-1")  # approved on receipt (is_approved in the example)
    with engine.begin() as conn:
        created = sync_lifecycle(conn, "acme")
        assert len(created) == 2
        assert sync_lifecycle(conn, "acme") == []
        assert [s.event.code for s in status_history(conn, "acme", "PO-1")] == [
            StatusCode.RECEIVED,
            StatusCode.ACCEPTED,
        ]
        lifecycle.cancel(conn, "acme", "PO-1", "customer asked")
        [canceled] = sync_lifecycle(conn, "acme")
        history = status_history(conn, "acme", "PO-1")
        assert history[-1].id == canceled
        assert (history[-1].event.code, history[-1].event.reason) == (
            StatusCode.CANCELED,
            "customer asked",
        )


def test_receipt_is_idempotent_and_a_held_po_says_why(engine):
    error = Finding(
        code="rule.x", severity=Severity.ERROR, path="$.lines[0].sku", message="unknown SKU"
    )
    with engine.begin() as conn:
        lifecycle.upsert_partner(conn, "acme", "Acme")
        po = make_po("PO-H", options={"is_approved": False})
        lifecycle.apply(conn, "acme", po, [error])
        first = record_receipt(conn, "acme", "PO-H", po.created_at)  # type: ignore[arg-type]
        assert record_receipt(conn, "acme", "PO-H", po.created_at) == first  # type: ignore[arg-type]
        codes = [(s.event.code, s.event.reason) for s in status_history(conn, "acme", "PO-H")]
    assert codes[0] == (StatusCode.RECEIVED, "received with errors")
    assert codes[1][0] is StatusCode.ON_HOLD
    assert "$.lines[0].sku: unknown SKU" in (codes[1][1] or "")


def test_shipping_every_fulfillment_order_ships_the_po_once(engine, store_po):
    po_id = store_po("acme", "PO-S")
    with engine.begin() as conn:
        stored = lifecycle.get_po(conn, "acme", "PO-S")
        assert stored is not None
        orders = [fo.external_id for fo in stored.fulfillment_orders]
        for external_id in orders:
            assert lifecycle.get_po(conn, "acme", "PO-S").status is lifecycle.PoStatus.APPROVED  # type: ignore[union-attr]
            record_status(
                conn, "acme", _event("PO-S", "shipped", fulfillment_order=external_id), source="t"
            )
        after = lifecycle.get_po(conn, "acme", "PO-S")
        assert after is not None
        assert after.status is lifecycle.PoStatus.SHIPPED
        assert {fo.status for fo in after.fulfillment_orders} == {lifecycle.FoStatus.SHIPPED}
        shipped_rows = conn.execute(
            select(func.count()).where(
                po_status_history.c.po_id == po_id, po_status_history.c.status == "shipped"
            )
        ).scalar_one()
        assert shipped_rows == 1
        assert sync_lifecycle(conn, "acme") == []  # the shipped history row already has its event
        codes = [s.event.code for s in status_history(conn, "acme", "PO-S")]
    assert codes.count(StatusCode.SHIPPED) == len(orders)


def test_booking_changes_are_versions_and_repeats_are_not(engine, store_po):
    store_po("acme", "PO-1")
    store_po("acme", "PO-2")
    with engine.begin() as conn:
        v1 = record_booking(conn, "acme", make_booking("BK", ["PO-1"]), source="carrier")
        queued = _queued(conn)
        assert record_booking(conn, "acme", make_booking("BK", ["PO-1"]), source="again") == v1
        assert _queued(conn) == queued
        changed = make_booking("BK", ["PO-2"], vessel="Maersk Elba", space_status="pending")
        v2 = record_booking(conn, "acme", changed, source="carrier")
        assert v2 != v1
        assert _queued(conn) == queued + 1
        history = booking_history(conn, "acme", "BK")
        assert [(h.version, h.booking.vessel) for h in history] == [
            (1, "Maersk Essen"),
            (2, "Maersk Elba"),
        ]
        assert bookings_for_po(conn, "acme", "PO-1") == []
        assert [b.version for b in bookings_for_po(conn, "acme", "PO-2")] == [2]
        assert booking_history(conn, "zenith", "BK") == []
