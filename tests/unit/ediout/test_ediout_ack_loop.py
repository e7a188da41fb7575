"""The partner's 997 / CONTRL for OUR documents: read at intake, matched, recorded, alerted once.

Issue 14: inbound 997/999 and CONTRL for our 855/856/301/ORDRSP/DESADV/IFTMBC were not read;
nobody noticed a rejected or missing acknowledgment.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from envelopes import read_envelope
from partner_walk import NOW, drop, edifact_order, setup, shipped, x12_order
from sqlalchemy import select
from typer.testing import CliRunner

from orderport import cli
from orderport.commands import intake as intake_commands
from orderport.pipeline.alerts import alerts_pass
from orderport.pipeline.deliver import deliver_pending
from orderport.pipeline.export import export_pass
from orderport.pipeline.intake import intake_pass
from orderport.reports.collect import collect
from orderport.store import acks
from orderport.store.tables import inbound_files, outbox
from orderport.store.tracking import record_status

OUTBOUND = """  status_formats: [x12_855, x12_856, edifact_ordrsp]
  ack_expected_within: 4h
"""


def partner_997(group: str, verdict: str, sender: str = "4012345000009") -> bytes:
    """The partner's 997 for our group ``group``: AK9 ``verdict``, with TD5/element 2 named."""
    errors = "AK3*TD5*7**8~AK4*2*66*7*XX~" if verdict != "A" else ""
    return (
        f"ISA*00*          *00*          *14*{sender:<15}*ZZ*OPX12          *260321*0700*U*"
        "00401*000000077*0*P*>~GS*FA*4012345000009*OPX12APP*20260321*0700*77*X*004010~"
        f"ST*997*0001~AK1*SH*{group}~AK2*856*0001~{errors}AK5*{verdict}~"
        f"AK9*{verdict}*1*1*{0 if verdict == 'R' else 1}~SE*8*0001~GE*1*77~IEA*1*000000077~"
    ).encode()


def partner_contrl(reference: str, action: str) -> bytes:
    return (
        "UNA:+.? 'UNB+UNOC:3+4012345000009:14+8798765000019:14+260321:0700+R77'"
        "UNH+1+CONTRL:D:3:UN'"
        f"UCI+{reference}+8798765000019:14+4012345000009:14+{action}'UNT+3+1'UNZ+1+R77'"
    ).encode()


def _outbox(engine, kind):
    with engine.connect() as conn:
        row = conn.execute(select(outbox.c.id, outbox.c.content).where(outbox.c.kind == kind)).one()
    return row.id, read_envelope(bytes(row.content))


def _state(engine, name):
    with engine.connect() as conn:
        row = conn.execute(
            select(inbound_files.c.state, inbound_files.c.error).where(
                inbound_files.c.original_name == name
            )
        ).one()
    return row.state, row.error


