"""Registering partners is an atomic upsert: racing first passes both succeed."""

from __future__ import annotations

import threading

from sqlalchemy import Engine, select

from orderport.store.lifecycle import upsert_partner
from orderport.store.tables import partners


def test_upsert_inserts_then_updates(engine: Engine) -> None:
    with engine.begin() as conn:
        upsert_partner(conn, "acme", "Acme", {"tier": "quick_deploy"})
    with engine.begin() as conn:
        upsert_partner(conn, "acme", "ACME Retail")
    with engine.connect() as conn:
        rows = conn.execute(select(partners.c.id, partners.c.name, partners.c.settings)).all()
    assert [(r.id, r.name, r.settings) for r in rows] == [("acme", "ACME Retail", {})]


def test_racing_registrations_both_succeed(engine: Engine) -> None:
    start = threading.Barrier(4)
    errors: list[BaseException] = []

    def register(n: int) -> None:
        try:
            start.wait()
            with engine.begin() as conn:
                upsert_partner(conn, "newco", f"NewCo {n}")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=register, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with engine.connect() as conn:
        assert conn.execute(select(partners.c.id)).scalars().all() == ["newco"]
