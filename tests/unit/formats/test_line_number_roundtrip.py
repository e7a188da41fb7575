"""Issue 13: line numbers are identifiers. SAP's "00010" read from X12, EDIFACT or CSV comes back
unchanged in the 855, the ORDRSP and the status (result) file we send, so the partner can match
our answer to their lines."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest

from orderport.formats.edifact.outbound import ORDRSP
from orderport.formats.outbound import EdiParty, OutboundContext, PoStatusItem
from orderport.formats.status_files.writers import StatusCsvWriter
from orderport.formats.x12 import parse_strict
from orderport.formats.x12.outbound import X12_855
from orderport.model import PurchaseOrder
from orderport.model.tracking import StatusEvent
from orderport.pipeline.ingest import check_file

X12 = (
    "ISA*00*          *00*          *ZZ*PARTNER        *ZZ*ORDERPORT      *240405*0930*U*00401*"
    "000000001*0*P*>~GS*PO*PARTNER*ORDERPORT*20240405*0930*1*X*004010~ST*850*0001~"
    "BEG*00*SA*4500012345**20240405~CUR*BY*USD~PO1*00010*24*EA*2.50**VN*WID-001~"
    "PO1*00020*5*EA*1.00**VN*WID-002~CTT*2~SE*6*0001~GE*1*1~IEA*1*000000001~"
)
EDIFACT = (
    "UNB+UNOC:3+PARTNER:ZZ+ORDERPORT:ZZ+240405:0930+1'UNH+1+ORDERS:D:96A:UN'"
    "BGM+220+4500012345+9'DTM+137:20240405:102'CUX+2:EUR:9'"
    "LIN+00010++4006381333931:SRV'QTY+21:24:EA'PRI+AAA:2.50'"
    "LIN+00020++4006381333948:SRV'QTY+21:5:EA'PRI+AAA:1.00'UNS+S'UNT+10+1'UNZ+1+1'"
)
CSV = (
    "Purch.Doc.;Item;Material;PO Quantity;Net Price;Crcy\n"
    "4500012345;00010;104711;24;2,50;EUR\n"
    "4500012345;00020;104712;5;1,00;EUR\n"
)
SOURCES = {"x12": ("po.edi", X12), "edifact": ("orders.edi", EDIFACT), "csv": ("sap.csv", CSV)}


def read_po(tmp_path: Path, kind: str) -> PurchaseOrder:
    name, text = SOURCES[kind]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = check_file(path)
    [po_result] = result.pos
    assert po_result.po is not None, po_result.findings
    return po_result.po


def context() -> OutboundContext:
    return OutboundContext(
        partner_id="sap",
        now=datetime(2024, 4, 6, 8, 0, tzinfo=UTC),
        control_number=7,
        sender=EdiParty("ORDERPORT", "ZZ"),
        receiver=EdiParty("PARTNER", "ZZ"),
    )


def item(po: PurchaseOrder, code: str) -> PoStatusItem:
    lines = [
        {"line_number": line.line_number, "quantity": str(line.quantity), "uom": line.uom}
        for line in po.lines
    ]
    event = {"po_number": po.po_number, "code": code, "at": "2024-04-06T08:00:00Z", "lines": lines}
    return PoStatusItem(po=po, event=StatusEvent.model_validate(event, strict=False))


@pytest.mark.parametrize("kind", sorted(SOURCES))
def test_line_number_00010_is_read_as_sent(tmp_path: Path, kind: str) -> None:
    po = read_po(tmp_path, kind)
    assert [line.line_number for line in po.lines] == ["00010", "00020"]


@pytest.mark.parametrize("kind", sorted(SOURCES))
def test_855_echoes_00010(tmp_path: Path, kind: str) -> None:
    po = read_po(tmp_path, kind)
    data = X12_855.render([item(po, "accepted")], context()).content
    strict = parse_strict(data)
    [segments] = [s.segments for g in strict.groups for s in g.sets]
    assert [seg[1] for seg in segments if seg[0] == "PO1"] == ["00010", "00020"]


@pytest.mark.parametrize("kind", sorted(SOURCES))
def test_ordrsp_echoes_00010(tmp_path: Path, kind: str) -> None:
    po = read_po(tmp_path, kind)
    text = ORDRSP.render([item(po, "accepted")], context()).content.decode("latin-1")
    lin = [seg for seg in text.replace("\n", "").split("'") if seg.startswith("LIN+")]
    assert [seg.split("+")[1] for seg in lin] == ["00010", "00020"]


@pytest.mark.parametrize("kind", sorted(SOURCES))
def test_status_result_file_echoes_00010(tmp_path: Path, kind: str) -> None:
    po = read_po(tmp_path, kind)
    data = StatusCsvWriter().render([item(po, "shipped")], context()).content
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [row["line_number"] for row in rows] == ["00010", "00020"]
