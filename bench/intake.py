"""The real intake path: ``orderport.pipeline.ingest.ingest_file``, one transaction per file.

reader -> (change merge) -> ``orderport.validation.normalize`` -> ``store.bulk.apply_many`` in
batches of 500 POs with the cyclic GC paused (see ``apply_documents``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine

from orderport.pipeline.ingest import ingest_file


@dataclass
class IntakeCounts:
    """What one file did: POs and lines seen, outcomes by name."""

    pos: int = 0
    lines: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)


def ingest(engine: Engine, path: Path, fmt: str, partner_id: str) -> IntakeCounts:
    """Read, validate and store every PO of ``path`` in one transaction: ``ingest_file``."""
    result = ingest_file(engine, path, partner_id, fmt=fmt)
    if result.error is not None:
        raise RuntimeError(f"{path.name}: {result.error}")
    counts = IntakeCounts(pos=len(result.pos), lines=sum(po.lines for po in result.pos))
    counts.outcomes.update(po.outcome.value if po.outcome else "rejected" for po in result.pos)
    return counts
