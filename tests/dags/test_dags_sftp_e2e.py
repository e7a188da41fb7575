"""`airflow dags test` end to end: files dropped with OpenSSH's sftp become POs, the 997s land in
the partner's outbox, and status files follow after status_export."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from dags_support import DagEnv, x12_850
from sqlalchemy import func, select

from orderport.store.db import make_engine
from orderport.store.tables import inbound_files, outbox, purchase_orders

pytestmark = pytest.mark.integration


def drop(sshd: object, files: dict[str, bytes], staging: Path) -> None:
    """Upload under a dot name and rename, as the partner's temp_rename convention says."""
    staging.mkdir(exist_ok=True)
    commands = []
    for name, data in files.items():
        (staging / name).write_bytes(data)
        commands += [f"put {staging / name} inbox/.{name}", f"rename inbox/.{name} inbox/{name}"]
    sshd.sftp_batch("\n".join(commands) + "\n")  # type: ignore[attr-defined]


def test_intake_then_status_export(dag_env: DagEnv, sshd: object, tmp_path: Path) -> None:
    files = {f"po-{n}.edi": x12_850(f"77000{n}", 900 + n) for n in range(3)}
    drop(sshd, files, tmp_path / "staging")
    root: Path = sshd.root  # type: ignore[attr-defined]

    dag_env.dags_test("po_intake")

    engine = make_engine(dag_env.database_url)
    try:
        with engine.connect() as conn:
            numbers = set(conn.execute(select(purchase_orders.c.po_number)).scalars())
            states = list(conn.execute(select(inbound_files.c.state)).scalars())
            sent = conn.execute(
                select(func.count()).select_from(outbox).where(outbox.c.state == "sent")
            ).scalar_one()
    finally:
        engine.dispose()
    assert numbers == {"770000", "770001", "770002"}
    assert sorted(states) == ["stored"] * 3
    assert sorted(p.name for p in (root / "processed").iterdir()) != []
    assert list((root / "inbox").iterdir()) == []
    acks = sorted((root / "outbox").iterdir())
    assert len(acks) == sent == 3
    for ack in acks:
        text = ack.read_text()
        assert text.startswith("ISA")
        assert "ST*997" in text.replace("|", "*")

    dag_env.dags_test("status_export_sftpco")

    status_files = [p for p in (root / "outbox").iterdir() if p not in acks]
    assert status_files, "status_export wrote no status file to the SFTP outbox"
    documents = [json.loads(p.read_text()) for p in status_files]
    mentioned = json.dumps(documents)
    for number in ("770000", "770001", "770002"):
        assert number in mentioned

    # The nightly batch sweeps the (now empty) channel, retries, purges and writes the report
    today = datetime.now(UTC).date().isoformat()
    dag_env.dags_test("nightly_batch", "--conf", json.dumps({"report_day": today}))
    report = json.loads((dag_env.home / "reports" / f"nightly-{today}.json").read_text())
    partner = next(p for p in report["partners"] if p["partner_id"] == "sftpco")
    assert partner["files_received"] == 3
    assert partner["pos"]["created"] == 3
    assert partner["files_sent_by_kind"]
    assert partner["status_files_sent"] == len(status_files)
    assert (dag_env.home / "reports" / f"nightly-{today}.html").is_file()
    assert (dag_env.home / "reports" / f"demand-{today}.csv").is_file()
