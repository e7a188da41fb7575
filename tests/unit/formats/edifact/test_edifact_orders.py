"""ORDERS -> canonical document, with provenance down to element and component."""

from __future__ import annotations

import io
from typing import Any

import pytest

from orderport.formats.base import RawDocument, ReadSettings
from orderport.formats.edifact import InterchangeReport, read_interchange


def doc_of(
    body: str, settings: ReadSettings | None = None
) -> tuple[RawDocument, InterchangeReport]:
    segments = body.count("'") + 2
    text = (
        "UNB+UNOC:3+S:ZZ+R:ZZ+260301:0900+1'UNH+1+ORDERS:D:96A:UN'"
        + body
        + f"UNT+{segments}+1'UNZ+1+1'"
    )
    report = InterchangeReport()
    (doc,) = read_interchange(io.BytesIO(text.encode("latin-1")), "o.edi", settings, report)
    return doc, report


def where(doc: RawDocument, path: str) -> tuple[Any, ...]:
    loc = doc.provenance.locate(path)
    assert loc is not None
    return (loc.segment, loc.segment_position, loc.element, loc.component)


def codes(doc: RawDocument) -> list[str]:
    return [f.code for f in doc.findings]


@pytest.mark.parametrize(
    ("function", "purpose"), [("9", "original"), ("1", "cancel"), ("5", "change"), ("4", "change")]
)
def test_bgm_number_and_message_function(function: str, purpose: str) -> None:
    doc, _ = doc_of(f"BGM+220+PO-77+{function}'")
    assert doc.data["po_number"] == "PO-77"
    assert doc.data["purpose"] == purpose
    assert where(doc, "$.po_number") == ("BGM", 2, 2, 1)
    assert where(doc, "$.purpose") == ("BGM", 2, 3, None)


def test_unknown_message_function_and_document_type_are_errors() -> None:
    doc, _ = doc_of("BGM+380+PO-77+99'")
    assert codes(doc) == ["read.document_type", "read.message_function"]
    assert "purpose" not in doc.data


def test_dates_with_formats_102_203_and_718() -> None:
    doc, _ = doc_of(
        "BGM+220+P+9'DTM+137:202603011230:203'DTM+2:20260310-20260312:718'DTM+10:20260305:102'"
    )
    assert doc.data["order_date"] == "2026-03-01"
    assert doc.data["delivery_window"] == {"start": "2026-03-10", "end": "2026-03-12"}
    assert doc.data["ship_window"] == {"start": "2026-03-05", "end": "2026-03-05"}
    assert where(doc, "$.delivery_window.end") == ("DTM", 4, 1, 2)


def test_earliest_and_latest_delivery_override_requested() -> None:
    doc, _ = doc_of("BGM+220+P+9'DTM+2:20260310:102'DTM+63:20260320:102'DTM+64:20260308:102'")
    assert doc.data["delivery_window"] == {"start": "2026-03-08", "end": "2026-03-20"}
    assert where(doc, "$.delivery_window.start") == ("DTM", 5, 1, 2)


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("20260230:102", "real calendar date"),
        ("2026030:102", "8 digits"),
        ("20260301:999", "not supported"),
        ("20260310-20260301:718", "ends before"),
        ("202603012460:203", "time of day"),
    ],
)
def test_bad_dates_are_read_errors_and_left_out(value: str, why: str) -> None:
    doc, report = doc_of(f"BGM+220+P+9'DTM+137:{value}'")
    (finding,) = doc.findings
    assert finding.code == "read.date"
    assert why in finding.message
    assert "order_date" not in doc.data
    assert report.messages[0].accepted  # application error, not syntax


def test_dtm_inside_a_reference_group_is_not_the_document_date() -> None:
    doc, _ = doc_of("BGM+220+P+9'RFF+CT:C1'DTM+137:20250101:102'")
    assert "order_date" not in doc.data
    assert doc.data["additional_attributes"] == [{"key": "rff_CT", "value": "C1"}]


