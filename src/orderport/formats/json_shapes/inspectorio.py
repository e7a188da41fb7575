"""Seed 003, the Inspectorio-style PurchaseOrder.

Choices the seed leaves open:

* ``delivery_date`` ("delivery date or shipment start date") is the first day of the delivery
  window; ``ship_end_date`` the last day of the ship window. Dates are taken as written (the date
  part of a timestamp, no zone conversion).
* ``created_date`` is the order date, and also ``created_at`` (a bare date as midnight UTC);
  ``updated_date`` is ``updated_at`` likewise.
* ``po_status: canceled`` makes the PO a cancel.
* A line's product keeps its ``entity_type`` (item or material); a linked product is the same
  reference without the descriptive fields.
* Lines carry no quantity. A line's quantity is the sum, over the packaging details that pack its
  ``custom_id``, of: solid - ``item.quantity``, or ``carton_quantity * case_pack_quantity`` when
  no quantity is given (a warning when both are given and disagree); assortment -
  ``carton_quantity * case_pack_quantity`` of that item. The packaging ``quantity_uom_code``, when
  given, is the line's unit of measure. A line gets no quantity, and an error, when nothing packs
  its product, when two lines order the same product (the packaging cannot say which is which)
  or when the packaging uses different units for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from orderport.formats.base import ReadSettings
from orderport.formats.json_shapes.emit import (
    Emitter,
    date_part,
    plain_decimal,
    timestamp,
)
from orderport.formats.json_shapes.input_check import InputShape, paths_for
from orderport.model import Severity

ROOT_FIELDS = {
    "po_number": "po_number",
    "custom_id": "original_po_number",
    "uid": "uid",
    "po_type": "po_type",
    "po_source": "po_source",
    "event_name": "event_name",
    "commit_id": "commit_id",
    "commit_po_sequence": "commit_sequence",
    "total_quantity_uom_code": "total_quantity_uom",
}
ORGANISATION_FIELDS = {
    "client_id": "buyer",
    "vendor_custom_id": "vendor",
    "factory_custom_id": "factory",
    "material_supplier_custom_id": "material_supplier",
    "data_provider_custom_id": "data_provider",
}
PRODUCT_FIELDS = {
    "custom_id": "sku",
    "entity_type": "entity_type",
    "style_id": "style_id",
    "style_name": "style_name",
    "product_category": "product_category",
    "product_line": "product_line",
    "department": "department",
    "class": "product_class",
    "brand": "brand",
    "color": "color",
    "size": "size",
}
PACKED_FIELDS = {
    "custom_id": "sku",
    "entity_type": "entity_type",
    "case_pack_quantity": "case_pack_quantity",
    "quantity_uom_code": "uom",
}

SHAPE = InputShape(
    schema_file="inspectorio_purchase_order.schema.json",
    title="Inspectorio PurchaseOrder",
    paths={
        **paths_for((), ROOT_FIELDS, "$"),
        **{(key,): f"$.organisations.{role}.id" for key, role in ORGANISATION_FIELDS.items()},
        ("share_to_ids",): "$.organisations.shared_to",
        ("share_to_ids", "#"): "$.organisations.shared_to[{0}].id",
        ("created_date",): "$.created_at",
        ("updated_date",): "$.updated_at",
        ("po_status",): "$.purpose",
        ("delivery_date",): "$.delivery_window.start",
        ("ship_end_date",): "$.ship_window.end",
        ("in_store_date",): "$.in_store_date",
        ("total_quantity",): "$.total_quantity",
        ("total_cost",): "$.total_cost.amount",
        ("total_cost_currency_code",): "$.total_cost.currency",
        ("lines",): "$.lines",
        ("lines", "#"): "$.lines[{0}]",
        **paths_for(("lines", "#", "item"), PRODUCT_FIELDS, "$.lines[{0}]"),
        ("lines", "#", "unit_cost"): "$.lines[{0}].unit_cost.amount",
        ("lines", "#", "unit_cost_currency_code"): "$.lines[{0}].unit_cost.currency",
        ("lines", "#", "shipment_term"): "$.lines[{0}].shipment_terms",
        ("packaging_details",): "$.packaging",
        ("packaging_details", "#"): "$.packaging[{0}]",
        ("packaging_details", "#", "packaging_type"): "$.packaging[{0}].packaging_type",
        ("packaging_details", "#", "carton_quantity"): "$.packaging[{0}].carton_quantity",
        ("packaging_details", "#", "assortment_id"): "$.packaging[{0}].assortment_id",
        **paths_for(
            ("packaging_details", "#", "item"),
            {**PACKED_FIELDS, "quantity": "quantity"},
            "$.packaging[{0}].item",
        ),
        ("packaging_details", "#", "items"): "$.packaging[{0}].items",
        **paths_for(
            ("packaging_details", "#", "items", "#"), PACKED_FIELDS, "$.packaging[{0}].items[{1}]"
        ),
        ("additionalAttributes",): "$.additional_attributes",
        ("additionalAttributes", "#"): "$.additional_attributes[{0}]",
        ("additionalAttributes", "#", "key"): "$.additional_attributes[{0}].key",
        ("additionalAttributes", "#", "value"): "$.additional_attributes[{0}].value",
    },
)


@dataclass(slots=True)
class _Packed:
    """One packaging detail's contribution to a product's quantity."""

    quantity: int | None
    uom: str | None
    pointer: str
    """Where the quantity comes from."""
    item_pointer: str
    """The packed item, whose quantity_uom_code gives the unit."""


def map_inspectorio(doc: dict[str, Any], em: Emitter, settings: ReadSettings) -> dict[str, Any]:
    data: dict[str, Any] = {}
    em.copy_fields(doc, ROOT_FIELDS, data, "$", "")
    if doc.get("po_status") == "canceled":
        em.put(data, "purpose", "cancel", "$.purpose", "/po_status")
    _dates(doc, data, em)
    _organisations(doc, data, em)
    if doc.get("total_quantity") is not None:
        total = plain_decimal(doc["total_quantity"])
        em.put(data, "total_quantity", total, "$.total_quantity", "/total_quantity")
    data_cost = _money(doc, "total_cost", "total_cost_currency_code", "$.total_cost", "", em)
    if data_cost is not None:
        data["total_cost"] = data_cost
    packed = _packaging(doc, data, em)
    _lines(doc, data, packed, em)
    _attributes(doc, data, em)
    return data


def _dates(doc: dict[str, Any], data: dict[str, Any], em: Emitter) -> None:
    created = doc.get("created_date")
    if created is not None:
        em.put(data, "order_date", date_part(created), "$.order_date", "/created_date")
        em.put(data, "created_at", timestamp(created), "$.created_at", "/created_date")
    updated = doc.get("updated_date")
    if updated is not None:
        em.put(data, "updated_at", timestamp(updated), "$.updated_at", "/updated_date")
    in_store = doc.get("in_store_date")
    if in_store is not None:
        em.put(data, "in_store_date", date_part(in_store), "$.in_store_date", "/in_store_date")
    for source_key, window, end in (
        ("delivery_date", "delivery_window", "start"),
        ("ship_end_date", "ship_window", "end"),
    ):
        value = doc.get(source_key)
        if value is not None:
            em.record(f"$.{window}", f"/{source_key}")
            target = data.setdefault(window, {})
            em.put(target, end, date_part(value), f"$.{window}.{end}", f"/{source_key}")


def _organisations(doc: dict[str, Any], data: dict[str, Any], em: Emitter) -> None:
    organisations: dict[str, Any] = {}
    for source_key, role in ORGANISATION_FIELDS.items():
        value = doc.get(source_key)
        if value is not None:
            party: dict[str, Any] = {}
            em.record(f"$.organisations.{role}", f"/{source_key}")
            em.put(party, "id", value, f"$.organisations.{role}.id", f"/{source_key}")
            organisations[role] = party
    shared = doc.get("share_to_ids")
    if shared:
        em.record("$.organisations.shared_to", "/share_to_ids")
        parties: list[dict[str, Any]] = []
        for index, value in enumerate(shared):
            if value is None:
                continue
            path = f"$.organisations.shared_to[{len(parties)}]"
            em.record(path, f"/share_to_ids/{index}")
            party = {}
            em.put(party, "id", value, f"{path}.id", f"/share_to_ids/{index}")
            parties.append(party)
        organisations["shared_to"] = parties
    if organisations:
        data["organisations"] = organisations


def _money(
    source: dict[str, Any],
    amount_key: str,
    currency_key: str,
    path: str,
    pointer: str,
    em: Emitter,
) -> dict[str, Any] | None:
    """An amount with its currency; None when either is missing (the input check said so)."""
    amount = source.get(amount_key)
    currency = source.get(currency_key)
    em.record(path, f"{pointer}/{amount_key}")
    if amount is None or currency is None:
        return None
    money: dict[str, Any] = {}
    em.put(money, "amount", plain_decimal(amount), f"{path}.amount", f"{pointer}/{amount_key}")
    em.put(money, "currency", currency, f"{path}.currency", f"{pointer}/{currency_key}")
    return money


def _packed_item(source: dict[str, Any], path: str, pointer: str, em: Emitter) -> dict[str, Any]:
    item: dict[str, Any] = {}
    em.record(path, pointer)
    em.copy_fields(source, PACKED_FIELDS, item, path, pointer)
    return item


def _packaging(doc: dict[str, Any], data: dict[str, Any], em: Emitter) -> dict[str, list[_Packed]]:
    """Map the packaging details; return each product's quantity contributions."""
    packed: dict[str, list[_Packed]] = {}
    details = doc.get("packaging_details")
    if not details:
        return packed
    out: list[dict[str, Any]] = []
    em.record("$.packaging", "/packaging_details")
    for index, detail in enumerate(details):
        if not detail:
            continue
        pointer = f"/packaging_details/{index}"
        path = f"$.packaging[{len(out)}]"
        target: dict[str, Any] = {}
        em.copy(detail, "packaging_type", target, "packaging_type", path, pointer)
        em.copy(detail, "assortment_id", target, "assortment_id", path, pointer)
        em.copy(detail, "carton_quantity", target, "carton_quantity", path, pointer)
        cartons = detail.get("carton_quantity")
        kind = detail.get("packaging_type")
        complete = cartons is not None
        if kind == "solid" and detail.get("item"):
            source = detail["item"]
            item = _packed_item(source, f"{path}.item", f"{pointer}/item", em)
            em.copy(source, "quantity", item, "quantity", f"{path}.item", f"{pointer}/item")
            target["item"] = item
            complete = complete and _is_complete(source)
            _solid_quantity(source, cartons, f"{path}.item", f"{pointer}/item", packed, em)
        elif kind == "assortment" and detail.get("items"):
            items: list[dict[str, Any]] = []
            for position, source in enumerate(detail["items"]):
                if not source:
                    continue
                item_pointer = f"{pointer}/items/{position}"
                item_path = f"{path}.items[{len(items)}]"
                items.append(_packed_item(source, item_path, item_pointer, em))
                complete = complete and _is_complete(source)
                case_pack = source.get("case_pack_quantity")
                quantity = None
                if cartons is not None and case_pack is not None:
                    quantity = cartons * case_pack
                _contribute(packed, source, quantity, item_pointer, item_pointer)
            em.record(f"{path}.items", f"{pointer}/items")
            target["items"] = items
        else:
            complete = False
        # An entry the input check found faulty still feeds the line quantities (as unknown),
        # but is left out of the canonical packaging: its problems are reported once, above.
        if complete:
            em.record(path, pointer)
            out.append(target)
    data["packaging"] = out
    return packed


