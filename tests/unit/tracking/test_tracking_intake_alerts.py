"""Status/booking update files into the store; exception alerts raised once."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import func, select
from tracking_helpers import NOW, make_booking, make_po, make_profile

from orderport.model import Finding, Severity
from orderport.pipeline.alerts import AlertKind, alerts_pass
from orderport.pipeline.answers import EMAIL_KIND, parse_email_envelope
from orderport.pipeline.tracking_intake import TrackingFileKind, ingest_tracking_file
from orderport.store import lifecycle, outbox
from orderport.store.tables import export_queue
from orderport.store.tracking import booking_history, record_booking, status_history


def _queued(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(export_queue)).scalar_one()


def test_status_file_records_valid_rows_and_locates_the_rest(engine, store_po, tmp_path):
    store_po("acme", "PO-1")
    path = tmp_path / "wh.csv"
    path.write_text(
        "po_number,fulfillment_order,code,at,location,line_number,quantity\n"
        "PO-1,,processing,2026-03-19T10:00:00Z,Newark,,\n"
        "PO-9,,processing,2026-03-19T10:00:00Z,Newark,,\n"
        "PO-1,,picked,2026-03-19,Newark,,\n",
        encoding="utf-8",
    )
    profile = make_profile("acme")
    result = ingest_tracking_file(engine, path, "acme", profile=profile)
    assert result.kind is TrackingFileKind.STATUS
    assert len(result.recorded) == 1
    assert [(f.code, f.location.row if f.location else None) for f in result.findings] == [
        ("schema.pattern", 4),
        ("tracking.unknown_reference", 3),
    ]
    queued = _queued(engine)
    again = ingest_tracking_file(engine, path, "acme", profile=profile)  # a re-read after a crash
    assert again.recorded == result.recorded
    assert _queued(engine) == queued
    with engine.connect() as conn:
        history = status_history(conn, "acme", "PO-1")
    assert history[-1].event.location == "Newark"
    assert history[-1].source == "file:wh.csv"


def test_booking_file_of_one_booking_is_recorded(engine, store_po, tmp_path):
    store_po("acme", "PO-1")
    path = tmp_path / "booking.json"
    path.write_text(make_booking("BK-7", ["PO-1"]).model_dump_json(), encoding="utf-8")
    result = ingest_tracking_file(engine, path, "acme")
    assert (result.kind, result.findings, len(result.recorded)) == (
        TrackingFileKind.BOOKING,
        [],
        1,
    )
    with engine.connect() as conn:
        assert [v.version for v in booking_history(conn, "acme", "BK-7")] == [1]
    broken = tmp_path / "broken.csv"
    broken.write_text("hello,world\n1,2\n", encoding="utf-8")
    failed = ingest_tracking_file(engine, broken, "acme")
    assert failed.error is not None
    assert failed.error.location is not None
    assert failed.error.location.row == 1


def test_alerts_are_raised_once_as_file_and_email(engine, store_po):
    store_po("acme", "PO-LATE")  # delivery window ends 2026-04-15, ship window 2026-03-27
    store_po("acme", "PO-BOOKED")
    with engine.begin() as conn:
        error = Finding(code="x", severity=Severity.ERROR, path="$.po_number", message="bad")
        held = make_po("PO-HOLD", options={"is_approved": False})
        lifecycle.apply(conn, "acme", held, [error])
        record_booking(conn, "acme", make_booking("BK-OK", ["PO-BOOKED"]), source="t")
        record_booking(
            conn,
            "acme",
            make_booking("BK-WAIT", [], space_status="pending"),
            source="t",
        )
        record_booking(conn, "acme", make_booking("BK-NO", [], space_status="rejected"), source="t")
    profile = make_profile(
        "acme", alerts={"email": ["ops@acme.example"], "file": "json", "days_before_ship_end": 3}
    )
    now = NOW + timedelta(days=30)  # 2026-04-20: past ship end, delivery end and the cut-off
    raised = alerts_pass(engine, now=now, profiles={"acme": profile})
    kinds = sorted((a.kind, a.subject) for a in raised)
    assert kinds == sorted(
        [
            (AlertKind.PO_ON_HOLD, "po:PO-HOLD:v1"),
            (AlertKind.NO_BOOKING, "po:PO-LATE"),
            (AlertKind.LATE_DELIVERY, "po:PO-LATE"),
            (AlertKind.LATE_DELIVERY, "po:PO-BOOKED"),
            (AlertKind.BOOKING_REJECTED, "booking:BK-NO:v1"),
            (AlertKind.BOOKING_PENDING_PAST_CUTOFF, "booking:BK-WAIT:v1"),
        ]
    )
    with engine.connect() as conn:
        items = {i.kind: i for i in outbox.pending(conn, "acme")}
    assert set(items) == {"alert", EMAIL_KIND}
    assert len(json.loads(items["alert"].content)["alerts"]) == 6
    mail = parse_email_envelope(items[EMAIL_KIND].content)  # what deliver_pending will send
    assert mail.to == "ops@acme.example"
    assert "PO-HOLD" in mail.body
    assert alerts_pass(engine, now=now, profiles={"acme": profile}) == []
    early = make_profile("acme", alerts={"days_before_ship_end": 3})
    assert alerts_pass(engine, now=NOW, profiles={"acme": early}) == []  # nothing new is due


def test_a_confirmed_booking_that_changes_vessel_or_schedule_raises_one_alert(engine, store_po):
    store_po("acme", "PO-SHIP")
    with engine.begin() as conn:
        record_booking(
            conn, "acme", make_booking("BK-P", ["PO-SHIP"], space_status="pending"), source="t"
        )
        record_booking(conn, "acme", make_booking("BK-P", ["PO-SHIP"]), source="t")  # now confirmed
        record_booking(conn, "acme", make_booking("BK-C", ["PO-SHIP"]), source="t")
        record_booking(
            conn,
            "acme",
            make_booking("BK-C", ["PO-SHIP"], vessel="Maersk Elba", etd="2026-03-25T18:00:00Z"),
            source="t",
        )
    watching = make_profile("acme", alerts={"on_booking_change": True, "file": "csv"})
    raised = alerts_pass(engine, now=NOW, profiles={"acme": watching})
    changed = [a for a in raised if a.kind is AlertKind.BOOKING_CHANGED]
    # BK-P only went from pending to confirmed: that is good news, not an exception.
    assert [a.subject for a in changed] == ["booking:BK-C:v2"]
    assert "vessel: Maersk Essen -> Maersk Elba" in changed[0].message
    assert "etd:" in changed[0].message
    assert alerts_pass(engine, now=NOW, profiles={"acme": watching}) == []
    quiet = make_profile("acme", alerts={"on_booking_change": False})
    with engine.begin() as conn:
        record_booking(
            conn, "acme", make_booking("BK-C", ["PO-SHIP"], vessel="Maersk Kiel"), source="t"
        )
    assert alerts_pass(engine, now=NOW, profiles={"acme": quiet}) == []
