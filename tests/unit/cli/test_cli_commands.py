"""The ``orderport`` command end to end on a real store (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from orderport import cli
from orderport.cli import app

SAMPLES = Path(__file__).resolve().parents[3] / "sample_files"
runner = CliRunner()


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tables are read by eye: give them room whatever terminal runs the tests."""
    monkeypatch.setattr(cli.console, "width", 200)


@pytest.fixture
def store(database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("ORDERPORT_DATABASE_URL", database_url)
    monkeypatch.setenv("ORDERPORT_PARTNERS", str(SAMPLES / "partners"))
    return database_url


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_validate_valid_file_exits_zero():
    code, out = run("validate", str(SAMPLES / "csv" / "canonical_valid.csv"))
    assert code == 0, out
    assert "PO-1001" in out
    assert "valid" in out


def test_validate_reports_located_errors_and_exits_one():
    code, out = run("validate", str(SAMPLES / "csv" / "canonical_errors.csv"), "--json")
    assert code == 1
    report = json.loads(out)
    findings = [f for po in report["purchase_orders"] for f in po["findings"]]
    located = [f for f in findings if f["severity"] == "error" and f["location"].get("row")]
    assert located, findings
    assert all(f["location"]["file"] == "canonical_errors.csv" for f in located)


def test_validate_unreadable_file_names_the_problem(tmp_path: Path):
    # cp1252 is now detected (issue 13); a table with no PO number column is still unreadable.
    unreadable = tmp_path / "no_po_column.csv"
    unreadable.write_text("colour,weight\nred,3\n", encoding="utf-8")
    code, out = run("validate", str(unreadable), "--json")
    assert code == 1
    report = json.loads(out)
    assert report["error"]["code"] == "read.file"
    assert report["purchase_orders"] == []


def test_convert_prints_canonical_json_of_an_x12_file():
    code, out = run("convert", str(SAMPLES / "x12" / "po_two_groups.edi"))
    report = json.loads(out)
    assert report["format"] == "x12"
    pos = [po["po"] for po in report["purchase_orders"] if po["po"]]
    assert len(pos) == len(report["purchase_orders"]) == 3
    assert all(po["lines"] for po in pos)
    assert code == 0, out


@pytest.mark.usefixtures("store")
def test_ingest_show_approve_cancel_lifecycle():
    valid = str(SAMPLES / "csv" / "canonical_valid.csv")
    code, out = run("ingest", valid, "--partner", "acme")
    assert code == 0, out
    assert "created" in out

    code, out = run("ingest", valid, "--partner", "acme")
    assert code == 0, out
    assert "duplicate" in out
    assert "created" not in out

    code, out = run("show", "PO-1001", "--partner", "acme", "--json")
    assert code == 0, out
    shown = json.loads(out)
    assert shown["version"] == 1
    assert [line["sku"] for line in shown["document"]["lines"]] == ["SKU-100", "SKU-101"]

    assert shown["status"] == "approved"  # the file says is_approved
    assert [o["external_id"] for o in shown["fulfillment_orders"]] == ["EXT-1001"]

    code, out = run("cancel", "PO-1001", "--partner", "acme", "--reason", "buyer request")
    assert code == 0, out
    shown = json.loads(run("show", "PO-1001", "--partner", "acme", "--json")[1])
    assert shown["status"] == "canceled"
    assert {o["status"] for o in shown["fulfillment_orders"]} == {"canceled"}
    assert shown["status_history"][-1]["reason"] == "buyer request"

    code, out = run("approve", "PO-1001", "--partner", "acme")
    assert code == 1
    assert "refused" in out


@pytest.mark.usefixtures("store")
def test_show_unknown_po_exits_one():
    run("init")
    code, out = run("show", "NOPE", "--partner", "acme")
    assert code == 1
    assert "no PO" in out


@pytest.mark.usefixtures("store")
def test_ingest_unknown_partner_is_refused():
    code, out = run("ingest", str(SAMPLES / "csv" / "canonical_valid.csv"), "--partner", "nobody")
    assert code == 2
    assert "no profile for partner 'nobody'" in out


def test_partners_check_passes_on_samples_and_fails_on_a_broken_profile(tmp_path: Path):
    code, out = run("partners", "check", str(SAMPLES / "partners"))
    assert code == 0, out
    (tmp_path / "broken.yaml").write_text("id: broken\nname: B\ntier: adaptive\n", encoding="utf-8")
    code, out = run("partners", "check", str(tmp_path))
    assert code == 1
    assert "broken.yaml" in out


@pytest.mark.usefixtures("store")
def test_approve_creates_the_fulfillment_order_of_a_po_that_needs_approval():
    code, out = run("ingest", str(SAMPLES / "json" / "canonical_valid.json"), "--partner", "acme")
    assert code == 0, out
    shown = json.loads(run("show", "4500012345", "--partner", "acme", "--json")[1])
    assert shown["status"] == "needs_approval"
    assert shown["fulfillment_orders"] == []

    code, out = run("approve", "4500012345", "--partner", "acme")
    assert code == 0, out
    shown = json.loads(run("show", "4500012345", "--partner", "acme", "--json")[1])
    assert shown["status"] == "approved"
    assert [o["external_id"] for o in shown["fulfillment_orders"]] == ["4500012345"]
    assert [s["status"] for s in shown["status_history"]] == ["needs_approval", "approved"]


@pytest.mark.usefixtures("store")
def test_sample_tracking_files_import_and_export():
    code, out = run("ingest", str(SAMPLES / "csv" / "canonical_valid.csv"), "--partner", "acme")
    assert code == 0, out
    tracking = SAMPLES / "tracking"
    code, out = run(
        "status", "import", "--partner", "acme", "--file", str(tracking / "warehouse_status.csv")
    )
    assert code == 0, out
    assert "2 status record(s) stored" in out
    code, out = run(
        "booking", "add", "--partner", "acme", "--file", str(tracking / "booking_confirmation.json")
    )
    assert code == 0, out
    assert "1 booking record(s) stored" in out

    code, out = run("status", "show", "PO-1001", "--partner", "acme")
    assert code == 0, out
    assert "shipped" in out
    assert "MAEU-240117-01" in out
    shown = json.loads(run("show", "PO-1001", "--partner", "acme", "--json")[1])
    assert shown["status"] == "shipped"

    code, out = run("export", "--partner", "acme")
    assert code == 0, out
    assert "acme:" in out
    assert "0 file(s) queued" not in out
