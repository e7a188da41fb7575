"""CSV reader: grouping, provenance, encodings, delimiters and partner settings."""

import io
import tracemalloc

import pytest

from orderport.formats.base import FormatError, ReadSettings
from orderport.formats.csv_reader import READER, sniff_delimiter
from orderport.formats.tabular import CellProvenance
from orderport.model import SourceLocation

HEAD = "po_number,order_date,currency,vendor_id,line_number,sku,quantity,unit_cost\n"


def read(text, settings=None, encoding="utf-8"):
    data = text.encode(encoding) if isinstance(text, str) else text
    return list(READER.read(io.BytesIO(data), "in.csv", settings or ReadSettings()))


def codes(doc):
    return [f.code for f in doc.findings]


def test_rows_group_into_pos_with_line_numbers_from_row_order():
    docs = read("po_number,sku,quantity\nA,S1,1\nA,S2,2\nB,S3,3\n")
    assert [d.data["po_number"] for d in docs] == ["A", "B"]
    assert [line["line_number"] for line in docs[0].data["lines"]] == [1, 2]
    assert docs[1].data["lines"] == [{"sku": "S3", "quantity": "3", "line_number": 1}]
    assert docs[0].reference == "rows 2-3"


def test_pos_are_yielded_before_the_file_ends():
    rows = "".join(f"PO-{i},S,1\n" for i in range(3))
    reader = READER.read(
        io.BytesIO(("po_number,sku,quantity\n" + rows).encode()), "f", ReadSettings()
    )
    first = next(reader)
    assert first.data["po_number"] == "PO-0"


def test_values_are_mapped_into_the_canonical_shape():
    [doc] = read(
        "po_number,is_approved,can_split,delivery_start,ship_to_city,buyer_id,total_cost,"
        "purpose,entity_type,unit_cost,unit_cost_currency,currency,line_shipment_terms\n"
        "P1,Y,0,2027-01-02,Paris,B1,10.00,Change,Material,2.5,eur,usd,fob\n"
    )
    data = doc.data
    assert data["options"] == {"is_approved": True, "can_split": False}
    assert data["delivery_window"] == {"start": "2027-01-02"}
    assert data["ship_to"] == {"city": "Paris"}
    assert data["organisations"] == {"buyer": {"id": "B1"}}
    assert data["total_cost"] == {"amount": "10.00", "currency": "USD"}
    assert data["purpose"] == "change"
    line = data["lines"][0]
    assert line["entity_type"] == "material"
    assert line["unit_cost"] == {"amount": "2.5", "currency": "EUR"}
    assert line["shipment_terms"] == "FOB"


def test_provenance_points_at_row_and_header_text():
    [doc] = read("PO Number,Qty\nP1,5\n", ReadSettings(column_aliases={"Qty": "quantity"}))
    assert isinstance(doc.provenance, CellProvenance)
    assert doc.provenance.locate("$.lines[0].quantity") == SourceLocation(
        file="in.csv", row=2, column="Qty"
    )
    # an unrecorded child falls back to the line's row
    assert doc.provenance.locate("$.lines[0].uom") == SourceLocation(file="in.csv", row=2)
    assert doc.provenance.locations["$.po_number"].column == "PO Number"


def test_embedded_newlines_keep_physical_line_numbers():
    docs = read(
        'po_number,notes,sku,quantity\nP1,"two\nlines",S1,1\nP1,"two\nlines",S2,bad\nP2,,S3,1\n'
    )
    assert docs[0].provenance.locate("$.lines[1].quantity").row == 4
    assert docs[1].provenance.locate("$.po_number").row == 6
    assert docs[0].data["notes"] == "two\nlines"


def test_inconsistent_po_value_names_both_rows():
    [doc] = read(HEAD + "P1,2026-11-20,USD,V,1,S,1,1\nP1,2026-11-21,USD,V,2,S2,1,1\n")
    [finding] = doc.findings
    assert finding.code == "read.inconsistent_po_value"
    assert finding.path == "$.order_date"
    assert "row 2" in finding.message
    assert "row 3" in finding.message
    assert finding.location.row == 3


