"""The intake records each file's PO outcomes; the nightly report counts them."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from intake_helpers import FOLDER_PROFILE, SAMPLES, drop, write_profile

from orderport.partners import load_profiles
from orderport.pipeline.intake import IntakeContext, intake_pass
from orderport.reports import collect
from orderport.store import ledger

VALID_CSV = (SAMPLES / "csv" / "canonical_valid.csv").read_bytes()
ERRORS_CSV = (SAMPLES / "csv" / "canonical_errors.csv").read_bytes()
# Held means held: only a PO that asks for it (on_errors reject) is rejected unstored.
REJECTING_CSV = (
    b"po_number,order_date,currency,vendor_id,on_errors,line_number,sku,quantity\n"
    b"PO-4001,2026-11-20,USD,vendor_1,reject,1,SKU-1,ten\n"
)


def test_duplicate_and_rejected_pos_reach_the_nightly_report(engine, tmp_path: Path) -> None:
    partners = write_profile(
        tmp_path / "partners", "acme", FOLDER_PROFILE.format(pid="acme", cap=200_000)
    )
    home = tmp_path / "home"
    inbox = home / "drop" / "acme"
    ctx = IntakeContext(home=home, profiles=load_profiles(partners))
    drop(inbox, "first.csv", VALID_CSV)
    drop(inbox, "errors.csv", ERRORS_CSV)
    drop(inbox, "rejecting.csv", REJECTING_CSV)
    intake_pass(engine, home=home, ctx=ctx)
    drop(inbox, "resent.csv", VALID_CSV + b"\n")  # other bytes, the same two POs
    intake_pass(engine, home=home, ctx=ctx)

    with engine.connect() as conn:
        rows = {r.original_name: r for r in ledger.list_files(conn, partner_id="acme")}
    assert rows["first.csv"].detail["outcomes"] == {"created": 2}
    assert rows["errors.csv"].detail["outcomes"] == {"held": 2}
    assert rows["rejecting.csv"].detail["outcomes"] == {"rejected": 1}
    assert rows["resent.csv"].detail["outcomes"] == {"duplicate": 2}

    report = collect(engine, datetime.now(UTC).date())
    acme = next(p for p in report.partners if p.partner_id == "acme")
    assert acme.pos["duplicate"] == 2
    assert acme.pos["rejected"] == 1
    assert acme.pos["created"] == 2
