"""The ``orderport`` command: operators' and partners' entry point to the pipeline."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from orderport.api import commands as api_commands
from orderport.commands import intake as intake_commands
from orderport.commands import reports as report_commands
from orderport.commands import tracking as tracking_commands
from orderport.partners import (
    PartnerProfile,
    ProfileError,
    check_profiles,
    load_partner_profile,
    load_profile,
    load_profiles,
    load_valid_profiles,
    profiles_dir,
)
from orderport.pipeline.ingest import FileResult, check_file, ingest_file
from orderport.report import (
    file_result_json,
    findings_view,
    print_file_result,
    stored_po_json,
    stored_po_tables,
)
from orderport.store import acks, lifecycle
from orderport.store.db import database_url, make_engine, migrate

app = typer.Typer(
    help="Orderport: purchase orders in from trading partners; status and bookings back out.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
partners_app = typer.Typer(help="Partner profiles.", no_args_is_help=True)
app.add_typer(partners_app, name="partners")
app.add_typer(api_commands.keys_app, name="keys")
app.add_typer(api_commands.webhooks_app, name="webhooks")
app.command("serve")(api_commands.serve)
console = Console()

PartnerOpt = Annotated[str, typer.Option("--partner", "-p", help="Partner id (its profile).")]
FormatOpt = Annotated[
    str | None, typer.Option("--format", "-f", help="Force a format instead of detecting it.")
]
FileArg = Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="The file to read.")]


def _profile(partner: str | None) -> PartnerProfile | None:
    if partner is None:
        return None
    try:
        return load_partner_profile(partner, profiles_dir())
    except ProfileError as err:
        for problem in err.problems:
            console.print(f"[red]profile of {partner!r} is invalid:[/] {problem}", soft_wrap=True)
        raise typer.Exit(2) from None
    except KeyError:
        known = ", ".join(sorted(load_valid_profiles(profiles_dir())[0])) or "none"
        console.print(f"[red]no profile for partner {partner!r}[/] in {profiles_dir()} ({known})")
        raise typer.Exit(2) from None


def _exit_for(result: FileResult) -> None:
    if result.has_errors:
        raise typer.Exit(1)


@app.command()
def init() -> None:
    """Create or migrate the fulfillment store and register the partners' profiles."""
    engine = make_engine()
    migrate(engine)
    profiles = load_profiles(profiles_dir())
    with engine.begin() as conn:
        for profile in profiles.values():
            lifecycle.upsert_partner(conn, profile.id, profile.name)
    console.print(f"store ready at {database_url()} with {len(profiles)} partner(s)")


