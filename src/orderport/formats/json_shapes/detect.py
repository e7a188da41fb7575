"""Which JSON shape a document is, by the keys only that shape uses.

Each shape scores one point per distinctive top-level key it has; lines add a point for the
canonical (``line_number``/``quantity``) or Inspectorio (``item`` object) line form. The highest
score wins; no score or a tie means the shape is unknown (a per-document error).
"""

from __future__ import annotations

from typing import Any

SHAPES = ("canonical", "inspectorio", "loupe", "threepl")

_KEYS: dict[str, frozenset[str]] = {
    "canonical": frozenset(
        {
            "purpose", "external_id", "original_po_number", "customer_reference", "order_date",
            "created_at", "updated_at", "currency", "delivery_window", "ship_window",
            "organisations", "ship_to", "bill_to", "options", "total_quantity_uom", "total_cost",
            "shipment_terms", "commit_sequence", "notes", "additional_attributes", "packaging",
        }
    ),
    "inspectorio": frozenset(
        {
            "custom_id", "created_date", "updated_date", "client_id", "vendor_custom_id",
            "factory_custom_id", "material_supplier_custom_id", "data_provider_custom_id",
            "share_to_ids", "po_status", "delivery_date", "ship_end_date",
            "total_quantity_uom_code", "total_cost_currency_code", "commit_po_sequence",
            "packaging_details", "additionalAttributes",
        }
    ),
    "loupe": frozenset(
        {"customerReference", "atelierCode", "deliveryLocation", "invoiceAddress", "deliveryDates"}
    ),
    "threepl": frozenset(
        {
            "purchaseOrderNo", "externalId", "doNotPersistOnWarnings", "billTo", "shipTo",
            "shipWindow", "deliveryWindow", "retailer", "orderDate", "items",
        }
    ),
}  # fmt: skip


def detect_shape(doc: dict[str, Any]) -> str | None:
    """The shape name, or None when the keys do not point to exactly one shape."""
    scores = {name: len(keys.intersection(doc)) for name, keys in _KEYS.items()}
    lines = doc.get("lines")
    if isinstance(lines, list) and lines and isinstance(lines[0], dict):
        first = lines[0]
        if isinstance(first.get("item"), dict):
            scores["inspectorio"] += 1
        elif "line_number" in first or "quantity" in first:
            scores["canonical"] += 1
    best = max(scores.values())
    if best == 0:
        return None
    winners = [name for name, score in scores.items() if score == best]
    return winners[0] if len(winners) == 1 else None
