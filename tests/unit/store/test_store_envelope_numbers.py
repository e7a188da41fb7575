"""One control-number space per envelope and partner, and the migration that merged the old ones."""

from __future__ import annotations

from sqlalchemy import insert, select

from orderport.formats.outbound import Envelope
from orderport.store.control_numbers import envelope_numbers
from orderport.store.db import make_engine, migrate
from orderport.store.tables import control_numbers


def test_every_x12_document_shares_the_partners_isa13_and_gs06_sequences(engine):
    with engine.begin() as conn:
        first = envelope_numbers(conn, "acme", Envelope.X12)
        ta1 = envelope_numbers(conn, "acme", Envelope.X12, group=False)
        second = envelope_numbers(conn, "acme", Envelope.X12)
        other = envelope_numbers(conn, "zenith", Envelope.X12)
    assert (first.interchange, first.group) == (1, 1)
    assert (ta1.interchange, ta1.group) == (2, None)
    assert (second.interchange, second.group) == (3, 2)
    assert (other.interchange, other.group) == (1, 1)


def test_edifact_documents_share_the_partners_unb_sequence(engine):
    with engine.begin() as conn:
        numbers = [envelope_numbers(conn, "acme", Envelope.EDIFACT) for _ in range(3)]
    assert [n.interchange for n in numbers] == [1, 2, 3]
    assert {n.group for n in numbers} == {None}


def test_migration_merges_the_old_counters_above_the_highest_number_used(blank_database_url):
    engine = make_engine(blank_database_url)
    try:
        migrate(engine, "0005")
        old = [
            ("acme", "x12_isa", 7),
            ("acme", "x12_gs", 3),
            ("acme", "isa", 12),
            ("acme", "edifact_unb", 40),
            ("acme", "unb", 5),
            ("acme", "file_csv", 9),
            ("zenith", "x12_isa", 2),
        ]
        with engine.begin() as conn:
            for partner_id, kind, value in old:
                conn.execute(
                    insert(control_numbers).values(
                        partner_id=partner_id, kind=kind, last_value=value
                    )
                )
        migrate(engine)
        with engine.begin() as conn:
            kinds = {
                (r.partner_id, r.kind): r.last_value for r in conn.execute(select(control_numbers))
            }
            assert kinds == {
                ("acme", "x12_interchange"): 12,
                ("acme", "x12_group"): 12,
                ("acme", "edifact_interchange"): 40,
                ("acme", "file_csv"): 9,
                ("zenith", "x12_interchange"): 2,  # no GS06 was used yet: it starts at 1
            }
            x12 = envelope_numbers(conn, "acme", Envelope.X12)
            assert (x12.interchange, x12.group) == (13, 13)
            assert envelope_numbers(conn, "acme", Envelope.EDIFACT).interchange == 41
    finally:
        engine.dispose()
