"""The ``orderport`` command: operators' and partners' entry point to the pipeline.

Start-up matters (operators run many small commands): this module imports only Typer and the
error tree; every command imports the pipeline it needs inside its body.

Exit codes: 0 ok, 1 findings or rejections, 2 usage or configuration, 3 transient failure
(a server unreachable or busy), 4 a bug in Orderport (traceback shown; ``--debug`` for all of it).
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from orderport.api import commands as api_commands
from orderport.commands import intake as intake_commands
from orderport.commands import records as record_commands
from orderport.commands import reports as report_commands
from orderport.commands import tracking as tracking_commands
from orderport.commands.common import (
    configured_url,
    console,
    err_console,
    load_partner_profiles,
    open_migrated_store,
    require_partner,
    safe_url,
)
from orderport.errors import ExitCode, explain

if TYPE_CHECKING:
    from orderport.partners import PartnerProfile
    from orderport.pipeline.ingest import FileResult

_state = {"debug": False}


class OrderportGroup(TyperGroup):
    """The top-level command group, turning every expected error into a message and exit code."""

    def invoke(self, ctx: Any) -> Any:  # noqa: ANN401 - click's (vendored) Context
        try:
            return super().invoke(ctx)
        except Exception as exc:
            if _is_click_control(exc):
                raise
            raise typer.Exit(report_error(exc)) from exc


def _is_click_control(exc: Exception) -> bool:
    """Exit, Abort and usage errors: click itself prints them and picks the exit code."""
    return isinstance(exc, typer.Exit | typer.Abort | typer.BadParameter) or any(
        cls.__name__ in ("ClickException", "Exit", "Abort") and "click" in cls.__module__
        for cls in type(exc).__mro__
    )


def report_error(exc: BaseException) -> int:
    """Print ``exc`` for an operator and return the exit code."""
    if isinstance(exc, BrokenPipeError):  # `orderport ... | head`: the reader has had enough
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - replaces the closed pipe for good
        return int(ExitCode.OK)
    known = explain(exc, where=safe_url(configured_url()))
    if known is not None and not _state["debug"]:
        err_console.print(f"[red]error:[/] {known.message}", soft_wrap=True, highlight=False)
        if known.hint:
            err_console.print(f"  {known.hint}", soft_wrap=True, highlight=False)
        return int(known.exit_code)
    limit = None if _state["debug"] else -3
    lines = traceback.format_exception(type(exc), exc, exc.__traceback__, limit=limit)
    sys.stderr.write("".join(lines))
    if not _state["debug"]:
        sys.stderr.write(
            "This is a bug in orderport (last frames shown); run again with --debug "
            "for the full traceback.\n"
        )
    return int(known.exit_code if known is not None else ExitCode.BUG)


app = typer.Typer(
    cls=OrderportGroup,
    help="Orderport: purchase orders in from trading partners; status and bookings back out.\n\n"
    "Exit codes: 0 ok, 1 findings or rejections, 2 usage or configuration, "
    "3 transient failure (retry later), 4 a bug (traceback shown).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
partners_app = typer.Typer(help="Partner profiles.", no_args_is_help=True)
app.add_typer(partners_app, name="partners")
app.add_typer(api_commands.keys_app, name="keys")
app.add_typer(api_commands.webhooks_app, name="webhooks")
app.command("serve")(api_commands.serve)


def _version(value: bool) -> None:
    if value:
        from orderport import __version__

        print(f"orderport {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show full tracebacks instead of short messages.")
    ] = False,
) -> None:
    """Orderport: purchase orders in from trading partners; status and bookings back out."""
    _state["debug"] = debug


PartnerOpt = Annotated[str, typer.Option("--partner", "-p", help="Partner id (its profile).")]
OptionalPartnerOpt = Annotated[
    str | None, typer.Option("--partner", "-p", help="Partner id (its profile).")
]
FormatOpt = Annotated[
    str | None, typer.Option("--format", "-f", help="Force a format instead of detecting it.")
]
FileArg = Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="The file to read.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]


def _profile(partner: str | None) -> PartnerProfile | None:
    return None if partner is None else require_partner(partner)


def _exit_for(result: FileResult) -> None:
    if result.has_errors:
        raise typer.Exit(ExitCode.FINDINGS)


@app.command()
def init() -> None:
    """Create or migrate the fulfillment store and register the partners' profiles."""
    from orderport.store import lifecycle

    profiles = load_partner_profiles()
    engine = open_migrated_store()
    with engine.begin() as conn:
        for profile in profiles.values():
            lifecycle.upsert_partner(conn, profile.id, profile.name)
    console.print(
        f"store ready at {safe_url(configured_url())} with {len(profiles)} partner(s)",
        soft_wrap=True,
    )


