"""render_result_csv over files read by the real readers."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

from orderport.formats.results import CSV_COLUMNS, render_result_csv
from orderport.formats.results.safety import FORMULA_TRIGGERS
from orderport.partners import PartnerProfile
from orderport.pipeline.ingest import FileResult, check_file

Check = Callable[..., FileResult]


def parse(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM missing"
    text = data[3:].decode("utf-8")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    assert tuple(reader.fieldnames or ()) == CSV_COLUMNS
    return list(reader)


def expected_row_count(result: FileResult) -> int:
    return (result.error is not None) + sum(max(1, len(p.findings)) for p in result.pos)


def test_one_row_per_finding_with_row_and_column(
    check_sample: Check, strict_profile: PartnerProfile
) -> None:
    result = check_sample("csv/canonical_errors.csv", strict_profile)
    rows = parse(render_result_csv(result))
    assert len(rows) == expected_row_count(result)
    decimal = [r for r in rows if r["code"] == "read.decimal"]
    assert len(decimal) == 1
    assert decimal[0]["po_number"] == "PO-3002"
    assert decimal[0]["row"] == "4"
    assert decimal[0]["column"] == "unit_cost"
    assert decimal[0]["field"] == "$.lines[0].unit_cost.amount"
    assert decimal[0]["severity"] == "error"
    assert "'2,50' is not a number" in decimal[0]["message"]
    assert {r["file"] for r in rows} == {"canonical_errors.csv"}
    # Findings are listed in the order the reader reported them, per PO.
    got = [(r["po_number"], r["code"]) for r in rows]
    assert got == [(p.po_number, f.code) for p in result.pos for f in p.findings]


def test_lines_end_in_crlf_and_quoted_newlines_survive(check_sample: Check) -> None:
    data = render_result_csv(check_sample("csv/quoted_multiline.csv"))
    body = data[3:]
    assert body.count(b"\r\n") >= 2
    assert b"\n" not in body.replace(b"\r\n", b"")
    rows = parse(data)
    assert [r["code"] for r in rows] == ["schema.pattern"]
    assert rows[0]["row"] == "4"


def test_po_without_findings_gets_one_empty_finding_row(check_sample: Check) -> None:
    result = check_sample("csv/canonical_valid.csv")
    rows = parse(render_result_csv(result))
    assert [r["po_number"] for r in rows] == ["PO-1001", "PO-1002"]
    assert all(r["severity"] == r["code"] == r["message"] == "" for r in rows)
    assert rows[0]["reference"] == "rows 2-3"


def test_leading_zeros_survive(check_sample: Check) -> None:
    rows = parse(render_result_csv(check_sample("csv/leading_zeros.csv")))
    assert rows[0]["po_number"] == "000042"


def test_unreadable_file_gives_a_rejected_file_row(
    check_sample: Check, strict_profile: PartnerProfile
) -> None:
    result = check_sample("csv/not_utf8_no_fallback.csv", strict_profile)
    rows = parse(render_result_csv(result))
    assert rows[0]["code"] == "read.file"
    assert rows[0]["outcome"] == "rejected"
    assert rows[0]["po_number"] == ""
    assert rows[0]["row"] == "2"
    assert "not valid utf-8" in rows[0]["message"]


def test_edi_findings_carry_segment_and_element(check_sample: Check) -> None:
    rows = parse(render_result_csv(check_sample("x12/po_bad_values.edi")))
    date = next(r for r in rows if r["code"] == "read.date")
    assert (date["segment"], date["segment_position"], date["element"]) == ("BEG", "2", "5")
    assert date["row"] == date["column"] == ""
    edifact = parse(render_result_csv(check_sample("edifact/bad_ean.edi")))
    gtin = next(r for r in edifact if r["code"] == "rule.gtin_check_digit")
    assert (gtin["segment"], gtin["element"], gtin["component"]) == ("LIN", "3", "1")


def test_json_findings_carry_the_pointer(check_sample: Check) -> None:
    rows = parse(render_result_csv(check_sample("json/threepl_split_errors.json")))
    upc = next(r for r in rows if r["field"] == "$.lines[1].gtin")
    assert upc["pointer"] == "/items/1/upc"


def test_formula_payloads_from_the_partner_are_neutralised(tmp_path: Path) -> None:
    source = tmp_path / "=orders.csv"
    source.write_text(
        "po_number,order_date,currency,vendor_id,sku,quantity\r\n"
        '"=HYPERLINK(""http://evil.example"",""x"")",2026-11-20,USD,v1,SKU-1,=1+1\r\n'
        "+PO-2,2026-11-20,USD,v1,@SKU,3\r\n"
        "-PO-3,2026-11-20,USD,v1,SKU-3,-4\r\n"
        "@PO-4,2026-11-20,USD,v1,SKU-4,5\r\n",
        encoding="utf-8",
    )
    result = check_file(source)
    rows = parse(render_result_csv(result))
    assert len(rows) == expected_row_count(result)
    for row in rows:
        for name, value in row.items():
            assert not value or value[0] not in FORMULA_TRIGGERS, (name, value)
    numbers = [r["po_number"] for r in rows]
    assert '\'=HYPERLINK("http://evil.example","x")' in numbers
    assert {"'+PO-2", "'-PO-3", "'@PO-4"} <= set(numbers)
    assert {r["file"] for r in rows} == {"'=orders.csv"}
    # The message quoting the partner's "=1+1" starts with the field name, so it stays readable.
    bad = [r for r in rows if "=1+1" in r["message"]]
    assert bad
    assert bad[0]["message"].startswith("quantity")
