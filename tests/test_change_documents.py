"""An X12 860 after its 850 makes a new version of the stored PO; without the 850, refused."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from sqlalchemy import Engine

from orderport.pipeline.ingest import ingest_file
from orderport.store.lifecycle import Outcome, get_po, upsert_partner

X12 = Path(__file__).resolve().parents[1] / "sample_files" / "x12"


def _partner(engine: Engine) -> None:
    with engine.begin() as conn:
        upsert_partner(conn, "initech", "Initech")


def test_860_after_850_makes_version_two(engine: Engine) -> None:
    _partner(engine)
    first = ingest_file(engine, X12 / "po_004010_crlf.edi", "initech")
    assert [po.outcome for po in first.pos] == [Outcome.CREATED]
    with engine.connect() as conn:
        before = get_po(conn, "initech", "4500012345")
    assert before is not None
    lines_before = {line["line_number"]: line for line in before.document["lines"]}

    change = ingest_file(engine, X12 / "po_change_860.edi", "initech")
    assert change.error is None
    assert [po.po_number for po in change.pos] == ["4500012345"]
    assert change.pos[0].outcome in (Outcome.UPDATED, Outcome.HELD)

    with engine.connect() as conn:
        after = get_po(conn, "initech", "4500012345")
    assert after is not None
    assert after.current_version == 2
    assert [v.version for v in after.versions] == [1, 2]
    lines = {line["line_number"]: line for line in after.document["lines"]}
    # POC*1*QI*30: quantity of line 1 becomes 30; POC*2*DI: line 2 deleted; POC*3*AI: line 3 added.
    assert Decimal(lines["1"]["quantity"]) == 30
    assert Decimal(lines["1"]["quantity"]) != Decimal(lines_before["1"]["quantity"])
    assert "2" not in lines
    assert lines["3"]["vendor_sku"] == "WID-003"


def test_860_for_an_unknown_po_is_refused_with_a_located_finding(engine: Engine) -> None:
    _partner(engine)
    result = ingest_file(engine, X12 / "po_change_860.edi", "initech")
    assert len(result.pos) == 1
    po = result.pos[0]
    assert po.outcome is Outcome.REJECTED
    finding = next(f for f in po.findings if f.code == "store.unknown_po")
    assert finding.location is not None
    assert finding.location.segment == "BCH"
    with engine.connect() as conn:
        assert get_po(conn, "initech", "4500012345") is None