@app.command()
def validate(
    file: FileArg,
    partner: Annotated[str | None, typer.Option("--partner", "-p")] = None,
    fmt: FormatOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Check a file against the schema and business rules; exit 1 when a PO has errors."""
    result = check_file(file, _profile(partner), fmt)
    if as_json:
        print(json.dumps(file_result_json(result), indent=2))
    else:
        print_file_result(console, result, partner)
    _exit_for(result)


@app.command()
def convert(
    file: FileArg,
    partner: Annotated[str | None, typer.Option("--partner", "-p")] = None,
    fmt: FormatOpt = None,
) -> None:
    """Print the canonical JSON of every PO in the file, with its findings."""
    result = check_file(file, _profile(partner), fmt)
    print(json.dumps(file_result_json(result), indent=2))
    _exit_for(result)


@app.command()
def ingest(file: FileArg, partner: PartnerOpt, fmt: FormatOpt = None) -> None:
    """Validate a file and apply its POs to the store; print each PO's outcome."""
    profile = _profile(partner)
    engine = make_engine()
    migrate(engine)
    with engine.begin() as conn:
        lifecycle.upsert_partner(conn, partner, profile.name if profile else partner)
    result = ingest_file(engine, file, partner, profile, fmt)
    print_file_result(console, result, partner)
    _exit_for(result)


@app.command()
def show(
    po_number: str,
    partner: PartnerOpt,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Show a stored PO: status, versions, status history, fulfillment orders and findings."""
    engine = make_engine()
    with engine.connect() as conn:
        stored = lifecycle.get_po(conn, partner, po_number)
        sent = acks.for_po(conn, partner, stored.id) if stored is not None else []
    if stored is None:
        console.print(f"[red]no PO {po_number!r} for partner {partner!r}[/]")
        raise typer.Exit(1)
    if as_json:
        document = stored_po_json(stored)
        document["acknowledgments"] = [_ack_json(s) for s in sent]
        print(json.dumps(document, indent=2))
        return
    for table in stored_po_tables(stored):
        console.print(table)
    if stored.findings:
        console.print(findings_view(stored.findings, title="findings"))
    if sent:
        table = Table(title="our EDI documents for this PO and the partner's acknowledgment")
        for column in ("outbox", "document", "interchange", "sent (UTC)", "ack", "detail"):
            table.add_column(column)
        for s in sent:
            when = s.sent_at.strftime("%Y-%m-%d %H:%M:%S") if s.sent_at else "not yet"
            verdict = s.ack_status or ("awaited" if s.expects_ack else "-")
            table.add_row(
                str(s.outbox_id), s.document, s.interchange_ref, when, verdict, s.ack_detail or ""
            )
        console.print(table)


def _ack_json(sent: acks.AwaitedInterchange) -> dict[str, object]:
    return {
        "outbox_id": sent.outbox_id,
        "document": sent.document,
        "interchange": sent.interchange_ref,
        "sent_at": sent.sent_at.isoformat() if sent.sent_at else None,
        "ack_status": sent.ack_status,
        "ack_detail": sent.ack_detail,
    }


def _print_applied(result: lifecycle.ApplyResult, po_number: str) -> None:
    status = result.status.value if result.status else "-"
    console.print(f"{po_number}: {result.outcome.value} (status {status})")
    if result.findings:
        console.print(findings_view(result.findings))
    if result.outcome in (lifecycle.Outcome.REFUSED, lifecycle.Outcome.REJECTED):
        raise typer.Exit(1)


@app.command()
def approve(po_number: str, partner: PartnerOpt) -> None:
    """Approve a PO that needs approval; creates its fulfillment orders."""
    engine = make_engine()
    with engine.begin() as conn:
        result = lifecycle.approve(conn, partner, po_number)
    _print_applied(result, po_number)


@app.command()
def cancel(
    po_number: str,
    partner: PartnerOpt,
    reason: Annotated[str, typer.Option(help="Why it is canceled.")] = "canceled by operator",
) -> None:
    """Cancel a PO and its fulfillment orders."""
    engine = make_engine()
    with engine.begin() as conn:
        result = lifecycle.cancel(conn, partner, po_number, reason)
    _print_applied(result, po_number)


@app.command()
def demo(
    home: Annotated[
        Path | None, typer.Option(help="Where the demo keeps its store and drop folders.")
    ] = None,
) -> None:
    """Run the whole job on the sample files (SQLite + folder drops); show what happened."""
    from orderport.pipeline.demo import run_demo

    raise typer.Exit(run_demo(console, home))


@partners_app.command("check")
def partners_check(
    directory: Annotated[Path | None, typer.Argument(help="Profiles folder.")] = None,
) -> None:
    """Validate every partner profile and say exactly what is wrong."""
    folder = directory or profiles_dir()
    problems = check_profiles(folder)
    for problem in problems:
        console.print(f"[red]{problem}[/]", soft_wrap=True)
    if problems:
        raise typer.Exit(1)
    console.print(f"all profiles in {folder} are valid")


@partners_app.command("draft")
def partners_draft(
    file: FileArg,
    partner_id: Annotated[str, typer.Option("--id", help="The new partner's id.")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Where to write (default <id>.yaml).")
    ] = None,
    force: Annotated[bool, typer.Option(help="Overwrite an existing file.")] = False,
) -> None:
    """Write a reviewable profile learnt from a sample file; show the sample read with it."""
    from orderport.partners.draft import draft_profile

    target = output or Path(f"{partner_id}.yaml")
    if target.exists() and not force:
        console.print(f"[red]{target} exists[/]; use --force to overwrite it", soft_wrap=True)
        raise typer.Exit(2)
    try:
        text, _ = draft_profile(file, partner_id)
    except ValueError as err:
        console.print(f"[red]{err}[/]", soft_wrap=True)
        raise typer.Exit(2) from None
    target.write_text(text, encoding="utf-8")
    console.print(f"[bold]{target}[/] (review it, then `orderport partners check`):")
    console.print(text, markup=False, highlight=False, soft_wrap=True)
    try:
        profile = load_profile(target)
    except ProfileError as err:
        for problem in err.problems:
            console.print(f"[red]{problem}[/]", soft_wrap=True)
        raise typer.Exit(1) from None
    result = check_file(file, profile)
    console.print(f"[bold]{file.name} read with this profile:[/]")
    print(json.dumps(file_result_json(result), indent=2))


@partners_app.command("list")
def partners_list() -> None:
    """List the partner profiles."""
    for profile in load_profiles(profiles_dir()).values():
        console.print(f"{profile.id:<14} {profile.tier.value:<13} {profile.name}")


intake_commands.register(app)
tracking_commands.register(app)
report_commands.register(app)
