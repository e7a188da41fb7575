"""Interchange control numbers (X12 ISA13/GS06, EDIFACT UNB 0020) kept per partner and kind."""

from __future__ import annotations

from sqlalchemy import case
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from orderport.store.tables import control_numbers


def next_control_number(
    conn: Connection, partner_id: str, kind: str, *, maximum: int | None = None
) -> int:
    """The next number for ``(partner_id, kind)``, starting at 1.

    One atomic upsert statement, so concurrent transactions never get the same number (the
    row lock on PostgreSQL, the write lock on SQLite). With ``maximum`` the sequence wraps back
    to 1 after it (ISA13 has nine digits). The number is only used up if the caller commits.
    """
    if maximum is not None and maximum < 1:
        raise ValueError(f"maximum must be at least 1, got {maximum}")
    dialect = conn.dialect.name
    insert: postgresql.Insert | sqlite.Insert
    if dialect == "postgresql":
        insert = postgresql.insert(control_numbers)
    elif dialect == "sqlite":
        insert = sqlite.insert(control_numbers)
    else:
        raise NotImplementedError(f"control numbers are not implemented for {dialect}")
    current = control_numbers.c.last_value
    following = current + 1 if maximum is None else case((current >= maximum, 1), else_=current + 1)
    statement = (
        insert.values(partner_id=partner_id, kind=kind, last_value=1)
        .on_conflict_do_update(
            index_elements=[control_numbers.c.partner_id, control_numbers.c.kind],
            set_={"last_value": following},
        )
        .returning(control_numbers.c.last_value)
    )
    return int(conn.execute(statement).scalar_one())