def test_parties_and_addresses() -> None:
    doc, _ = doc_of(
        "BGM+220+P+9'"
        "NAD+BY+111::9++Buyer:Inc+Street 1:Floor 2:Door 3+Town+ST+12345+US'"
        "NAD+SU+222::9++Supplier+Road 9+City++999+Narnia'"
        "NAD+DP+333::9++Warehouse+Dock 1+Port++555+NL'"
        "NAD+ST+444::9++Ignored store'"
        "NAD+IV+111::9++Accounts+PO Box 1+Town++12346+US'"
    )
    data = doc.data
    assert data["organisations"]["buyer"] == {
        "id": "111",
        "name": "Buyer Inc",
        "address": {
            "line1": "Street 1",
            "line2": "Floor 2 Door 3",
            "city": "Town",
            "province": "ST",
            "postal_code": "12345",
            "country": "US",
        },
    }
    assert data["organisations"]["vendor"]["address"]["country_name"] == "Narnia"
    assert data["ship_to"]["location_id"] == "333"
    assert data["ship_to"]["name"] == "Warehouse"
    assert data["bill_to"]["line1"] == "PO Box 1"
    assert where(doc, "$.organisations.buyer.address.province") == ("NAD", 3, 7, 1)
    assert where(doc, "$.ship_to.postal_code") == ("NAD", 5, 8, 1)
    assert where(doc, "$.organisations.buyer.address.line2") == ("NAD", 3, 5, 2)


def test_line_identifiers_quantities_and_prices() -> None:
    doc, _ = doc_of(
        "BGM+220+P+9'CUX+2:EUR:9'"
        "LIN+1++4000862141404:EN'PIA+1+SUP-1:SA+BUY-1:BP+X9:MF'IMD+F++:::Blue:shirt'"
        "IMD+F+35+:::Navy'IMD+F+98+:::XL'QTY+21:12.5:PCE'QTY+59:6'DTM+2:20260320:102'"
        "PRI+AAB:20'PRI+AAA:18.40'CUX+2:USD:9'"
    )
    (line,) = doc.data["lines"]
    assert line == {
        "line_number": "1",
        "gtin": "4000862141404",
        "vendor_sku": "SUP-1",
        "sku": "SUP-1",
        "buyer_sku": "BUY-1",
        "additional_attributes": [{"key": "item_MF", "value": "X9"}],
        "description": "Blue shirt",
        "color": "Navy",
        "size": "XL",
        "quantity": "12.5",
        "uom": "EA",
        "pack_size": 6,
        "requested_delivery_date": "2026-03-20",
        "unit_cost": {"amount": "18.40", "currency": "USD"},
    }
    assert where(doc, "$.lines[0].gtin") == ("LIN", 4, 3, 1)
    assert where(doc, "$.lines[0].buyer_sku") == ("PIA", 5, 3, 1)
    assert where(doc, "$.lines[0].quantity") == ("QTY", 9, 1, 2)
    assert where(doc, "$.lines[0].unit_cost.amount") == ("PRI", 13, 1, 2)
    assert where(doc, "$.lines[0].unit_cost.currency") == ("CUX", 14, 1, 2)
    assert where(doc, "$.lines[0].description") == ("IMD", 6, 3, 4)


def test_price_basis_divides_and_header_currency_applies() -> None:
    doc, _ = doc_of("BGM+220+P+9'CUX+2:GBP:9'LIN+1'QTY+21:1'PRI+AAA:25:::100'")
    assert doc.data["lines"][0]["unit_cost"] == {"amount": "0.25", "currency": "GBP"}
    assert where(doc, "$.lines[0].unit_cost.currency") == ("CUX", 3, 1, 2)


def test_price_without_currency_is_a_warning_unless_a_default_exists() -> None:
    doc, _ = doc_of("BGM+220+P+9'LIN+1'QTY+21:1'PRI+AAA:2'")
    assert codes(doc) == ["read.currency_missing"]
    assert "unit_cost" not in doc.data["lines"][0]
    doc, _ = doc_of(
        "BGM+220+P+9'LIN+1'QTY+21:1'PRI+AAA:2'", ReadSettings(defaults={"currency": "CHF"})
    )
    assert doc.data["lines"][0]["unit_cost"] == {"amount": "2", "currency": "CHF"}
    assert doc.data["currency"] == "CHF"


@pytest.mark.parametrize(
    ("qty", "code", "component"),
    [("12a", 37, 2), ("1.2.3", 19, 2), (".5", 19, 2), ("12,5", None, None)],
)
def test_numbers_with_bad_syntax_go_to_the_contrl(
    qty: str, code: int | None, component: int | None
) -> None:
    doc, report = doc_of(f"BGM+220+P+9'LIN+1'QTY+21:{qty}'")
    result = report.messages[0]
    if code is None:
        assert doc.data["lines"][0]["quantity"] == "12.5"
        assert result.accepted
        return
    assert "quantity" not in doc.data["lines"][0]
    (segment_error,) = result.segment_errors
    assert (segment_error.position, segment_error.tag) == (4, "QTY")
    assert [(e.code, e.element, e.component) for e in segment_error.elements] == [
        (code, 1, component)
    ]
    assert where(doc, "$.lines[0].quantity") == ("QTY", 4, 1, 2)


