"""sample_files/edifact_out: rendered examples, kept equal to what the writers produce now.

After an intended change of the writers, rewrite them with
``EDIFACTOUT_WRITE_SAMPLES=1 .venv/bin/pytest tests/unit/formats/edifactout``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from orderport.formats.edifact.outbound import DESADV, IFTMBC, ORDRSP
from orderport.formats.outbound import Rendered

SAMPLES = Path(__file__).resolve().parents[4] / "sample_files" / "edifact_out"


def _ordrsp(kit: Any) -> Rendered:
    changed = [{"line_number": 2, "quantity": "10"}, {"line_number": 3, "quantity": "0"}]
    items = [
        kit.item("accepted"),
        kit.item("accepted", kit.purchase_order("PO-1002"), lines=changed),
        kit.item("rejected", kit.purchase_order("PO+1003:A'B?"), reason="Item discontinued"),
    ]
    return ORDRSP.render(items, kit.context(status_codes={"rejected": "REJ"}))


def _desadv(kit: Any) -> Rendered:
    partial = [{"line_number": 1, "quantity": "60"}, {"line_number": 3, "quantity": "40"}]
    item = kit.item(
        "shipped", lines=partial, carrier="UPSN", tracking_number="1Z999AA1", location="Newark DC"
    )
    return DESADV.render([item], kit.context(edifact_version="D01B", control_number=4712))


def _iftmbc(kit: Any) -> Rendered:
    return IFTMBC.render(
        [kit.booking(remarks="VGM due 24h before cut-off")], kit.context(control_number=4713)
    )


SAMPLE_RENDERERS: dict[str, Callable[[Any], Rendered]] = {
    "ordrsp_d96a_three_pos.edi": _ordrsp,
    "desadv_d01b_partial.edi": _desadv,
    "iftmbc_d96a_two_containers.edi": _iftmbc,
}


@pytest.mark.parametrize("name", sorted(SAMPLE_RENDERERS))
def test_sample_is_current_and_rereads(kit: Any, name: str) -> None:
    rendered = SAMPLE_RENDERERS[name](kit)
    path = SAMPLES / name
    if os.environ.get("EDIFACTOUT_WRITE_SAMPLES") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(rendered.content)
    assert path.exists(), f"{path} is missing; see this module's docstring"
    assert path.read_bytes() == rendered.content, f"{name} is stale; see the module docstring"
    kit.read_both(Rendered(path.read_bytes(), "edi", "application/edifact"))
