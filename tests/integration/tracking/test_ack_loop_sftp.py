"""The acknowledgment loop on a real OpenSSH server (issue 14).

We send an 856 and an 855 to the partner's SFTP outbox; the partner answers the 856 with a
997 that rejects it (dropped in its SFTP inbox): one ``ack_rejected`` alert and the rejected
status appear; the unanswered 855 becomes overdue after ``ack_expected_within``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from sqlalchemy import Engine
from tracking_helpers import NOW

from orderport.model.schema_export import FULL_EXAMPLE
from orderport.model.tracking import ShippedLine, StatusCode, StatusEvent
from orderport.partners import load_profiles
from orderport.pipeline.alerts import Alert, alerts_pass
from orderport.pipeline.deliver import deliver_pending
from orderport.pipeline.export import export_pass
from orderport.pipeline.ingest import ingest_file
from orderport.pipeline.intake import IntakeContext, intake_pass
from orderport.store import acks, lifecycle
from orderport.store.tracking import record_status

pytestmark = pytest.mark.integration


def _store_shipped_po(engine: Engine, tmp_path: Path, profiles, po_number: str) -> None:
    document = {**FULL_EXAMPLE, "po_number": po_number, "external_id": f"ack-{po_number}"}
    path = tmp_path / f"{po_number}.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with engine.begin() as conn:
        lifecycle.upsert_partner(conn, "ackp", "ackp")
    assert not ingest_file(engine, path, "ackp", profiles["ackp"]).has_errors
    with engine.begin() as conn:
        stored = lifecycle.get_po(conn, "ackp", po_number)
        assert stored is not None
        lines = [
            ShippedLine(line_number=ln["line_number"], quantity=ln["quantity"])
            for ln in stored.document["lines"]
        ]
        event = StatusEvent(po_number=po_number, code=StatusCode.SHIPPED, at=NOW, lines=lines)
        record_status(conn, "ackp", event, source="test")


def _ack_alerts(raised: list[Alert]) -> list[Alert]:
    """The acknowledgment alerts (the PO's own, e.g. late delivery, are not this test's)."""
    return [a for a in raised if a.kind.value.startswith("ack_")]


def _997_rejecting(group: str) -> bytes:
    return (
        "ISA*00*          *00*          *ZZ*ACKP           *ZZ*ORDERPORT      *260321*0700*U*"
        "00401*000000501*0*P*>~GS*FA*ACKP*ORDERPORT*20260321*0700*501*X*004010~"
        f"ST*997*0001~AK1*SH*{group}~AK2*856*0001~AK3*HL*3**8~AK4*3*735*7*Z~AK5*R*5~"
        "AK9*R*1*1*0~SE*8*0001~GE*1*501~IEA*1*000000501~"
    ).encode()


def test_a_rejecting_997_and_a_missing_one_on_sftp(engine, sshd, tmp_path, monkeypatch):
    folder = tmp_path / "partners"
    folder.mkdir()
    (sshd.root / "out_ackp").mkdir()
    for sub in ("inbox", "processing", "processed", "failed"):
        (sshd.root / sub).mkdir(exist_ok=True)
    document = {
        "id": "ackp",
        "name": "Ack partner",
        "tier": "quick_deploy",
        "edi": {"qualifier": "ZZ", "interchange_id": "ACKP"},
        "channel": {
            "kind": "sftp",
            "host": sshd.host,
            "port": sshd.port,
            "username": sshd.username,
            "inbox": "inbox",
            "outbox": "out_ackp",
            "processing": "processing",
            "processed": "processed",
            "failed": "failed",
            "known_hosts": str(sshd.known_hosts),
            "credentials_env": "TRK_SFTP",
            "completeness": {"convention": "temp_rename", "prefix": ".", "suffix": ".part"},
        },
        "formats": {"accepted": ["json"], "json_variant": "canonical"},
        "outbound": {"status_formats": ["x12_855", "x12_856"], "ack_expected_within": "2h"},
    }
    (folder / "ackp.yaml").write_text(yaml.safe_dump(document), encoding="utf-8")
    monkeypatch.setenv("ORDERPORT_PARTNERS", str(folder))
    monkeypatch.setenv("TRK_SFTP_KEY_FILE", str(sshd.key_path))
    profiles = load_profiles(folder)
    ctx = IntakeContext(tmp_path, profiles)

    _store_shipped_po(engine, tmp_path, profiles, "PO-ACK-1")
    assert export_pass(engine, "ackp", now=NOW, profiles=profiles).errors == {}
    sent_at = datetime.now(UTC)
    delivered = deliver_pending(engine, home=tmp_path, ctx=ctx)
    assert delivered.failed == {}
    files = {p.name: p.read_bytes() for p in (sshd.root / "out_ackp").iterdir()}
    [asn] = [c for n, c in files.items() if "x12_856" in n]
    [po_ack] = [n for n in files if "x12_855" in n]
    group = asn.decode().split("~")[1].split("*")[6]  # our GS06

    partial = sshd.root / "inbox" / ".997_from_ackp.edi.part"
    partial.write_bytes(_997_rejecting(group))
    partial.rename(sshd.root / "inbox" / "997_from_ackp.edi")
    summary = intake_pass(engine, ["ackp"], home=tmp_path, ctx=ctx)
    assert [o.state.value for o in summary.outcomes] == ["stored"], summary
    assert [p.name.endswith("-997_from_ackp.edi") for p in (sshd.root / "processed").iterdir()] == [
        True
    ]

    with engine.connect() as conn:
        sent = {i.document: i for i in acks.interchanges(conn, "ackp")}
    assert sent["856"].ack_status == "rejected"
    assert "segment HL at position 3 (error 8); element 3 (error 7) value 'Z'" in (
        sent["856"].ack_detail or ""
    )
    assert sent["855"].ack_status is None

    soon = sent_at + timedelta(minutes=1)
    raised = _ack_alerts(alerts_pass(engine, now=soon, profiles=profiles))
    assert [a.kind.value for a in raised] == ["ack_rejected"]
    assert alerts_pass(engine, now=soon, profiles=profiles) == []
    late = sent_at + timedelta(hours=2, minutes=1)
    overdue = _ack_alerts(alerts_pass(engine, now=late, profiles=profiles))
    assert [(a.kind.value, a.subject) for a in overdue] == [
        ("ack_overdue", f"outbound:{sent['855'].outbox_id}")
    ]
    assert po_ack  # the 855 did reach the partner: it is overdue, not undelivered
    assert alerts_pass(engine, now=late, profiles=profiles) == []
