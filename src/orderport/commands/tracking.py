"""``orderport status add|show``, ``booking add|show``, ``export`` and ``alerts``."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from orderport.commands.choices import StatusCodeChoice
from orderport.commands.common import (
    console,
    load_partner_profiles,
    open_store,
    require_partner,
)
from orderport.errors import ExitCode, NotFoundError, PartnerInputError

if TYPE_CHECKING:
    from orderport.partners import PartnerProfile

PartnerOpt = Annotated[str, typer.Option("--partner", "-p", help="Partner id (its profile).")]


def _parse_at(text: str | None) -> datetime:
    if text is None:
        return datetime.now(UTC)
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(
            f"{text!r} is not a timestamp such as 2026-03-20T14:00:00Z"
        ) from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _profiles() -> dict[str, PartnerProfile]:
    return load_partner_profiles()


def _profile(partner: str) -> PartnerProfile | None:
    return require_partner(partner)


def status_add(
    po_number: Annotated[str, typer.Argument(help="The partner's PO number.")],
    partner: PartnerOpt,
    code: Annotated[StatusCodeChoice, typer.Option("--code", help="Our status code.")],
    at: Annotated[str | None, typer.Option("--at", help="When (RFC 3339); default now.")] = None,
    fo: Annotated[str | None, typer.Option("--fo", help="Fulfillment order external id.")] = None,
    location: Annotated[
        str | None, typer.Option("--location", help="Where (UN/LOCODE or IATA code).")
    ] = None,
    reason: Annotated[str | None, typer.Option("--reason", help="Why (for exceptions).")] = None,
    carrier: Annotated[str | None, typer.Option("--carrier", help="Carrier name or SCAC.")] = None,
    tracking_number: Annotated[
        str | None, typer.Option("--tracking-number", help="The carrier's tracking number.")
    ] = None,
) -> None:
    """Record a status event for a PO (or one of its fulfillment orders)."""
    from orderport.model.tracking import StatusCode, StatusEvent
    from orderport.store.tracking import TrackingError, record_status

    require_partner(partner)
    event = StatusEvent(
        po_number=po_number,
        fulfillment_order=fo,
        code=StatusCode(code.value),
        at=_parse_at(at),
        location=location,
        reason=reason,
        carrier=carrier,
        tracking_number=tracking_number,
    )
    engine = open_store()
    try:
        with engine.begin() as conn:
            event_id = record_status(conn, partner, event, source="cli")
    except TrackingError as exc:
        raise PartnerInputError(str(exc)) from exc
    console.print(f"{po_number}: {code.value} recorded (event {event_id})")


def status_show(
    po_number: Annotated[str, typer.Argument(help="The partner's PO number.")], partner: PartnerOpt
) -> None:
    """The PO's status history (lifecycle and tracking events) and its bookings."""
    from rich.table import Table

    from orderport.store.tracking import TrackingError, bookings_for_po, status_history

    require_partner(partner)
    engine = open_store()
    try:
        with engine.begin() as conn:
            history = status_history(conn, partner, po_number)
            booked = bookings_for_po(conn, partner, po_number)
    except TrackingError as exc:
        raise NotFoundError(str(exc)) from exc
    table = Table(title=f"status history of {po_number} ({partner})")
    for column in ("at", "code", "fulfillment order", "location", "reason", "carrier", "source"):
        table.add_column(column)
    for stored in history:
        e = stored.event
        table.add_row(
            e.at.isoformat(),
            e.code.value,
            e.fulfillment_order or "",
            e.location or "",
            e.reason or "",
            " ".join(filter(None, (e.carrier, e.tracking_number))),
            stored.source,
        )
    console.print(table)
    console.print(f"total: {len(history)} event(s), {len(booked)} booking(s)")
    for b in booked:
        bk = b.booking
        console.print(
            f"booking {bk.booking_reference} v{b.version}: {bk.carrier} {bk.mode.value} "
            f"{bk.origin}->{bk.destination} ETD {bk.etd.isoformat()} ETA {bk.eta.isoformat()} "
            f"space {bk.space_status.value}"
        )


