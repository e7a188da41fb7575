"""``orderport serve`` and ``orderport keys ...`` (FastAPI/uvicorn are imported only to serve)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from orderport.commands.choices import RoleChoice

keys_app = typer.Typer(help="API keys for the HTTP front door.", no_args_is_help=True)
webhooks_app = typer.Typer(help="Webhook deliveries.", no_args_is_help=True)
console = Console()


@keys_app.command("create")
def keys_create(
    role: Annotated[
        RoleChoice, typer.Option(help="partner, analyst or operator.")
    ] = RoleChoice.PARTNER,
    partner: Annotated[
        str | None, typer.Option("--partner", "-p", help="The partner the key acts for.")
    ] = None,
    label: Annotated[str | None, typer.Option(help="A note for who holds the key.")] = None,
) -> None:
    """Create a key and print it once (only its hash is stored)."""
    from orderport.api.keys import Role, create_key
    from orderport.partners import load_profiles, profiles_dir
    from orderport.store.db import make_engine, migrate
    from orderport.store.lifecycle import upsert_partner

    engine = make_engine()
    migrate(engine)
    with engine.begin() as conn:
        if partner is not None:
            profiles = load_profiles(profiles_dir())
            if partner not in profiles:
                console.print(f"[red]no profile for partner {partner!r}[/] in {profiles_dir()}")
                raise typer.Exit(2)
            upsert_partner(conn, partner, profiles[partner].name)
        try:
            key = create_key(conn, Role(role.value), partner, label)
        except ValueError as exc:
            console.print(f"[red]{exc}[/]")
            raise typer.Exit(2) from exc
    print(key)


@keys_app.command("revoke")
def keys_revoke(key_id: Annotated[str, typer.Argument(help="The key id (after op_).")]) -> None:
    """Revoke a key: it stops working at once."""
    from orderport.api.keys import revoke_key
    from orderport.store.db import make_engine, migrate

    engine = make_engine()
    migrate(engine)
    with engine.begin() as conn:
        done = revoke_key(conn, key_id.removeprefix("op_").split("_")[0])
    if not done:
        console.print(f"[red]no live key {key_id!r}[/]")
        raise typer.Exit(1)
    console.print(f"revoked {key_id}")


@keys_app.command("list")
def keys_list() -> None:
    """Every key: id, role, partner, created, revoked (never the secret)."""
    from orderport.api.keys import list_keys
    from orderport.store.db import make_engine, migrate

    engine = make_engine()
    migrate(engine)
    with engine.connect() as conn:
        for k in list_keys(conn):
            revoked = f"revoked {k.revoked_at:%Y-%m-%d %H:%M}" if k.revoked_at else "live"
            print(f"{k.key_id}\t{k.role.value}\t{k.partner_id or '-'}\t{revoked}\t{k.label or ''}")


@webhooks_app.command("deliver")
def webhooks_deliver() -> None:
    """Send the webhooks that are due (retries wait out their backoff)."""
    from orderport.pipeline.webhooks import deliver_webhooks
    from orderport.store.db import make_engine

    summary = deliver_webhooks(make_engine())
    print(f"sent {len(summary.sent)}, retrying {len(summary.retrying)}, dead {len(summary.dead)}")


@webhooks_app.command("dead")
def webhooks_dead() -> None:
    """Webhooks that gave up after their tries (dead letters)."""
    from orderport.pipeline.webhooks import dead_letters
    from orderport.store.db import make_engine

    for d in dead_letters(make_engine()):
        print(f"{d.outbox_id}\t{d.partner_id}\t{d.url}\t{d.attempts} tries\t{d.error or ''}")


@webhooks_app.command("replay")
def webhooks_replay(
    outbox_id: Annotated[int, typer.Argument(help="The webhook's outbox id (see `dead`).")],
) -> None:
    """Queue a webhook again (a dead letter, or one already sent); the next pass sends it."""
    from orderport.pipeline.webhooks import replay
    from orderport.store.db import make_engine

    if not replay(make_engine(), outbox_id):
        console.print(f"[red]no webhook delivery {outbox_id}[/]")
        raise typer.Exit(1)
    print(f"webhook {outbox_id} queued again")


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8080,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
    max_body_mb: Annotated[int, typer.Option(help="Largest request body, in MiB.")] = 10,
    webhooks_every: Annotated[
        float, typer.Option(help="Send due webhooks every so many seconds (0: never).")
    ] = 5.0,
) -> None:
    """Serve the HTTP API (the seeds' PO APIs and Orderport's own) with uvicorn."""
    import os

    import uvicorn

    from orderport.store.db import make_engine, migrate

    migrate(make_engine())
    os.environ["ORDERPORT_API_MAX_BODY"] = str(max_body_mb * 1024 * 1024)
    os.environ["ORDERPORT_API_WEBHOOKS_EVERY"] = str(webhooks_every)
    uvicorn.run(
        "orderport.api.serve:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        # A worker imports the whole pipeline; on a busy host that takes longer than
        # uvicorn's 5 s default, which then kills and restarts it in a loop.
        timeout_worker_healthcheck=120,
    )