@app.command()
def validate(
    file: FileArg,
    partner: OptionalPartnerOpt = None,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Check a file against the schema and business rules; exit 1 when a PO has errors."""
    from orderport.pipeline.ingest import check_file
    from orderport.report import file_result_json, print_file_result

    result = check_file(file, _profile(partner), fmt)
    if as_json:
        print(json.dumps(file_result_json(result), indent=2))
    else:
        print_file_result(console, result, partner)
    _exit_for(result)


@app.command()
def convert(file: FileArg, partner: OptionalPartnerOpt = None, fmt: FormatOpt = None) -> None:
    """Print the canonical JSON of every PO in the file, with its findings."""
    from orderport.pipeline.ingest import check_file
    from orderport.report import file_result_json

    result = check_file(file, _profile(partner), fmt)
    print(json.dumps(file_result_json(result), indent=2))
    _exit_for(result)


@app.command()
def ingest(file: FileArg, partner: PartnerOpt, fmt: FormatOpt = None) -> None:
    """Validate a file and apply its POs to the store; print each PO's outcome."""
    from orderport.pipeline.ingest import ingest_file
    from orderport.report import print_file_result
    from orderport.store import lifecycle

    profile = _profile(partner)
    engine = open_migrated_store()
    with engine.begin() as conn:
        lifecycle.upsert_partner(conn, partner, profile.name if profile else partner)
    result = ingest_file(engine, file, partner, profile, fmt)
    print_file_result(console, result, partner)
    _exit_for(result)


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
    directory: Annotated[
        Path | None, typer.Argument(help="Profiles folder (default: the configured one).")
    ] = None,
) -> None:
    """Validate every partner profile and say exactly what is wrong."""
    from orderport.partners import check_profiles
    from orderport.settings import profiles_dir

    folder = directory or profiles_dir()
    problems = check_profiles(folder)
    for problem in problems:
        console.print(f"[red]{problem}[/]", soft_wrap=True)
    if problems:
        raise typer.Exit(ExitCode.FINDINGS)
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
    from orderport.partners import ProfileError, load_profile
    from orderport.partners.draft import draft_profile
    from orderport.pipeline.ingest import check_file
    from orderport.report import file_result_json

    target = output or Path(f"{partner_id}.yaml")
    if target.exists() and not force:
        console.print(f"[red]{target} exists[/]; use --force to overwrite it", soft_wrap=True)
        raise typer.Exit(ExitCode.CONFIG)
    try:
        text, _ = draft_profile(file, partner_id)
    except ValueError as err:
        console.print(f"[red]{err}[/]", soft_wrap=True)
        raise typer.Exit(ExitCode.CONFIG) from None
    target.write_text(text, encoding="utf-8")
    console.print(f"[bold]{target}[/] (review it, then `orderport partners check`):")
    console.print(text, markup=False, highlight=False, soft_wrap=True)
    try:
        profile = load_profile(target)
    except ProfileError as err:
        for problem in err.problems:
            console.print(f"[red]{problem}[/]", soft_wrap=True)
        raise typer.Exit(ExitCode.FINDINGS) from None
    result = check_file(file, profile)
    console.print(f"[bold]{file.name} read with this profile:[/]")
    print(json.dumps(file_result_json(result), indent=2))


@partners_app.command("list")
def partners_list() -> None:
    """List the partner profiles."""
    profiles = load_partner_profiles()
    for profile in profiles.values():
        console.print(f"{profile.id:<14} {profile.tier.value:<13} {profile.name}")
    console.print(f"{len(profiles)} partner(s)")


record_commands.register(app)
intake_commands.register(app)
tracking_commands.register(app)
report_commands.register(app)


if __name__ == "__main__":
    app()
