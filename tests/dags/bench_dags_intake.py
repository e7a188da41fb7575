"""Measure one `airflow dags test po_intake` run over N files dropped on the real OpenSSH server.

Not collected by pytest (slow). Run: ``.venv/bin/python tests/dags/bench_dags_intake.py 1000 50``
(files, batch size). Prints the wall time of the DAG run, the mapped task count and the store's
PO count.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "integration"))

from dags_support import CONN_ID, DagEnv, base_env, connection_json, sftp_profile, x12_850  # noqa: E402
from servers.sshd import make_server  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from orderport.store.db import make_engine, migrate  # noqa: E402
from orderport.store.lifecycle import upsert_partner  # noqa: E402
from orderport.store.tables import inbound_files, purchase_orders  # noqa: E402


def main(count: int, batch_size: int) -> None:
    base = Path(tempfile.mkdtemp(prefix="orderport-dag-bench-"))
    server = make_server(base / "sshd")
    try:
        partners = base / "partners"
        partners.mkdir()
        (partners / "sftpco.yaml").write_text(sftp_profile(server, server.known_hosts))
        inbox = server.root / "inbox"
        inbox.mkdir()
        (server.root / "outbox").mkdir()
        for n in range(count):
            tmp = inbox / f".po-{n:05d}.edi"
            tmp.write_bytes(x12_850(f"9{n:07d}", 10_000 + n))
            os.rename(tmp, inbox / f"po-{n:05d}.edi")
        url = f"sqlite:///{base / 'orderport.db'}"
        engine = make_engine(url)
        migrate(engine)
        with engine.begin() as conn:
            upsert_partner(conn, "sftpco", "SFTP Co")
        airflow_home = base / "airflow"
        env = DagEnv(base_env(airflow_home), base / "home", url, partners)
        env.env.update(
            ORDERPORT_HOME=str(base / "home"),
            ORDERPORT_DATABASE_URL=url,
            ORDERPORT_PARTNERS=str(partners),
            AIRFLOW_VAR_ORDERPORT_INTAKE_BATCH_SIZE=str(batch_size),
            **{f"AIRFLOW_CONN_{CONN_ID.upper()}": connection_json(server)},
        )
        assert env.airflow("db", "migrate").returncode == 0
        start = time.perf_counter()
        env.dags_test("po_intake")
        wall = time.perf_counter() - start
        with sqlite3.connect(airflow_home / "airflow.db") as meta:
            mapped = meta.execute(
                "SELECT count(*) FROM task_instance WHERE task_id = 'sftpco.process' "
                "AND map_index >= 0"
            ).fetchone()[0]
        with engine.connect() as conn:
            pos = conn.execute(select(func.count()).select_from(purchase_orders)).scalar_one()
            files = conn.execute(select(func.count()).select_from(inbound_files)).scalar_one()
        acks = len(list((server.root / "outbox").iterdir()))
        print(
            f"files={count} batch_size={batch_size} dag_run_wall_seconds={wall:.1f} "
            f"mapped_process_tasks={mapped} ledger_rows={files} pos={pos} acks_delivered={acks}"
        )
    finally:
        server.stop()
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main(
        int(sys.argv[1]) if len(sys.argv) > 1 else 1000,
        int(sys.argv[2]) if len(sys.argv) > 2 else 50,
    )
