import threading

import pytest

from orderport.store.control_numbers import next_control_number


def test_numbers_start_at_one_and_increase_per_partner_and_kind(engine):
    with engine.begin() as conn:
        assert [next_control_number(conn, "acme", "isa") for _ in range(3)] == [1, 2, 3]
        assert next_control_number(conn, "acme", "gs") == 1
        assert next_control_number(conn, "zenith", "isa") == 1
    with engine.begin() as conn:
        assert next_control_number(conn, "acme", "isa") == 4


def test_rolled_back_number_is_not_used_up(engine):
    with engine.begin() as conn:
        assert next_control_number(conn, "acme", "unb") == 1
    conn = engine.connect()
    with conn.begin() as tx:
        assert next_control_number(conn, "acme", "unb") == 2
        tx.rollback()
    conn.close()
    with engine.begin() as conn:
        assert next_control_number(conn, "acme", "unb") == 2


def test_wraps_after_maximum(engine):
    with engine.begin() as conn:
        assert [next_control_number(conn, "a", "isa", maximum=3) for _ in range(5)] == [
            1,
            2,
            3,
            1,
            2,
        ]
        with pytest.raises(ValueError, match="at least 1"):
            next_control_number(conn, "a", "isa", maximum=0)


def test_concurrent_transactions_never_share_a_number(engine):
    per_thread = 40
    results: list[list[int]] = [[], []]
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def worker(out: list[int]) -> None:
        try:
            start.wait()
            for _ in range(per_thread):
                with engine.begin() as conn:
                    out.append(next_control_number(conn, "acme", "isa"))
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(out,)) for out in results]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    for out in results:
        assert out == sorted(out)  # monotonic within each thread
    assert sorted(results[0] + results[1]) == list(range(1, 2 * per_thread + 1))
