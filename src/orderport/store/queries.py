"""Read-only summaries of the store for reports and the demo."""

from __future__ import annotations

from sqlalchemy import Connection, func, select

from orderport.store.tables import purchase_orders


def status_counts(conn: Connection, partner_id: str | None = None) -> dict[str, int]:
    """How many POs are in each status, optionally for one partner."""
    query = select(purchase_orders.c.status, func.count()).group_by(purchase_orders.c.status)
    if partner_id is not None:
        query = query.where(purchase_orders.c.partner_id == partner_id)
    return {str(status): int(count) for status, count in conn.execute(query)}
