"""The demo: the sample files dropped into local partner folders, picked up, and reported.

It runs the same functions the scheduled intake runs, on the embedded default (a SQLite file and
local folders under ``--home``), so a new user sees the whole job on a fresh machine.
"""

from __future__ import annotations

import json
import os
import shutil
from collections import Counter
from pathlib import Path

from rich.console import Console
from rich.table import Table

from orderport.partners import load_profiles
from orderport.pipeline.ingest import FileResult, ingest_file
from orderport.report import print_file_result
from orderport.store import lifecycle
from orderport.store.db import make_engine, migrate
from orderport.store.queries import status_counts


def samples_dir() -> Path:
    """``ORDERPORT_SAMPLES``, else the ``sample_files/`` folder of this checkout."""
    configured = os.environ.get("ORDERPORT_SAMPLES")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[3] / "sample_files"


def _manifest(samples: Path) -> list[tuple[str, Path]]:
    """(partner, file) pairs from ``sample_files/demo.json``, in drop order."""
    entries = json.loads((samples / "demo.json").read_text(encoding="utf-8"))["drops"]
    return [(entry["partner"], samples / entry["file"]) for entry in entries]


def _drop(home: Path, partner: str, source: Path) -> Path:
    inbox = home / "drops" / partner / "inbox"
    inbox.mkdir(parents=True, exist_ok=True)
    target = inbox / source.name
    shutil.copyfile(source, target)
    return target


def _finish(home: Path, partner: str, dropped: Path, result: FileResult) -> Path:
    folder = "failed" if result.error is not None else "processed"
    target_dir = home / "drops" / partner / folder
    target_dir.mkdir(parents=True, exist_ok=True)
    return Path(shutil.move(dropped, target_dir / dropped.name))


def run_demo(console: Console, home: Path | None = None) -> int:
    """Drop every sample file, ingest it, print what happened; 0 when the demo ran through."""
    home = (home or Path(os.environ.get("ORDERPORT_HOME", "orderport-data")) / "demo").resolve()
    if home.exists():
        shutil.rmtree(home)
    home.mkdir(parents=True)
    samples = samples_dir()
    url = f"sqlite:///{home / 'orderport.db'}"
    engine = make_engine(url)
    migrate(engine)
    profiles = load_profiles(samples / "partners")
    with engine.begin() as conn:
        for profile in profiles.values():
            lifecycle.upsert_partner(conn, profile.id, profile.name)

    console.rule("Orderport demo")
    console.print(f"store: {url}\ndrop folders: {home / 'drops'}\n")
    outcomes: Counter[str] = Counter()
    for partner, source in _manifest(samples):
        dropped = _drop(home, partner, source)
        result = ingest_file(engine, dropped, partner, profiles.get(partner))
        moved = _finish(home, partner, dropped, result)
        print_file_result(console, result, partner)
        console.print(f"  -> {moved.relative_to(home)}\n")
        if result.error is not None:
            outcomes["file unreadable"] += 1
        for po in result.pos:
            outcomes[po.outcome.value if po.outcome else "invalid"] += 1

    summary = Table(title="What happened")
    summary.add_column("outcome")
    summary.add_column("POs / files", justify="right")
    for outcome, count in sorted(outcomes.items()):
        summary.add_row(outcome, str(count))
    console.print(summary)
    with engine.connect() as conn:
        counts = status_counts(conn)
    console.print(
        "store now holds: " + ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
    )
    console.print(f"\nLook closer: ORDERPORT_DATABASE_URL={url} orderport show <PO> --partner <id>")
    return 0
