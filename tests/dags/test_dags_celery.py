"""Issue 16, part 4: Orderport on Airflow's CeleryExecutor, shown running.

A Redis broker (127.0.0.1:6379, started by ``.ci/ensure-servers``), PostgreSQL for Airflow's
metadata, Celery's results and the Orderport store, the api-server, scheduler, dag-processor
and ``airflow celery worker`` processes that import Orderport from the *installed wheel* (built
once per module, ``uv pip install --no-deps --target``; first on every Airflow process's
PYTHONPATH, cwd outside the repository). X12 files are dropped on the real sshd and
``po_intake`` is triggered.

- ``test_two_workers_one_killed_exactly_once``: two workers; one is SIGKILLed (its process
  group and the task process groups it forked: a lost machine) while a mapped ``process`` task
  runs on it. Airflow notices the missing heartbeat, retries the task on the other worker, and
  the retry finishes the files the dead one left in ``processing``. Then exactly-once: one
  ledger row per file, final; every PO once; one 997 per interchange in the sshd outbox.
- ``test_one_worker_wall_time``: the same run on one worker, no kill: the wall time to
  compare with two.

Counts: ``ORDERPORT_CELERY_FILES`` (default 2000, the issue's figure) for the two-worker run,
``ORDERPORT_CELERY_ONE_WORKER_FILES`` (default: the same) for the one-worker run. Wall times are
printed (``pytest -s``).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest
from dags_support import (
    AIRFLOW,
    CONN_ID,
    REPO,
    connection_json,
    server_env,
    sftp_partner_on_store,
    x12_850,
)
from servers.procs import descendants
from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import pg_harness
from orderport.airflow_support.catalog import read_catalog
from orderport.airflow_support.pools import pool_specs
from orderport.store.db import make_engine
from orderport.store.tables import inbound_files, outbox, po_versions, purchase_orders

pytestmark = [pytest.mark.integration, pytest.mark.postgres, pytest.mark.celery]

FILES = int(os.environ.get("ORDERPORT_CELERY_FILES", "2000"))
ONE_WORKER_FILES = int(os.environ.get("ORDERPORT_CELERY_ONE_WORKER_FILES", str(FILES)))
CONCURRENCY = int(os.environ.get("ORDERPORT_CELERY_CONCURRENCY", "2"))
"""Task slots per worker (``--concurrency``); the partner's SFTP pool has 4."""
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
HEARTBEAT_TIMEOUT = 20
"""``[scheduler] task_instance_heartbeat_timeout`` (default 300 s): when a dead task is noticed."""
FINAL = ("stored", "held", "duplicate", "rejected", "failed")


def run_timeout(files: int) -> float:
    return 300 + files * 0.6


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def redis_db() -> int:
    """A Redis database index for this run's broker (plus a unique queue name, see below)."""
    import redis

    client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.fail(
            f"the Celery test needs Redis on {REDIS_HOST}:{REDIS_PORT} ({exc}); "
            "run `bash .ci/ensure-servers` (installs and starts redis-server)",
            pytrace=False,
        )
    finally:
        client.close()
    return 1 + os.getpid() % 15