def test_blank_po_level_cells_on_later_rows_are_fine():
    [doc] = read(HEAD + "P1,2026-11-20,USD,V,1,S,1,1\nP1,,,,2,S2,1,1\n")
    assert doc.findings == []
    assert doc.data["currency"] == "USD"
    assert doc.data["lines"][1]["unit_cost"]["currency"] == "USD"


def test_po_number_reappearing_is_an_error_naming_earlier_rows():
    docs = read("po_number,sku,quantity\nA,S,1\nA,S2,1\nB,S,1\nA,S3,1\n")
    assert [d.data["po_number"] for d in docs] == ["A", "B", "A"]
    assert codes(docs[0]) == []
    assert codes(docs[1]) == []
    [finding] = docs[2].findings
    assert finding.code == "read.po_not_contiguous"
    assert "rows 2-3" in finding.message
    assert finding.location.row == 5


def test_unreadable_values_become_findings_and_are_left_out():
    strict = ReadSettings(decimal_comma=False, date_formats=("%Y-%m-%d",))
    [doc] = read(HEAD + "P1,13/13/2026,USD,V,x,S,1,2,50\n".replace("2,50", '"2,50"'), strict)
    assert sorted(codes(doc)) == ["read.date", "read.decimal"]
    assert "order_date" not in doc.data
    assert "unit_cost" not in doc.data["lines"][0]
    assert doc.data["lines"][0]["line_number"] == "x"  # an identifier, kept as sent
    by_code = {f.code: f for f in doc.findings}
    assert by_code["read.decimal"].path == "$.lines[0].unit_cost.amount"


def test_unreadable_quantity_is_kept_for_validation_to_report_once():
    [doc] = read("po_number,quantity\nP1,12x\n")
    assert doc.findings == []
    assert doc.data["lines"][0]["quantity"] == "12x"


def test_unknown_columns_warn_once_on_the_first_po():
    docs = read("po_number,Season,quantity,Colour code\nA,FW,1,3\nB,SS,2,4\n")
    assert [f.location.column for f in docs[0].findings] == ["Season", "Colour code"]
    assert {f.severity.value for f in docs[0].findings} == {"warning"}
    assert docs[1].findings == []


def test_rows_without_po_number():
    docs = read("po_number,sku,quantity\nA,S,1\n,,\n,S2,3\nTotal,,4\n,,5\n")
    [doc] = docs
    assert codes(doc) == ["read.missing_po_number"]  # the blank and totals rows are skipped
    assert doc.findings[0].location.row == 4
    assert len(doc.data["lines"]) == 1


def test_defaults_fill_absent_values_but_never_override_the_file():
    settings = ReadSettings(
        defaults={
            "currency": "EUR",
            "uom": "PR",
            "ship_to": {"name": "Main DC", "country": "DE"},
            "options": {"is_approved": True},
        }
    )
    [doc] = read(
        "po_number,quantity,uom,ship_to_country,unit_cost\nA,1,,FR,2\nA,2,CS,,3\n", settings
    )
    assert doc.data["currency"] == "EUR"
    assert [line["uom"] for line in doc.data["lines"]] == ["PR", "CS"]
    assert doc.data["ship_to"] == {"country": "FR", "name": "Main DC"}
    assert doc.data["options"] == {"is_approved": True}
    assert doc.data["lines"][0]["unit_cost"] == {"amount": "2", "currency": "EUR"}


def test_unknown_default_key_is_a_settings_error():
    with pytest.raises(FormatError, match="default for 'colour'"):
        read("po_number\nA\n", ReadSettings(defaults={"colour": "red"}))


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiter_is_sniffed(delimiter):
    text = (
        delimiter.join(["po_number", "sku", "quantity"])
        + "\n"
        + delimiter.join(["A", "S,1", "3"])
        + "\n"
    )
    if delimiter == ",":
        text = 'po_number,sku,quantity\nA,"S,1",3\n'
    [doc] = read(text)
    assert doc.data["lines"][0] == {"sku": "S,1", "quantity": "3", "line_number": 1}
    assert sniff_delimiter(text.splitlines()[0]) == delimiter


def test_configured_delimiter_wins():
    text = "po_number|notes\nA|b;c\n"
    with pytest.raises(FormatError, match="no po_number"):
        read(text, ReadSettings(delimiter=";"))
    [doc] = read(text, ReadSettings(delimiter="|"))
    assert doc.data["po_number"] == "A"
    assert doc.data["notes"] == "b;c"


