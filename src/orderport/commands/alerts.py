"""``orderport alerts [raise] | list | ack``: exception alerts, and which are still open."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any

import typer

from orderport.commands.common import (
    OnlyPartnerOpt,
    console,
    load_partner_profiles,
    open_store,
    require_partner,
)
from orderport.errors import NotFoundError

if TYPE_CHECKING:
    from sqlalchemy import Connection

alerts_app = typer.Typer(
    help="Exception alerts: raise new ones (the default), list the open ones, acknowledge.",
    invoke_without_command=True,
)


@alerts_app.callback()
def alerts_default(ctx: typer.Context) -> None:
    """Exception alerts. Without a sub-command: raise new alerts (as ``alerts raise``)."""
    if ctx.invoked_subcommand is None:
        raise_alerts()


@alerts_app.command("raise")
def raise_alerts() -> None:
    """Raise new exception alerts (each once) into the outbox."""
    from orderport.pipeline.alerts import alerts_pass
    from orderport.pipeline.ops_alerts import ops_alerts_pass

    engine, now, profiles = open_store(), datetime.now(UTC), load_partner_profiles()
    raised = alerts_pass(engine, now=now, profiles=profiles)
    for alert in raised:
        console.print(f"{alert.partner_id}: [{alert.kind.value}] {alert.message}", markup=False)
    ops = ops_alerts_pass(engine, now, profiles)
    for op in ops:
        console.print(f"{op.partner_id}: [{op.kind.value}] {op.message}", markup=False)
    console.print(f"{len(raised) + len(ops)} new alert(s)")


def _hold_reason(conn: Connection, partner_id: str, subject: str) -> str | None:
    """The first error finding of the held PO version named by ``po:<number>:v<version>``."""
    from sqlalchemy import select

    from orderport.store.tables import findings, purchase_orders

    parts = subject.split(":")
    if len(parts) != 3 or parts[0] != "po" or not parts[2][1:].isdigit():
        return None
    return conn.execute(
        select(findings.c.message)
        .join(purchase_orders, purchase_orders.c.id == findings.c.po_id)
        .where(
            purchase_orders.c.partner_id == partner_id,
            purchase_orders.c.po_number == parts[1],
            findings.c.version == int(parts[2][1:]),
        )
        .order_by(findings.c.severity != "error", findings.c.id)
        .limit(1)
    ).scalar_one_or_none()


def open_alerts(
    conn: Connection, *, partner: str | None, include_acked: bool
) -> list[dict[str, Any]]:
    """Alerts newest first (only unacknowledged unless ``include_acked``), with hold reasons."""
    from sqlalchemy import select

    from orderport.store.tables import tracking_alerts as a

    query = select(a).order_by(a.c.raised_at.desc(), a.c.id.desc())
    if partner is not None:
        query = query.where(a.c.partner_id == partner)
    if not include_acked:
        query = query.where(a.c.acked_at.is_(None))
    listed: list[dict[str, Any]] = []
    for r in conn.execute(query):
        reason = _hold_reason(conn, r.partner_id, r.subject) if r.kind == "po_on_hold" else None
        listed.append(
            {
                "id": r.id,
                "partner": r.partner_id,
                "kind": r.kind,
                "subject": r.subject,
                "message": r.message,
                "reason": reason,
                "raised_at": r.raised_at.isoformat(),
                "acked_at": r.acked_at.isoformat() if r.acked_at else None,
                "acked_by": r.acked_by,
            }
        )
    return listed


@alerts_app.command("list")
def list_alerts(
    partner: OnlyPartnerOpt = None,
    include_acked: Annotated[
        bool, typer.Option("--all", help="Include acknowledged alerts.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """The open (unacknowledged) alerts, newest first, with the reason a PO is on hold."""
    from rich.table import Table

    if partner is not None:
        require_partner(partner)
    with open_store().connect() as conn:
        listed = open_alerts(conn, partner=partner, include_acked=include_acked)
    if as_json:
        print(json.dumps({"total": len(listed), "alerts": listed}, indent=2))
        return
    table = Table(title="alerts" if include_acked else "open alerts")
    for column in ("id", "raised (UTC)", "partner", "kind", "what", "acked"):
        table.add_column(column, overflow="fold")
    for item in listed:
        what = item["message"] + (f": {item['reason']}" if item["reason"] else "")
        table.add_row(
            str(item["id"]),
            item["raised_at"][:19].replace("T", " "),
            item["partner"],
            item["kind"],
            what,
            item["acked_by"] or "",
        )
    console.print(table)
    console.print(f"total: {len(listed)} alert(s)")


@alerts_app.command("ack")
def ack_alerts(
    alert_ids: Annotated[
        list[int], typer.Argument(help="Alert ids (see `orderport alerts list`).")
    ],
    by: Annotated[str, typer.Option("--by", help="Who acknowledges.")] = "operator",
) -> None:
    """Acknowledge alerts: they leave the open list (and the report's action list)."""
    from sqlalchemy import select, update

    from orderport.store.tables import tracking_alerts as a

    with open_store().begin() as conn:
        found = set(conn.execute(select(a.c.id).where(a.c.id.in_(alert_ids))).scalars())
        missing = sorted(set(alert_ids) - found)
        if missing:
            raise NotFoundError(
                f"no alert {', '.join(f'#{m}' for m in missing)}",
                "see the open ones with: orderport alerts list",
            )
        conn.execute(
            update(a)
            .where(a.c.id.in_(alert_ids), a.c.acked_at.is_(None))
            .values(acked_at=datetime.now(UTC), acked_by=by)
        )
    console.print(f"acknowledged {len(alert_ids)} alert(s)")


def register(app: typer.Typer) -> None:
    app.add_typer(alerts_app, name="alerts")
