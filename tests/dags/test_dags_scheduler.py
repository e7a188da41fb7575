"""The real thing: Airflow's api-server, scheduler and dag-processor (LocalExecutor, PostgreSQL
metadata database) run our dags/ folder; the intake DAG is triggered with the CLI and its run
must succeed with the POs in the (PostgreSQL) store."""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from dags_support import (
    AIRFLOW,
    CONN_ID,
    connection_json,
    server_env,
    sftp_partner_on_store,
    x12_850,
)
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import pg_harness
from orderport.airflow_support.catalog import read_catalog
from orderport.airflow_support.pools import pool_specs
from orderport.store.db import make_engine
from orderport.store.tables import purchase_orders

pytestmark = [pytest.mark.integration, pytest.mark.postgres]
FILES = int(os.environ.get("ORDERPORT_DAG_FILES", "4"))
"""Files dropped on the sshd; ``ORDERPORT_DAG_FILES=2000`` is issue 16's measurement (the
run's wall time is printed; the target is under 60 s)."""
RUN_TIMEOUT = 240 + FILES * 0.5


def free_port() -> int:
    return pg_harness.free_port()


@pytest.fixture
def pg_server() -> str:
    if pg_harness.can_connect(pg_harness.DEFAULT_URL):
        return pg_harness.DEFAULT_URL
    pytest.fail("the scheduler test needs PostgreSQL at " + pg_harness.DEFAULT_URL, pytrace=False)


@pytest.fixture
def databases(pg_server: str) -> Iterator[tuple[str, str]]:
    """(Airflow metadata URL, Orderport store URL): two throwaway databases."""
    names = [pg_harness.unique_name("airflow_meta"), pg_harness.unique_name("orderport_store")]
    urls = [pg_harness.create_database(pg_server, n) for n in names]
    try:
        yield urls[0], urls[1]
    finally:
        for name in names:
            pg_harness.drop_database(pg_server, name)


class Processes:
    def __init__(self, env: dict[str, str], logs: Path) -> None:
        self.env, self.logs, self.procs = env, logs, {}  # type: ignore[var-annotated]

    def start(self, name: str, *args: str) -> None:
        log = (self.logs / f"{name}.log").open("wb")
        self.procs[name] = subprocess.Popen(
            [str(AIRFLOW), *args],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(AIRFLOW), *args], env=self.env, capture_output=True, text=True, timeout=180
        )

    def check_alive(self) -> None:
        for name, proc in self.procs.items():
            if proc.poll() is not None:
                raise AssertionError(
                    f"airflow {name} exited ({proc.returncode}):\n" + self.tail(name)
                )

    def tail(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")[-4000:]

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + 20
        for proc in self.procs.values():
            try:
                proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def _meta(url: str, query: str, *params: object) -> list[tuple]:
    with psycopg.connect(url, autocommit=True) as conn:
        return list(conn.execute(query, params).fetchall())


def _wait(what: str, check, procs: Processes, timeout: float) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        procs.check_alive()
        if check():
            return
        time.sleep(1)
    raise AssertionError(
        f"timed out waiting for {what}\n--- scheduler\n{procs.tail('scheduler')}"
        f"\n--- dag-processor\n{procs.tail('dag-processor')}"
    )


def test_scheduler_runs_the_intake_dag(
    tmp_path: Path, sshd: object, databases: tuple[str, str]
) -> None:
    meta_url, store_url = databases
    partners = sftp_partner_on_store(tmp_path, sshd, store_url)
    root: Path = sshd.root  # type: ignore[attr-defined]
    engine = make_engine(store_url)
    for n in range(FILES):
        (root / "inbox" / f"po-{n}.edi").write_bytes(x12_850(f"88{n:06d}", 700 + n))

    port = free_port()
    env = server_env(tmp_path / "airflow", meta_url, port)
    env.update(
        AIRFLOW__CORE__EXECUTOR="LocalExecutor",
        AIRFLOW__CORE__PARALLELISM="4",
        ORDERPORT_DATABASE_URL=store_url,
        ORDERPORT_HOME=str(tmp_path / "orderport"),
        ORDERPORT_PARTNERS=str(partners),
        **{f"AIRFLOW_CONN_{CONN_ID.upper()}": connection_json(sshd)},
    )
    (tmp_path / "airflow").mkdir()
    procs = Processes(env, tmp_path)
    migrated = procs.cli("db", "migrate")
    assert migrated.returncode == 0, migrated.stderr[-3000:]
    pools = {name: slots for name, (slots, _) in pool_specs(read_catalog(partners)).items()}
    pool_file = tmp_path / "pools.json"
    pool_file.write_text(
        json.dumps(
            {
                n: {"slots": s, "description": "test", "include_deferred": False}
                for n, s in pools.items()
            }
        )
    )
    try:
        procs.start("api-server", "api-server", "--port", str(port), "--host", "127.0.0.1")
        procs.start("scheduler", "scheduler")
        procs.start("dag-processor", "dag-processor")
        imported = procs.cli("pools", "import", str(pool_file))
        assert imported.returncode == 0, imported.stderr[-2000:]
        _wait(
            "the dag-processor to register po_intake",
            lambda: _meta(meta_url, "SELECT 1 FROM dag WHERE dag_id = 'po_intake'"),
            procs,
            120,
        )
        run_id = "orderport_test_" + secrets.token_hex(4)
        unpause = subprocess.Popen(
            [str(AIRFLOW), "dags", "unpause", "po_intake"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        started = time.monotonic()
        trigger = procs.cli("dags", "trigger", "po_intake", "--run-id", run_id)
        assert trigger.returncode == 0, trigger.stderr[-2000:]
        assert unpause.wait(120) == 0

        def finished() -> bool:
            rows = _meta(meta_url, "SELECT state FROM dag_run WHERE run_id = %s", run_id)
            if rows and rows[0][0] == "failed":
                failed = _meta(
                    meta_url,
                    "SELECT task_id, map_index, state FROM task_instance WHERE run_id = %s",
                    run_id,
                )
                raise AssertionError(f"run failed: {failed}\n{procs.tail('scheduler')}")
            return bool(rows) and rows[0][0] == "success"

        _wait(f"run {run_id} to succeed", finished, procs, RUN_TIMEOUT)
        print(f"po_intake: {FILES} files in {time.monotonic() - started:.1f} s (LocalExecutor)")
    finally:
        procs.stop()

    with engine.connect() as conn:
        numbers = set(conn.execute(select(purchase_orders.c.po_number)).scalars())
    engine.dispose()
    assert numbers == {f"88{n:06d}" for n in range(FILES)}
    assert len(list((root / "outbox").iterdir())) == FILES  # one 997 per interchange
    mapped = _meta(
        meta_url,
        "SELECT count(*) FROM task_instance WHERE task_id = 'sftpco.process' AND map_index >= 0",
    )
    assert mapped[0][0] >= 1