def test_utf8_bom_and_crlf():
    [doc] = read("\ufeffpo_number,description\r\nA,Crème\r\n")
    assert doc.data["po_number"] == "A"
    assert doc.data["lines"][0]["description"] == "Crème"


def test_invalid_utf8_without_fallback_names_offset_and_line():
    data = "po_number,description\nA,ok\nB,Gr\u00fc\u00dfe\n".encode("cp1252")
    with pytest.raises(FormatError) as info:
        read(data, ReadSettings(encoding="utf-8"))
    assert f"offset {data.index(bytes([0xFC]))}" in info.value.message
    assert info.value.location.row == 3


def test_fallback_encoding_is_used_and_said():
    data = "po_number,description\nA,Gr\u00fc\u00dfe \u20ac\n".encode("cp1252")
    [doc] = read(data, ReadSettings(fallback_encoding="cp1252"))
    assert doc.data["lines"][0]["description"] == "Grüße €"
    assert codes(doc) == ["read.encoding_fallback"]


def test_bytes_invalid_in_both_encodings():
    data = b"po_number,description\nA,\x81\xff\n"
    with pytest.raises(FormatError, match="neither valid utf-8"):
        read(data, ReadSettings(fallback_encoding="cp1252"))


def test_mojibake_in_utf8_is_a_warning_on_that_cell():
    [doc] = read("po_number,description,quantity\nA,fine,1\nA,CafÃ© au lait,2\n")
    [finding] = doc.findings
    assert finding.code == "read.mojibake"
    assert finding.severity.value == "warning"
    assert finding.path == "$.lines[1].description"
    assert (finding.location.row, finding.location.column) == (3, "description")


def test_header_only_file_and_empty_file():
    assert read("po_number,sku\n") == []
    with pytest.raises(FormatError, match="empty"):
        read("\n\n")


def test_sniff_by_content():
    assert READER.sniff(b"po_number,sku,quantity\nA,B,1\n", "x.txt")
    assert READER.sniff(b"\xef\xbb\xbfPO Number;Qty\n", "x")
    assert not READER.sniff(b"ISA*00*          *00*", "x.csv")
    assert not READER.sniff(b'{"po_number": "1"}', "x.csv")
    assert not READER.sniff(b"PK\x03\x04xl/", "x.csv")
    assert not READER.sniff(b"hello world\n", "x.csv")
    # a partner's own headers (aliases) are not known when sniffing: a table shape is enough
    assert READER.sniff(b"Bestellnummer;Menge\nB-1;1\n", "x")
    assert not READER.sniff(b"Foo;Bar\nB-1\n", "x")


def test_leading_zero_identifiers_survive():
    [doc] = read("po_number,sku,gtin,vendor_id\n000042,000123,036000291452,007\n")
    assert doc.data["po_number"] == "000042"
    assert doc.data["organisations"]["vendor"]["id"] == "007"
    assert doc.data["lines"][0]["sku"] == "000123"
    assert doc.data["lines"][0]["gtin"] == "036000291452"


def test_non_seekable_stream_is_read():
    class Pipe(io.RawIOBase):
        def __init__(self, data):
            self._inner = io.BytesIO(data)

        def readable(self):
            return True

        def readinto(self, buffer):
            chunk = self._inner.read(len(buffer))
            buffer[: len(chunk)] = chunk
            return len(chunk)

    stream = io.BufferedReader(Pipe(b"po_number,quantity\nA,1\n"))
    assert not stream.seekable()
    [doc] = READER.read(stream, "pipe.csv", ReadSettings())
    assert doc.data["po_number"] == "A"


def test_memory_stays_bounded_while_streaming():
    rows = "".join(
        f"PO-{i // 5},2026-11-20,USD,V,{i % 5 + 1},SKU-{i},3,1.50\n" for i in range(30_000)
    )
    data = (HEAD + rows).encode()
    tracemalloc.start()
    count = 0
    for doc in READER.read(io.BytesIO(data), "big.csv", ReadSettings()):
        count += len(doc.data["lines"])
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert count == 30_000
    assert peak < 8 * 1024 * 1024, peak  # the file is ~1.7 MB; nothing accumulates per PO