def test_rejecting_997_and_missing_acks_raise_one_alert_each(
    engine, database_url, tmp_path, monkeypatch
):
    ctx = setup(tmp_path, outbound=OUTBOUND)
    inbox = ctx.home / "drop" / "umbrella"
    profiles = {"umbrella": ctx.profile("umbrella")}
    drop(inbox, "po.edi", x12_order("000001001", "450001"))
    drop(inbox, "orders.edi", edifact_order("INT0001", "PO-E-1"))
    intake_pass(engine, home=ctx.home, ctx=ctx)
    with engine.begin() as conn:
        record_status(conn, "umbrella", shipped("450001"), source="test")
    assert export_pass(engine, "umbrella", now=NOW, profiles=profiles).errors == {}
    sent_at = datetime.now(UTC)
    deliver_pending(engine, home=ctx.home, ctx=ctx)
    ship_notice, asn = _outbox(engine, "status_x12_856")
    ordrsp, order_response = _outbox(engine, "status_edifact_ordrsp")
    po_ack, _ = _outbox(engine, "status_x12_855")

    drop(inbox, "997.edi", partner_997(asn.group, "R"))
    drop(inbox, "contrl.edi", partner_contrl(order_response.interchange, "7"))
    summary = intake_pass(engine, home=ctx.home, ctx=ctx)
    assert sorted(o.state.value for o in summary.outcomes) == ["stored", "stored"]
    with engine.connect() as conn:
        by_outbox = {i.outbox_id: i for i in acks.interchanges(conn, "umbrella")}
    assert by_outbox[ship_notice].ack_status == "rejected"
    assert "TD5 at position 7" in by_outbox[ship_notice].ack_detail
    assert "element 2 (error 7) value 'XX'" in by_outbox[ship_notice].ack_detail
    assert by_outbox[ordrsp].ack_status == "accepted"
    assert by_outbox[po_ack].ack_status is None
    # acknowledgments are never acknowledged: nothing new in the outbox
    with engine.connect() as conn:
        kinds = sorted(conn.execute(select(outbox.c.kind)).scalars())
    assert kinds.count("ack_997") == 1
    assert kinds.count("contrl") == 1

    now = sent_at + timedelta(minutes=5)
    raised = alerts_pass(engine, now=now, profiles=profiles)
    assert [(a.kind.value, a.subject) for a in raised] == [
        ("ack_rejected", f"outbound:{ship_notice}")
    ]
    assert "856" in raised[0].message
    assert alerts_pass(engine, now=now, profiles=profiles) == []  # once

    later = sent_at + timedelta(hours=4, minutes=1)
    overdue = alerts_pass(engine, now=later, profiles=profiles)
    assert [(a.kind.value, a.subject) for a in overdue] == [("ack_overdue", f"outbound:{po_ack}")]
    assert alerts_pass(engine, now=later, profiles=profiles) == []

    # The nightly report's data ...
    report = collect(engine, sent_at.date(), partner_ids=["umbrella"], trend_days=1)
    [day] = report.partners
    assert day.acks_by_status == {"rejected": 1, "accepted": 1}
    assert day.ack_alerts == {"ack_rejected": 1, "ack_overdue": 1}
    # ... and `orderport files`: the acknowledgment file and the rejected 856.
    monkeypatch.setenv("ORDERPORT_DATABASE_URL", database_url)
    monkeypatch.setenv("ORDERPORT_PARTNERS", str(tmp_path / "partners"))
    monkeypatch.setattr(intake_commands.console, "width", 250)
    result = CliRunner().invoke(cli.app, ["files", "--partner", "umbrella"])
    assert result.exit_code == 0, result.output
    assert f"acknowledges 856 outbox #{ship_notice}: rejected" in result.output
    assert "1 rejected or overdue" in result.output
    assert "TD5 at position 7" in result.output
    # ... and `orderport show` of the PO: its 855 awaited, 856 rejected, ORDRSP accepted.
    shown = CliRunner().invoke(cli.app, ["show", "450001", "--partner", "umbrella", "--json"])
    assert shown.exit_code == 0, shown.output
    verdicts = {a["document"]: a["ack_status"] for a in json.loads(shown.output)["acknowledgments"]}
    # (every status format carries the PO: the ORDRSP too)
    assert verdicts == {"855": None, "856": "rejected", "ORDRSP": "accepted"}


def test_acknowledgments_from_strangers_or_for_nothing_we_sent_are_rejected(engine, tmp_path):
    ctx = setup(tmp_path, outbound=OUTBOUND)
    inbox = ctx.home / "drop" / "umbrella"
    drop(inbox, "po.edi", x12_order("000001001", "450001"))
    intake_pass(engine, home=ctx.home, ctx=ctx)
    drop(inbox, "stranger.edi", partner_997("1", "A", sender="EVILCORP"))
    drop(inbox, "unknown.edi", partner_997("999", "A"))
    drop(inbox, "contrl.edi", partner_contrl("424242", "4"))
    intake_pass(engine, home=ctx.home, ctx=ctx)
    state, error = _state(engine, "stranger.edi")
    assert state == "rejected"
    assert "sender 'EVILCORP'" in error
    state, error = _state(engine, "unknown.edi")
    assert state == "rejected"
    assert "acknowledges nothing we sent to umbrella: GS06 999" in error
    state, error = _state(engine, "contrl.edi")
    assert state == "rejected"
    assert "UNB 0020 424242" in error
