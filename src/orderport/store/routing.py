"""Which warehouse ships which line: the fulfillment orders an approved PO becomes.

The rule (seed 002: "a purchase order will create one or more fulfillment orders"):

1. Warehouses are ranked by ``priority`` (lower first), then by code.
2. A line goes to the first ranked warehouse that has a SKU prefix the line's ``sku`` starts
   with (case-sensitive). A line that matches none, or has no SKU, goes to the default
   warehouse: the first ranked warehouse without prefixes (migration 0001 seeds "MAIN" as one),
   or the first ranked warehouse when every warehouse has prefixes.
3. Without ``can_split`` the PO is not split: all lines go to the one warehouse that got the
   most lines in step 2 (a tie goes to the better ranked warehouse).
4. With ``can_split`` and lines in several warehouses: one fulfillment order per warehouse, in
   rank order, with external ids ``<external_id>.1``, ``.2``, ... The external id is the PO's
   ``external_id``, else its PO number.
5. One warehouse only: one fulfillment order whose external id is the PO's, unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.engine import Connection

from orderport.store.tables import warehouses


@dataclass(frozen=True)
class Warehouse:
    code: str
    sku_prefixes: tuple[str, ...]
    priority: int


@dataclass(frozen=True)
class RoutedLine:
    """The part of a PO line a fulfillment order needs."""

    line_number: str
    sku: str | None
    quantity: Decimal
    uom: str


@dataclass(frozen=True)
class PlannedOrder:
    seq: int
    external_id: str
    warehouse_code: str
    lines: tuple[RoutedLine, ...]


class NoWarehouseError(RuntimeError):
    """The warehouses table is empty, so no fulfillment order can be placed."""


def load_warehouses(conn: Connection) -> list[Warehouse]:
    """All warehouses, best ranked first."""
    rows = conn.execute(
        select(warehouses.c.code, warehouses.c.sku_prefixes, warehouses.c.priority).order_by(
            warehouses.c.priority, warehouses.c.code
        )
    )
    return [Warehouse(r.code, tuple(r.sku_prefixes or ()), r.priority) for r in rows]


def _ranked(candidates: Iterable[Warehouse]) -> list[Warehouse]:
    return sorted(candidates, key=lambda w: (w.priority, w.code))


def default_warehouse(ranked: Sequence[Warehouse]) -> Warehouse:
    if not ranked:
        raise NoWarehouseError("no warehouse is configured: add one to the warehouses table")
    return next((w for w in ranked if not w.sku_prefixes), ranked[0])


def route_sku(sku: str | None, ranked: Sequence[Warehouse]) -> Warehouse:
    """The warehouse for one SKU (rule steps 1-2); ``ranked`` must be best ranked first."""
    if sku:
        for warehouse in ranked:
            if any(sku.startswith(prefix) for prefix in warehouse.sku_prefixes):
                return warehouse
    return default_warehouse(ranked)


def plan_fulfillment(
    lines: Sequence[RoutedLine],
    available: Sequence[Warehouse],
    *,
    external_id: str,
    can_split: bool,
) -> list[PlannedOrder]:
    """The fulfillment orders for a PO's lines (see the module docstring); none without lines."""
    if not lines:
        return []
    ranked = _ranked(available)
    rank = {w.code: i for i, w in enumerate(ranked)}
    by_warehouse: dict[str, list[RoutedLine]] = {}
    cache: dict[str | None, str] = {}
    for line in lines:
        code = cache.get(line.sku)
        if code is None:
            code = cache[line.sku] = route_sku(line.sku, ranked).code
        by_warehouse.setdefault(code, []).append(line)
    if len(by_warehouse) == 1:
        (code,) = by_warehouse
        return [PlannedOrder(1, external_id, code, tuple(lines))]
    if not can_split:
        busiest = min(by_warehouse, key=lambda c: (-len(by_warehouse[c]), rank[c]))
        return [PlannedOrder(1, external_id, busiest, tuple(lines))]
    ordered = sorted(by_warehouse, key=rank.__getitem__)
    return [
        PlannedOrder(seq, f"{external_id}.{seq}", code, tuple(by_warehouse[code]))
        for seq, code in enumerate(ordered, start=1)
    ]
