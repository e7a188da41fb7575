"""Issue 11's observations: what a fulfillment team would have had to chase is no longer clean."""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import Engine

from orderport.formats.base import ReadSettings
from orderport.formats.x12 import READER, X12Receipt
from orderport.model import Severity
from orderport.partners import load_profiles
from orderport.pipeline.ingest import check_file, ingest_file
from orderport.store.lifecycle import Outcome, PoStatus, approve, get_po, upsert_partner

SAMPLES = Path(__file__).resolve().parents[3] / "sample_files"
PROFILES = load_profiles(SAMPLES / "partners")


def register(engine: Engine, partner: str) -> None:
    with engine.begin() as conn:
        upsert_partner(conn, partner, partner)


def error_codes(findings: list) -> list[str]:  # type: ignore[type-arg]
    return [f.code for f in findings if f.severity is Severity.ERROR]


def test_globex_semicolon_file_maps_every_column_so_lines_have_skus_and_prices(
    engine: Engine,
) -> None:
    register(engine, "globex")
    path = SAMPLES / "csv" / "partner_semicolon_cp1252.csv"
    result = ingest_file(engine, path, "globex", PROFILES["globex"])
    [po] = result.pos
    assert (po.po_number, po.outcome) == ("BE-7001", Outcome.CREATED)
    assert [f.code for f in po.findings if f.code == "read.unknown_column"] == []
    with engine.connect() as conn:
        stored = get_po(conn, "globex", "BE-7001")
    assert stored is not None
    lines = stored.document["lines"]
    assert [(ln["sku"], ln["buyer_sku"]) for ln in lines] == [
        ("SKU-4711", "A-001"),
        ("SKU-4712", "A-002"),
    ]
    assert [ln["unit_cost"]["amount"] for ln in lines] == ["2.95", "1234.50"]
    assert stored.document["ship_to"]["city"] == "Hamburg"


