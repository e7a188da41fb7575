"""``orderport pos | show | approve | cancel``: the stored purchase orders."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import typer

from orderport.commands.choices import PoStatusChoice
from orderport.commands.common import OnlyPartnerOpt, console, open_store, require_partner
from orderport.errors import AmbiguousError, ExitCode, NotFoundError

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from orderport.store.acks import AwaitedInterchange
    from orderport.store.lifecycle import ApplyResult

MaybePartnerOpt = Annotated[
    str | None,
    typer.Option(
        "--partner", "-p", help="Partner id; needed only when two partners use the PO number."
    ),
]


def resolve_partner(conn: Connection, po_number: str, partner: str | None) -> str:
    """The partner of ``po_number``: the one given, or the only partner that has it."""
    if partner is not None:
        require_partner(partner)
        return partner
    from sqlalchemy import select

    from orderport.store.tables import purchase_orders as po

    owners = sorted(
        conn.execute(select(po.c.partner_id).where(po.c.po_number == po_number)).scalars()
    )
    if not owners:
        raise NotFoundError(f"no PO {po_number!r} in the store", "list them with: orderport pos")
    if len(owners) > 1:
        raise AmbiguousError(
            f"PO {po_number!r} exists for {len(owners)} partners: {', '.join(owners)}",
            "say which with --partner",
        )
    return str(owners[0])


def show(
    po_number: Annotated[str, typer.Argument(help="The partner's PO number.")],
    partner: MaybePartnerOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Show a stored PO: status, versions, status history, fulfillment orders and findings."""
    from rich.table import Table

    from orderport.report import findings_view, stored_po_json, stored_po_tables
    from orderport.store import acks, lifecycle

    engine = open_store()
    with engine.connect() as conn:
        owner = resolve_partner(conn, po_number, partner)
        stored = lifecycle.get_po(conn, owner, po_number)
        sent = acks.for_po(conn, owner, stored.id) if stored is not None else []
    if stored is None:
        raise NotFoundError(f"no PO {po_number!r} for partner {owner!r}")
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


def _ack_json(sent: AwaitedInterchange) -> dict[str, object]:
    return {
        "outbox_id": sent.outbox_id,
        "document": sent.document,
        "interchange": sent.interchange_ref,
        "sent_at": sent.sent_at.isoformat() if sent.sent_at else None,
        "ack_status": sent.ack_status,
        "ack_detail": sent.ack_detail,
    }


def _print_applied(result: ApplyResult, po_number: str) -> None:
    from orderport.report import findings_view
    from orderport.store import lifecycle

    status = result.status.value if result.status else "-"
    console.print(f"{po_number}: {result.outcome.value} (status {status})")
    if result.findings:
        console.print(findings_view(result.findings))
    if result.outcome in (lifecycle.Outcome.REFUSED, lifecycle.Outcome.REJECTED):
        raise typer.Exit(ExitCode.FINDINGS)


def approve(
    po_number: Annotated[str, typer.Argument(help="The partner's PO number.")],
    partner: MaybePartnerOpt = None,
) -> None:
    """Approve a PO that needs approval; creates its fulfillment orders."""
    from orderport.store import lifecycle

    engine = open_store()
    with engine.begin() as conn:
        owner = resolve_partner(conn, po_number, partner)
        result = lifecycle.approve(conn, owner, po_number)
    _print_applied(result, po_number)


def cancel(
    po_number: Annotated[str, typer.Argument(help="The partner's PO number.")],
    partner: MaybePartnerOpt = None,
    reason: Annotated[str, typer.Option(help="Why it is canceled.")] = "canceled by operator",
) -> None:
    """Cancel a PO and its fulfillment orders."""
    from orderport.store import lifecycle

    engine = open_store()
    with engine.begin() as conn:
        owner = resolve_partner(conn, po_number, partner)
        result = lifecycle.cancel(conn, owner, po_number, reason)
    _print_applied(result, po_number)


