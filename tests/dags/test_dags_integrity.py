"""Every DAG file imports without errors and without the network, fast, and is configured as the
operators rely on: tags, retries with backoff, time limits, pools, one run at a time."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from dags_support import DAGS, base_env

PROBE = Path(__file__).with_name("dag_probe.py")
DAG_FILES = sorted(DAGS.glob("*.py"))
IMPORT_BUDGET_SECONDS = 1.0
HEAVY = ("pydantic", "paramiko", "orderport.store", "orderport.pipeline", "orderport.partners")


@pytest.fixture(scope="module")
def probed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """Each DAG file probed in a forked child of one process, with the sample partners."""
    env = base_env(tmp_path_factory.mktemp("airflow-home"))
    env["ORDERPORT_PARTNERS"] = str(DAGS.parent / "sample_files" / "partners")
    proc = subprocess.run(
        [sys.executable, str(PROBE), *map(str, DAG_FILES)],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    results = {}
    for line in proc.stdout.splitlines():
        if line.startswith("{"):
            found = json.loads(line)
            assert "error" not in found, found
            results[Path(found["file"]).name] = found
    assert set(results) == {p.name for p in DAG_FILES}
    return results


def test_the_dag_files_exist() -> None:
    names = {p.name for p in DAG_FILES}
    assert {"po_intake.py", "email_intake.py", "status_export.py", "nightly_batch.py"} <= names


def test_each_dag_file_imports_fast_without_heavy_modules(probed: dict[str, dict]) -> None:
    for name, result in probed.items():
        assert result["seconds"] < IMPORT_BUDGET_SECONDS, (name, result["seconds"])
        heavy = [m for m in result["new_modules"] if m.startswith(HEAVY)]
        assert heavy == [], f"{name} imports {heavy[:5]} at parse time"


def test_expected_dags_with_tags_retries_and_timeouts(probed: dict[str, dict]) -> None:
    dags = {k: v for r in probed.values() for k, v in r["dags"].items()}
    expected = {"po_intake", "email_intake", "nightly_batch", "status_export_initech"}
    assert expected <= set(dags)
    for dag_id, dag in dags.items():
        assert "orderport" in dag["tags"], dag_id
        assert dag["max_active_runs"] == 1, dag_id
        assert dag["catchup"] is False, dag_id
        assert dag["tasks"], dag_id
        for task_id, t in dag["tasks"].items():
            assert t["retries"] >= 2, (dag_id, task_id)
            assert t["backoff"] > 1, (dag_id, task_id)
            assert (t["timeout"] or 0) > 0, (dag_id, task_id)


def test_intake_maps_over_batches_in_a_pool_per_sftp_host(probed: dict[str, dict]) -> None:
    tasks = probed["po_intake.py"]["dags"]["po_intake"]["tasks"]
    # one group per folder/SFTP partner of the samples; processing is the mapped task
    assert tasks["initech.process"]["mapped"] is True
    assert tasks["initech.claim"]["mapped"] is False
    assert tasks["initech.claim"]["pool"] == "orderport_sftp_sftp_orderport_example_2222"
    assert tasks["globex.process"]["pool"] == "orderport_sftp_sftp_globex_example"
    assert tasks["acme.claim"]["pool"] == "default_pool"
    assert "loupe.claim" not in tasks  # IMAP partners are the email_intake DAG's
    email = probed["email_intake.py"]["dags"]["email_intake"]["tasks"]
    assert email["loupe.claim"]["pool"] == "orderport_imap"


def test_status_export_follows_each_profile_schedule(probed: dict[str, dict]) -> None:
    dags = probed["status_export.py"]["dags"]
    assert "status_export_analysts" not in dags  # no status or booking files configured
    assert {"export", "deliver"} == set(dags["status_export_acme"]["tasks"])
