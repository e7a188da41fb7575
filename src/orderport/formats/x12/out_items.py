"""Product identifiers of a PO line as X12 qualifier/id pairs (PO1 in the 855, LIN in the 856).

The partner gets back the ids it sent, under the qualifiers our 850 reader maps from:
GTIN -> UP (12 digits), EN (8 or 13), UK (14); ``vendor_sku`` -> VN; ``buyer_sku`` -> IN (or the
qualifier the writer is configured with, e.g. BP: the canonical model keeps the value, not which
of IN/BP/PI carried it); ``sku`` -> SK; and every line attribute ``product_id_<Q>`` (ids the
reader had no field for, or repeats) -> Q. At most ten pairs fit a PO1 or LIN; the rest are left
out in that order.
"""

from __future__ import annotations

from orderport.model.purchase_order import Line

MAX_PAIRS = 10
_GTIN_QUALIFIERS = {8: "EN", 12: "UP", 13: "EN", 14: "UK"}
_ATTRIBUTE_PREFIX = "product_id_"


def product_id_pairs(line: Line, buyer_sku_qualifier: str = "IN") -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    if line.gtin:
        pairs.append((_GTIN_QUALIFIERS.get(len(line.gtin), "EN"), line.gtin))
    if line.vendor_sku:
        pairs.append(("VN", line.vendor_sku))
    if line.buyer_sku:
        pairs.append((buyer_sku_qualifier, line.buyer_sku))
    if line.sku:
        pairs.append(("SK", line.sku))
    for attribute in line.additional_attributes:
        qualifier = attribute.key.removeprefix(_ATTRIBUTE_PREFIX)
        if (
            attribute.key.startswith(_ATTRIBUTE_PREFIX)
            and len(qualifier) == 2
            and isinstance(attribute.value, str)
        ):
            pairs.append((qualifier, attribute.value))
    return pairs[:MAX_PAIRS]
