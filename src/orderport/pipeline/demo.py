"""The demo: the sample files dropped into partners' folder inboxes and run through the REAL
intake pass (claim, archive, ledger, process, answers) and delivery, on the embedded default
(a SQLite file and local folders under ``--home``), so a new user sees the whole job.

Partners whose sample profile uses SFTP or IMAP get a folder channel under the demo home
instead (the output says so); the sample profiles are used as they are otherwise.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table
from sqlalchemy import Engine

from orderport.channels import Completeness, CompletenessSettings
from orderport.partners import PartnerProfile, load_profiles
from orderport.partners import profile as p
from orderport.pipeline.channel_factory import ChannelOptions
from orderport.pipeline.deliver import DeliverySummary, deliver_pending
from orderport.pipeline.intake import FileOutcome, IntakeContext, intake_pass
from orderport.report import print_file_result
from orderport.resources import package_path
from orderport.settings import home_dir
from orderport.store import lifecycle, outbox
from orderport.store.db import make_engine, migrate
from orderport.store.queries import status_counts


@dataclass(frozen=True)
class Drop:
    partner: str
    source: Path
    name: str
    expect: str
    note: str


@dataclass
class DemoRun:
    engine: Engine
    drops: list[Drop]
    outcomes: list[FileOutcome]
    notes: list[str]
    delivered: DeliverySummary
    errors: list[str]


def samples_dir() -> Path:
    """``ORDERPORT_SAMPLES``, else the sample files shipped in the package."""
    configured = os.environ.get("ORDERPORT_SAMPLES")
    if configured:
        return Path(configured)
    return package_path("sample_files")


def load_manifest(samples: Path) -> list[Drop]:
    """The drops of ``demo.json`` in order."""
    raw = json.loads((samples / "demo.json").read_text(encoding="utf-8"))
    return [
        Drop(
            partner=e["partner"],
            source=samples / e["file"],
            name=e.get("name") or Path(e["file"]).name,
            expect=e["expect"],
            note=e.get("note", ""),
        )
        for e in raw["drops"]
    ]


def demo_profiles(samples: Path) -> tuple[dict[str, PartnerProfile], list[str]]:
    """Sample profiles with folder channels under the demo home; notes on what was replaced."""
    notes: list[str] = []
    out: dict[str, PartnerProfile] = {}
    for pid, profile in load_profiles(samples / "partners").items():
        data = profile.model_dump(mode="json", exclude_none=True)
        if data["channel"]["kind"] != "folder":
            notes.append(f"{pid}: its {data['channel']['kind'].upper()} channel is a folder here")
            data["channel"] = {"kind": "folder", "path": f"drop/{pid}"}
        data.get("outbound", {}).pop("destination", None)
        out[pid] = PartnerProfile.model_validate(data)
    return out, notes


def _inbox(home: Path, profile: PartnerProfile) -> Path:
    assert isinstance(profile.channel, p.FolderChannel)
    return home / profile.channel.path


def drop_files(home: Path, profiles: dict[str, PartnerProfile], drops: list[Drop]) -> None:
    """Copy each sample under a temporary name and rename, as a partner would; drop order is
    kept in the modification times (the pass takes older files first)."""
    start = time.time() - len(drops) - 10
    for index, drop in enumerate(drops):
        inbox = _inbox(home, profiles[drop.partner])
        inbox.mkdir(parents=True, exist_ok=True)
        tmp = inbox / f".{index}.tmp"
        shutil.copyfile(drop.source, tmp)
        os.utime(tmp, (start + index, start + index))
        os.rename(tmp, inbox / drop.name)


def run_intake_demo(home: Path, samples: Path | None = None) -> DemoRun:
    """Set up the store and folders under ``home``, drop, run one pass and deliver."""
    samples = samples or samples_dir()
    drops = load_manifest(samples)
    profiles, notes = demo_profiles(samples)
    engine = make_engine(f"sqlite:///{home / 'orderport.db'}")
    migrate(engine)
    with engine.begin() as conn:
        for profile in profiles.values():
            lifecycle.upsert_partner(conn, profile.id, profile.name)
    drop_files(home, profiles, drops)
    ctx = IntakeContext(
        home=home,
        profiles=profiles,
        options=ChannelOptions(completeness=CompletenessSettings(Completeness.TEMP_RENAME)),
    )
    wanted = list(dict.fromkeys(d.partner for d in drops))
    summary = intake_pass(engine, wanted, home=home, ctx=ctx)
    delivered = deliver_pending(engine, home=home, ctx=ctx)
    return DemoRun(engine, drops, summary.outcomes, notes, delivered, summary.errors)


def run_demo(console: Console, home: Path | None = None) -> int:
    """Run the demo and print per file what happened; 0 when the demo ran through."""
    home = (home or home_dir() / "demo").resolve()
    if home.exists():
        shutil.rmtree(home)
    home.mkdir(parents=True)
    run = run_intake_demo(home)
    engine, outcomes, notes, delivered, errors = (
        run.engine,
        run.outcomes,
        run.notes,
        run.delivered,
        run.errors,
    )
    console.rule("Orderport demo")
    console.print(f"store: sqlite:///{home / 'orderport.db'}\nfolders: {home / 'drop'}")
    for note in notes:
        console.print(f"  note: {note}")
    console.print()
    with engine.connect() as conn:
        answers: dict[int, list[str]] = {}
        for o in outcomes:
            answers[o.file_id] = [i.filename for i in outbox.items_for_file(conn, o.file_id)]
    tally: Counter[str] = Counter()
    for o in outcomes:
        tally[f"file {o.state.value}"] += 1
        console.print(
            f"[bold]#{o.file_id} {o.partner_id}[/] {o.original_name} "
            f"({o.format or 'unknown format'}) -> [bold]{o.state.value}[/]"
            + (f": {o.error}" if o.error else "")
        )
        if o.result is not None and (o.result.pos or o.result.error):
            print_file_result(console, o.result, o.partner_id)
        for name in answers.get(o.file_id, []):
            console.print(f"  answer: {name} (in the partner's outbox folder)")
        for po in o.result.pos if o.result else []:
            tally[f"PO {po.outcome.value if po.outcome else 'invalid'}"] += 1
        console.print()
    summary = Table(title="What happened")
    summary.add_column("outcome")
    summary.add_column("count", justify="right")
    for outcome, count in sorted(tally.items()):
        summary.add_row(outcome, str(count))
    console.print(summary)
    console.print(f"answers delivered: {len(delivered.sent)}, failed: {len(delivered.failed)}")
    with engine.connect() as conn:
        counts = status_counts(conn)
    console.print(
        "store now holds: " + ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
    )
    for error in errors:
        console.print(f"[red]{error}[/]")
    console.print("\nLook closer (paste as one line; no virtualenv needed):")
    console.print(look_closer_command(home), soft_wrap=True, highlight=False, markup=False)
    return 0 if not errors else 1


def look_closer_command(home: Path) -> str:
    """``orderport files`` on the demo's store, by the full path of this installation's command."""
    beside = Path(sys.executable).parent / "orderport"
    command = str(beside) if beside.exists() else f"{sys.executable} -m orderport.cli"
    url = f"sqlite:///{home / 'orderport.db'}"
    return f"ORDERPORT_DATABASE_URL={shlex.quote(url)} {shlex.quote(command)} files"
