"""What production runs: ``orderport.pipeline.intake.intake_pass`` over a folder channel.

One pass claims the dropped file(s), archives them, records them in the ledger, sniffs the
format, reads, maps, validates, decides, stores and queues the answer (997 / result file), one
transaction per file, then moves the source to processed/. The benchmark partner ``bench`` has a
folder channel under a private ``ORDERPORT_HOME`` and accepts every format the generator writes.
"""

from __future__ import annotations

import os
import shutil
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine

from orderport.partners import load_profiles
from orderport.pipeline.intake import IntakeContext, intake_pass
from orderport.store.ledger import FileState

PARTNER = "bench"
PROFILE = f"""id: {PARTNER}
name: Benchmark partner
tier: quick_deploy
edi:
  qualifier: ZZ
  interchange_id: BUYERCO
channel:
  kind: folder
  path: drop/{PARTNER}
  max_file_bytes: 4000000000
  completeness: {{convention: temp_rename, prefix: ".", suffix: ".tmp"}}
formats:
  accepted: [csv, xlsx, x12, json]
outbound:
  acknowledgment: true
"""
FINAL_OK = {FileState.STORED, FileState.HELD, FileState.DUPLICATE}


@dataclass
class IntakeCounts:
    """What one pass did: files, POs and lines seen, PO outcomes and file states by name."""

    files: int = 0
    pos: int = 0
    lines: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    states: Counter[str] = field(default_factory=Counter)


@dataclass
class BenchIntake:
    """A private home with the ``bench`` partner's profile and inbox."""

    home: Path
    context: IntakeContext = field(init=False)

    def __post_init__(self) -> None:
        partners = self.home / "partners"
        partners.mkdir(parents=True, exist_ok=True)
        (partners / f"{PARTNER}.yaml").write_text(PROFILE, encoding="utf-8")
        self.context = IntakeContext(home=self.home, profiles=load_profiles(partners))

    @property
    def inbox(self) -> Path:
        return self.home / "drop" / PARTNER

    def drop(self, source: Path, name: str | None = None, *, altered: bool = False) -> Path:
        """Copy ``source`` into the inbox the way temp_rename partners write. ``altered``: the
        same POs under another file hash (a trailing newline; a zip comment for a workbook),
        so a re-run looks at every PO again instead of stopping at the file's hash."""
        self.inbox.mkdir(parents=True, exist_ok=True)
        target = self.inbox / (name or source.name)
        tmp = self.inbox / f".{target.name}.tmp"
        shutil.copyfile(source, tmp)
        if altered and zipfile.is_zipfile(tmp):
            with zipfile.ZipFile(tmp, "a") as archive:
                archive.comment = b"re-run"
        elif altered:
            with tmp.open("ab") as out:
                out.write(b"\n")
        os.rename(tmp, target)
        return target

    def run(self, engine: Engine) -> IntakeCounts:
        """One intake pass; raises when a file did not end stored/held/duplicate."""
        summary = intake_pass(engine, [PARTNER], home=self.home, ctx=self.context)
        if summary.errors:
            raise RuntimeError(f"intake pass: {summary.errors}")
        counts = IntakeCounts(files=len(summary.outcomes))
        for outcome in summary.outcomes:
            counts.states[outcome.state.value] += 1
            if outcome.state not in FINAL_OK:
                raise RuntimeError(
                    f"{outcome.original_name}: {outcome.state.value}: {outcome.error}"
                )
            pos = outcome.result.pos if outcome.result is not None else []
            counts.pos += len(pos)
            counts.lines += sum(po.lines for po in pos)
            counts.outcomes.update(po.outcome.value if po.outcome else "rejected" for po in pos)
        return counts
