"""DAG test fixtures: a migrated Airflow SQLite metadata DB (once per session, copied per test),
an Orderport store and partner folder wired to the real OpenSSH fixture."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "integration"))

from dags_support import CONN_ID, DagEnv, base_env, connection_json, sftp_profile  # noqa: E402
from servers.sshd import SshServer  # noqa: E402
from servers.sshd import make_server as make_sshd  # noqa: E402

from orderport.store.db import make_engine, migrate  # noqa: E402
from orderport.store.lifecycle import upsert_partner  # noqa: E402


@pytest.fixture
def sshd(tmp_path: Path) -> Iterator[SshServer]:
    server = make_sshd(tmp_path / "sshd")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def airflow_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``airflow db migrate`` once; tests copy the resulting home."""
    home = tmp_path_factory.mktemp("airflow-template")
    env = DagEnv(base_env(home), home, "", home)
    result = env.airflow("db", "migrate", timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return home


@pytest.fixture
def dag_env(tmp_path: Path, airflow_template: Path, sshd: SshServer) -> DagEnv:
    airflow_home = tmp_path / "airflow"
    shutil.copytree(airflow_template, airflow_home)
    home = tmp_path / "orderport"
    partners = tmp_path / "partners"
    partners.mkdir()
    (partners / "sftpco.yaml").write_text(sftp_profile(sshd, sshd.known_hosts))
    for sub in ("inbox", "outbox"):
        (sshd.root / sub).mkdir()
    url = f"sqlite:///{tmp_path / 'orderport.db'}"
    engine = make_engine(url)
    try:
        migrate(engine)
        with engine.begin() as conn:
            upsert_partner(conn, "sftpco", "SFTP Co")
    finally:
        engine.dispose()
    env = base_env(airflow_home)
    env.update(
        ORDERPORT_HOME=str(home),
        ORDERPORT_DATABASE_URL=url,
        ORDERPORT_PARTNERS=str(partners),
        **{f"AIRFLOW_CONN_{CONN_ID.upper()}": connection_json(sshd)},
    )
    return DagEnv(env, home, url, partners)
