"""One PO from intake to status and booking files on a real OpenSSH server, in every format."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydifact.segmentcollection import Interchange
from sqlalchemy import Engine
from tracking_helpers import NOW, make_booking

from edi_validator import validate
from orderport.formats.status_files.schema_export import booking_validator, status_validator
from orderport.formats.x12.strict import parse_strict
from orderport.model.schema_export import FULL_EXAMPLE
from orderport.model.tracking import ShippedLine, StatusCode, StatusEvent
from orderport.pipeline.deliver import deliver_pending
from orderport.pipeline.export import export_pass
from orderport.pipeline.ingest import ingest_file
from orderport.pipeline.intake import IntakeContext
from orderport.store import lifecycle, outbox
from orderport.store.tracking import record_booking, record_status

pytestmark = [
    pytest.mark.integration,
    pytest.mark.filterwarnings("ignore::pydifact.exceptions.MissingImplementationWarning"),
]


def _ingest(engine: Engine, tmp_path: Path, profiles, partner_id: str, po_number: str) -> None:
    document = {**FULL_EXAMPLE, "po_number": po_number, "external_id": f"{partner_id}-{po_number}"}
    document["options"] = {"is_approved": False, "can_split": True}
    path = tmp_path / f"{partner_id}-{po_number}.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with engine.begin() as conn:
        lifecycle.upsert_partner(conn, partner_id, partner_id)
    result = ingest_file(engine, path, partner_id, profiles[partner_id])
    assert not result.has_errors, result
    with engine.begin() as conn:
        assert lifecycle.approve(conn, partner_id, po_number).outcome is lifecycle.Outcome.APPROVED


def _track(engine: Engine, partner_id: str, po_number: str) -> None:
    with engine.begin() as conn:
        stored = lifecycle.get_po(conn, partner_id, po_number)
        assert stored is not None
        assert stored.fulfillment_orders
        fo = stored.fulfillment_orders[0]
        lines = [
            ShippedLine(line_number=ln.line_number, sku=ln.sku, quantity=ln.quantity)
            for ln in fo.lines
        ]
        for code, extra in (
            (StatusCode.PROCESSING, {"location": "Newark DC"}),
            (StatusCode.EXCEPTION, {"reason": '=HYPERLINK("http://evil")'}),
            (StatusCode.SHIPPED, {"carrier": "MAEU", "tracking_number": "0001234", "lines": lines}),
        ):
            event = StatusEvent(
                po_number=po_number,
                fulfillment_order=fo.external_id,
                code=code,
                at=NOW,
                **extra,
            )
            record_status(conn, partner_id, event, source="test")
        booking = make_booking(f"BK-{partner_id}", [po_number], fulfillment_orders=[fo.external_id])
        record_booking(conn, partner_id, booking, source="test")


def _check_file(name: str, content: bytes) -> str:
    """Validate one delivered file by its kind; returns the kind."""
    kind = name.split("_", 1)[1].rsplit("_", 1)[0]
    if kind.endswith("_json"):
        validator = status_validator() if kind.startswith("status") else booking_validator()
        assert validator.is_valid(json.loads(content)), name
    elif "_x12_" in kind:
        parse_strict(content)
        assert validate(content) == [], name  # the independent strict validator (Bots)
    elif "_edifact_" in kind:
        parsed = Interchange.from_str(content.decode("latin-1"))
        assert list(parsed.get_messages()), name
        assert validate(content) == [], name
    else:
        assert kind.endswith("_csv"), name
        rows = list(csv.reader(io.StringIO(content.decode("utf-8"))))
        assert len(rows) >= 2
        cells = [cell for row in rows for cell in row]
        assert not any(cell.startswith("=") for cell in cells), name
    return kind


def test_one_po_reaches_the_partner_in_every_format(engine, partner_setup, sshd, tmp_path):
    profiles = partner_setup
    for pid in ("trk", "other"):
        _ingest(engine, tmp_path, profiles, pid, "4500012345")  # same PO number, two partners
        _track(engine, pid, "4500012345")
    summary = export_pass(engine, now=NOW, profiles=profiles)
    assert summary.errors == {}
    delivered = deliver_pending(engine, home=tmp_path, ctx=IntakeContext(tmp_path, profiles))
    assert delivered.failed == {}
    kinds = {}
    for pid in ("trk", "other"):
        files = {p.name: p.read_bytes() for p in (sshd.root / f"out_{pid}").iterdir()}
        assert all(name.startswith(f"{pid}_") for name in files)
        kinds[pid] = {_check_file(name, content) for name, content in files.items()}
        # isolation: each partner's files name only its own fulfillment orders and booking
        other = "other" if pid == "trk" else "trk"
        assert not any(f"{other}-4500012345".encode() in c for c in files.values())
        assert not any(f"BK-{other}".encode() in c for c in files.values())
    expected = {
        f"status_{f}"
        for f in ("csv", "json", "x12_855", "x12_856", "edifact_ordrsp", "edifact_desadv")
    }
    expected |= {f"booking_{f}" for f in ("csv", "json", "x12_301", "edifact_iftmbc")}
    assert kinds["trk"] == expected == kinds["other"]
    status_json = next(p for p in (sshd.root / "out_trk").iterdir() if "_status_json_" in p.name)
    events = json.loads(status_json.read_bytes())["events"]
    assert [e["code"] for e in events] == [
        "received",
        "accepted",
        "processing",
        "exception",
        "shipped",
    ]
    assert {e.get("partner_code") for e in events} >= {"SHP", "OK"}


CRASH_SCRIPT = """
import sys
from pathlib import Path
from orderport.pipeline.deliver import deliver_pending
from orderport.store.db import make_engine
deliver_pending(make_engine(sys.argv[1]), "trk", home=Path(sys.argv[2]))
"""


def test_crash_between_delivering_and_marking_sent_leaves_one_copy(
    engine, partner_setup, sshd, tmp_path
):
    profiles = partner_setup
    _ingest(engine, tmp_path, profiles, "trk", "PO-CRASH")
    _track(engine, "trk", "PO-CRASH")
    assert export_pass(engine, "trk", now=NOW, profiles=profiles).errors == {}
    with engine.connect() as conn:
        queued = outbox.pending(conn, "trk")
    assert len(queued) == 10
    env = {**os.environ, "ORDERPORT_CRASH_AT": "after_deliver"}
    url = engine.url.render_as_string(hide_password=False)
    crashed = subprocess.run(
        [sys.executable, "-c", CRASH_SCRIPT, url, str(tmp_path)], env=env, check=False
    )
    assert crashed.returncode == -9  # killed right after the first upload, before marking it
    outdir = sshd.root / "out_trk"
    assert [p.name for p in outdir.iterdir()] == [queued[0].filename]
    with engine.connect() as conn:
        assert len(outbox.pending(conn, "trk")) == 10  # nothing marked sent
    deliver_pending(engine, "trk", home=tmp_path, ctx=IntakeContext(tmp_path, profiles))
    names = sorted(p.name for p in outdir.iterdir())
    assert names == sorted(item.filename for item in queued)  # each exactly once
    assert (outdir / queued[0].filename).read_bytes() == queued[0].content
    with engine.connect() as conn:
        assert outbox.pending(conn, "trk") == []
    assert export_pass(engine, "trk", now=NOW, profiles=profiles).outbox_ids == []