def list_pos(
    conn: Connection,
    *,
    partner: str | None,
    statuses: list[str],
    since: datetime | None,
    file_id: int | None,
    limit: int,
    offset: int,
) -> tuple[list[dict[str, Any]], int]:
    """One page of POs (newest change first) and how many match in all."""
    from sqlalchemy import func, select

    from orderport.store.tables import findings as fnd
    from orderport.store.tables import po_versions as ver
    from orderport.store.tables import purchase_orders as po

    conditions = []
    if partner is not None:
        conditions.append(po.c.partner_id == partner)
    if statuses:
        conditions.append(po.c.status.in_(statuses))
    if since is not None:
        conditions.append(po.c.updated_at >= since)
    if file_id is not None:
        conditions.append(po.c.id.in_(select(ver.c.po_id).where(ver.c.inbound_file_id == file_id)))
    total = conn.execute(select(func.count()).select_from(po).where(*conditions)).scalar_one()
    first_finding = (
        select(fnd.c.message)
        .where(fnd.c.po_id == po.c.id, fnd.c.version == po.c.current_version)
        .order_by((fnd.c.severity != "error"), fnd.c.id)
        .limit(1)
        .scalar_subquery()
    )
    source_file = (
        select(ver.c.inbound_file_id)
        .where(ver.c.po_id == po.c.id, ver.c.version == po.c.current_version)
        .scalar_subquery()
    )
    rows = conn.execute(
        select(
            po.c.partner_id,
            po.c.po_number,
            po.c.status,
            po.c.current_version,
            po.c.updated_at,
            source_file.label("file_id"),
            first_finding.label("first_finding"),
        )
        .where(*conditions)
        .order_by(po.c.updated_at.desc(), po.c.id.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    return [
        {
            "partner": r.partner_id,
            "po_number": r.po_number,
            "status": r.status,
            "version": r.current_version,
            "updated_at": r.updated_at.isoformat(),
            "file_id": r.file_id,
            "first_finding": r.first_finding,
        }
        for r in rows
    ], int(total)


def pos(
    partner: OnlyPartnerOpt = None,
    status: Annotated[
        list[PoStatusChoice] | None,
        typer.Option("--status", help="Only this status (repeatable)."),
    ] = None,
    held: Annotated[bool, typer.Option("--held", help="Only POs on hold.")] = False,
    since: Annotated[
        str | None, typer.Option(help="Changed since 2025-03-01, an ISO time, or 2h / 3d.")
    ] = None,
    file_id: Annotated[
        int | None, typer.Option("--file", help="Only POs from this ledger file id.")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, help="Rows per page.")] = 50,
    page: Annotated[int, typer.Option(min=1, help="Which page (1 = newest).")] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """List stored POs, newest change first, with their first finding."""
    from rich.table import Table

    from orderport.commands.intake import parse_since

    if partner is not None:
        require_partner(partner)
    statuses = [s.value for s in status or []]
    if held:
        statuses.append("on_hold")
    engine = open_store()
    with engine.connect() as conn:
        rows, total = list_pos(
            conn,
            partner=partner,
            statuses=statuses,
            since=parse_since(since),
            file_id=file_id,
            limit=limit,
            offset=(page - 1) * limit,
        )
    if as_json:
        print(json.dumps({"total": total, "page": page, "limit": limit, "pos": rows}, indent=2))
        return
    table = Table(title="purchase orders")
    for column in ("PO", "partner", "status", "v", "updated (UTC)", "file", "first finding"):
        table.add_column(column, overflow="fold")
    for r in rows:
        table.add_row(
            r["po_number"],
            r["partner"],
            r["status"],
            str(r["version"]),
            r["updated_at"][:19].replace("T", " "),
            f"#{r['file_id']}" if r["file_id"] is not None else "-",
            r["first_finding"] or "",
        )
    console.print(table)
    console.print(page_footer(len(rows), total, page, limit, "PO(s)"))


def page_footer(shown: int, total: int, page: int, limit: int, what: str) -> str:
    """``12 of 240 PO(s), page 1 of 5; next: --page 2`` (the totals line under a table)."""
    pages = max(1, -(-total // limit))
    text = f"{shown} of {total} {what}, page {page} of {pages}"
    if page < pages:
        text += f"; next: --page {page + 1}"
    return text


def register(app: typer.Typer) -> None:
    app.command("pos")(pos)
    app.command("show")(show)
    app.command("approve")(approve)
    app.command("cancel")(cancel)
