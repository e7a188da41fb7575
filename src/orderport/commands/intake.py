"""``orderport intake | files | reprocess | deliver``: the intake ledger from the command line."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Annotated, Any

import typer

from orderport.commands.choices import FileStateChoice
from orderport.commands.common import (
    CountProgress,
    OnlyPartnerOpt,
    console,
    load_partner_profiles,
    open_migrated_store,
    open_store,
    require_partner,
    require_partners,
)
from orderport.errors import ExitCode, NotFoundError

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

    from orderport.pipeline.intake import FileOutcome, IntakeSummary

FAILED_STATES = ("rejected", "failed")


def parse_since(value: str | None) -> datetime | None:
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


def _display(name: str) -> str:
    from orderport.channels import safe_display_name

    return safe_display_name(name, 500)


class _ConsoleLines(logging.Handler):
    """Print a pipeline logger's INFO lines on the console (e.g. a stability wait)."""

    def emit(self, record: logging.LogRecord) -> None:
        console.print(record.getMessage(), soft_wrap=True, highlight=False)


def _announce_stability_waits() -> None:
    """A pass waiting out a partner's stability interval says so (silence looks hung)."""
    waits = logging.getLogger("orderport.channels.completeness")
    waits.setLevel(logging.INFO)
    if not any(isinstance(h, _ConsoleLines) for h in waits.handlers):
        waits.addHandler(_ConsoleLines())


def intake(
    partner: Annotated[
        list[str] | None,
        typer.Option("--partner", "-p", help="Partner id (repeatable)."),
    ] = None,
    all_partners: Annotated[bool, typer.Option("--all", help="Every partner profile.")] = False,
    reclaim_after: Annotated[
        int, typer.Option(help="Minutes after which a dead pass's claim is taken over.")
    ] = 60,
) -> None:
    """One intake pass: claim, archive, process and answer the partners' new files.

    Exits 1 when a channel failed or every file of the pass was rejected."""
    if bool(partner) == all_partners:
        raise typer.BadParameter("give --partner ID (repeatable) or --all")
    require_partners(partner)
    _announce_stability_waits()
    engine = open_migrated_store()
    from orderport.pipeline.intake import intake_pass, reclaim_stuck
    from orderport.settings import home_dir

    reclaim_stuck(engine, timedelta(minutes=reclaim_after))
    with CountProgress("processing files") as bar:

        def report(_outcome: FileOutcome, total: int, done: list[int] = [0]) -> None:  # noqa: B006
            done[0] += 1
            bar.advance(done[0], total)

        summary = intake_pass(
            engine, None if all_partners else partner, home=home_dir(), progress=report
        )
    _print_intake(summary)
    for error in summary.errors:
        console.print(f"[red]{error}[/]", soft_wrap=True, markup=True)
    refused = [
        o for o in summary.outcomes if not o.already_final and o.state.value in FAILED_STATES
    ]
    if refused:
        console.print(f"{len(refused)} file(s) refused or failed; their senders were answered")
    if summary.errors or refused:
        raise typer.Exit(ExitCode.FINDINGS)


def _print_intake(summary: IntakeSummary) -> None:
    from collections import Counter

    from rich.table import Table

    if not summary.outcomes:
        console.print("no new files")
        return
    table = Table(title="intake pass")
    for column in ("file", "partner", "name", "format", "state", "answers", "note"):
        table.add_column(column, overflow="fold")
    for o in summary.outcomes:
        note = o.error or ("(finished an earlier pass's move)" if o.already_final else "")
        table.add_row(
            str(o.file_id),
            o.partner_id,
            _display(o.original_name),
            o.format or "-",
            o.state.value,
            str(len(o.outbox_ids)),
            note,
        )
    console.print(table)
    counts = Counter(o.state.value for o in summary.outcomes)
    parts = ", ".join(f"{n} {state}" for state, n in sorted(counts.items()))
    console.print(f"total: {len(summary.outcomes)} file(s): {parts}")


def _file_conditions(partner: str | None, state: str | None, since: datetime | None) -> list[Any]:
    from orderport.store.tables import inbound_files as f

    conditions: list[Any] = []
    if partner is not None:
        conditions.append(f.c.partner_id == partner)
    if state is not None:
        conditions.append(f.c.state == state)
    if since is not None:
        conditions.append(f.c.received_at >= since)
    return conditions


def list_files_page(
    conn: Connection,
    *,
    partner: str | None,
    state: str | None,
    since: datetime | None,
    limit: int,
    offset: int,
) -> tuple[list[dict[str, Any]], int]:
    """One page of the ledger (newest first) as plain dicts, and how many rows match."""
    from sqlalchemy import func, select

    from orderport.store.tables import inbound_files as f

    conditions = _file_conditions(partner, state, since)
    total = conn.execute(select(func.count()).select_from(f).where(*conditions)).scalar_one()
    rows = conn.execute(
        select(f).where(*conditions).order_by(f.c.id.desc()).limit(limit).offset(offset)
    ).all()
    page: list[dict[str, Any]] = []
    for r in rows:
        note = r.error or ""
        if r.duplicate_of is not None:
            note = f"duplicate of #{r.duplicate_of}"
        elif isinstance(r.detail, dict) and r.detail.get("acknowledges"):
            acknowledged = ", ".join(map(str, r.detail["acknowledges"]))
            note = (note + " acknowledges " + acknowledged).strip()
        elif r.state in ("stored", "held", "rejected", "duplicate", "failed") and (
            r.finished_at is None and r.channel_ref
        ):
            note = (note + " (channel move pending)").strip()
        page.append(
            {
                "id": r.id,
                "received_at": r.received_at.isoformat(),
                "partner": r.partner_id,
                "name": r.original_name,
                "size": r.size,
                "format": r.format,
                "state": r.state,
                "note": note,
            }
        )
    return page, int(total)


