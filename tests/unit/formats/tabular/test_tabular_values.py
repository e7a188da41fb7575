"""Header matching and value parsing shared by the CSV and XLSX readers."""

from datetime import date, datetime, timedelta, timezone

import pytest

from orderport.formats.base import FormatError, ReadSettings
from orderport.formats.tabular import (
    COLUMNS,
    ValueParser,
    ValueProblem,
    alias_map,
    bind_header,
    cell_text,
    header_key,
    match_header,
)


@pytest.mark.parametrize("text", ["Ship-To City", "ship to city", "SHIP_TO_CITY", " Ship.To.City "])
def test_header_matching_ignores_case_space_and_punctuation(text):
    assert match_header(text, {}) == "ship_to_city"


def test_alias_wins_and_is_normalised_too():
    aliases = alias_map({"Qty.": "quantity", "PO #": "PO_Number"})
    assert match_header("QTY", aliases) == "quantity"
    assert match_header("P.O.", aliases) == "po_number"
    assert match_header("Frobnitz", aliases) is None


def test_alias_to_unknown_column_is_a_settings_error():
    with pytest.raises(FormatError, match="not a canonical column"):
        alias_map({"Menge": "amount"})


def test_bind_header_reports_unknown_and_requires_po_number():
    header = bind_header(["PO Number", "Frobnitz", "sku", ""], 1, {})
    assert [b.column.name for b in header.columns] == ["po_number", "sku"]
    assert header.unknown == [(1, "Frobnitz")]
    with pytest.raises(FormatError, match="no po_number column"):
        bind_header(["sku", "quantity"], 3, {}, filename="f.csv")


def test_two_columns_for_one_field_is_a_file_error():
    with pytest.raises(FormatError, match="both map to 'quantity'") as info:
        bind_header(["po_number", "quantity", "Menge"], 1, alias_map({"Menge": "quantity"}))
    assert info.value.location is not None
    assert info.value.location.column == "Menge"


def test_every_template_column_has_a_distinct_key():
    keys = [header_key(name) for name in COLUMNS]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (80.0, "80"),
        (12.5, "12.5"),
        (0.1 + 0.2, "0.3"),
        (123456789012.0, "123456789012"),
        (True, "true"),
        ("  x ", "x"),
        (None, ""),
    ],
)
def test_cell_text_reads_numbers_as_people_see_them(value, text):
    assert cell_text(value) == text


@pytest.mark.parametrize(
    ("raw", "comma", "out"),
    [
        ("12.50", False, "12.50"),
        ("1,234.50", False, "1234.50"),
        ("1 234.5", False, "1234.5"),
        ("1.5E+3", False, "1500"),
        ("+7", False, "7"),
        ("1.234,50", True, "1234.50"),
        ("2,95", True, "2.95"),
        ("1.250", True, "1250"),
        ("12", True, "12"),
    ],
)
def test_decimals(raw, comma, out):
    parser = ValueParser(ReadSettings(decimal_comma=comma))
    assert parser.decimal(raw) == out


def test_decimal_comma_refused_when_the_profile_says_decimal_point():
    parser = ValueParser(ReadSettings(decimal_comma=False))
    with pytest.raises(ValueProblem, match="decimal_comma"):
        parser.decimal("2,50")
    with pytest.raises(ValueProblem, match="not a number"):
        parser.decimal("12x")
    with pytest.raises(ValueProblem):
        parser.decimal("NaN")


def test_integers_and_booleans():
    parser = ValueParser(ReadSettings())
    assert parser.integer("0815") == 815
    assert parser.integer(3.0) == 3
    with pytest.raises(ValueProblem, match="whole number"):
        parser.integer("2.5")
    assert [parser.boolean(v) for v in ("Y", "no", "1", "TRUE", "0")] == [
        True,
        False,
        True,
        True,
        False,
    ]
    with pytest.raises(ValueProblem, match="yes/no"):
        parser.boolean("perhaps")


def test_dates_use_partner_formats_in_order():
    parser = ValueParser(ReadSettings(date_formats=("%d.%m.%Y", "%Y-%m-%d")))
    assert parser.date("20.11.2026") == "2026-11-20"
    assert parser.date("2026-11-20") == "2026-11-20"
    with pytest.raises(ValueProblem, match=r"DD\.MM\.YYYY"):
        parser.date("11/20/2026")


def test_excel_dates_serials_only_in_spreadsheets():
    xlsx = ValueParser(ReadSettings(), excel_serials=True)
    assert xlsx.date(46346.0) == "2026-11-20"
    assert xlsx.date("46346") == "2026-11-20"
    assert xlsx.date(datetime(2026, 11, 20, 13, 5)) == "2026-11-20"
    assert xlsx.date(date(2027, 1, 2)) == "2027-01-02"
    with pytest.raises(ValueProblem):
        ValueParser(ReadSettings(date_formats=("%Y-%m-%d",))).date("46346")


def test_timestamps_need_a_zone():
    parser = ValueParser(ReadSettings())
    assert parser.timestamp("2026-03-01T08:30:00+00:00") == "2026-03-01T08:30:00Z"
    aware = datetime(2026, 3, 1, 8, 30, tzinfo=timezone(timedelta(hours=1)))
    assert parser.timestamp(aware) == "2026-03-01T08:30:00+01:00"
    with pytest.raises(ValueProblem, match="time zone"):
        parser.timestamp("2026-03-01T08:30:00")


def test_gtin_from_a_number_cell_gets_its_leading_zeros_back():
    parser = ValueParser(ReadSettings())
    assert parser.gtin(36000291452.0) == "036000291452"
    assert parser.gtin("036000291452") == "036000291452"
    assert parser.gtin(4006381333931.0) == "4006381333931"