def _is_complete(packed_item: dict[str, Any]) -> bool:
    return "custom_id" in packed_item and "case_pack_quantity" in packed_item


def _solid_quantity(
    source: dict[str, Any],
    cartons: int | None,
    path: str,
    pointer: str,
    packed: dict[str, list[_Packed]],
    em: Emitter,
) -> None:
    case_pack = source.get("case_pack_quantity")
    from_cartons = None
    if cartons is not None and case_pack is not None:
        from_cartons = cartons * case_pack
    quantity = source.get("quantity")
    if quantity is None:
        _contribute(packed, source, from_cartons, pointer, pointer)
        return
    if from_cartons is not None and from_cartons != quantity:
        em.finding(
            "read.packaging_quantity_mismatch",
            Severity.WARNING,
            f"{path}.quantity",
            f"packaging item {source.get('custom_id')}: quantity {quantity} differs from "
            f"carton_quantity x case_pack_quantity = {from_cartons}; quantity is used",
            f"{pointer}/quantity",
        )
    _contribute(packed, source, quantity, f"{pointer}/quantity", pointer)


def _contribute(
    packed: dict[str, list[_Packed]],
    source: dict[str, Any],
    quantity: int | None,
    pointer: str,
    item_pointer: str,
) -> None:
    sku = source.get("custom_id")
    if sku is not None:
        uom = source.get("quantity_uom_code")
        packed.setdefault(sku, []).append(_Packed(quantity, uom, pointer, item_pointer))


