"""Interchange control numbers (X12 ISA13/GS06, EDIFACT UNB 0020) kept per partner and kind."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from orderport.formats.outbound import Envelope
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


ISA13_MAX = 999_999_999
GS06_MAX = 999_999_999
UNB0020_MAX = 99_999_999_999_999
"""UNB 0020 is an..14."""

__all__ = ["Envelope", "EnvelopeNumbers", "envelope_numbers", "next_control_number"]

X12_INTERCHANGE = "x12_interchange"
X12_GROUP = "x12_group"
EDIFACT_INTERCHANGE = "edifact_interchange"


@dataclass(frozen=True)
class EnvelopeNumbers:
    interchange: int
    """ISA13 or UNB 0020."""
    group: int | None = None
    """GS06 (X12 with a functional group); None for EDIFACT and group-less TA1s."""


def envelope_numbers(
    conn: Connection, partner_id: str, envelope: Envelope, *, group: bool = True
) -> EnvelopeNumbers:
    """The next envelope control numbers for a document to ``partner_id``.

    Every outbound writer and answer builder asks here with its envelope, never a counter
    name, so no two documents to one partner repeat an ISA13, GS06 or UNB 0020. A TA1
    (interchange only) passes ``group=False``.
    """
    if envelope is Envelope.X12:
        isa = next_control_number(conn, partner_id, X12_INTERCHANGE, maximum=ISA13_MAX)
        gs = next_control_number(conn, partner_id, X12_GROUP, maximum=GS06_MAX) if group else None
        return EnvelopeNumbers(isa, gs)
    unb = next_control_number(conn, partner_id, EDIFACT_INTERCHANGE, maximum=UNB0020_MAX)
    return EnvelopeNumbers(unb)