def _import_file(partner: str, file: Path) -> None:
    from orderport.pipeline.tracking_intake import ingest_tracking_file

    profile = _profile(partner)
    result = ingest_tracking_file(open_store(), file, partner, profile=profile)
    if result.error is not None:
        console.print(f"[red]{result.error}[/]", soft_wrap=True)
        raise typer.Exit(ExitCode.FINDINGS)
    for finding in result.findings:
        console.print(f"[red]{finding.location or finding.path}: {finding.message}[/]")
    console.print(f"{file.name}: {len(result.recorded)} {result.kind or ''} record(s) stored")
    if result.has_errors:
        raise typer.Exit(ExitCode.FINDINGS)


FileOpt = Annotated[
    Path, typer.Option("--file", exists=True, dir_okay=False, help="The file to import.")
]


def booking_add(partner: PartnerOpt, file: FileOpt) -> None:
    """Record bookings from a JSON or CSV booking file (one booking or a confirmation file)."""
    _import_file(partner, file)


def status_import(partner: PartnerOpt, file: FileOpt) -> None:
    """Record status events from a warehouse's CSV or JSON status file."""
    _import_file(partner, file)


def booking_show(
    reference: Annotated[str, typer.Argument(help="The booking reference.")], partner: PartnerOpt
) -> None:
    """Every version of a booking."""
    from rich.table import Table

    from orderport.store.tracking import booking_history

    require_partner(partner)
    with open_store().begin() as conn:
        versions = booking_history(conn, partner, reference)
    if not versions:
        raise NotFoundError(f"no booking {reference!r} for partner {partner!r}")
    table = Table(title=f"booking {reference} ({partner})")
    for column in ("version", "recorded", "space", "vessel/flight", "ETD", "ETA", "POs", "source"):
        table.add_column(column)
    for v in versions:
        b = v.booking
        table.add_row(
            str(v.version),
            v.recorded_at.isoformat(),
            b.space_status.value,
            " ".join(filter(None, (b.vessel, b.voyage, b.flight_number))),
            b.etd.isoformat(),
            b.eta.isoformat(),
            ", ".join(b.purchase_orders),
            v.source,
        )
    console.print(table)
    console.print(f"total: {len(versions)} version(s)")


def export(
    partner: Annotated[
        str | None, typer.Option("--partner", "-p", help="Partner id (its profile).")
    ] = None,
    everyone: Annotated[bool, typer.Option("--all", help="Every partner.")] = False,
) -> None:
    """Render new status events and booking changes into the outbox."""
    if (partner is None) == (not everyone):
        raise typer.BadParameter("give --partner ID or --all")
    if partner is not None:
        require_partner(partner)
    engine = open_store()
    from orderport.pipeline.export import export_pass

    summary = export_pass(engine, partner, now=datetime.now(UTC), profiles=_profiles())
    for p in summary.partners:
        if p.error:
            console.print(f"[red]{p.partner_id}: {p.error}[/]")
        else:
            console.print(
                f"{p.partner_id}: {p.status_events} status event(s), {p.booking_versions} "
                f"booking change(s), {len(p.outbox_ids)} file(s) queued"
            )
    console.print(
        f"total: {sum(p.status_events for p in summary.partners)} status event(s), "
        f"{sum(p.booking_versions for p in summary.partners)} booking change(s), "
        f"{sum(len(p.outbox_ids) for p in summary.partners)} file(s) queued"
    )
    if summary.errors:
        raise typer.Exit(ExitCode.FINDINGS)


def register(app: typer.Typer) -> None:
    """Add ``status``, ``booking``, ``export`` and ``alerts`` to the ``orderport`` command."""
    status_app = typer.Typer(help="Order status events.", no_args_is_help=True)
    status_app.command("add")(status_add)
    status_app.command("show")(status_show)
    status_app.command("import")(status_import)
    booking_app = typer.Typer(help="Cargo bookings.", no_args_is_help=True)
    booking_app.command("add")(booking_add)
    booking_app.command("show")(booking_show)
    app.add_typer(status_app, name="status")
    app.add_typer(booking_app, name="booking")
    app.command("export")(export)
    from orderport.commands.alerts import register as register_alerts

    register_alerts(app)