def files(
    partner: OnlyPartnerOpt = None,
    state: Annotated[
        FileStateChoice | None, typer.Option("--state", help="Only this state.")
    ] = None,
    since: Annotated[
        str | None, typer.Option(help="Received since 2025-03-01, an ISO time, or 2h / 3d.")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, help="Rows per page.")] = 100,
    page: Annotated[int, typer.Option(min=1, help="Which page (1 = newest).")] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """The intake ledger, newest first, a page at a time."""
    from rich.table import Table

    from orderport.commands.records import page_footer

    if partner is not None:
        require_partner(partner)
    engine = open_store()
    with engine.connect() as conn:
        rows, total = list_files_page(
            conn,
            partner=partner,
            state=state.value if state else None,
            since=parse_since(since),
            limit=limit,
            offset=(page - 1) * limit,
        )
    if as_json:
        print(json.dumps({"total": total, "page": page, "limit": limit, "files": rows}, indent=2))
        return
    table = Table(title="inbound files")
    for column in ("id", "received (UTC)", "partner", "name", "size", "format", "state", "note"):
        table.add_column(column, overflow="fold")
    for r in rows:
        table.add_row(
            str(r["id"]),
            r["received_at"][:19].replace("T", " "),
            r["partner"],
            _display(r["name"]),
            str(r["size"]),
            r["format"] or "-",
            r["state"],
            r["note"],
        )
    console.print(table)
    console.print(page_footer(len(rows), total, page, limit, "file(s)"))
    _acknowledgment_problems(engine, partner)


def _acknowledgment_problems(engine: Engine, partner: str | None) -> None:
    """Our interchanges the partner rejected or has not acknowledged within its window."""
    from rich.table import Table

    from orderport.store import acks

    profiles = load_partner_profiles()
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
        table.add_column(column, overflow="fold")
    for s, verdict in problems:
        sent_at = s.sent_at.strftime("%Y-%m-%d %H:%M:%S") if s.sent_at else "-"
        table.add_row(
            str(s.outbox_id),
            s.partner_id,
            s.document,
            s.interchange_ref,
            sent_at,
            verdict,
            s.ack_detail or "",
        )
    console.print(table)
    console.print(f"total: {len(problems)} interchange(s) rejected or overdue")


def reprocess_command(
    file_ids: Annotated[
        list[int], typer.Argument(help="Ledger ids (see `orderport files`).", show_default=False)
    ],
) -> None:
    """Re-run held, rejected or failed files from the archive (e.g. after fixing a profile)."""
    engine = open_store()
    from orderport.pipeline.intake import reprocess
    from orderport.settings import home_dir

    failures = 0
    with CountProgress("reprocessing") as bar:
        outcomes = []
        for done, file_id in enumerate(file_ids, start=1):
            try:
                outcomes.append(reprocess(engine, file_id, home=home_dir()))
            except (LookupError, ValueError) as exc:
                if len(file_ids) == 1:
                    raise NotFoundError(str(exc), "see the ledger with: orderport files") from exc
                console.print(f"[red]file #{file_id}: {exc}[/]", soft_wrap=True)
                failures += 1
            if len(file_ids) > 1:
                bar.advance(done, len(file_ids))
    for outcome in outcomes:
        console.print(
            f"file #{outcome.file_id}: {outcome.state.value} {outcome.error or ''}".strip(),
            soft_wrap=True,
        )
        if outcome.result is not None:
            for po in outcome.result.pos:
                status = po.status.value if po.status else "-"
                outcome_text = po.outcome.value if po.outcome else "invalid"
                console.print(f"  {po.po_number}: {outcome_text} (status {status})")
    if failures or any(o.state.value in FAILED_STATES for o in outcomes):
        raise typer.Exit(ExitCode.FINDINGS)


def deliver(
    partner: OnlyPartnerOpt = None,
) -> None:
    """Send every pending answer and export in the outbox through the partners' channels."""
    if partner is not None:
        require_partner(partner)
    engine = open_store()
    from orderport.pipeline.deliver import deliver_pending
    from orderport.settings import home_dir

    # The command prints each failure itself (once, with its outbox id); the pipeline's warning
    # log of the same failure is for daemons and Airflow logs.
    logging.getLogger("orderport.pipeline.deliver").setLevel(logging.ERROR)
    with CountProgress("delivering") as bar:
        summary = deliver_pending(engine, partner, home=home_dir(), progress=bar.advance)
    console.print(f"sent {len(summary.sent)} file(s), {len(summary.failed)} failed")
    for outbox_id, error in summary.failed.items():
        console.print(f"[red]outbox #{outbox_id}: {error}[/]", soft_wrap=True)
    if summary.failed:
        raise typer.Exit(ExitCode.FINDINGS)


def register(app: typer.Typer) -> None:
    app.command("intake")(intake)
    app.command("files")(files)
    app.command("reprocess")(reprocess_command)
    app.command("deliver")(deliver)