def test_missing_bgm_is_a_segment_syntax_error() -> None:
    _doc, report = doc_of("DTM+137:20260301:102'")
    (segment_error,) = report.messages[0].segment_errors
    assert (segment_error.position, segment_error.code) == (2, 13)


def test_summary_checks_are_warnings() -> None:
    doc, report = doc_of(
        "BGM+220+P+9'LIN+1'QTY+21:2'LIN+2'QTY+21:3'UNS+S'MOA+79:10.00:EUR'CNT+1:5'CNT+2:3'"
    )
    assert codes(doc) == ["read.cnt_line_count"]
    assert doc.data["total_quantity"] == "5"
    assert doc.data["total_cost"] == {"amount": "10.00", "currency": "EUR"}
    assert where(doc, "$.total_quantity") == ("CNT", 9, 1, 2)
    assert report.messages[0].accepted


def test_lin_after_uns_and_cnt_without_uns_are_warned() -> None:
    doc, _ = doc_of("BGM+220+P+9'UNS+S'LIN+1'QTY+21:2'")
    assert "read.uns_order" in codes(doc)
    doc, _ = doc_of("BGM+220+P+9'LIN+1'QTY+21:2'CNT+2:1'")
    assert "read.uns_missing" not in codes(doc)  # inside a line, CNT is not expected: ignored
    doc, _ = doc_of("BGM+220+P+9'CNT+2:0'")
    assert codes(doc) == ["read.uns_missing"]


def test_free_text_references_and_terms() -> None:
    doc, _ = doc_of(
        "BGM+220+P+9'FTX+PUR+++Call first:then deliver'RFF+CR:C-9'RFF+ON:OLD-1'TOD+6++CIF'"
    )
    assert doc.data["notes"] == "Call first then deliver"
    assert doc.data["customer_reference"] == "C-9"
    assert doc.data["original_po_number"] == "OLD-1"
    assert doc.data["shipment_terms"] == "CIF"
    assert where(doc, "$.shipment_terms") == ("TOD", 6, 3, 1)


@pytest.mark.parametrize(
    ("value", "order_date"),
    [
        ("240312:101", "2024-03-12"),  # issue 13: YYMMDD was refused
        ("20240312:102", "2024-03-12"),
        ("120324:2", "2024-03-12"),
        ("031224:3", "2024-03-12"),
        ("12032024:4", "2024-03-12"),
        ("2403121530:201", "2024-03-12"),
        ("240312153000:202", "2024-03-12"),
        ("202403121530:203", "2024-03-12"),
        ("20240312153000:204", "2024-03-12"),
        ("202403121530+01:205", "2024-03-12"),
        ("202403121530CET:303", "2024-03-12"),
        ("24072:105", "2024-03-12"),
        ("24112:103", "2024-03-12"),
    ],
)
def test_every_common_2379_point_format(value: str, order_date: str) -> None:
    doc, _ = doc_of(f"BGM+220+P+9'DTM+137:{value}'")
    assert codes(doc) == []
    assert doc.data["order_date"] == order_date


@pytest.mark.parametrize(
    ("value", "window"),
    [
        ("2024:602", ("2024-01-01", "2024-12-31")),
        ("202402:610", ("2024-02-01", "2024-02-29")),
        ("2402:609", ("2024-02-01", "2024-02-29")),
        ("202411:616", ("2024-03-11", "2024-03-17")),
        ("202411-202412:715", ("2024-03-11", "2024-03-24")),
        ("20240310-20240312:718", ("2024-03-10", "2024-03-12")),
        ("202403100800-202403121700:719", ("2024-03-10", "2024-03-12")),
        ("2403100800-2403121700:717", ("2024-03-10", "2024-03-12")),
    ],
)
def test_period_and_range_formats_give_a_delivery_window(
    value: str, window: tuple[str, str]
) -> None:
    doc, _ = doc_of(f"BGM+220+P+9'DTM+2:{value}'")
    assert codes(doc) == []
    assert doc.data["delivery_window"] == {"start": window[0], "end": window[1]}
