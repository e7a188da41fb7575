"""``orderport intake | files | reprocess | deliver``: the intake ledger from the command line."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import Engine

from orderport.channels import safe_display_name
from orderport.partners import load_profiles
from orderport.pipeline.deliver import deliver_pending
from orderport.pipeline.intake import intake_pass, reclaim_stuck, reprocess
from orderport.settings import home_dir
from orderport.store import acks, ledger
from orderport.store.db import make_engine, migrate
from orderport.store.ledger import FileState

console = Console()


def _since(value: str | None) -> datetime | None:
    """``2025-03-01``, an ISO timestamp, or a relative ``2h`` / ``3d``."""
    if value is None:
        return None
    units = {"m": "minutes", "h": "hours", "d": "days"}
    if value[:-1].isdigit() and value[-1:] in units:
        return datetime.now(UTC) - timedelta(**{units[value[-1]]: int(value[:-1])})
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise typer.BadParameter(
            f"--since {value!r}: use 2025-03-01, an ISO time, or 2h/3d"
        ) from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


REFUSED_EXIT = 3
"""``intake`` exit code when the pass ran but refused or failed files (1: a channel failed)."""


def intake(
    partner: Annotated[
        list[str] | None, typer.Option("--partner", "-p", help="Partner id.")
    ] = None,
    all_partners: Annotated[bool, typer.Option("--all", help="Every partner profile.")] = False,
    reclaim_after: Annotated[
        int, typer.Option(help="Minutes after which a dead pass's claim is taken over.")
    ] = 60,
) -> None:
    """One intake pass: claim, archive, process and answer the partners' new files."""
    if bool(partner) == all_partners:
        console.print("[red]give --partner ID (repeatable) or --all[/]")
        raise typer.Exit(2)
    engine = make_engine()
    migrate(engine)
    reclaim_stuck(engine, timedelta(minutes=reclaim_after))
    summary = intake_pass(engine, None if all_partners else partner, home=home_dir())
    table = Table(title="intake pass")
    for column in ("file", "partner", "name", "format", "state", "answers", "note"):
        table.add_column(column)
    for o in summary.outcomes:
        note = o.error or ("(finished an earlier pass's move)" if o.already_final else "")
        table.add_row(
            str(o.file_id),
            o.partner_id,
            safe_display_name(o.original_name, 50),
            o.format or "-",
            o.state.value,
            str(len(o.outbox_ids)),
            note[:80],
        )
    console.print(table)
    for error in summary.errors:
        console.print(f"[red]{error}[/]", markup=True)
    if summary.errors:
        raise typer.Exit(1)
    refused = [
        o
        for o in summary.outcomes
        if not o.already_final and o.state in (FileState.REJECTED, FileState.FAILED)
    ]
    if refused:
        console.print(f"{len(refused)} file(s) refused or failed; their senders were answered")
        raise typer.Exit(REFUSED_EXIT)


def files(
    partner: Annotated[str | None, typer.Option("--partner", "-p")] = None,
    state: Annotated[FileState | None, typer.Option("--state")] = None,
    since: Annotated[str | None, typer.Option(help="2025-03-01, ISO time, or 2h / 3d.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many rows.")] = 100,
) -> None:
    """The intake ledger, newest first."""
    engine = make_engine()
    with engine.connect() as conn:
        rows = ledger.list_files(
            conn, partner_id=partner, state=state, since=_since(since), limit=limit
        )
    table = Table(title=f"inbound files ({len(rows)})")
    for column in ("id", "received (UTC)", "partner", "name", "size", "format", "state", "note"):
        table.add_column(column)
    for r in rows:
        note = r.error or ""
        acknowledged = r.detail.get("acknowledges")
        if r.duplicate_of is not None:
            note = f"duplicate of #{r.duplicate_of}"
        elif acknowledged:
            note = (note + " acknowledges " + ", ".join(map(str, acknowledged))).strip()
        elif r.needs_finish:
            note = (note + " (channel move pending)").strip()
        table.add_row(
            str(r.id),
            r.received_at.strftime("%Y-%m-%d %H:%M:%S"),
            r.partner_id,
            safe_display_name(r.original_name, 50),
            str(r.size),
            r.format or "-",
            r.state.value,
            note[:80],
        )
    console.print(table)
    _acknowledgment_problems(engine, partner)


def _acknowledgment_problems(engine: Engine, partner: str | None) -> None:
    """Our interchanges the partner rejected or has not acknowledged within its window."""
    profiles = load_profiles()
    now = datetime.now(UTC)
    with engine.connect() as conn:
        sent = acks.interchanges(conn, partner)
    problems = [
        (s, "rejected" if s.ack_status == "rejected" else "overdue")
        for s in sent
        if s.ack_status == "rejected"
        or (
            s.partner_id in profiles
            and acks.is_overdue(s, profiles[s.partner_id].outbound.ack_window(), now)
        )
    ]
    if not problems:
        return
    table = Table(title=f"acknowledgments of our files: {len(problems)} rejected or overdue")
    for column in ("outbox", "partner", "document", "interchange", "sent (UTC)", "ack", "detail"):
        table.add_column(column)
    for s, verdict in problems:
        sent_at = s.sent_at.strftime("%Y-%m-%d %H:%M:%S") if s.sent_at else "-"
        table.add_row(
            str(s.outbox_id),
            s.partner_id,
            s.document,
            s.interchange_ref,
            sent_at,
            verdict,
            (s.ack_detail or "")[:80],
        )
    console.print(table)


def reprocess_command(
    file_id: Annotated[int, typer.Argument(help="Ledger id (see `orderport files`).")],
) -> None:
    """Re-run a held, rejected or failed file from the archive (e.g. after fixing a profile)."""
    engine = make_engine()
    try:
        outcome = reprocess(engine, file_id, home=home_dir())
    except (LookupError, ValueError) as exc:
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(1) from exc
    console.print(f"file #{file_id}: {outcome.state.value} {outcome.error or ''}".strip())
    if outcome.result is not None:
        for po in outcome.result.pos:
            status = po.status.value if po.status else "-"
            outcome_text = po.outcome.value if po.outcome else "invalid"
            console.print(f"  {po.po_number}: {outcome_text} (status {status})")


def deliver(
    partner: Annotated[str | None, typer.Option("--partner", "-p")] = None,
) -> None:
    """Send every pending answer and export in the outbox through the partners' channels."""
    engine = make_engine()
    summary = deliver_pending(engine, partner, home=home_dir())
    console.print(f"sent {len(summary.sent)} file(s)")
    for outbox_id, error in summary.failed.items():
        console.print(f"[red]outbox #{outbox_id}: {error}[/]")
    if summary.failed:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("intake")(intake)
    app.command("files")(files)
    app.command("reprocess")(reprocess_command)
    app.command("deliver")(deliver)
