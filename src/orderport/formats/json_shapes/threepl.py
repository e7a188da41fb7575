"""Seed 002, the 3PL purchase order, in the shape published as
``schemas/inputs/threepl_purchase_order.schema.json``.

``doNotPersistOnWarnings`` (root) becomes ``options.on_errors = reject``; ``options.isApproved``
and ``options.canSplit`` (1/0 or true/false) become booleans. ``items`` become lines numbered by
position; ``retailerSku`` is the buyer's SKU, ``upc`` the GTIN, ``price`` the unit cost in the
root ``currency``. Address problems are warnings, as the 3PL itself treats them (an invalid
address does not stop the PO): the faulty address is left out and the PO goes on without it.
"""

from __future__ import annotations

from typing import Any

from orderport.formats.base import ReadSettings
from orderport.formats.json_shapes.emit import Emitter, flag, plain_decimal
from orderport.formats.json_shapes.input_check import InputShape, paths_for

ROOT_FIELDS = {
    "purchaseOrderNo": "po_number",
    "externalId": "external_id",
    "orderDate": "order_date",
    "currency": "currency",
    "notes": "notes",
}
ADDRESS_FIELDS = {
    "name": "name",
    "address1": "line1",
    "address2": "line2",
    "city": "city",
    "state": "province",
    "zip": "postal_code",
    "country": "country",
    "locationId": "location_id",
}
ITEM_FIELDS = {
    "sku": "sku",
    "retailerSku": "buyer_sku",
    "upc": "gtin",
    "description": "description",
    "uom": "uom",
}
WINDOW_FIELDS = {"start": "start", "end": "end"}
RETAILER_FIELDS = {"id": "id", "name": "name"}

_ADDRESS_RULE = (
    "{0} without a locationId needs name, address1, city, state, zip and country; "
    "the address was left out"
)

SHAPE = InputShape(
    schema_file="threepl_purchase_order.schema.json",
    title="3PL purchase order",
    paths={
        **paths_for((), ROOT_FIELDS, "$"),
        ("doNotPersistOnWarnings",): "$.options.on_errors",
        ("options",): "$.options",
        ("options", "isApproved"): "$.options.is_approved",
        ("options", "canSplit"): "$.options.can_split",
        **paths_for(("retailer",), RETAILER_FIELDS, "$.organisations.buyer"),
        **paths_for(("shipWindow",), WINDOW_FIELDS, "$.ship_window"),
        **paths_for(("deliveryWindow",), WINDOW_FIELDS, "$.delivery_window"),
        **paths_for(("billTo",), ADDRESS_FIELDS, "$.bill_to"),
        **paths_for(("shipTo",), ADDRESS_FIELDS, "$.ship_to"),
        ("items",): "$.lines",
        **paths_for(("items", "#"), ITEM_FIELDS, "$.lines[{0}]"),
        ("items", "#", "qty"): "$.lines[{0}].quantity",
        ("items", "#", "price"): "$.lines[{0}].unit_cost.amount",
    },
    all_or_nothing={
        ("billTo",): _ADDRESS_RULE.format("billTo"),
        ("shipTo",): _ADDRESS_RULE.format("shipTo"),
    },
    warning_prefixes=(("billTo",), ("shipTo",)),
)


def map_threepl(doc: dict[str, Any], em: Emitter, settings: ReadSettings) -> dict[str, Any]:
    data: dict[str, Any] = {}
    em.copy_fields(doc, ROOT_FIELDS, data, "$", "")

    options: dict[str, Any] = {}
    if "doNotPersistOnWarnings" in doc and flag(doc["doNotPersistOnWarnings"]):
        em.put(options, "on_errors", "reject", "$.options.on_errors", "/doNotPersistOnWarnings")
    source_options = doc.get("options") or {}
    for source_key, key in (("isApproved", "is_approved"), ("canSplit", "can_split")):
        if source_key in source_options:
            value = flag(source_options[source_key])
            em.put(options, key, value, f"$.options.{key}", f"/options/{source_key}")
    if options:
        em.record("$.options", "/options" if source_options else "")
        data["options"] = options

    retailer = doc.get("retailer")
    if retailer:
        buyer: dict[str, Any] = {}
        em.record("$.organisations", "/retailer")
        em.record("$.organisations.buyer", "/retailer")
        em.copy_fields(
            retailer, {"id": "id", "name": "name"}, buyer, "$.organisations.buyer", "/retailer"
        )
        data["organisations"] = {"buyer": buyer}

    for source_key, key in (("shipWindow", "ship_window"), ("deliveryWindow", "delivery_window")):
        window = doc.get(source_key)
        if window:
            target: dict[str, Any] = {}
            em.record(f"$.{key}", f"/{source_key}")
            em.copy_fields(window, WINDOW_FIELDS, target, f"$.{key}", f"/{source_key}")
            data[key] = target

    for source_key, key in (("billTo", "bill_to"), ("shipTo", "ship_to")):
        address = doc.get(source_key)
        if address:
            target = {}
            em.record(f"$.{key}", f"/{source_key}")
            em.copy_fields(address, ADDRESS_FIELDS, target, f"$.{key}", f"/{source_key}")
            data[key] = target

    items = doc.get("items")
    if items is not None:
        em.record("$.lines", "/items")
        currency = doc.get("currency")
        data["lines"] = [_line(index, item, currency, em) for index, item in enumerate(items)]
    return data


def _line(
    index: int, item: dict[str, Any] | None, currency: str | None, em: Emitter
) -> dict[str, Any]:
    path = f"$.lines[{index}]"
    pointer = f"/items/{index}"
    line: dict[str, Any] = {"line_number": index + 1}
    em.record(path, pointer)
    em.record(f"{path}.line_number", pointer)
    if not item:  # not an object (reported by the input check): keep the line numbers
        return line
    em.copy_fields(item, ITEM_FIELDS, line, path, pointer)
    qty = item.get("qty")
    if qty is not None:
        em.put(line, "quantity", plain_decimal(qty), f"{path}.quantity", f"{pointer}/qty")
    price = item.get("price")
    if price is not None:
        em.record(f"{path}.unit_cost", f"{pointer}/price")
        # Without a currency (an input error already) the price cannot become a unit cost.
        if currency is not None:
            cost: dict[str, Any] = {}
            amount = plain_decimal(price)
            em.put(cost, "amount", amount, f"{path}.unit_cost.amount", f"{pointer}/price")
            em.put(cost, "currency", currency, f"{path}.unit_cost.currency", "/currency")
            line["unit_cost"] = cost
    return line