def _lines(
    doc: dict[str, Any], data: dict[str, Any], packed: dict[str, list[_Packed]], em: Emitter
) -> None:
    lines = doc.get("lines")
    if lines is None:
        return
    em.record("$.lines", "/lines")
    skus = [((line or {}).get("item") or {}).get("custom_id") for line in lines]
    seen: dict[str, list[int]] = {}
    for index, sku in enumerate(skus):
        if sku is not None:
            seen.setdefault(sku, []).append(index + 1)
    out = []
    for index, source in enumerate(lines):
        path = f"$.lines[{index}]"
        pointer = f"/lines/{index}"
        line: dict[str, Any] = {"line_number": index + 1}
        em.record(path, pointer)
        em.record(f"{path}.line_number", pointer)
        out.append(line)
        if not source:
            continue
        product = source.get("item") or {}
        em.copy_fields(product, PRODUCT_FIELDS, line, path, f"{pointer}/item")
        cost = _money(
            source, "unit_cost", "unit_cost_currency_code", f"{path}.unit_cost", pointer, em
        )
        if cost is not None:
            line["unit_cost"] = cost
        em.copy(source, "shipment_term", line, "shipment_terms", path, pointer)
        sku = skus[index]
        if sku is not None:
            _line_quantity(line, sku, seen[sku], packed.get(sku, []), path, pointer, em)
    data["lines"] = out


