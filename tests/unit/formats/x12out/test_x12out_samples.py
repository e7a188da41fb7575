"""sample_files/x12_out: each ``<name>.input.json`` renders to exactly ``<name>.edi``.

The input names the writer, the envelope context and the status items or bookings, so the
examples in the repository are what the writers produce today, and each passes the strict re-read.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from orderport.formats.outbound import EdiParty, OutboundContext, PoStatusItem, Rendered
from orderport.formats.x12 import parse_strict
from orderport.formats.x12.outbound import X12_301, X12_855, X12_856
from orderport.model import PurchaseOrder
from orderport.model.tracking import Booking, StatusEvent

SAMPLES = Path(__file__).resolve().parents[4] / "sample_files" / "x12_out"
INPUTS = sorted(p.name for p in SAMPLES.glob("*.input.json"))
SET_IDS = {"x12_855": "855", "x12_856": "856", "x12_301": "301"}


def context(data: dict[str, Any]) -> OutboundContext:
    return OutboundContext(
        partner_id=data["partner_id"],
        now=datetime.fromisoformat(data["now"]),
        control_number=data["control_number"],
        sender=EdiParty(**data["sender"]),
        receiver=EdiParty(**data["receiver"]),
        x12_version=data["x12_version"],
        test_indicator=data["test_indicator"],
        status_codes=data["status_codes"],
    )


def render_sample(path: Path) -> Rendered:
    data = json.loads(path.read_text(encoding="utf-8"))
    ctx = context(data["context"])
    if data["writer"] == "x12_301":
        bookings = [Booking.model_validate(b, strict=False) for b in data["bookings"]]
        return X12_301.render(bookings, ctx)
    items = [
        PoStatusItem(
            po=PurchaseOrder.model_validate(item["po"], strict=False),
            event=StatusEvent.model_validate(item["event"], strict=False),
        )
        for item in data["items"]
    ]
    writer = X12_855 if data["writer"] == "x12_855" else X12_856
    return writer.render(items, ctx)


def test_there_are_samples_of_every_writer_and_version():
    stems = [name.removesuffix(".input.json") for name in INPUTS]
    for set_id in SET_IDS.values():
        for version in ("004010", "005010"):
            assert any(stem.startswith(f"{set_id}_{version}") for stem in stems)


@pytest.mark.parametrize("name", INPUTS)
def test_sample_renders_to_its_edi_file(name: str):
    path = SAMPLES / name
    rendered = render_sample(path)
    expected = path.with_name(name.removesuffix(".input.json") + ".edi").read_bytes()
    assert rendered.content == expected
    writer = json.loads(path.read_text(encoding="utf-8"))["writer"]
    strict = parse_strict(expected)
    assert {s.set_id for g in strict.groups for s in g.sets} == {SET_IDS[writer]}
