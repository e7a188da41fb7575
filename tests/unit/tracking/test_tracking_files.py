"""Status and booking files: writers, readers, the published schemas, located findings."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import jsonschema
import pytest
from tracking_helpers import NOW, make_booking, make_po

from orderport.formats.base import FormatError
from orderport.formats.outbound import EdiParty, OutboundContext, PoStatusItem
from orderport.formats.outbound_registry import (
    WriterUnavailable,
    booking_writer,
    carries,
    status_writer,
)
from orderport.formats.status_files import (
    BOOKING_CSV,
    BOOKING_JSON,
    STATUS_CSV,
    STATUS_JSON,
    read_booking_file,
    read_status_file,
)
from orderport.formats.status_files.schema_export import (
    BOOKING_SCHEMA_PATH,
    STATUS_SCHEMA_PATH,
    booking_confirmation_schema,
    main,
    order_status_schema,
)
from orderport.model.schema_export import render_schema
from orderport.model.tracking import ReportedBooking, StatusCode, StatusEvent

REGENERATE = "regenerate with: .venv/bin/python -m orderport.formats.status_files"
CTX = OutboundContext(
    partner_id="acme",
    now=NOW,
    control_number=7,
    sender=EdiParty("US"),
    receiver=EdiParty("ACME"),
    status_codes={"shipped": "VERSENDET"},
)


def _items() -> list[PoStatusItem]:
    po = make_po("PO-1")
    shipped = StatusEvent.model_validate_json(
        json.dumps(
            {
                "po_number": "PO-1",
                "fulfillment_order": "X-PO-1.1",
                "code": "shipped",
                "at": "2026-03-20T14:00:00Z",
                "carrier": "MAEU",
                "lines": [
                    {"line_number": 1, "sku": "TS-001", "quantity": "96"},
                    {"line_number": 2, "sku": "TS-002", "quantity": "24.5", "uom": "CS"},
                ],
            }
        )
    )
    hostile = StatusEvent.model_validate_json(
        '{"po_number": "=1+2", "code": "exception", "at": "2026-03-20T15:00:00Z",'
        ' "reason": "@SUM(A1)", "location": "-cmd"}'
    )
    return [PoStatusItem(po, shipped), PoStatusItem(po, hostile)]


@pytest.mark.parametrize(
    ("path", "schema"),
    [(STATUS_SCHEMA_PATH, order_status_schema), (BOOKING_SCHEMA_PATH, booking_confirmation_schema)],
)
def test_committed_schemas_match_the_models(path: Path, schema) -> None:
    assert path.read_text(encoding="utf-8") == render_schema(schema()), REGENERATE
    published = schema()
    jsonschema.Draft202012Validator.check_schema(published)
    for example in published["examples"]:
        jsonschema.Draft202012Validator(published).validate(example)


def test_main_writes_both_schemas(tmp_path: Path) -> None:
    assert main([str(tmp_path)]) == 0
    assert json.loads((tmp_path / STATUS_SCHEMA_PATH.name).read_text()) == order_status_schema()


def test_status_json_validates_and_reads_back_as_the_same_events() -> None:
    rendered = STATUS_JSON.render(_items(), CTX)
    document = json.loads(rendered.content)
    jsonschema.Draft202012Validator(order_status_schema()).validate(document)
    assert document["events"][0]["partner_code"] == "VERSENDET"
    assert document["control_number"] == 7
    back = read_status_file(rendered.content, "s.json")
    assert back.findings == []
    assert [e for _, e in back.events] == [item.event for item in _items()]


def test_status_csv_neutralises_formulas_and_reads_back() -> None:
    rendered = STATUS_CSV.render(_items(), CTX)
    rows = list(csv.DictReader(io.StringIO(rendered.content.decode("utf-8"))))
    assert [r["line_number"] for r in rows] == ["1", "2", ""]
    assert rows[0]["partner_code"] == "VERSENDET"
    assert (rows[2]["po_number"], rows[2]["reason"], rows[2]["location"]) == (
        "'=1+2",
        "'@SUM(A1)",
        "'-cmd",
    )
    back = read_status_file(rendered.content, "s.csv")
    assert back.findings == []
    assert next(e for _, e in back.events) == _items()[0].event  # lines regrouped, decimals exact


def test_booking_files_round_trip_in_csv_and_json() -> None:
    booking = ReportedBooking.model_validate_json(
        make_booking("BK1", ["PO-1", "PO-2"], remarks="=cmd").model_dump_json()[:-1]
        + ', "version": 3}'
    )
    for writer in (BOOKING_CSV, BOOKING_JSON):
        rendered = writer.render([booking], CTX)
        back = read_booking_file(rendered.content, f"b.{rendered.extension}")
        assert back.findings == []
        [(_, read)] = back.bookings
        expected = (
            booking.model_copy(update={"remarks": "'=cmd"}) if writer is BOOKING_CSV else booking
        )
        assert read.model_dump() == {
            k: v for k, v in expected.model_dump().items() if k != "version"
        }
    assert json.loads(BOOKING_JSON.render([booking], CTX).content)["bookings"][0]["version"] == 3


def test_inbound_csv_findings_point_at_row_and_column() -> None:
    data = (
        b"po_number,code,at,line_number,quantity\n"
        b"PO1,shipped,2026-03-01T00:00:00Z,1,5\n"
        b"PO1,shipped,2026-03-01T00:00:00Z,2,five\n"
        b"PO2,VERSENDET,2026-03-02T00:00:00Z,,\n"
        b"PO3,lost,yesterday,,\n"
    )
    result = read_status_file(data, "wh.csv", partner_codes={"shipped": "VERSENDET"})
    where = {(f.location.row, f.location.column) for f in result.findings if f.location}
    assert where == {(3, "quantity"), (5, "code"), (5, "at")}
    assert all(f.location and f.location.file == "wh.csv" for f in result.findings)
    assert "2026-03-01T08:30:00Z" in next(
        f.message for f in result.findings if f.path.endswith("at")
    )
    assert [(p, e.code) for p, e in result.events] == [("$.events[1]", StatusCode.SHIPPED)]


def test_inbound_json_findings_carry_a_pointer_and_bad_files_raise() -> None:
    data = json.dumps({"bookings": [{"booking_reference": "B", "origin": "nowhere"}]}).encode()
    result = read_booking_file(data, "c.json")
    pointers = {f.location.pointer for f in result.findings if f.location}
    assert "/bookings/0/origin" in pointers
    assert "/bookings/0/carrier" in pointers or any("carrier" in f.message for f in result.findings)
    assert result.bookings == []
    with pytest.raises(FormatError, match="not valid JSON"):
        read_booking_file(b'{"bookings": [', "c.json")
    with pytest.raises(FormatError, match="not UTF-8"):
        read_status_file(b"po_number,code\n\xff\xfe,x\n", "c.csv")


def test_registry_names_writers_and_routes_codes() -> None:
    assert status_writer("csv") is STATUS_CSV
    assert booking_writer("json") is BOOKING_JSON
    assert status_writer("x12_856").name == "x12_856"
    assert booking_writer("edifact_iftmbc").name == "edifact_iftmbc"
    assert carries("x12_856", StatusCode.SHIPPED)
    assert not carries("x12_856", StatusCode.ACCEPTED)
    assert carries("edifact_ordrsp", StatusCode.ACCEPTED)
    assert not carries("edifact_desadv", StatusCode.ACCEPTED)
    assert carries("csv", StatusCode.DELIVERED)
    with pytest.raises(WriterUnavailable, match="unknown status format 'pdf'"):
        status_writer("pdf")
