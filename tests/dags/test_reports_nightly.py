"""The nightly report and demand extract from a real store (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Engine, insert, update

from orderport.pipeline.ingest import ingest_file
from orderport.reports import collect, demand_rows, write_nightly
from orderport.store import outbox
from orderport.store.lifecycle import upsert_partner
from orderport.store.tables import audit_log, inbound_files

SAMPLES = Path(__file__).resolve().parents[2] / "sample_files" / "csv"
TODAY = datetime.now(UTC).date()


def _ledger_row(engine: Engine, state: str, received: datetime, detail: dict | None = None) -> int:
    with engine.begin() as conn:
        return int(
            conn.execute(
                insert(inbound_files)
                .values(
                    partner_id="acme",
                    sha256="0" * 64,
                    original_name="x.csv",
                    size=1,
                    channel="folder",
                    state=state,
                    received_at=received,
                    updated_at=received,
                    detail=detail,
                )
                .returning(inbound_files.c.id)
            ).scalar_one()
        )


def _store(engine: Engine) -> None:
    with engine.begin() as conn:
        upsert_partner(conn, "acme", "ACME")
        upsert_partner(conn, "quiet", "Quiet Co")
    ingest_file(engine, SAMPLES / "canonical_valid.csv", "acme")  # 2 created
    ingest_file(engine, SAMPLES / "canonical_errors.csv", "acme")  # 2 held (PO-3001 as read)
    now = datetime.now(UTC)
    _ledger_row(engine, "stored", now, {"outcomes": {"duplicate": 2, "rejected": 1}})
    _ledger_row(engine, "duplicate", now)
    _ledger_row(engine, "stored", now - timedelta(days=3))
    with engine.begin() as conn:
        sent = outbox.enqueue(conn, "acme", "status_json", b"{}", extension="json")
        outbox.enqueue(conn, "acme", "status_json", b"{}", extension="json")  # never sent
        outbox.mark_sent(conn, sent)
        # an audit row from 40 days ago is outside the 30-day trend
        conn.execute(
            update(audit_log).where(audit_log.c.id == 1).values(at=now - timedelta(days=40))
        )


def test_collect_counts_per_partner_and_trend(engine: Engine) -> None:
    _store(engine)
    report = collect(engine, TODAY, partner_ids=["quiet"])
    by_id = {p.partner_id: p for p in report.partners}
    acme = by_id["acme"]
    assert by_id["quiet"].files_received == 0  # a quiet partner still gets its row
    assert acme.files_received == 2
    assert acme.files_by_state == {"stored": 1, "duplicate": 1}
    # audit row 1 (PO-1001 created) was moved 40 days back
    assert acme.pos["created"] == 1
    assert acme.pos["held"] == 2
    assert acme.pos["duplicate"] == 2
    assert acme.pos["rejected"] == 1
    # Since issue 13 the reader infers "01/12/2026" and "2,50"; one bad date and one bad boolean.
    assert acme.findings_by_code["read.date"] == 1
    assert acme.findings_by_code["read.boolean"] == 1
    assert acme.status_files_sent == 1
    assert acme.files_sent_by_kind == {"status_json": 1}
    assert len(report.trend) == 30
    assert report.trend[-1].day == TODAY
    today = report.trend[-1]
    assert today.files_received == 2
    assert today.pos == 1 + 2 + 2 + 1
    assert today.pos_with_errors == 3
    assert report.trend[-4].files_received == 1


def test_demand_extract_sums_quantity_by_sku_uom_and_iso_week(engine: Engine) -> None:
    _store(engine)
    rows = demand_rows(engine)
    assert rows, "no demand rows"
    for r in rows:
        assert isinstance(r.quantity, Decimal)
        year, week = r.iso_week.split("-W")
        assert r.week_start.isocalendar()[:2] == (int(year), int(week))
        assert r.week_start.weekday() == 0
    keys = [(r.sku, r.uom, r.iso_week) for r in rows]
    assert keys == sorted(keys)
    assert len(keys) == len(set(keys))
    total = sum((r.quantity for r in rows), Decimal(0))
    expected = _sample_quantity()
    assert total == expected


def _sample_quantity() -> Decimal:
    """Quantities of the stored POs' lines: the valid file plus the held PO-3002. PO-3001 is held
    as read (one of its rows is unreadable), so it has no line rows to plan demand from."""
    doc = json.loads((SAMPLES / "canonical_valid.csv.expected.json").read_text())
    held = json.loads((SAMPLES / "canonical_errors.csv.expected.json").read_text())
    total = Decimal(0)
    for source in (doc, held):
        for d in source["documents"]:
            po = d.get("po") or {}
            if po.get("po_number") == "PO-3001":
                continue
            for line in po.get("lines", []):
                total += Decimal(str(line["quantity"]))
    return total


def test_write_nightly_files(engine: Engine, tmp_path: Path) -> None:
    _store(engine)
    files = write_nightly(engine, TODAY, tmp_path)
    rows = list(csv.DictReader(files.csv.open()))
    acme = next(r for r in rows if r["partner_id"] == "acme")
    assert acme["pos_held"] == "2"
    assert acme["status_files_sent"] == "1"
    findings = list(csv.DictReader(files.findings_csv.open()))
    assert {"partner_id": "acme", "code": "read.boolean", "count": "1"} in findings
    data = json.loads(files.json.read_text())
    assert data["day"] == TODAY.isoformat()
    assert len(data["trend"]) == 30
    html = files.html.read_text()
    assert "<svg" in html
    assert "http" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    demand = list(csv.DictReader(files.demand_csv.open()))
    assert demand
    assert set(demand[0]) == {
        "sku",
        "uom",
        "iso_week",
        "week_start",
        "quantity",
        "lines",
        "pos",
    }
    assert files.csv.name == f"nightly-{TODAY.isoformat()}.csv"


def test_report_for_an_empty_day(engine: Engine, tmp_path: Path) -> None:
    files = write_nightly(engine, date(2020, 1, 1), tmp_path, partner_ids=["none"])
    data = json.loads(files.json.read_text())
    assert all(d["pos"] == 0 for d in data["trend"])
    assert "No findings" in files.html.read_text()


def test_cli_report_nightly(engine: Engine, database_url: str, tmp_path: Path, monkeypatch) -> None:
    import typer
    from typer.testing import CliRunner

    from orderport.commands.reports import register

    _store(engine)
    app = typer.Typer()
    register(app)
    monkeypatch.setenv("ORDERPORT_DATABASE_URL", database_url)
    out = tmp_path / "out"
    runner = CliRunner()
    result = runner.invoke(
        app, ["report", "nightly", "--date", TODAY.isoformat(), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert (out / f"nightly-{TODAY.isoformat()}.html").is_file()
    assert (out / f"demand-{TODAY.isoformat()}.csv").is_file()
    bad = runner.invoke(app, ["report", "nightly", "--date", "22.11.2026"])
    assert bad.exit_code != 0
    assert "YYYY-MM-DD" in bad.output
