"""Seed 004, the Loupe external PO submit: one item, addresses all-or-nothing, a delivery range.

``customerReference`` is both the PO number and the customer reference. ``quantity`` and
``atelierCode`` make the single line (``atelier_code`` is kept; turning it into a SKU is the
partner profile's cross-reference, not the reader's). An address object with any value needs all
its fields but ``addressLine2``: the input schema names each missing field once, in Loupe's
terms, and the incomplete address is left out whole. An empty or absent address takes the
profile's default (``ReadSettings.defaults["ship_to"]`` / ``["bill_to"]``) when one is given.
"""

from __future__ import annotations

import copy
from typing import Any

from orderport.codelists import country_alpha2
from orderport.formats.base import ReadSettings
from orderport.formats.json_shapes.emit import Emitter, date_part, plain_decimal
from orderport.formats.json_shapes.input_check import InputShape, paths_for

DELIVERY_FIELDS = {
    "locationName": "name",
    "addressLine1": "line1",
    "addressLine2": "line2",
    "city": "city",
    "province": "province",
    "zipCode": "postal_code",
    "countryTitle": "country_name",
}
INVOICE_FIELDS = {**DELIVERY_FIELDS, "addressName": "name"}
del INVOICE_FIELDS["locationName"]

DATE_FIELDS = {"fromDate": "start", "toDate": "end"}

_RULE = "once {0} has any value, all its fields but addressLine2 are needed"

SHAPE = InputShape(
    schema_file="loupe_purchase_order.schema.json",
    title="Loupe external purchase order",
    paths={
        ("customerReference",): "$.po_number",
        ("quantity",): "$.lines[0].quantity",
        ("atelierCode",): "$.lines[0].atelier_code",
        **paths_for(("deliveryLocation",), DELIVERY_FIELDS, "$.ship_to"),
        **paths_for(("invoiceAddress",), INVOICE_FIELDS, "$.bill_to"),
        **paths_for(
            ("deliveryDates",), {"fromDate": "start", "toDate": "end"}, "$.delivery_window"
        ),
    },
    all_or_nothing={
        ("deliveryLocation",): _RULE.format("deliveryLocation"),
        ("invoiceAddress",): _RULE.format("invoiceAddress"),
    },
)


def map_loupe(doc: dict[str, Any], em: Emitter, settings: ReadSettings) -> dict[str, Any]:
    data: dict[str, Any] = {}
    reference = doc.get("customerReference")
    if reference is not None:
        em.put(data, "po_number", reference, "$.po_number", "/customerReference")
        em.put(data, "customer_reference", reference, "$.customer_reference", "/customerReference")

    line: dict[str, Any] = {"line_number": 1}
    em.record("$.lines", "")
    em.record("$.lines[0]", "")
    em.record("$.lines[0].line_number", "")
    quantity = doc.get("quantity")
    if quantity is not None:
        em.put(line, "quantity", plain_decimal(quantity), "$.lines[0].quantity", "/quantity")
    em.copy(doc, "atelierCode", line, "atelier_code", "$.lines[0]", "")
    data["lines"] = [line]

    _address(doc, "deliveryLocation", DELIVERY_FIELDS, "ship_to", data, em, settings)
    _address(doc, "invoiceAddress", INVOICE_FIELDS, "bill_to", data, em, settings)

    dates = doc.get("deliveryDates")
    if dates:
        window: dict[str, Any] = {}
        em.record("$.delivery_window", "/deliveryDates")
        for source_key, key in (("fromDate", "start"), ("toDate", "end")):
            value = dates.get(source_key)
            if value is not None:
                path = f"$.delivery_window.{key}"
                em.put(window, key, date_part(value), path, f"/deliveryDates/{source_key}")
        data["delivery_window"] = window
    return data


def _address(
    doc: dict[str, Any],
    source_key: str,
    fields: dict[str, str],
    key: str,
    data: dict[str, Any],
    em: Emitter,
    settings: ReadSettings,
) -> None:
    source = doc.get(source_key)
    pointer = f"/{source_key}"
    path = f"$.{key}"
    if source:
        address: dict[str, Any] = {}
        em.record(path, pointer)
        em.copy_fields(source, fields, address, path, pointer)
        title = source.get("countryTitle")
        code = country_alpha2(title) if isinstance(title, str) else None
        if code is not None:
            # "US", "USA", "United States", "Canada": the seed's title names the country.
            em.put(address, "country", code, f"{path}.country", f"{pointer}/countryTitle")
        data[key] = address
        return
    refused = any(
        f.location is not None and ((f.location.pointer or "") + "/").startswith(pointer + "/")
        for f in em.findings
    )
    default = settings.defaults.get(key)
    if default is not None and not refused:
        # A profile default: deep-copied so that one document's changes never leak to the next.
        data[key] = copy.deepcopy(default)
        if source_key in doc:
            em.record(path, pointer)
