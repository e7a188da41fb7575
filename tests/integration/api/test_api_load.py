"""Load: POs from 20 concurrent clients against `orderport serve` on PostgreSQL.

The suite (and CI) posts 400 POs, which proves 0 lost and 0 doubled under concurrency in a
bounded time; the measured run posts 10,000:
``ORDERPORT_LOAD_POS=10000 pytest -m load tests/integration/api/test_api_load.py -s``.
It prints requests per second and p50/p99 latency.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from api_harness import PARTNERS, ROOT
from servers.ports import free_port
from sqlalchemy import func, select

from orderport.api.keys import Role, create_key
from orderport.store.db import make_engine
from orderport.store.lifecycle import upsert_partner
from orderport.store.tables import inbound_files, purchase_orders

pytestmark = [pytest.mark.integration, pytest.mark.load]

TOTAL = int(os.environ.get("ORDERPORT_LOAD_POS", "400"))
CLIENTS = 20
TEMPLATE: dict[str, Any] = json.loads((ROOT / "sample_files/json/canonical_valid.json").read_text())


def _po(n: int) -> bytes:
    return json.dumps({**TEMPLATE, "po_number": f"LOAD-{n:06d}"}).encode()


def test_pos_from_20_clients_none_lost_none_doubled(pg_database: Any, tmp_path: Path) -> None:
    unused_tcp_port = free_port()
    pg_database.reset()
    engine = make_engine(pg_database.url)
    with engine.begin() as conn:
        upsert_partner(conn, "acme", "ACME Retail")
        key = create_key(conn, Role.PARTNER, "acme")
    env = {
        **os.environ,
        "ORDERPORT_DATABASE_URL": pg_database.url,
        "ORDERPORT_HOME": str(tmp_path / "home"),
        "ORDERPORT_PARTNERS": str(PARTNERS),
        "PYTHONPATH": str(ROOT / "src"),
    }
    cli = [str(Path(sys.executable).with_name("orderport"))]
    server = subprocess.Popen(
        [*cli, "serve", "--port", str(unused_tcp_port), "--workers", "2", "--webhooks-every", "0"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{unused_tcp_port}"
    try:
        deadline = time.monotonic() + 240  # a worker imports the whole pipeline
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail(f"serve did not start: {server.communicate()[1].decode()[-3000:]}")
            time.sleep(0.2)
        latencies: list[float] = []
        statuses: dict[int, int] = {}
        lock = threading.Lock()
        counter = iter(range(TOTAL))

        def client() -> None:
            headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
            with httpx.Client(base_url=base, headers=headers, timeout=120) as http:
                for n in counter:
                    body = _po(n)
                    idem = {"Idempotency-Key": f"load-{n}"}
                    status = 0  # no answer after every retry
                    for _ in range(5):  # a transport failure is retried with the same key
                        started = time.perf_counter()
                        try:
                            answer = http.post(
                                "/api/v1/purchase-orders", content=body, headers=idem
                            )
                        except httpx.TransportError:
                            continue
                        status = answer.status_code
                        break
                    elapsed = time.perf_counter() - started
                    with lock:
                        latencies.append(elapsed)
                        statuses[status] = statuses.get(status, 0) + 1

        started = time.perf_counter()
        threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    with engine.connect() as conn:
        stored = conn.execute(
            select(func.count(), func.count(func.distinct(purchase_orders.c.po_number))).where(
                purchase_orders.c.partner_id == "acme"
            )
        ).one()
        files = conn.execute(select(func.count()).select_from(inbound_files)).scalar_one()
    engine.dispose()
    latencies.sort()
    p50 = statistics.median(latencies)
    p99 = latencies[int(len(latencies) * 0.99) - 1]
    print(
        f"\nload: {TOTAL} POs, {CLIENTS} clients, {wall:.1f} s, {TOTAL / wall:.1f} req/s, "
        f"p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, statuses {statuses}, "
        f"stored {stored[0]} ({stored[1]} distinct), ledger rows {files}"
    )
    assert statuses == {200: TOTAL}
    assert tuple(stored) == (TOTAL, TOTAL)  # 0 lost, 0 doubled
    assert files == TOTAL
