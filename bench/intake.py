"""The real intake path, driven the way ``orderport.pipeline.ingest.ingest_file`` drives it.

reader -> (change merge) -> ``orderport.validation.normalize`` -> store, one transaction per
file. The only difference is that POs reach the store in batches through
``orderport.store.bulk.apply_many`` instead of one ``apply`` call each; the results are the same.

The cyclic garbage collector is paused while a batch is built and applied: the batch's objects
are short-lived and nearly acyclic, and collections triggered by their allocation cost ~3x the
model-building time (issue 8). A young-generation collection after each batch keeps memory
bounded.
"""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, Engine

from orderport.formats import registry
from orderport.formats.base import RawDocument, ReadSettings
from orderport.model import Finding, PurchaseOrder, Severity
from orderport.store.bulk import apply_many
from orderport.store.lifecycle import get_po
from orderport.validation import normalize

BATCH_POS = 500


@dataclass
class IntakeCounts:
    """What one file did: POs and lines seen, outcomes by name."""

    pos: int = 0
    lines: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)


def _documents(path: Path, fmt: str) -> Iterator[RawDocument]:
    reader = registry.reader(fmt)
    with path.open("rb") as stream:
        yield from reader.read(stream, path.name, ReadSettings())


def _merge_change(conn: Connection, partner_id: str, doc: RawDocument) -> None:
    """As ingest's ``_resolve_change``: a change document is merged onto the stored PO."""
    assert doc.merge is not None
    number = doc.data.get("po_number")
    stored = get_po(conn, partner_id, number) if isinstance(number, str) else None
    if stored is None:
        doc.findings.append(
            Finding(
                code="store.unknown_po",
                severity=Severity.ERROR,
                path="$.po_number",
                message=f"change for PO {number!r}, which we have not received",
                location=doc.provenance.locate("$.po_number"),
            )
        )
        return
    doc.data = doc.merge(stored.document)


def ingest(engine: Engine, path: Path, fmt: str, partner_id: str) -> IntakeCounts:
    """Read, validate and store every PO of ``path`` in one transaction."""
    counts = IntakeCounts()
    batch: list[tuple[PurchaseOrder, list[Finding]]] = []

    def flush(conn: Connection) -> None:
        for result in apply_many(conn, partner_id, batch):
            counts.outcomes[result.outcome.value] += 1
        batch.clear()

    enabled = gc.isenabled()
    try:
        with engine.begin() as conn:
            gc.disable()
            for doc in _documents(path, fmt):
                if doc.merge is not None:
                    flush(conn)
                    _merge_change(conn, partner_id, doc)
                counts.pos += 1
                lines = doc.data.get("lines")
                counts.lines += len(lines) if isinstance(lines, list) else 0
                po, findings = normalize(doc)
                if po is None:
                    counts.outcomes["rejected"] += 1
                    continue
                batch.append((po, findings))
                if len(batch) >= BATCH_POS:
                    flush(conn)
                    # The batch is gone: collect what little cyclic garbage it left, cheaply.
                    gc.collect(1)
            flush(conn)
    finally:
        if enabled:
            gc.enable()
    return counts
