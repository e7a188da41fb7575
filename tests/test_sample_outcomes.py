"""Every canonical sample file gives the store outcome ``sample_files/outcomes.json`` names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine

from orderport.partners import load_profiles
from orderport.pipeline.ingest import ingest_file
from orderport.store.lifecycle import upsert_partner

SAMPLES = Path(__file__).resolve().parents[1] / "sample_files"
SPEC = json.loads((SAMPLES / "outcomes.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("sample", sorted(SPEC["files"]))
def test_sample_file_outcome(engine: Engine, sample: str) -> None:
    partner = SPEC["partner"]
    profile = load_profiles(SAMPLES / "partners")[partner]
    with engine.begin() as conn:
        upsert_partner(conn, partner, profile.name)
    result = ingest_file(engine, SAMPLES / sample, partner, profile)
    assert result.error is None
    got = [
        [
            po.po_number,
            po.outcome.value if po.outcome else None,
            po.status.value if po.status else None,
        ]
        for po in result.pos
    ]
    assert got == SPEC["files"][sample]
    # The same file again changes nothing: stored POs come back as duplicates.
    again = ingest_file(engine, SAMPLES / sample, partner, profile)
    stored_before = {number for number, outcome, _ in got if outcome in ("created", "held")}
    assert {po.po_number for po in again.pos if po.outcome and po.outcome.value == "duplicate"} == (
        stored_before
    )
