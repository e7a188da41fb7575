"""Helpers for the DAG tests: an isolated Airflow + Orderport environment and X12 files."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DAGS = REPO / "dags"
AIRFLOW = Path(sys.executable).parent / "airflow"
CONN_ID = "orderport_sftp_test"


SENDER = "ACMEBUYER"
X12_850 = (
    "ISA|00|          |00|          |ZZ|{sender:<15}|ZZ|ORDERPORT      |260301|0930|^|00501|"
    "{control:09d}|0|P|>~GS|PO|{sender}|ORDERPORT|20260301|0930|{control}|X|005010~"
    "ST|850|0001~BEG|00|SA|{po}||20260301~CUR|BY|USD~REF|ZZ|EXT-{po}~"
    "DTM|002|20260401~N1|ST|ACME DC 7|92|0007~N3|100 Harbor Way~N4|Long Beach|CA|90802|US~"
    "N1|BY|ACME Retail|92|ACME~N1|VN|Widget Works|92|WW-01~"
    "PO1|1|24|EA|2.50||UP|036000291452|VN|WID-001|IN|000123~PID|F||||Blue widget~"
    "PO1|2|10.5|CS|12||SK|SKU-0002|UP|012345678905~PID|F||||Red widget~"
    "CTT|2|34.5~SE|{segments}|0001~GE|1|{control}~IEA|1|{control:09d}~"
)


def x12_850(po_number: str, control: int, sender: str = SENDER) -> bytes:
    """A small X12 005010 850 from ``sender`` with its own PO number and control numbers."""
    text = X12_850.format(sender=sender, control=control, po=po_number, segments=0)
    body = text[text.index("ST|") : text.index("GE|")]
    segments = body.count("~")
    return X12_850.format(sender=sender, control=control, po=po_number, segments=segments).encode()


def sftp_profile(server: object, known_hosts: Path) -> str:
    s = server
    return f"""id: sftpco
name: SFTP Co (test partner)
edi:
  qualifier: ZZ
  interchange_id: {SENDER}
tier: quick_deploy
channel:
  kind: sftp
  host: {s.host}
  port: {s.port}
  username: {s.username}
  inbox: inbox
  outbox: outbox
  processing: processing
  processed: processed
  failed: failed
  known_hosts: {known_hosts}
  connection_id: {CONN_ID}
  completeness:
    convention: temp_rename
    prefix: "."
formats:
  accepted: [x12]
outbound:
  status_formats: [json]
  acknowledgment: true
  schedule: "0 * * * *"
"""


@dataclass
class DagEnv:
    """Environment variables for Airflow subprocesses, and where things are."""

    env: dict[str, str]
    home: Path
    database_url: str
    partners: Path
    logs: list[str] = field(default_factory=list)

    def airflow(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [str(AIRFLOW), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        self.logs.append(result.stdout[-20000:] + result.stderr[-20000:])
        return result

    def dags_test(self, dag_id: str, *extra: str) -> subprocess.CompletedProcess[str]:
        result = self.airflow("dags", "test", dag_id, *extra)
        if result.returncode != 0:
            raise AssertionError(
                f"airflow dags test {dag_id} failed ({result.returncode}):\n"
                + (result.stdout + result.stderr)[-6000:]
            )
        return result


def base_env(airflow_home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "ORDERPORT"))}
    env.update(
        AIRFLOW_HOME=str(airflow_home),
        AIRFLOW__CORE__DAGS_FOLDER=str(DAGS),
        AIRFLOW__CORE__LOAD_EXAMPLES="False",
        AIRFLOW__DATABASE__SQL_ALCHEMY_CONN=f"sqlite:///{airflow_home / 'airflow.db'}",
        AIRFLOW__CORE__UNIT_TEST_MODE="False",
    )
    return env


def connection_json(server: object) -> str:
    s = server
    return json.dumps(
        {
            "conn_type": "sftp",
            "host": s.host,  # type: ignore[attr-defined]
            "port": s.port,  # type: ignore[attr-defined]
            "login": s.username,  # type: ignore[attr-defined]
            "extra": {"key_file": str(s.key_path)},  # type: ignore[attr-defined]
        }
    )


def copy_tree(src: Path, dst: Path) -> None:
    shutil.copytree(src, dst, dirs_exist_ok=True)


def sftp_partner_on_store(tmp_path: Path, sshd: object, store_url: str) -> Path:
    """The ``sftpco`` profile under ``tmp_path/partners`` (returned), its inbox and outbox on the
    sshd, and a migrated store at ``store_url`` that knows the partner."""
    from orderport.store.db import make_engine, migrate
    from orderport.store.lifecycle import upsert_partner

    partners = tmp_path / "partners"
    partners.mkdir()
    (partners / "sftpco.yaml").write_text(sftp_profile(sshd, sshd.known_hosts))  # type: ignore[attr-defined]
    for sub in ("inbox", "outbox"):
        (sshd.root / sub).mkdir()  # type: ignore[attr-defined]
    engine = make_engine(store_url)
    migrate(engine)
    with engine.begin() as conn:
        upsert_partner(conn, "sftpco", "SFTP Co")
    engine.dispose()
    return partners


def server_env(airflow_home: Path, meta_url: str, port: int) -> dict[str, str]:
    """``base_env`` for the real api-server, scheduler and dag-processor: PostgreSQL metadata
    (psycopg 3, which does async too), the api-server on ``port``, fast heartbeats and parsing."""
    env = base_env(airflow_home)
    env.update(
        AIRFLOW__DATABASE__SQL_ALCHEMY_CONN=meta_url.replace(
            "postgresql://", "postgresql+psycopg://", 1
        ),
        AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_ASYNC=meta_url.replace(
            "postgresql://", "postgresql+psycopg_async://", 1
        ),
        AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION="True",
        AIRFLOW__CORE__EXECUTION_API_SERVER_URL=f"http://127.0.0.1:{port}/execution/",
        AIRFLOW__API__HOST="127.0.0.1",
        AIRFLOW__API__PORT=str(port),
        AIRFLOW__API__WORKERS="1",
        AIRFLOW__API_AUTH__JWT_SECRET=secrets.token_urlsafe(32),
        AIRFLOW__API__SECRET_KEY=secrets.token_urlsafe(32),
        AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC="1",
        AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL="5",
        AIRFLOW__DAG_PROCESSOR__MIN_FILE_PROCESS_INTERVAL="5",
    )
    return env
