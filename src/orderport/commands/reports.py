"""``orderport report nightly``: the operator's report and the demand-planning extract."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer

from orderport.commands.common import console, open_store

report_app = typer.Typer(help="Operator reports.", no_args_is_help=True)


def _day(value: str | None) -> date:
    """``today`` (the default: today's activity so far), ``yesterday`` or ``YYYY-MM-DD``."""
    today = datetime.now(UTC).date()
    if value is None or value.lower() == "today":
        return today
    if value.lower() == "yesterday":
        return today - timedelta(days=1)
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise typer.BadParameter(
            f"--date {value!r}: use today, yesterday or YYYY-MM-DD, e.g. 2026-11-22"
        ) from exc


@report_app.command("nightly")
def nightly(
    day: Annotated[
        str | None,
        typer.Option(
            "--date",
            help="UTC day to report: today (default, activity so far), yesterday or YYYY-MM-DD.",
        ),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Folder (default: $ORDERPORT_HOME/reports).")
    ] = None,
) -> None:
    """Write the nightly report (CSV, JSON, HTML with charts) and the demand-planning CSV."""
    from orderport.pipeline.nightly import write_report
    from orderport.settings import home_dir

    chosen = _day(day)
    engine = open_store()
    try:
        files = write_report(engine, day=chosen, out_dir=out or home_dir() / "reports")
    finally:
        engine.dispose()
    for path in files.all():
        console.print(str(path))


def register(app: typer.Typer) -> None:
    app.add_typer(report_app, name="report")
