"""997 content, envelope and strict re-reading; the 860 merge."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from orderport.formats.base import RawDocument, ReadSettings
from orderport.formats.x12 import READER, StrictX12Error, X12Receipt, build_997, parse_strict

SAMPLES = Path(__file__).resolve().parents[4] / "sample_files" / "x12"
NOW = datetime(2026, 3, 1, 10, 5, tzinfo=UTC)
READABLE = sorted(p.name for p in SAMPLES.glob("*.edi") if "truncated" not in p.name)


def read_sample(name: str) -> tuple[list[RawDocument], X12Receipt]:
    receipt = X12Receipt()
    with (SAMPLES / name).open("rb") as stream:
        docs = list(READER.read_with_receipt(stream, name, ReadSettings(), receipt))
    return docs, receipt


def ack(name: str, **kw: Any) -> bytes:
    _, receipt = read_sample(name)
    return build_997(receipt.interchanges[0], isa_control=42, gs_control=7, now=NOW, **kw)


def segs_of(data: bytes) -> list[list[str]]:
    strict = parse_strict(data)
    return [seg for g in strict.groups for s in g.sets for seg in s.segments]


@pytest.mark.parametrize("name", READABLE)
@pytest.mark.parametrize("newline", [False, True])
def test_every_997_passes_the_strict_reader(name: str, newline: bool):
    data = ack(name, newline=newline)
    strict = parse_strict(data)
    assert strict.isa[13] == "000000042"
    assert strict.groups[0].gs[1] == "FA"
    assert strict.groups[0].gs[6] == "7"
    assert all(s.set_id == "997" for g in strict.groups for s in g.sets)


def test_envelope_swaps_sender_and_receiver_and_keeps_version():
    strict = parse_strict(ack("po_005010_one_line.edi"))
    assert (strict.isa[6].strip(), strict.isa[8].strip()) == ("ORDERPORT", "INITECH")
    assert strict.isa[12] == "00501"
    assert strict.isa[11] == "^"
    assert (strict.separators.element, strict.separators.segment) == ("|", "~")
    assert strict.isa[9:11] == ["260301", "1005"]
    gs = strict.groups[0].gs
    assert (gs[2], gs[3], gs[8]) == ("ORDERPORT", "INITECH", "005010")
    segs = segs_of(ack("po_005010_one_line.edi"))
    assert ["AK1", "PO", "502", "005010"] in segs


def test_accepted_set_content():
    segs = segs_of(ack("po_two_groups.edi"))
    assert [s for s in segs if s[0] in ("AK1", "AK2", "AK5", "AK9")] == [
        ["AK1", "PO", "503"],
        ["AK2", "850", "0001"],
        ["AK5", "A"],
        ["AK2", "850", "0002"],
        ["AK5", "A"],
        ["AK9", "A", "2", "2", "2"],
        ["AK1", "PO", "504"],
        ["AK2", "850", "0001"],
        ["AK5", "A"],
        ["AK9", "A", "1", "1", "1"],
    ]


def test_syntax_errors_give_ak3_ak4_and_rejection():
    segs = segs_of(ack("po_bad_values.edi"))
    body = [s for s in segs if s[0].startswith("AK")]
    assert body == [
        ["AK1", "PO", "510"],
        ["AK2", "850", "0001"],
        ["AK3", "BEG", "2", "", "8"],
        ["AK4", "5", "373", "8", "20260230"],
        ["AK3", "PO1", "3", "PO1", "8"],
        ["AK4", "2", "330", "6", "1O"],
        ["AK5", "R", "5"],
        ["AK9", "R", "1", "1", "0"],
    ]


def test_se_count_error_rejects_the_set():
    segs = segs_of(ack("po_bad_se_count.edi"))
    assert ["AK5", "R", "4"] in segs
    assert ["AK9", "R", "1", "1", "0"] in segs


def test_business_errors_do_not_reject_in_the_997():
    segs = segs_of(ack("po_bad_upc.edi"))
    assert ["AK5", "A"] in segs


def test_control_numbers_are_checked():
    _, receipt = read_sample("po_cancel.edi")
    with pytest.raises(ValueError, match="isa_control"):
        build_997(receipt.interchanges[0], isa_control=0, gs_control=1, now=NOW)
    with pytest.raises(ValueError, match="gs_control"):
        build_997(receipt.interchanges[0], isa_control=1, gs_control=10**9, now=NOW)


def test_strict_reader_rejects_broken_files():
    good = ack("po_cancel.edi")
    with pytest.raises(StrictX12Error, match="SE01"):
        parse_strict(good.replace(b"SE*6*0001", b"SE*7*0001"))
    with pytest.raises(StrictX12Error, match="IEA"):
        parse_strict(good.replace(b"IEA*1*000000042", b"IEA*1*000000043"))
    with pytest.raises(StrictX12Error, match="106"):
        parse_strict(good.replace(b"ORDERPORT      ", b"ORDERPORT", 1))
    with pytest.raises(StrictX12Error, match="GE01"):
        parse_strict(good.replace(b"GE*1*7", b"GE*2*7"))


# -- 860 -------------------------------------------------------------------------------------


def stored_850() -> dict[str, Any]:
    docs, _ = read_sample("po_004010_crlf.edi")
    return docs[0].data


def test_860_document_and_merge():
    docs, receipt = read_sample("po_change_860.edi")
    (doc,) = docs
    assert doc.data == {"purpose": "change", "po_number": "4500012345"}
    assert doc.merge is not None
    stored = stored_850()
    merged = doc.merge(stored)
    assert stored["lines"][0]["quantity"] == "24"  # the stored document is not modified
    assert merged["ship_window"] == {"start": "2026-03-10", "end": "2026-03-25"}
    lines = {str(ln["line_number"]): ln for ln in merged["lines"]}
    assert sorted(lines) == ["1", "3"]
    assert lines["1"]["quantity"] == "30"
    assert lines["1"]["description"] == "Blue widget, large"
    assert lines["3"] == {
        "line_number": "3",  # kept as sent in POC01
        "quantity": "6",
        "uom": "EA",
        "unit_cost": {"amount": "4.00", "currency": "USD"},
        "vendor_sku": "WID-003",
        "gtin": "012345678905",
        "description": "Green widget",
    }
    assert doc.findings == []
    index = merged["lines"].index(lines["3"])
    loc = doc.provenance.locations[f"$.lines[{index}].description"]
    assert (loc.segment, loc.segment_position, loc.element) == ("PID", 7, 5)
    assert receipt.interchanges[0].groups[0].sets[0].status == "A"

    from orderport.validation import normalize

    doc.data = merged
    po, findings = normalize(doc)
    assert po is not None, findings
    assert po.purpose.value == "change"


def change_doc(*pocs: list[str], bch: str = "04") -> RawDocument:
    segs = [["BCH", bch, "SA", "4500012345", "", "", "20260301"], *pocs]
    isa = (
        "ISA*00*          *00*          *ZZ*ACMEBUYER      *ZZ*ORDERPORT      *260301*0930*U*"
        "00401*000000001*0*P*>~"
    )
    body = "".join("*".join(s) + "~" for s in [["ST", "860", "0001"], *segs])
    text = (
        f"{isa}GS*PC*A*B*20260301*0930*1*X*004010~{body}SE*{len(segs) + 2}*0001~"
        "GE*1*1~IEA*1*000000001~"
    )
    (doc,) = READER.read(io.BytesIO(text.encode()), "c.edi", ReadSettings())
    return doc


@pytest.mark.parametrize(
    ("poc", "expected"),
    [
        (["POC", "2", "PC", "", "", "", "13.00"], {"quantity": "10.5", "price": "13.00"}),
        (["POC", "2", "QD", "8", "", "CS"], {"quantity": "8", "price": "12"}),
        (
            ["POC", "2", "CA", "11", "", "CS", "", "", "SK", "SKU-NEW"],
            {"quantity": "11", "price": "12", "sku": "SKU-NEW"},
        ),
        (
            ["POC", "2", "RZ", "5", "", "EA", "1.00", "", "SK", "SKU-RZ"],
            {"quantity": "5", "price": "1.00", "sku": "SKU-RZ", "description": None},
        ),
        (["POC", "", "QI", "20", "", "CS", "", "", "SK", "SKU-0002"], {"quantity": "20"}),
    ],
)
def test_poc_change_codes(poc: list[str], expected: dict[str, Any]):
    doc = change_doc(poc)
    merged = doc.merge(stored_850()) if doc.merge else {}
    line = next(ln for ln in merged["lines"] if str(ln["line_number"]) == "2")
    assert line["quantity"] == expected["quantity"]
    if "price" in expected:
        assert line["unit_cost"]["amount"] == expected["price"]
    if "sku" in expected:
        assert line["sku"] == expected["sku"]
    if "description" in expected:
        assert line.get("description") == expected["description"]
    assert len(merged["lines"]) == 2
    assert doc.findings == []


def test_merge_problems_become_findings_once():
    doc = change_doc(
        ["POC", "9", "DI"],
        ["POC", "1", "AI", "1", "", "EA"],
        ["POC", "2", "QI", "3", "", "CS"],
        ["POC", "2", "PC"],
    )
    assert doc.merge is not None
    doc.merge(stored_850())
    merged = doc.merge(stored_850())
    assert [f.code for f in doc.findings] == [
        "read.change_line_not_found",
        "read.change_line_exists",
        "read.change_direction",
        "read.change_price_missing",
    ]
    assert [f.location.segment_position for f in doc.findings if f.location] == [3, 4, 5, 6]
    assert len(merged["lines"]) == 2


def test_unknown_change_code_and_cancel():
    doc = change_doc(["POC", "1", "XX", "1"], bch="01")
    assert doc.data["purpose"] == "cancel"
    assert [f.code for f in doc.findings] == ["read.change_code"]
    assert doc.merge is not None
    assert doc.merge(stored_850())["purpose"] == "cancel"
