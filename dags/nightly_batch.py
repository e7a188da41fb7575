"""The nightly batch: take back claims whose pass died, sweep every channel, give parked
deliveries another try and send everything queued, raise alerts, purge the archive past its
retention (``ORDERPORT_ARCHIVE_RETENTION_DAYS``), and write the operator's report into
``ORDERPORT_HOME/reports`` (param ``report_day`` overrides the day, default yesterday UTC).

Each step runs even when an earlier one failed (``all_done``): a broken partner server must not
stop the report that tells the operator about it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from airflow.sdk import DAG, Param, get_current_context, task

from orderport.airflow_support import tasks
from orderport.airflow_support.catalog import read_catalog
from orderport.airflow_support.dagkit import dag_kwargs
from orderport.airflow_support.defaults import nightly_schedule
from orderport.airflow_support.pools import pool_for

STEP = timedelta(hours=1)
CATALOG = read_catalog()


@task(execution_timeout=STEP)
def reclaim_stuck() -> int:
    return tasks.reclaim()


@task(execution_timeout=STEP, trigger_rule="all_done")
def sweep(partner_id: str) -> dict[str, int]:
    return tasks.sweep([partner_id])


@task(execution_timeout=STEP, trigger_rule="all_done")
def retry_deliveries() -> dict[str, int]:
    requeued = tasks.requeue_failed_deliveries()
    return {"requeued": requeued, **tasks.deliver(None)}


@task(execution_timeout=STEP, trigger_rule="all_done")
def raise_alerts() -> int:
    return tasks.alerts()


@task(execution_timeout=STEP, trigger_rule="all_done")
def purge_archive() -> dict[str, int]:
    return tasks.purge()


@task(execution_timeout=STEP, trigger_rule="all_done")
def write_report() -> list[str]:
    chosen = get_current_context()["params"].get("report_day")
    if chosen:
        now = datetime.combine(date.fromisoformat(chosen) + timedelta(days=1), time(), UTC)
    else:
        now = datetime.now(UTC)
    return tasks.report(now, [p.id for p in CATALOG.partners])


with DAG(
    dag_id="nightly_batch",
    schedule=nightly_schedule(),
    description="Reclaim, sweep, retry deliveries, alerts, purge the archive, nightly report",
    doc_md=__doc__,
    params={"report_day": Param(None, type=["null", "string"], format="date")},
    **dag_kwargs("nightly", "report", timeout=STEP),
):
    reclaimed = reclaim_stuck()
    sweeps = [
        sweep.override(task_id=f"sweep_{p.id}", pool=pool_for(p))(p.id) for p in CATALOG.partners
    ]
    delivered = retry_deliveries()
    reclaimed >> sweeps >> delivered
    delivered >> raise_alerts() >> purge_archive() >> write_report()