def workbook_bytes(
    rows: list[list[object]], sheets: dict[str, list[list[object]]] | None = None
) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Orders"
    for row in rows:
        sheet.append(row)
    for title, extra in (sheets or {}).items():
        other = book.create_sheet(title)
        for row in extra:
            other.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_spreadsheet_row_with_unknown_currency_and_no_item_is_held_not_clean(
    engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "orders.xlsx"
    path.write_bytes(
        workbook_bytes(
            [
                ["po_number", "currency", "line_number", "quantity", "uom", "ship_to_location_id"],
                ["PO-1", "XYZ", 1, 5, "pcs", "DC-1"],
            ]
        )
    )
    register(engine, "sheets")
    [po] = ingest_file(engine, path, "sheets").pos
    assert (po.outcome, po.status) == (Outcome.HELD, PoStatus.ON_HOLD)
    codes = error_codes(po.findings)
    assert sorted(codes) == ["code.currency_unknown", "rule.item_identity_required"]
    currency = next(f for f in po.findings if f.code == "code.currency_unknown")
    assert "'XYZ' is not an ISO 4217 currency code" in currency.message
    assert currency.location is not None
    assert (currency.location.sheet, currency.location.row) == ("Orders", 2)
    with engine.connect() as conn:
        stored = get_po(conn, "sheets", "PO-1")
    assert stored is not None
    assert stored.document["lines"][0]["uom"] == "EA"  # pcs is a synonym of EA


def test_unknown_codes_get_a_did_you_mean() -> None:
    from orderport.formats.base import RawDocument
    from orderport.model import Provenance
    from orderport.validation import normalize

    data = {
        "po_number": "PO-2",
        "currency": "EUE",
        "ship_to": {
            "name": "DC",
            "line1": "1 Road",
            "city": "Lyon",
            "province": "ARA",
            "postal_code": "69001",
            "country": "FRA",
        },
        "bill_to": {
            "name": "HQ",
            "line1": "1 Road",
            "city": "Lyon",
            "province": "ARA",
            "postal_code": "69001",
            "country": "Frnace",
        },
        "lines": [{"line_number": 1, "sku": "A", "quantity": "1", "uom": "EAA"}],
    }
    po, findings = normalize(RawDocument(data=data, provenance=Provenance(file="po.json")))
    messages = {f.code: f.message for f in findings if f.is_error}
    assert set(messages) == {"code.currency_unknown", "code.country_unknown", "code.uom_unknown"}
    assert "did you mean EUR?" in messages["code.currency_unknown"]
    assert "did you mean FR?" in messages["code.country_unknown"]
    assert "did you mean EA?" in messages["code.uom_unknown"]
    assert data["ship_to"]["country"] == "FR"  # alpha-3 becomes alpha-2
    assert po is None or po.ship_to is not None


def test_validate_analyst_workbook_never_reads_the_pivot_sheet_instead_of_orders() -> None:
    result = check_file(SAMPLES / "xlsx" / "analyst_orders.xlsx")
    assert result.error is None
    assert [p.po_number for p in result.pos] == ["PO-8001", "PO-8002"]
    assert [p.lines for p in result.pos] == [2, 1]
    note = next(f for f in result.pos[0].findings if f.code == "read.sheet_chosen")
    assert note.location is not None
    assert note.location.sheet == "Orders"
    assert "'Pivot' (its header names 2 known column(s)" in note.message
    assert "'Read me' (no header row with a po_number column)" in note.message
    with_profile = check_file(SAMPLES / "xlsx" / "analyst_orders.xlsx", PROFILES["analysts"])
    assert [p.po_number for p in with_profile.pos] == ["PO-8001", "PO-8002"]
    assert all(not p.has_errors for p in with_profile.pos)


def test_a_workbook_with_two_readable_sheets_says_which_it_read_and_why(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    path.write_bytes(
        workbook_bytes(
            [
                ["po_number", "sku", "quantity", "ship_to_location_id"],
                ["PO-7", "SKU-1", 3, "DC-1"],
            ],
            {"Pivot": [["po_number", "quantity"], ["PO-7", 3]]},
        )
    )
    [po] = check_file(path).pos
    note = next(f for f in po.findings if f.code == "read.sheet_chosen")
    assert note.location is not None
    assert note.location.sheet == "Orders"
    assert "read sheet 'Orders'" in note.message
    assert "'Pivot' (its header names 2 known column(s), 'Orders' names 4)" in note.message


ISA = (
    "ISA*00*          *00*          *ZZ*INITECH        *ZZ*ORDERPORT      "
    "*260301*0930*U*00401*000000101*0*P*>~"
)


def x12(*body: str) -> bytes:
    segments = ["ST*850*0001", "BEG*00*SA*PO-9**20260301", *body]
    count = len(segments) + 1
    text = (
        ISA
        + "GS*PO*INITECH*ORDERPORT*20260301*0930*1*X*004010~"
        + "~".join(segments)
        + f"~SE*{count}*0001~GE*1*1~IEA*1*000000101~"
    )
    return text.encode()


def read_x12(data: bytes) -> tuple[list[str], X12Receipt]:
    receipt = X12Receipt()
    docs = list(READER.read_with_receipt(io.BytesIO(data), "po.edi", ReadSettings(), receipt))
    [doc] = docs
    return [f.code for f in doc.findings if f.is_error], receipt


def test_x12_po1_without_any_product_id_is_rejected() -> None:
    codes, receipt = read_x12(x12("N1*ST*DC*92*0007", "PO1*1*2*EA*1.50"))
    assert codes == ["x12.element"]
    set_result = receipt.interchanges[0].groups[0].sets[0]
    assert set_result.status == "R"
    [segment] = set_result.segment_errors
    assert (segment.segment_id, segment.elements[0].position) == ("PO1", 7)


def test_x12_one_character_n104_is_rejected() -> None:
    codes, receipt = read_x12(x12("N1*ST*DC*92*7", "PO1*1*2*EA*1.50**IN*X1"))
    assert codes == ["x12.element"]
    set_result = receipt.interchanges[0].groups[0].sets[0]
    assert set_result.status == "R"
    [segment] = set_result.segment_errors
    element = segment.elements[0]
    assert (segment.segment_id, element.position, element.reference, element.code) == (
        "N1",
        4,
        "67",
        "4",
    )


def test_canonical_errors_csv_gives_one_outcome_per_po_and_stores_po_3001_whole(
    engine: Engine,
) -> None:
    register(engine, "acme")
    result = ingest_file(engine, SAMPLES / "csv" / "canonical_errors.csv", "acme", PROFILES["acme"])
    numbers = [p.po_number for p in result.pos]
    assert numbers == ["PO-3001", "PO-3002"]
    assert {p.outcome for p in result.pos} == {Outcome.HELD}
    with engine.connect() as conn:
        stored = get_po(conn, "acme", "PO-3001")
    assert stored is not None
    assert [ln["line_number"] for ln in stored.document["lines"]] == ["1", "2", "3"]
    assert [ln["sku"] for ln in stored.document["lines"]] == ["SKU-1", "SKU-2", "SKU-5"]


def test_schema_failure_with_on_errors_hold_is_held_with_all_findings_and_can_be_corrected(
    engine: Engine, tmp_path: Path
) -> None:
    register(engine, "acme")
    bad = tmp_path / "po.json"
    bad.write_text(
        '{"po_number": "PO-77", "currency": "XYZ", "order_date": "2026-13-01",'
        ' "lines": [{"line_number": 1, "quantity": "ten"}]}',
        encoding="utf-8",
    )
    [po] = ingest_file(engine, bad, "acme", PROFILES["acme"]).pos
    assert (po.outcome, po.status) == (Outcome.HELD, PoStatus.ON_HOLD)
    codes = error_codes(po.findings)
    # Schema, code lists and business rules in one round, not one error per round.
    assert "code.currency_unknown" in codes
    assert "rule.item_identity_required" in codes
    assert "rule.ship_to_required" in codes
    assert sum(code.startswith("schema.") for code in codes) >= 2
    with engine.begin() as conn:
        stored = get_po(conn, "acme", "PO-77")
        assert stored is not None
        assert stored.document["lines"][0]["quantity"] == "ten"  # the document as read
        assert {f.code for f in stored.findings} >= set(codes)
        assert approve(conn, "acme", "PO-77").outcome is Outcome.REFUSED

    good = tmp_path / "po-fixed.json"
    good.write_text(
        '{"po_number": "PO-77", "currency": "USD", "order_date": "2026-11-01",'
        ' "ship_to": {"location_id": "DC-1"},'
        ' "lines": [{"line_number": 1, "sku": "SKU-1", "quantity": "10"}]}',
        encoding="utf-8",
    )
    [fixed] = ingest_file(engine, good, "acme", PROFILES["acme"]).pos
    assert (fixed.outcome, fixed.status) == (Outcome.UPDATED, PoStatus.NEEDS_APPROVAL)


def test_only_a_po_without_po_number_is_refused_unstored(engine: Engine, tmp_path: Path) -> None:
    register(engine, "acme")
    path = tmp_path / "po.json"
    path.write_text('{"lines": [{"line_number": 1, "sku": "A", "quantity": "1"}]}', "utf-8")
    [po] = ingest_file(engine, path, "acme", PROFILES["acme"]).pos
    assert (po.outcome, po.status) == (Outcome.REJECTED, None)


def test_nul_characters_never_reach_the_database(engine: Engine, tmp_path: Path) -> None:
    """PostgreSQL text and jsonb cannot hold NUL: a PO number with one cannot identify a PO
    (refused unstored), and a document held as read keeps its other values with U+FFFD."""
    register(engine, "acme")
    nul_number = tmp_path / "nul-number.json"
    nul_number.write_text('{"po_number": "A\\u0000B", "lines": null}', "utf-8")
    [po] = ingest_file(engine, nul_number, "acme", PROFILES["acme"]).pos
    assert (po.outcome, po.status) == (Outcome.REJECTED, None)
    nul_text = tmp_path / "nul-text.json"
    nul_text.write_text(
        '{"po_number": "PO-NUL", "lines": [{"line_number": 1, "sku": "S",'
        ' "description": "a\\u0000b", "quantity": "ten"}]}',
        "utf-8",
    )
    [held] = ingest_file(engine, nul_text, "acme", PROFILES["acme"]).pos
    assert (held.outcome, held.status) == (Outcome.HELD, PoStatus.ON_HOLD)
    with engine.begin() as conn:
        stored = get_po(conn, "acme", "PO-NUL")
        assert stored is not None
        assert stored.document["lines"][0]["description"] == "a\ufffdb"


def test_a_missing_item_with_unmapped_columns_names_them_for_an_alias(tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    path.write_text("po_number,quantity,ship_to_location_id,Zzyzx\nPO-1,3,DC-1,ABC-1\n", "utf-8")
    [po] = check_file(path).pos
    missing = [f for f in po.findings if f.code == "rule.item_identity_required"]
    assert len(missing) == 1
    assert "Zzyzx" in missing[0].message
    assert "column_aliases" in missing[0].message


def test_a_po_sent_twice_in_one_file_is_refused_the_second_time(
    engine: Engine, tmp_path: Path
) -> None:
    """Issue 12: two 850s (or two JSON objects) for one PO in one file silently became v1, v2."""
    register(engine, "acme")
    po = (
        '{{"po_number": "PO-TWICE", "currency": "USD", "ship_to": {{"location_id": "DC-1"}},'
        ' "lines": [{{"line_number": 1, "sku": "SKU-1", "quantity": "{qty}"}}]}}'
    )
    path = tmp_path / "twice.json"
    path.write_text("[" + po.format(qty=5) + ", " + po.format(qty=7) + "]", "utf-8")
    checked = check_file(path, PROFILES["acme"])
    assert [error_codes(p.findings) for p in checked.pos] == [[], ["read.po_repeated"]]
    first, second = ingest_file(engine, path, "acme", PROFILES["acme"]).pos
    assert first.outcome is Outcome.CREATED
    assert second.outcome is Outcome.REJECTED
    [repeat] = [f for f in second.findings if f.code == "read.po_repeated"]
    assert repeat.location is not None
    assert repeat.location.pointer == "/po_number"
    with engine.begin() as conn:
        stored = get_po(conn, "acme", "PO-TWICE")
        assert stored is not None
        assert stored.current_version == 1
        assert stored.document["lines"][0]["quantity"] == "5"


def test_two_850s_for_one_po_in_one_interchange(tmp_path: Path) -> None:
    sample = (SAMPLES / "x12" / "po_004010_crlf.edi").read_text("latin-1")
    segments = [s.strip() for s in sample.split("~") if s.strip()]
    start = next(i for i, s in enumerate(segments) if s.startswith("ST*"))
    end = next(i for i, s in enumerate(segments) if s.startswith("SE*"))
    second = [
        s.replace("ST*850*0001", "ST*850*0002").replace("*0001", "*0002")
        if s.startswith(("ST*", "SE*"))
        else s
        for s in segments[start : end + 1]
    ]
    text = segments[:start] + segments[start : end + 1] + second + ["GE*2*501", "IEA*1*000001001"]
    path = tmp_path / "two_850.edi"
    path.write_text("~\n".join(text) + "~\n", "latin-1")
    pos = check_file(path).pos
    assert [error_codes(p.findings) for p in pos] == [[], ["read.po_repeated"]]


def test_rows_of_a_po_far_apart_refuse_the_file_and_name_both_places(
    engine: Engine, tmp_path: Path
) -> None:
    """A PO's rows more than a batch of POs apart: the file is refused whole, nothing stored,
    and the error names where the later rows are and where the first ones were."""
    from orderport.pipeline.ingest import APPLY_BATCH

    register(engine, "acme")
    header = "po_number,order_date,currency,line_number,sku,quantity,uom,unit_cost"
    rows = [header, "PO-FIRST,2026-03-01,USD,1,SKU-1,5,EA,2.50"]
    rows += [f"PO-{n:05d},2026-03-01,USD,1,SKU-{n},1,EA,1.00" for n in range(APPLY_BATCH + 10)]
    rows.append("PO-FIRST,2026-03-01,USD,2,SKU-2,7,EA,3.00")
    path = tmp_path / "apart.csv"
    path.write_text("\n".join(rows) + "\n", "utf-8")
    result = ingest_file(engine, path, "acme", PROFILES["acme"])
    assert result.error is not None
    message = str(result.error)
    assert f"more rows of PO PO-FIRST at row {len(rows)}" in message
    assert "far after its first rows (rows 2)" in message or "(row 2)" in message
    with engine.connect() as conn:
        assert get_po(conn, "acme", "PO-FIRST") is None
