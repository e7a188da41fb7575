"""The demo runs the real intake pass; every drop ends as demo.json expects."""

from __future__ import annotations

from pathlib import Path

from orderport.pipeline.demo import run_intake_demo


def test_demo_outcome_per_drop_matches_demo_json(tmp_path: Path) -> None:
    run = run_intake_demo(tmp_path)
    assert run.errors == []
    assert len(run.outcomes) == len(run.drops)
    by_name = {(o.partner_id, o.original_name): o for o in run.outcomes}
    for drop in run.drops:
        outcome = by_name[(drop.partner, drop.name)]
        assert outcome.state.value == drop.expect, (drop, outcome.error)
    assert run.delivered.failed == {}
    answered = [o for o in run.outcomes if o.state.value != "duplicate"]
    assert len(run.delivered.sent) == len(answered)
    assert any(tmp_path.rglob("outbox/initech_ack_997_*.x12"))
    assert any(tmp_path.rglob("outbox/umbrella_contrl_*.edi"))
    assert any(tmp_path.rglob("outbox/*.xlsx.result.xlsx"))
