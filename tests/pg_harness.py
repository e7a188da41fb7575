"""PostgreSQL for the tests: use a reachable server, or start a throwaway cluster.

Order: ``ORDERPORT_TEST_PG_URL`` if set; else ``postgresql://postgres@127.0.0.1:5432/postgres``
if it answers; else a temporary cluster (initdb + pg_ctl from ``/usr/lib/postgresql/*/bin``)
on a free loopback port, run as the ``postgres`` OS user when the tests run as root. Tests
never skip for lack of PostgreSQL: without binaries they fail with instructions.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import socket
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_BIN_GLOB = "/usr/lib/postgresql/*/bin/initdb"
ENV_URL = "ORDERPORT_TEST_PG_URL"
NO_BINARIES = (
    "PostgreSQL server binaries were not found (/usr/lib/postgresql/*/bin/initdb) and no server "
    "answers at {url}. Run the tests with the README's test command, which installs PostgreSQL "
    "(Debian package 'postgresql'), or set ORDERPORT_TEST_PG_URL to a server you can use."
)


class PgUnavailableError(RuntimeError):
    """No PostgreSQL server can be reached or started."""


def can_connect(url: str, timeout: int = 2) -> bool:
    try:
        with psycopg.connect(url, connect_timeout=timeout, autocommit=True) as conn:
            conn.execute("SELECT 1")
        return True
    except psycopg.OperationalError:
        return False


def find_bindir() -> Path | None:
    """The newest installed PostgreSQL's bin directory."""

    def version(path: str) -> tuple[int, ...]:
        return tuple(int(n) for n in re.findall(r"[0-9]+", path.split("/")[-3]))

    candidates = sorted(glob.glob(PG_BIN_GLOB), key=version, reverse=True)
    if candidates:
        return Path(candidates[0]).parent
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class TempCluster:
    """A throwaway PostgreSQL cluster in a temporary directory (fsync off: data is disposable)."""

    base: Path
    bindir: Path
    port: int
    as_user: str | None

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    @classmethod
    def start(cls, bindir: Path | None = None, port: int | None = None) -> TempCluster:
        bindir = bindir or find_bindir()
        if bindir is None or not (bindir / "initdb").exists():
            raise PgUnavailableError(NO_BINARIES.format(url=DEFAULT_URL))
        as_user = "postgres" if os.geteuid() == 0 else None
        base = Path(tempfile.mkdtemp(prefix="orderport-pg-"))
        if as_user:
            shutil.chown(base, user=as_user)
        cluster = cls(base=base, bindir=bindir, port=port or free_port(), as_user=as_user)
        try:
            cluster._run(
                "initdb",
                "-D",
                str(base / "data"),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-sync",
            )
            options = (
                f"-p {cluster.port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off"
            )
            cluster._run(
                "pg_ctl",
                "-D",
                str(base / "data"),
                "-l",
                str(base / "server.log"),
                "-o",
                options,
                "-w",
                "-t",
                "30",
                "start",
            )
        except BaseException:
            cluster.stop()
            raise
        return cluster

    def stop(self) -> None:
        if (self.base / "data" / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.base / "data"), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.base, ignore_errors=True)

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bindir / program), *args]
        if self.as_user:
            command = ["runuser", "-u", self.as_user, "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=60)
        if done.returncode != 0:
            log = self.base / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise PgUnavailableError(
                f"{program} failed ({done.returncode}): {done.stderr.strip()}\n{tail}"
            )


def unique_name(prefix: str = "orderport_test") -> str:
    return f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:10]}"


def with_database(server_url: str, name: str) -> str:
    """``server_url`` pointing at database ``name``."""
    head, _, _ = server_url.rpartition("/")
    return f"{head}/{name}"


def create_database(server_url: str, name: str, template: str | None = None) -> str:
    """Create database ``name`` (optionally a copy of ``template``) and return its URL."""
    statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    if template:
        statement = sql.SQL("CREATE DATABASE {} TEMPLATE {} STRATEGY FILE_COPY").format(
            sql.Identifier(name), sql.Identifier(template)
        )
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(statement)
    return with_database(server_url, name)


def drop_database(server_url: str, name: str) -> None:
    statement = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(statement)
