"""The profile's outbound section, and the tracking CLI commands on a real SQLite store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from pydantic import ValidationError
from tracking_helpers import make_booking, make_po, make_profile
from typer.testing import CliRunner

from orderport.cli import OrderportGroup
from orderport.commands import tracking as tracking_commands
from orderport.commands.tracking import register
from orderport.store import lifecycle
from orderport.store.db import make_engine, migrate


def test_status_formats_are_a_list_without_repeats() -> None:
    both = make_profile("acme", status_formats=["x12_855", "x12_856"], booking_formats=["x12_301"])
    assert both.outbound.status_formats == ["x12_855", "x12_856"]
    assert both.outbound.booking_formats == ["x12_301"]
    with pytest.raises(ValidationError, match="listed twice"):
        make_profile("acme", status_formats=["csv", "csv"])
    with pytest.raises(ValidationError, match="extra"):
        make_profile("acme", status_format="csv")


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> typer.Typer:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("ORDERPORT_DATABASE_URL", url)
    monkeypatch.setattr(tracking_commands.console, "width", 200)
    partners = tmp_path / "partners"
    partners.mkdir()
    (partners / "acme.yaml").write_text(
        "id: acme\nname: Acme\ntier: quick_deploy\n"
        "channel: {kind: folder, path: drop/acme}\nformats: {accepted: [json]}\n"
        "outbound: {status_formats: [json], booking_formats: [csv]}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("ORDERPORT_PARTNERS", str(partners))
    engine = make_engine(url)
    migrate(engine)
    with engine.begin() as conn:
        lifecycle.upsert_partner(conn, "acme", "Acme")
        lifecycle.apply(conn, "acme", make_po("PO-1"), [])
    engine.dispose()
    app = typer.Typer(cls=OrderportGroup)  # expected errors become messages, as in `orderport`
    register(app)
    return app


def test_cli_adds_shows_and_exports(cli: typer.Typer, tmp_path: Path) -> None:
    runner = CliRunner()
    added = runner.invoke(
        cli,
        [
            "status",
            "add",
            "PO-1",
            "--partner",
            "acme",
            "--code",
            "shipped",
            "--at",
            "2026-03-20T14:00:00Z",
            "--location",
            "Newark DC",
        ],
    )
    assert added.exit_code == 0, added.output
    booking = tmp_path / "booking.json"
    booking.write_text(make_booking("BK-1", ["PO-1"]).model_dump_json(), encoding="utf-8")
    assert (
        runner.invoke(
            cli, ["booking", "add", "--partner", "acme", "--file", str(booking)]
        ).exit_code
        == 0
    )
    shown = runner.invoke(cli, ["status", "show", "PO-1", "--partner", "acme"], terminal_width=200)
    assert shown.exit_code == 0, shown.output
    for text in ("received", "accepted", "shipped", "Newark DC", "booking BK-1 v1"):
        assert text in shown.output
    unknown = runner.invoke(
        cli, ["status", "add", "PO-9", "--partner", "acme", "--code", "shipped"]
    )
    assert unknown.exit_code == 1
    assert "PO 'PO-9' is unknown" in unknown.output
    exported = runner.invoke(cli, ["export", "--partner", "acme"])
    assert exported.exit_code == 0, exported.output
    assert "3 status event(s), 1 booking change(s), 2 file(s) queued" in exported.output
    assert runner.invoke(cli, ["export"]).exit_code == 2
    assert runner.invoke(cli, ["alerts"]).exit_code == 0
    history = runner.invoke(cli, ["booking", "show", "BK-1", "--partner", "acme"])
    assert history.exit_code == 0
    assert "confirmed" in history.output
    assert json.loads(booking.read_text())["booking_reference"] == "BK-1"
