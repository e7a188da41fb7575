"""The outbox: deterministic names, delivery bookkeeping, parking and the nightly requeue."""

from __future__ import annotations

from sqlalchemy import Engine

from orderport.store import outbox
from orderport.store.lifecycle import upsert_partner


def test_outbox_lifecycle(engine: Engine) -> None:
    with engine.begin() as conn:
        upsert_partner(conn, "acme", "Acme")
        upsert_partner(conn, "globex", "Globex")
        first = outbox.enqueue(conn, "acme", "ack_997", b"ISA*...", extension="edi")
        second = outbox.enqueue(conn, "globex", "result_csv", b"a,b\r\n", extension=".csv")
    with engine.connect() as conn:
        items = outbox.pending(conn)
        assert [i.id for i in items] == [first, second]
        assert items[0].filename == f"acme_ack_997_{first:010d}.edi"
        assert items[1].filename == f"globex_result_csv_{second:010d}.csv"
        assert [i.id for i in outbox.pending(conn, "globex")] == [second]

    with engine.begin() as conn:
        outbox.mark_sent(conn, first)
        states = [
            outbox.mark_attempt_failed(conn, second, "timeout", max_attempts=3) for _ in range(3)
        ]
    assert states == [outbox.OutboxState.PENDING] * 2 + [outbox.OutboxState.FAILED]
    with engine.connect() as conn:
        assert outbox.pending(conn) == []
        parked = outbox.pending(conn, include_failed=True)
        assert [(i.id, i.attempts) for i in parked] == [(second, 3)]

    with engine.begin() as conn:
        assert outbox.requeue_failed(conn, attempts_left=1, max_attempts=3) == 1
    with engine.begin() as conn:
        again = outbox.pending(conn)
        assert [(i.id, i.attempts) for i in again] == [(second, 2)]
        # One more failure parks it again until the next night.
        assert outbox.mark_attempt_failed(conn, second, "timeout", max_attempts=3) is (
            outbox.OutboxState.FAILED
        )
