"""Read-side lookups, always scoped to the caller's partner."""

from __future__ import annotations

from sqlalchemy import Connection, select, union

from orderport.store.tables import fulfillment_orders, purchase_orders


def po_numbers_by_external_id(conn: Connection, partner_id: str, external_id: str) -> list[str]:
    """POs whose own externalId, or one of whose fulfillment orders' (``X.1``), matches."""
    own = select(purchase_orders.c.po_number).where(
        purchase_orders.c.partner_id == partner_id, purchase_orders.c.external_id == external_id
    )
    split = (
        select(purchase_orders.c.po_number)
        .join(fulfillment_orders, fulfillment_orders.c.po_id == purchase_orders.c.id)
        .where(
            fulfillment_orders.c.partner_id == partner_id,
            fulfillment_orders.c.external_id == external_id,
        )
    )
    return sorted({r[0] for r in conn.execute(union(own, split))})
