"""Values a JSON shape leaves implicit, derived from what it does say.

- PO currency: when the PO has none and every line's unit cost names the same one.
- Line description: when a line has none, its most human-readable text (the style name).
- Line pack size: when a line has none, the case pack of the one packaging entry for its SKU.

Each derived value is located where it came from, so a finding on it points into the file.
"""

from __future__ import annotations

from typing import Any

from orderport.model import Provenance


def _locate(provenance: Provenance, target: str, source: str) -> None:
    found = provenance.locate(source)
    if found is not None:
        provenance.record(target, found)


def derive_from_lines(data: dict[str, Any], provenance: Provenance) -> None:
    """Fill PO and line values the shape implies (in place)."""
    lines = data.get("lines")
    if not isinstance(lines, list):
        return
    _po_currency(data, lines, provenance)
    for index, line in enumerate(lines):
        if not isinstance(line, dict):
            continue
        base = f"$.lines[{index}]"
        if not line.get("description") and isinstance(line.get("style_name"), str):
            line["description"] = line["style_name"]
            _locate(provenance, f"{base}.description", f"{base}.style_name")
    _pack_sizes(data, lines, provenance)


def _po_currency(data: dict[str, Any], lines: list[Any], provenance: Provenance) -> None:
    if data.get("currency"):
        return
    currencies: set[str] = set()
    first: int | None = None
    for index, line in enumerate(lines):
        cost = line.get("unit_cost") if isinstance(line, dict) else None
        currency = cost.get("currency") if isinstance(cost, dict) else None
        if not isinstance(currency, str):
            return  # a line without a currency: nothing can be said for the PO
        currencies.add(currency)
        first = index if first is None else first
    if len(currencies) == 1 and first is not None:
        data["currency"] = currencies.pop()
        _locate(provenance, "$.currency", f"$.lines[{first}].unit_cost.currency")


def _pack_sizes(data: dict[str, Any], lines: list[Any], provenance: Provenance) -> None:
    packaging = data.get("packaging")
    if not isinstance(packaging, list):
        return
    packs: dict[str, set[int]] = {}
    where: dict[str, str] = {}
    for p_index, entry in enumerate(packaging):
        if not isinstance(entry, dict):
            continue
        items = [("item", entry.get("item"))] + [
            (f"items[{i}]", item) for i, item in enumerate(entry.get("items") or [])
        ]
        for name, item in items:
            if not isinstance(item, dict):
                continue
            sku, pack = item.get("sku"), item.get("case_pack_quantity")
            if (
                isinstance(sku, str)
                and isinstance(pack, int)
                and not isinstance(pack, bool)
                and pack > 0
            ):
                packs.setdefault(sku, set()).add(pack)
                where.setdefault(sku, f"$.packaging[{p_index}].{name}.case_pack_quantity")
    for index, line in enumerate(lines):
        if not isinstance(line, dict) or line.get("pack_size") is not None:
            continue
        found = packs.get(line.get("sku") or "")
        if found is not None and len(found) == 1:
            line["pack_size"] = next(iter(found))
            _locate(provenance, f"$.lines[{index}].pack_size", where[line["sku"]])
