"""Throwaway databases for the benchmark: one migrated template, a fresh copy per measurement.

SQLite: a migrated file in a temporary directory, copied per measurement. PostgreSQL: the
server the tests use (``tests/pg_harness.py``: ``ORDERPORT_TEST_PG_URL``, else the local
server on 5432, else a private cluster started for the run), a migrated template database, and
``CREATE DATABASE ... TEMPLATE`` per measurement, dropped afterwards.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import threading
from contextlib import AbstractContextManager, ExitStack
from pathlib import Path
from types import TracebackType
from typing import Any

from sqlalchemy.pool import NullPool

from orderport.store.db import make_engine, migrate
from orderport.store.lifecycle import upsert_partner

PARTNER = "bench"
_TESTS = Path(__file__).resolve().parent.parent / "tests"


def _pg_harness() -> Any:
    if str(_TESTS) not in sys.path:
        sys.path.insert(0, str(_TESTS))
    import pg_harness  # type: ignore[import-not-found]

    return pg_harness


def _prepare(url: str) -> None:
    engine = make_engine(url, poolclass=NullPool)
    try:
        migrate(engine)
        with engine.begin() as conn:
            upsert_partner(conn, PARTNER, "Benchmark partner")
    finally:
        engine.dispose()


class Databases(AbstractContextManager["Databases"]):
    """Hands out fresh, migrated databases by kind ("sqlite" or "postgresql")."""

    def __init__(self, kinds: list[str]) -> None:
        self._stack = ExitStack()
        self._dir = Path(tempfile.mkdtemp(prefix="orderport-bench-"))
        self._stack.callback(shutil.rmtree, self._dir, ignore_errors=True)
        self._count = 0
        self._lock = threading.Lock()
        self._pg_server: str | None = None
        self._pg_template: str | None = None
        self._made: list[str] = []
        if "sqlite" in kinds:
            _prepare(f"sqlite:///{self._dir / 'template.db'}")
        if "postgresql" in kinds:
            self._start_postgresql()

    def _start_postgresql(self) -> None:
        harness = _pg_harness()
        server = os.environ.get(harness.ENV_URL)
        if not server and harness.can_connect(harness.DEFAULT_URL):
            server = harness.DEFAULT_URL
        if not server:
            cluster = harness.TempCluster.start()
            self._stack.callback(cluster.stop)
            server = cluster.url
        self._pg_server = server
        name = harness.unique_name("orderport_bench_template")
        self._pg_template = name
        url = harness.create_database(server, name)
        self._stack.callback(harness.drop_database, server, name)
        _prepare(url)

    def fresh(self, kind: str) -> str:
        """The URL of a new database of ``kind``, migrated, with the benchmark partner."""
        with self._lock:
            self._count += 1
            number = self._count
        if kind == "sqlite":
            target = self._dir / f"run{number}.db"
            shutil.copyfile(self._dir / "template.db", target)
            return f"sqlite:///{target}"
        if kind == "postgresql":
            assert self._pg_server is not None
            assert self._pg_template is not None
            harness = _pg_harness()
            name = harness.unique_name("orderport_bench")
            with self._lock:
                self._made.append(name)
            return str(harness.create_database(self._pg_server, name, template=self._pg_template))
        raise ValueError(f"unknown database kind {kind!r}; use sqlite or postgresql")

    def release(self, url: str) -> None:
        """Drop a database handed out by ``fresh``."""
        if url.startswith("sqlite:///"):
            for suffix in ("", "-wal", "-shm"):
                Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
            return
        name = url.rsplit("/", 1)[1]
        with self._lock:
            mine = name in self._made
            if mine:
                self._made.remove(name)
        if self._pg_server is not None and mine:
            _pg_harness().drop_database(self._pg_server, name)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._pg_server is not None:
            for name in list(self._made):
                _pg_harness().drop_database(self._pg_server, name)
        self._stack.close()
