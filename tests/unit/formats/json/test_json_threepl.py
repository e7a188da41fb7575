"""Seed 002 mapping: flags, doNotPersistOnWarnings, externalId and canSplit, items, addresses."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from orderport.formats.base import RawDocument, ReadSettings
from orderport.formats.json_shapes import READER
from orderport.model import Severity

ADDRESS = {
    "name": "DC",
    "address1": "1 Rd",
    "city": "Joliet",
    "state": "IL",
    "zip": "01234",
    "country": "US",
}


def read_one(doc: dict[str, Any]) -> RawDocument:
    text = json.dumps(doc).replace('"__1.10__"', "1.10")  # a number json.dumps would write 1.1
    (raw,) = READER.read(io.BytesIO(text.encode()), "3pl.json", ReadSettings())
    return raw


def pointer(raw: RawDocument, path: str) -> str | None:
    location = raw.provenance.locations.get(path)
    return location.pointer if location else None


def po(**extra: Any) -> dict[str, Any]:
    return {"purchaseOrderNo": "PO-1", "items": [{"sku": "S-1", "qty": 2}], **extra}


@pytest.mark.parametrize(
    ("given", "expected"), [(1, True), (0, False), (True, True), (False, False)]
)
def test_option_flags(given: object, expected: bool) -> None:
    raw = read_one(po(options={"isApproved": given, "canSplit": given}))
    assert raw.data["options"] == {"is_approved": expected, "can_split": expected}
    assert pointer(raw, "$.options.can_split") == "/options/canSplit"


@pytest.mark.parametrize(("given", "on_errors"), [(1, "reject"), (True, "reject"), (0, None)])
def test_do_not_persist_on_warnings(given: object, on_errors: str | None) -> None:
    raw = read_one(po(doNotPersistOnWarnings=given))
    assert raw.data.get("options", {}).get("on_errors") == on_errors
    if on_errors:
        assert pointer(raw, "$.options.on_errors") == "/doNotPersistOnWarnings"


def test_flag_must_be_one_zero_or_boolean() -> None:
    raw = read_one(po(options={"isApproved": "yes"}))
    (finding,) = raw.findings
    assert (finding.code, finding.path) == ("input.enum", "$.options.is_approved")
    assert "options" not in raw.data


def test_items_become_numbered_lines_with_provenance() -> None:
    raw = read_one(
        po(
            currency="EUR",
            items=[
                {
                    "sku": "A",
                    "retailerSku": "0007",
                    "upc": "036000291452",
                    "description": "d",
                    "qty": 3,
                    "price": "__1.10__",
                },
                {"sku": "B", "qty": "2.500", "uom": "M"},
            ],
        )
    )
    assert raw.findings == []
    first, second = raw.data["lines"]
    assert first == {
        "line_number": 1,
        "sku": "A",
        "buyer_sku": "0007",
        "gtin": "036000291452",
        "description": "d",
        "quantity": "3",
        "unit_cost": {"amount": "1.10", "currency": "EUR"},
    }
    assert second == {"line_number": 2, "sku": "B", "uom": "M", "quantity": "2.500"}
    assert pointer(raw, "$.lines[0].buyer_sku") == "/items/0/retailerSku"
    assert pointer(raw, "$.lines[1].quantity") == "/items/1/qty"
    assert pointer(raw, "$.lines[0].unit_cost.currency") == "/currency"


def test_external_id_of_31_characters_with_can_split() -> None:
    raw = read_one(po(externalId="X" * 31, options={"canSplit": 1}))
    (finding,) = raw.findings
    assert (finding.code, finding.path, finding.severity) == (
        "input.maxLength",
        "$.external_id",
        Severity.ERROR,
    )
    assert finding.location is not None
    assert finding.location.pointer == "/externalId"
    assert "externalId" in finding.message
    assert "30" in finding.message
    assert "external_id" not in raw.data


def test_external_id_of_31_characters_without_split_is_fine() -> None:
    raw = read_one(po(externalId="X" * 31))
    assert raw.findings == []
    assert raw.data["external_id"] == "X" * 31


def test_price_without_currency() -> None:
    raw = read_one(po(items=[{"sku": "A", "qty": 1, "price": "2.00"}]))
    (finding,) = raw.findings
    assert (finding.code, finding.path) == ("input.required", "$.currency")
    assert "price" in finding.message
    assert "unit_cost" not in raw.data["lines"][0]


def test_address_maps_and_problems_are_warnings() -> None:
    raw = read_one(po(shipTo=ADDRESS, billTo={**ADDRESS, "country": "USA"}))
    assert raw.data["ship_to"]["postal_code"] == "01234"
    assert raw.data["ship_to"]["province"] == "IL"
    assert pointer(raw, "$.ship_to.province") == "/shipTo/state"
    (finding,) = raw.findings
    assert (finding.code, finding.severity, finding.path) == (
        "input.pattern",
        Severity.WARNING,
        "$.bill_to.country",
    )
    assert "bill_to" not in raw.data


def test_location_id_makes_the_postal_fields_optional() -> None:
    raw = read_one(po(shipTo={"locationId": "DC7"}))
    assert raw.findings == []
    assert raw.data["ship_to"] == {"location_id": "DC7"}