def _line_quantity(
    line: dict[str, Any],
    sku: str,
    same_sku_lines: list[int],
    contributions: list[_Packed],
    path: str,
    pointer: str,
    em: Emitter,
) -> None:
    where = f"{pointer}/item/custom_id"
    problem = None
    if len(same_sku_lines) > 1:
        numbers = ", ".join(str(n) for n in same_sku_lines)
        problem = (
            "read.quantity_ambiguous",
            f"item {sku} is on lines {numbers}: the packaging details cannot say how much of it "
            "each line orders",
        )
    elif not contributions:
        problem = (
            "read.quantity_missing",
            f"no packaging_details entry packs item {sku}, so line {line['line_number']} has no "
            "quantity (lines take theirs from the packaging)",
        )
    elif any(c.quantity is None for c in contributions):
        problem = (
            "read.quantity_missing",
            f"a packaging_details entry for item {sku} has no valid quantity, nor a valid "
            "carton_quantity and case_pack_quantity",
        )
    else:
        units = {c.uom for c in contributions if c.uom is not None}
        if len(units) > 1:
            problem = (
                "read.uom_conflict",
                f"the packaging of item {sku} uses different units ({', '.join(sorted(units))}); "
                "its quantities cannot be added up",
            )
    if problem is not None:
        code, message = problem
        em.finding(code, Severity.ERROR, f"{path}.quantity", message, where)
        return
    total = sum((Decimal(c.quantity or 0) for c in contributions), Decimal(0))
    source_pointer = contributions[0].pointer if len(contributions) == 1 else "/packaging_details"
    em.put(line, "quantity", plain_decimal(total), f"{path}.quantity", source_pointer)
    uom = next((c for c in contributions if c.uom is not None), None)
    if uom is not None:
        em.put(line, "uom", uom.uom, f"{path}.uom", f"{uom.item_pointer}/quantity_uom_code")


def _attributes(doc: dict[str, Any], data: dict[str, Any], em: Emitter) -> None:
    attributes = doc.get("additionalAttributes")
    if not attributes:
        return
    em.record("$.additional_attributes", "/additionalAttributes")
    out: list[dict[str, Any]] = []
    for index, source in enumerate(attributes):
        if not source:
            continue
        path = f"$.additional_attributes[{len(out)}]"
        pointer = f"/additionalAttributes/{index}"
        em.record(path, pointer)
        attribute: dict[str, Any] = {}
        em.copy(source, "key", attribute, "key", path, pointer)
        value = source.get("value")
        if value is not None:
            em.put(attribute, "value", _attribute_value(value), f"{path}.value", f"{pointer}/value")
        out.append(attribute)
    data["additional_attributes"] = out


def _attribute_value(value: object) -> object:
    if isinstance(value, list):
        return [_attribute_value(v) for v in value]
    if isinstance(value, Decimal):
        return plain_decimal(value)
    return value
