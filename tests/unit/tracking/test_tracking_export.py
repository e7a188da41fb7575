"""The export pass: queued events and bookings become outbox files once, per partner."""

from __future__ import annotations

import csv
import io
import json

from sqlalchemy import func, select
from tracking_helpers import NOW, make_booking, make_profile

from orderport.formats.status_files.schema_export import booking_validator, status_validator
from orderport.model.tracking import StatusEvent
from orderport.pipeline.export import export_pass
from orderport.store import outbox
from orderport.store.tables import export_queue
from orderport.store.tracking import record_booking, record_status


def _files(engine, partner_id):
    with engine.connect() as conn:
        return {item.kind: item for item in outbox.pending(conn, partner_id)}


def test_lifecycle_events_and_shipping_are_exported_once_in_every_format(engine, store_po):
    store_po("acme", "PO-1")
    profile = make_profile("acme", status_formats=["csv", "json"], booking_formats=["json"])
    with engine.begin() as conn:
        record_status(
            conn,
            "acme",
            StatusEvent.model_validate_json(
                '{"po_number": "PO-1", "code": "shipped", "at": "2026-03-20T14:00:00Z",'
                ' "carrier": "MAEU", "lines": [{"line_number": 1, "quantity": "96"}]}'
            ),
            source="test",
        )
        record_booking(conn, "acme", make_booking("BK1", ["PO-1"]), source="test")
    summary = export_pass(engine, "acme", now=NOW, profiles={"acme": profile})
    [result] = summary.partners
    assert result.error is None
    assert (result.status_events, result.booking_versions) == (3, 1)  # received, accepted, shipped
    files = _files(engine, "acme")
    assert set(files) == {"status_csv", "status_json", "booking_json"}
    status = json.loads(files["status_json"].content)
    assert status_validator().is_valid(status)
    assert [e["code"] for e in status["events"]] == ["received", "accepted", "shipped"]
    rows = list(csv.DictReader(io.StringIO(files["status_csv"].content.decode())))
    assert [r["code"] for r in rows] == ["received", "accepted", "shipped"]
    assert rows[2]["quantity"] == "96"
    booking = json.loads(files["booking_json"].content)
    assert booking_validator().is_valid(booking)
    assert booking["bookings"][0]["version"] == 1
    assert files["status_json"].filename == f"acme_status_json_{files['status_json'].id:010d}.json"

    again = export_pass(engine, "acme", now=NOW, profiles={"acme": profile})
    assert again.partners[0].outbox_ids == ()
    with engine.connect() as conn:
        assert (
            conn.execute(
                select(func.count()).where(export_queue.c.export_id.is_(None))
            ).scalar_one()
            == 0
        )


def test_two_partners_each_get_only_their_own_rows(engine, store_po):
    store_po("acme", "PO-SAME")
    store_po("zenith", "PO-SAME")
    profiles = {
        "acme": make_profile(
            "acme", status_formats=["json"], custom_status_codes={"received": "IN"}
        ),
        "zenith": make_profile("zenith", status_formats=["json"]),
    }
    with engine.begin() as conn:
        record_status(
            conn,
            "zenith",
            StatusEvent.model_validate_json(
                '{"po_number": "PO-SAME", "code": "delivered", "at": "2026-04-02T09:00:00Z",'
                ' "location": "zenith dock"}'
            ),
            source="test",
        )
    summary = export_pass(engine, now=NOW, profiles=profiles)
    assert {p.partner_id for p in summary.partners} == {"acme", "zenith"}
    acme = json.loads(_files(engine, "acme")["status_json"].content)
    zenith = json.loads(_files(engine, "zenith")["status_json"].content)
    assert acme["partner_id"] == "acme"
    assert [e["code"] for e in acme["events"]] == ["received", "accepted"]
    assert acme["events"][0]["partner_code"] == "IN"
    assert [e["code"] for e in zenith["events"]] == ["received", "accepted", "delivered"]
    assert "partner_code" not in zenith["events"][0]  # acme's custom codes stay acme's
    assert "zenith dock" not in json.dumps(acme)


def test_edi_formats_get_only_the_events_they_carry_and_fresh_control_numbers(engine, store_po):
    store_po("acme", "PO-1")
    profile = make_profile("acme", status_formats=["x12_855", "x12_856"])
    first = export_pass(engine, "acme", now=NOW, profiles={"acme": profile})
    assert len(first.partners[0].outbox_ids) == 1  # received + accepted: an 855, no 856
    with engine.begin() as conn:
        record_status(
            conn,
            "acme",
            StatusEvent.model_validate_json(
                '{"po_number": "PO-1", "code": "shipped", "at": "2026-03-20T14:00:00Z",'
                ' "carrier": "MAEU"}'
            ),
            source="test",
        )
    second = export_pass(engine, "acme", now=NOW, profiles={"acme": profile})
    assert len(second.partners[0].outbox_ids) == 1
    files = _files(engine, "acme")
    assert set(files) == {"status_x12_855", "status_x12_856"}
    isa13 = [files[k].content.decode()[90:99] for k in ("status_x12_855", "status_x12_856")]
    assert isa13 == ["000000001", "000000002"]


def test_a_partner_without_profile_keeps_its_rows_queued(engine, store_po):
    store_po("acme", "PO-1")
    summary = export_pass(engine, "acme", now=NOW, profiles={})
    assert summary.errors == {"acme": "no partner profile"}
    later = export_pass(engine, "acme", now=NOW, profiles={"acme": make_profile("acme")})
    assert later.partners[0].status_events == 2  # nothing was lost; no formats: nothing to send
    assert later.partners[0].outbox_ids == ()
