"""``ledger.waiting`` narrowed to given ids in SQL (finish_pending no longer loads every row)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, insert

from orderport.store import ledger
from orderport.store.lifecycle import upsert_partner
from orderport.store.tables import inbound_files


def _row(engine: Engine, partner: str, state: str, finished: bool = False) -> int:
    now = datetime.now(UTC)
    with engine.begin() as conn:
        return int(
            conn.execute(
                insert(inbound_files).values(
                    partner_id=partner,
                    sha256="a" * 64,
                    original_name="f.csv",
                    size=1,
                    channel="folder",
                    channel_ref="ref",
                    state=state,
                    received_at=now,
                    updated_at=now,
                    finished_at=now if finished else None,
                )
            ).inserted_primary_key[0]
        )


def test_waiting_by_ids_and_needs_finish(engine: Engine) -> None:
    with engine.begin() as conn:
        upsert_partner(conn, "acme", "ACME")
        upsert_partner(conn, "other", "Other")
    received = _row(engine, "acme", "received")
    unmoved = _row(engine, "acme", "stored")
    moved = _row(engine, "acme", "stored", finished=True)
    foreign = _row(engine, "other", "rejected")
    with engine.connect() as conn:
        every = [r.id for r in ledger.waiting(conn)]
        assert every == [received, unmoved, foreign]
        wanted = [foreign, moved, unmoved, received, unmoved]
        assert [r.id for r in ledger.waiting(conn, file_ids=wanted)] == every
        finishing = ledger.waiting(conn, file_ids=wanted, needs_finish=True)
        assert [r.id for r in finishing] == [unmoved, foreign]
        assert all(r.needs_finish for r in finishing)
        assert ledger.waiting(conn, ["other"], file_ids=[unmoved]) == []
        assert ledger.waiting(conn, file_ids=[]) == []
        many = [*range(10_000, 11_200), received]  # more ids than one IN (...) chunk
        assert [r.id for r in ledger.waiting(conn, file_ids=many)] == [received]
