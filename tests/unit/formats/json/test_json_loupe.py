"""Seed 004 mapping: one line, addresses all-or-nothing in Loupe's names, defaults."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from orderport.formats.base import RawDocument, ReadSettings
from orderport.formats.json_shapes import READER

DATES = {"fromDate": "2026-06-03T22:00:00-05:00", "toDate": "2026-06-07"}
ADDRESS = {
    "locationName": "Store 1",
    "addressLine1": "1 Rue A",
    "countryTitle": "fr",
    "city": "Paris",
    "province": "IDF",
    "zipCode": "75001",
}
INVOICE = {**{k: v for k, v in ADDRESS.items() if k != "locationName"}, "addressName": "AP"}


def read_one(doc: dict[str, Any], **settings: Any) -> RawDocument:
    stream = io.BytesIO(json.dumps(doc).encode())
    (raw,) = READER.read(stream, "loupe.json", ReadSettings(**settings))
    return raw


def pointer(raw: RawDocument, path: str) -> str | None:
    location = raw.provenance.locations.get(path)
    return location.pointer if location else None


def base(**extra: Any) -> dict[str, Any]:
    return {
        "customerReference": "R-1",
        "quantity": 5,
        "atelierCode": 77,
        "deliveryDates": DATES,
        **extra,
    }


def test_reference_quantity_and_atelier_code() -> None:
    raw = read_one(base())
    assert raw.findings == []
    assert raw.data["po_number"] == raw.data["customer_reference"] == "R-1"
    assert raw.data["lines"] == [{"line_number": 1, "quantity": "5", "atelier_code": 77}]
    assert "sku" not in raw.data["lines"][0]
    assert pointer(raw, "$.po_number") == "/customerReference"
    assert pointer(raw, "$.lines[0].quantity") == "/quantity"
    assert pointer(raw, "$.lines[0].atelier_code") == "/atelierCode"


def test_delivery_dates_take_the_date_as_written() -> None:
    raw = read_one(base())
    assert raw.data["delivery_window"] == {"start": "2026-06-03", "end": "2026-06-07"}
    assert pointer(raw, "$.delivery_window.start") == "/deliveryDates/fromDate"


def test_delivery_location_maps_with_country_code() -> None:
    raw = read_one(base(deliveryLocation=ADDRESS))
    assert raw.data["ship_to"] == {
        "name": "Store 1",
        "line1": "1 Rue A",
        "country_name": "fr",
        "country": "FR",
        "city": "Paris",
        "province": "IDF",
        "postal_code": "75001",
    }
    assert pointer(raw, "$.ship_to.name") == "/deliveryLocation/locationName"
    assert pointer(raw, "$.ship_to.country") == "/deliveryLocation/countryTitle"


@pytest.mark.parametrize(
    ("title", "code"),
    [("France", "FR"), ("United States", "US"), ("USA", "US"), ("Canada", "CA"), ("us", "US")],
)
def test_country_title_names_and_alpha3_become_alpha2(title: str, code: str) -> None:
    raw = read_one(base(invoiceAddress={**INVOICE, "countryTitle": title}))
    assert raw.data["bill_to"]["country_name"] == title
    assert raw.data["bill_to"]["country"] == code
    assert pointer(raw, "$.bill_to.country") == "/invoiceAddress/countryTitle"


def test_a_title_that_is_no_country_stays_a_name_only() -> None:
    raw = read_one(base(invoiceAddress={**INVOICE, "countryTitle": "Narnia"}))
    assert raw.data["bill_to"]["country_name"] == "Narnia"
    assert "country" not in raw.data["bill_to"]


def test_partial_address_gives_one_finding_per_missing_field_and_is_left_out() -> None:
    raw = read_one(base(deliveryLocation={"city": "Lyon", "addressLine2": "Dock"}))
    missing = sorted(f.location.pointer for f in raw.findings if f.location and f.location.pointer)
    assert missing == [
        "/deliveryLocation/addressLine1",
        "/deliveryLocation/countryTitle",
        "/deliveryLocation/locationName",
        "/deliveryLocation/province",
        "/deliveryLocation/zipCode",
    ]
    assert {f.code for f in raw.findings} == {"input.required"}
    by_pointer = {f.location.pointer: f for f in raw.findings if f.location}
    finding = by_pointer["/deliveryLocation/zipCode"]
    assert finding.path == "$.ship_to.postal_code"
    assert "deliveryLocation.zipCode is required" in finding.message
    assert "ship_to" not in raw.data


def test_wrong_type_in_address_leaves_the_whole_address_out() -> None:
    raw = read_one(base(invoiceAddress={**INVOICE, "zipCode": 75001}))
    codes = [(f.code, f.path) for f in raw.findings]
    assert ("input.type", "$.bill_to.postal_code") in codes
    assert "bill_to" not in raw.data


def test_empty_or_absent_address_takes_the_profile_default() -> None:
    default = {
        "name": "DC",
        "line1": "1 St",
        "city": "C",
        "province": "P",
        "postal_code": "1",
        "country": "FR",
    }
    raw = read_one(base(deliveryLocation={}), defaults={"ship_to": default, "bill_to": default})
    assert raw.data["ship_to"] == default
    assert raw.data["bill_to"] == default
    assert raw.data["ship_to"] is not default
    assert pointer(raw, "$.ship_to") == "/deliveryLocation"


def test_no_default_without_one_in_the_profile() -> None:
    raw = read_one(base(deliveryLocation={}))
    assert "ship_to" not in raw.data
    assert raw.findings == []


def test_refused_address_does_not_fall_back_to_the_default() -> None:
    default = {"name": "DC", "line1": "1 St", "city": "C", "province": "P", "postal_code": "1"}
    raw = read_one(base(deliveryLocation={"city": "Lyon"}), defaults={"ship_to": default})
    assert "ship_to" not in raw.data
    assert raw.findings


def test_input_errors_use_loupe_names_and_canonical_paths() -> None:
    raw = read_one(
        {"customerReference": "R", "quantity": "5", "atelierCode": -1, "deliveryDates": {}}
    )
    found = {(f.code, f.path, f.location.pointer if f.location else None) for f in raw.findings}
    assert found == {
        ("input.type", "$.lines[0].quantity", "/quantity"),
        ("input.minimum", "$.lines[0].atelier_code", "/atelierCode"),
        ("input.required", "$.delivery_window.start", "/deliveryDates/fromDate"),
        ("input.required", "$.delivery_window.end", "/deliveryDates/toDate"),
    }
    assert "quantity" not in raw.data["lines"][0]
    assert all(f.location and f.location.file == "loupe.json" for f in raw.findings)
