"""One partner trading X12 and EDIFACT: its inbound orders, then every outbound document."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, select

from orderport.model.tracking import Booking, StatusEvent
from orderport.partners import load_profiles
from orderport.pipeline.export import export_pass
from orderport.pipeline.intake import IntakeContext, intake_pass
from orderport.store.tables import outbox
from orderport.store.tracking import record_booking, record_status

SAMPLES = Path(__file__).resolve().parents[3] / "sample_files"
NOW = datetime(2026, 3, 21, 6, 0, tzinfo=UTC)

PROFILE = """id: umbrella
name: Umbrella
tier: quick_deploy
edi: {{qualifier: "14", interchange_id: "4012345000009"{extra}}}
channel:
  kind: folder
  path: drop/umbrella
  max_file_bytes: 200000
  completeness: {{convention: temp_rename, prefix: ".", suffix: ".tmp"}}
formats:
  accepted: [x12, edifact]
outbound:
{outbound}"""
OUTBOUND = """  status_formats: [x12_855, x12_856, edifact_ordrsp, edifact_desadv]
  booking_formats: [x12_301, edifact_iftmbc]
"""


def x12_order(control: str, po: str) -> bytes:
    """The 004010 sample 850, sent by Umbrella (14:4012345000009) to us as ZZ:OPX12."""
    text = (SAMPLES / "x12" / "po_004010_crlf.edi").read_text(encoding="latin-1")
    text = text.replace("ZZ*INITECH        ", "14*4012345000009  ")
    text = text.replace("ZZ*ORDERPORT      ", "ZZ*OPX12         ")
    text = text.replace("GS*PO*INITECH*ORDERPORT", "GS*PO*4012345000009*OPX12APP")
    text = text.replace("000001001", control).replace("BEG*00*SA*4500012345", f"BEG*00*SA*{po}")
    return text.encode("latin-1")


def edifact_order(reference: str, po: str) -> bytes:
    """The D96A sample ORDERS (4012345000009:14 -> 8798765000019:14) with another reference/PO."""
    text = (SAMPLES / "edifact" / "d96a_valid_una_release.edi").read_text(encoding="latin-1")
    text = text.replace("+INT0001+", f"+{reference}+")
    text = text.replace("UNZ+1+INT0001", f"UNZ+1+{reference}")
    return text.replace("BGM+220+PO-2026-0001+9", f"BGM+220+{po}+9").encode("latin-1")


def drop(inbox: Path, name: str, data: bytes) -> None:
    inbox.mkdir(parents=True, exist_ok=True)
    tmp = inbox / f".{name}.tmp"
    tmp.write_bytes(data)
    os.rename(tmp, inbox / name)


def setup(tmp_path: Path, extra: str = "", outbound: str = OUTBOUND) -> IntakeContext:
    partners = tmp_path / "partners"
    partners.mkdir()
    text = PROFILE.format(extra=extra, outbound=outbound)
    (partners / "umbrella.yaml").write_text(text, encoding="utf-8")
    home = tmp_path / "home"
    return IntakeContext(home=home, profiles=load_profiles(partners))


def walk(engine: Engine, ctx: IntakeContext) -> list[tuple[str, bytes]]:
    """Orders in by both standards (twice), status and bookings out (twice): every outbox file."""
    inbox = ctx.home / "drop" / "umbrella"
    profiles = {"umbrella": ctx.profile("umbrella")}
    for round_ in (1, 2):
        drop(inbox, f"po{round_}.edi", x12_order(f"00000100{round_}", f"45000{round_}"))
        drop(inbox, f"orders{round_}.edi", edifact_order(f"INT000{round_}", f"PO-E-{round_}"))
        summary = intake_pass(engine, home=ctx.home, ctx=ctx)
        assert not summary.errors
        states = [(o.original_name, o.state.value, o.error) for o in summary.outcomes]
        assert all(state == "stored" for _, state, _ in states), states
        export_pass(engine, "umbrella", now=NOW, profiles=profiles)
        with engine.begin() as conn:
            for po in (f"45000{round_}", f"PO-E-{round_}"):
                record_status(conn, "umbrella", shipped(po), source="test")
            record_booking(conn, "umbrella", booking(f"BK{round_}", f"45000{round_}"), source="t")
        result = export_pass(engine, "umbrella", now=NOW, profiles=profiles)
        assert not result.errors, result.errors
    with engine.connect() as conn:
        rows = conn.execute(
            select(outbox.c.kind, outbox.c.content)
            .where(outbox.c.partner_id == "umbrella")
            .order_by(outbox.c.id)
        ).all()
    return [(r.kind, bytes(r.content)) for r in rows]


def shipped(po: str) -> StatusEvent:
    return StatusEvent.model_validate_json(
        json.dumps(
            {
                "po_number": po,
                "code": "shipped",
                "at": "2026-03-20T14:00:00Z",
                "carrier": "MAEU",
                "lines": [{"line_number": 1, "quantity": "1"}],
            }
        )
    )


def booking(reference: str, po: str) -> Booking:
    return Booking.model_validate_json(
        json.dumps(
            {
                "booking_reference": reference,
                "carrier": "MAEU",
                "mode": "ocean",
                "vessel": "Maersk Essen",
                "voyage": "214W",
                "origin": "CNSHA",
                "destination": "USLAX",
                "etd": "2026-03-22T18:00:00Z",
                "eta": "2026-04-08T06:00:00Z",
                "equipment": [{"type": "45G1", "count": 2}],
                "space_status": "confirmed",
                "purchase_orders": [po],
            }
        )
    )
