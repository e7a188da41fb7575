"""Shared test fixtures.

Database fixtures: ``engine`` runs a test once on SQLite and once on PostgreSQL (marked
``postgres``; deselect with ``-m "not postgres"``), each time on a freshly migrated database:
SQLite copies a file migrated once per session; PostgreSQL migrates one uniquely named
database per session and truncates it back to its migrated state before each test.
See ``tests/pg_harness.py`` for how a PostgreSQL server is found or started.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.pool import NullPool

sys.path.insert(0, str(Path(__file__).parent))

import pg_harness
from orderport.store.db import make_engine, migrate
from orderport.store.tables import metadata

DATABASES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


# --------------------------------------------------------------------------- PostgreSQL


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """URL of a PostgreSQL server's maintenance database, for this test session."""
    explicit = os.environ.get(pg_harness.ENV_URL)
    if explicit:
        if not pg_harness.can_connect(explicit):
            pytest.fail(f"{pg_harness.ENV_URL}={explicit} does not answer", pytrace=False)
        yield explicit
        return
    if pg_harness.can_connect(pg_harness.DEFAULT_URL):
        yield pg_harness.DEFAULT_URL
        return
    try:
        cluster = pg_harness.TempCluster.start()
    except pg_harness.PgUnavailableError as exc:
        pytest.fail(str(exc), pytrace=False)
    try:
        yield cluster.url
    finally:
        cluster.stop()


@dataclass
class PgSessionDatabase:
    """This session's migrated PostgreSQL database and the rows the migrations seeded."""

    url: str
    seeded: dict[str, list[dict[str, Any]]]

    def reset(self) -> None:
        """Back to the just-migrated state: much faster than a new database per test."""
        engine = make_engine(self.url, poolclass=NullPool)
        try:
            with engine.begin() as conn:
                names = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
                conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
                for table in metadata.sorted_tables:
                    if self.seeded[table.name]:
                        conn.execute(table.insert(), self.seeded[table.name])
        finally:
            engine.dispose()


@pytest.fixture(scope="session")
def pg_database(pg_server: str) -> Iterator[PgSessionDatabase]:
    """A uniquely named, migrated database for this test session, dropped at the end."""
    name = pg_harness.unique_name()
    url = pg_harness.create_database(pg_server, name)
    engine = make_engine(url, poolclass=NullPool)
    try:
        migrate(engine)
        with engine.connect() as conn:
            seeded = {
                t.name: [dict(r._mapping) for r in conn.execute(t.select())]
                for t in metadata.sorted_tables
            }
    finally:
        engine.dispose()
    try:
        yield PgSessionDatabase(url, seeded)
    finally:
        pg_harness.drop_database(pg_server, name)


def _pg_database(request: pytest.FixtureRequest) -> Iterator[str]:
    server: str = request.getfixturevalue("pg_server")
    name = pg_harness.unique_name()
    url = pg_harness.create_database(server, name)
    try:
        yield url
    finally:
        pg_harness.drop_database(server, name)


# --------------------------------------------------------------------------- SQLite


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test."""
    path = tmp_path_factory.mktemp("sqlite-template") / "orderport.db"
    engine = make_engine(f"sqlite:///{path}")
    try:
        migrate(engine)
    finally:
        engine.dispose()  # the last connection out checkpoints the WAL into the file
    return path


# --------------------------------------------------------------------------- per test


@pytest.fixture(params=DATABASES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of a fresh, migrated database of the parametrized kind."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        target = tmp_path / "orderport.db"
        shutil.copyfile(template, target)
        yield f"sqlite:///{target}"
    else:
        database: PgSessionDatabase = request.getfixturevalue("pg_database")
        database.reset()
        yield database.url


@pytest.fixture(params=DATABASES)
def blank_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of a fresh, empty (not migrated) database of the parametrized kind."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'blank.db'}"
    else:
        yield from _pg_database(request)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on a fresh, migrated database (SQLite and PostgreSQL)."""
    eng = make_engine(database_url)
    try:
        yield eng
    finally:
        eng.dispose()