@pytest.fixture(scope="module")
def wheel_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Orderport built as a wheel (offline, like tests/packaging) and installed with
    ``--no-deps --target``: the only Orderport the Airflow processes can import first."""
    base = tmp_path_factory.mktemp("celery-wheel")
    source = base / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, source / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc")
    shutil.copytree(REPO / "src", source / "src", symlinks=True, ignore=ignore)
    shutil.copytree(REPO / "sample_files", source / "sample_files")
    uv = Path(sys.executable).parent / "uv"
    uv_cmd = str(uv) if uv.exists() else shutil.which("uv")
    assert uv_cmd, "uv is a dev tool of this project (it builds and installs the wheel here)"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ORDERPORT_", "PYTHON"))}
    built = subprocess.run(
        [uv_cmd, "build", "--wheel", "--offline", "-o", str(base / "dist"), "."],
        cwd=source,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-3000:]
    [wheel] = (base / "dist").glob("orderport-*.whl")
    target = base / "site"
    target_args = ["--target", str(target), str(wheel)]
    installed = subprocess.run(
        [
            uv_cmd,
            "pip",
            "install",
            "-q",
            "--offline",
            "--no-deps",
            "-p",
            sys.executable,
            *target_args,
        ],
        cwd=base,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert installed.returncode == 0, installed.stdout[-2000:] + installed.stderr[-3000:]
    assert (target / "orderport" / "pipeline" / "intake.py").is_file()
    assert not list(target.rglob("*.pyc")), "the wheel dir starts without bytecode"
    return target


@pytest.fixture
def databases(pg_server: str) -> Iterator[tuple[str, str]]:
    """(Airflow metadata + Celery results URL, Orderport store URL): throwaway databases."""
    names = [pg_harness.unique_name("airflow_celery"), pg_harness.unique_name("orderport_store")]
    urls = [pg_harness.create_database(pg_server, n) for n in names]
    try:
        yield urls[0], urls[1]
    finally:
        for name in names:
            pg_harness.drop_database(pg_server, name)


# --------------------------------------------------------------------------- processes


@dataclass
class Airflow:
    env: dict[str, str]
    cwd: Path
    logs: Path
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def start(self, name: str, *args: str) -> subprocess.Popen[bytes]:
        with (self.logs / f"{name}.log").open("wb") as log:
            proc = subprocess.Popen(
                [str(AIRFLOW), *args],
                env=self.env,
                cwd=self.cwd,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.procs[name] = proc
        return proc

    def cli(self, *args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(AIRFLOW), *args],
            env=self.env,
            cwd=self.cwd,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def check_alive(self) -> None:
        for name, proc in self.procs.items():
            if proc.poll() is not None:
                raise AssertionError(
                    f"airflow {name} exited ({proc.returncode}):\n{self.tail(name)}"
                )

    def tail(self, name: str, size: int = 4000) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")[-size:]

    def tails(self) -> str:
        return "".join(f"\n--- {name}\n{self.tail(name, 2500)}" for name in self.procs)

    def kill_worker(self, name: str) -> list[int]:
        """SIGKILL the worker's process group and the groups of the task processes it forked
        (the task supervisor puts each task in its own group): the machine is gone."""
        proc = self.procs.pop(name)
        pids = [proc.pid, *descendants(proc.pid)]
        groups = {proc.pid}
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                groups.add(os.getpgid(pid))
        for group in groups:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(group, signal.SIGKILL)
        proc.wait(10)
        return pids

    def stop(self) -> None:
        trees = {name: [p.pid, *descendants(p.pid)] for name, p in self.procs.items()}
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
        for pids in trees.values():  # task processes live in their own process groups
            for pid in pids:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)


def meta(url: str, query: str, *params: object) -> list[tuple]:  # type: ignore[type-arg]
    with psycopg.connect(url, autocommit=True) as conn:
        return list(conn.execute(query, params).fetchall())  # type: ignore[arg-type]


def wait_for(what: str, check: Callable[[], object], airflow: Airflow, timeout: float) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        airflow.check_alive()
        found = check()
        if found:
            return found
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}{airflow.tails()}")


@dataclass
class Setup:
    airflow: Airflow
    meta_url: str
    store_url: str
    root: Path
    wheel_dir: Path
    queue: str


def prepare(
    tmp_path: Path,
    sshd: object,
    databases: tuple[str, str],
    wheel_dir: Path,
    redis_db: int,
    files: int,
) -> Setup:
    meta_url, store_url = databases
    partners = sftp_partner_on_store(tmp_path, sshd, store_url)
    root: Path = sshd.root  # type: ignore[attr-defined]
    for n in range(files):
        (root / "inbox" / f"po-{n:05d}.edi").write_bytes(x12_850(f"77{n:06d}", 5000 + n))

    port = pg_harness.free_port()
    queue = f"orderport_celery_{secrets.token_hex(4)}"
    env = server_env(tmp_path / "airflow", meta_url, port)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    psycopg_meta = env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
    env.update(
        # Orderport comes from the wheel; the dags/ folder is the repository's.
        PYTHONPATH=str(wheel_dir),
        AIRFLOW__CORE__EXECUTOR="CeleryExecutor",
        AIRFLOW__CORE__PARALLELISM="8",
        AIRFLOW__CELERY__BROKER_URL=f"redis://{REDIS_HOST}:{REDIS_PORT}/{redis_db}",
        AIRFLOW__CELERY__RESULT_BACKEND="db+" + psycopg_meta,
        AIRFLOW__CELERY__WORKER_CONCURRENCY=str(CONCURRENCY),
        # A queue of this run's own: parallel runs on the same Redis never take its messages.
        AIRFLOW__OPERATORS__DEFAULT_QUEUE=queue,
        # No scheduled runs: unpausing would start one for the latest interval, and it, not the
        # triggered run, would take the files.
        AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE="False",
        AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_SEC="2",
        AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT=str(HEARTBEAT_TIMEOUT),
        AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT_DETECTION_INTERVAL="2",
        # A message the dead worker had taken but not started leaves its task instance
        # "queued" (Redis redelivers only after the visibility timeout, hours): fail and retry
        # it after 3 minutes instead of the default 10.
        AIRFLOW__SCHEDULER__TASK_QUEUED_TIMEOUT="180",
        ORDERPORT_DATABASE_URL=store_url,
        ORDERPORT_HOME=str(tmp_path / "orderport"),
        ORDERPORT_PARTNERS=str(partners),
        **{f"AIRFLOW_CONN_{CONN_ID.upper()}": connection_json(sshd)},
    )
    (tmp_path / "airflow").mkdir()
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    assert REPO not in cwd.parents
    assert REPO not in wheel_dir.parents
    airflow = Airflow(env, cwd, tmp_path)
    migrated = airflow.cli("db", "migrate", timeout=600)
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
    imported = airflow.cli("pools", "import", str(pool_file))
    assert imported.returncode == 0, imported.stderr[-2000:]
    return Setup(airflow, meta_url, store_url, root, wheel_dir, queue)


def start_airflow(setup: Setup, workers: int) -> None:
    airflow = setup.airflow
    port = setup.airflow.env["AIRFLOW__API__PORT"]
    airflow.start("api-server", "api-server", "--port", port, "--host", "127.0.0.1")
    airflow.start("scheduler", "scheduler")
    airflow.start("dag-processor", "dag-processor")
    for n in range(1, workers + 1):
        airflow.start(
            f"worker{n}",
            "celery",
            "worker",
            "--queues",
            setup.queue,
            "--concurrency",
            str(CONCURRENCY),
            "--celery-hostname",
            f"orderport-w{n}@%h",
            "--skip-serve-logs",
            "--without-mingle",
            "--without-gossip",
        )
    wait_for(
        "the dag-processor to register po_intake",
        lambda: meta(setup.meta_url, "SELECT 1 FROM dag WHERE dag_id = 'po_intake'"),
        airflow,
        180,
    )
    for n in range(1, workers + 1):
        wait_for(
            f"celery worker {n} to be ready",
            lambda n=n: " ready." in setup.airflow.tail(f"worker{n}", 100_000),  # type: ignore[misc]
            airflow,
            120,
        )


def trigger(setup: Setup) -> str:
    airflow = setup.airflow
    run_id = "orderport_celery_" + secrets.token_hex(4)
    unpaused = airflow.cli("dags", "unpause", "po_intake")
    assert unpaused.returncode == 0, unpaused.stderr[-2000:]
    triggered = airflow.cli("dags", "trigger", "po_intake", "--run-id", run_id)
    assert triggered.returncode == 0, triggered.stderr[-2000:]
    return run_id


def run_state(setup: Setup, run_id: str) -> str | None:
    rows = meta(setup.meta_url, "SELECT state FROM dag_run WHERE run_id = %s", run_id)
    state = rows[0][0] if rows else None
    if state == "failed":
        tis = meta(
            setup.meta_url,
            "SELECT task_id, map_index, state, try_number FROM task_instance WHERE run_id = %s "
            "AND state <> 'success'",
            run_id,
        )
        raise AssertionError(f"run failed: {tis}{setup.airflow.tails()}")
    return state


def phases(setup: Setup, run_id: str) -> str:
    rows = meta(
        setup.meta_url,
        "SELECT task_id, min(start_date), max(end_date), count(*), "
        "sum(extract(epoch FROM end_date - start_date)) FROM task_instance WHERE run_id = %s "
        "GROUP BY task_id ORDER BY min(start_date)",
        run_id,
    )
    start = min(r[1] for r in rows if r[1] is not None)
    return ", ".join(
        f"{task} x{count} {(first - start).total_seconds():.0f}-"
        f"{(last - start).total_seconds():.0f}s (task-s {busy:.0f})"
        for task, first, last, count, busy in rows
        if first is not None and last is not None
    )


# --------------------------------------------------------------------------- proofs


def assert_exactly_once(setup: Setup, files: int) -> None:
    engine = make_engine(setup.store_url)
    try:
        with engine.connect() as conn:
            ledger = conn.execute(
                select(inbound_files.c.original_name, inbound_files.c.state).add_columns(
                    inbound_files.c.finished_at
                )
            ).all()
            pos = conn.execute(
                select(purchase_orders.c.po_number, purchase_orders.c.current_version)
            ).all()
            versions = conn.execute(select(func.count()).select_from(po_versions)).scalar_one()
            sent = conn.execute(
                select(outbox.c.kind, outbox.c.filename, outbox.c.state, outbox.c.attempts)
            ).all()
    finally:
        engine.dispose()
    # Every file: one inbound ledger row, in a final state, moved off the channel.
    names = Counter(r.original_name for r in ledger)
    assert len(ledger) == files
    assert set(names.values()) == {1}, names.most_common(3)
    assert Counter(r.state for r in ledger) == {"stored": files}
    assert all(r.finished_at is not None for r in ledger)
    assert not list((setup.root / "inbox").glob("po-*"))
    assert not [p for p in (setup.root / "processing").iterdir() if p.name.endswith(".edi")]
    assert len(list((setup.root / "processed").iterdir())) == files
    # Every PO stored once: one purchase order, one version, per PO number.
    assert sorted(p.po_number for p in pos) == [f"77{n:06d}" for n in range(files)]
    assert {p.current_version for p in pos} == {1}
    assert versions == files
    # Every answer delivered once: one 997 per interchange control number.
    answers = sorted((setup.root / "outbox").iterdir())
    assert len(answers) == files
    acked = Counter()  # type: Counter[int]
    for path in answers:
        found = re.search(r"AK1\|PO\|(\d+)", path.read_text())
        assert found, path.read_text()[:300]
        acked[int(found.group(1))] += 1
    assert set(acked) == set(range(5000, 5000 + files))
    assert set(acked.values()) == {1}
    # The outbound ledger agrees: one sent 997 per file, none with a failed attempt.
    kinds = Counter((r.kind, r.state) for r in sent)
    assert kinds == {("ack_997", "sent"): files}, kinds
    assert {r.attempts for r in sent} == {0}
    assert {r.filename for r in sent} == {p.name for p in answers}


def assert_ran_from_the_wheel(setup: Setup) -> None:
    """The task processes imported Orderport from the wheel dir, not the source tree: the
    pipeline is imported only inside task processes, and Python left its bytecode there."""
    compiled = setup.wheel_dir / "orderport" / "pipeline" / "__pycache__"
    assert list(compiled.glob("intake.*.pyc")), "no task process imported the wheel's pipeline"
    probe = subprocess.run(
        [sys.executable, "-c", "import orderport; print(orderport.__file__)"],
        env=setup.airflow.env,
        cwd=setup.airflow.cwd,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert probe == str(setup.wheel_dir / "orderport" / "__init__.py"), probe


def cleanup_broker(redis_db: int, queue: str) -> None:
    import redis

    client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=redis_db)
    try:
        client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
        for tag, payload in client.hgetall("unacked").items():
            if queue.encode() in payload:
                client.hdel("unacked", tag)
                client.zrem("unacked_index", tag)
    finally:
        client.close()


# --------------------------------------------------------------------------- tests


def test_two_workers_one_killed_exactly_once(
    tmp_path: Path,
    sshd: object,
    databases: tuple[str, str],
    wheel_dir: Path,
    redis_db: int,
) -> None:
    setup = prepare(tmp_path, sshd, databases, wheel_dir, redis_db, FILES)
    airflow = setup.airflow
    try:
        start_airflow(setup, workers=2)
        started = time.monotonic()
        run_id = trigger(setup)

        def process_tasks_by_worker() -> dict[str, list[tuple]]:  # type: ignore[type-arg]
            """Running ``sftpco.process`` task instances, by the worker whose tree runs them."""
            if run_state(setup, run_id) == "success":
                seen = meta(
                    setup.meta_url,
                    "SELECT map_index, pid, hostname, start_date, end_date FROM task_instance "
                    "WHERE run_id = %s AND task_id = 'sftpco.process'",
                    run_id,
                )
                trees = {n: descendants(p.pid) for n, p in airflow.procs.items()}
                raise AssertionError(
                    f"the run finished before a process task was seen running: {seen} {trees}"
                )
            rows = meta(
                setup.meta_url,
                "SELECT map_index, pid, try_number FROM task_instance WHERE run_id = %s "
                "AND task_id = 'sftpco.process' AND state = 'running' AND pid IS NOT NULL",
                run_id,
            )
            found = {}
            for name in ("worker1", "worker2"):
                tree = set(descendants(airflow.procs[name].pid))
                mine = [r for r in rows if r[1] in tree]
                if mine:
                    found[name] = mine
            return found

        wait_for(
            "a process task running on a worker",
            process_tasks_by_worker,
            airflow,
            run_timeout(FILES),
        )
        time.sleep(3)  # past the task's start-up: into its files
        by_worker = process_tasks_by_worker()
        assert by_worker, "the process tasks ended before the kill"
        victim, running = next(iter(by_worker.items()))
        killed_at = time.monotonic()
        killed_pids = airflow.kill_worker(victim)
        killed_maps = sorted(r[0] for r in running)
        # What the dead worker left: files of its batches still in processing on the sshd.
        batches = meta(
            setup.meta_url,
            "SELECT value FROM xcom WHERE run_id = %s AND task_id = 'sftpco.claim' "
            "AND key = 'return_value'",
            run_id,
        )[0][0]
        left_ids = [i for m in killed_maps for i in batches[m]]
        engine = make_engine(setup.store_url)
        with engine.connect() as conn:
            left = conn.execute(
                select(
                    inbound_files.c.id, inbound_files.c.state, inbound_files.c.finished_at
                ).where(inbound_files.c.id.in_(left_ids))
            ).all()
            final_at_kill = conn.execute(
                select(func.count())
                .select_from(inbound_files)
                .where(inbound_files.c.state.in_(FINAL))
            ).scalar_one()
        engine.dispose()
        [(processing_for, killed_db_at)] = meta(
            setup.meta_url,
            "SELECT extract(epoch FROM now() - min(start_date)), now() FROM task_instance "
            "WHERE run_id = %s AND task_id = 'sftpco.process'",
            run_id,
        )
        unfinished = [r for r in left if r.finished_at is None]
        not_final = [r for r in left if r.state not in FINAL]
        assert unfinished, "the killed tasks had already finished their files"

        def noticed() -> bool:
            states = meta(
                setup.meta_url,
                "SELECT state FROM task_instance WHERE run_id = %s AND task_id = 'sftpco.process'"
                " AND map_index = ANY(%s)",
                run_id,
                killed_maps,
            )
            return all(s[0] != "running" for s in states)

        wait_for("Airflow to notice the dead task", noticed, airflow, HEARTBEAT_TIMEOUT * 6)
        noticed_after = time.monotonic() - killed_at
        wait_for(
            f"run {run_id} to succeed",
            lambda: run_state(setup, run_id) == "success",
            airflow,
            run_timeout(FILES),
        )
        wall = time.monotonic() - started
        recovered_after = time.monotonic() - killed_at
        retried = meta(
            setup.meta_url,
            "SELECT map_index, try_number, state, extract(epoch FROM start_date - %s), "
            "extract(epoch FROM end_date - %s) FROM task_instance WHERE run_id = %s "
            "AND task_id = 'sftpco.process' AND map_index = ANY(%s) ORDER BY map_index",
            killed_db_at,
            killed_db_at,
            run_id,
            killed_maps,
        )
        timing = phases(setup, run_id)
        load = "/".join(f"{x:.1f}" for x in os.getloadavg())
    finally:
        airflow.stop()
        cleanup_broker(redis_db, setup.queue)
    assert all(state == "success" and tries >= 2 for _, tries, state, _, _ in retried), retried
    retries = ", ".join(
        f"#{m} try {t} ran {float(a):.0f}-{float(b):.0f} s after the kill"
        for m, t, _, a, b in retried
    )
    assert_exactly_once(setup, FILES)
    assert_ran_from_the_wheel(setup)
    print(
        f"\nCeleryExecutor, 2 workers x {CONCURRENCY} slots, {FILES} files: {wall:.1f} s from "
        f"trigger to success, {victim} SIGKILLed at {killed_at - started:.1f} s "
        f"({len(killed_pids)} processes) while process task(s) {killed_maps} ran on it, leaving "
        f"{len(unfinished)} file(s) unfinished ({len(not_final)} not yet final; "
        f"{final_at_kill} of all files final, {processing_for:.0f} s into processing); "
        "Airflow noticed "
        f"after {noticed_after:.1f} s; retries: {retries}; run done "
        f"{recovered_after:.1f} s after the kill; load average {load}\n  phases: {timing}"
    )


WALL_TIME_WORKERS = [
    int(n) for n in os.environ.get("ORDERPORT_CELERY_WALL_TIME_WORKERS", "1").split(",")
]
"""Worker counts of the clean (no kill) runs; ``1,2`` gives both figures side by side."""


@pytest.mark.parametrize("workers", WALL_TIME_WORKERS)
def test_wall_time(
    tmp_path: Path,
    sshd: object,
    databases: tuple[str, str],
    wheel_dir: Path,
    redis_db: int,
    workers: int,
) -> None:
    setup = prepare(tmp_path, sshd, databases, wheel_dir, redis_db, ONE_WORKER_FILES)
    airflow = setup.airflow
    try:
        start_airflow(setup, workers=workers)
        started = time.monotonic()
        run_id = trigger(setup)
        wait_for(
            f"run {run_id} to succeed",
            lambda: run_state(setup, run_id) == "success",
            airflow,
            run_timeout(ONE_WORKER_FILES),
        )
        wall = time.monotonic() - started
        timing = phases(setup, run_id)
        load = "/".join(f"{x:.1f}" for x in os.getloadavg())
        [(span,)] = meta(
            setup.meta_url,
            "SELECT extract(epoch FROM max(end_date) - min(start_date)) FROM task_instance "
            "WHERE run_id = %s AND task_id = 'sftpco.process'",
            run_id,
        )
    finally:
        airflow.stop()
        cleanup_broker(redis_db, setup.queue)
    assert_exactly_once(setup, ONE_WORKER_FILES)
    assert_ran_from_the_wheel(setup)
    print(
        f"\nCeleryExecutor, {workers} worker(s) x {CONCURRENCY} slots, {ONE_WORKER_FILES} files:"
        f" {wall:.1f} s from trigger to success ({wall / ONE_WORKER_FILES * 1000:.0f} ms per "
        f"file); process phase {ONE_WORKER_FILES / float(span):.0f} files/s"
        f"; load average {load}\n  phases: {timing}"
    )
