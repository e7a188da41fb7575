"""Builders the DAG files share: the intake task group per partner channel and the DAG
defaults. Imports only ``airflow.sdk`` and the light catalog/pool/defaults modules, so a DAG
file parses in milliseconds; the pipeline is imported when a task runs.
"""

from __future__ import annotations

from datetime import UTC, timedelta
from typing import Any

from airflow.sdk import TaskGroup, task

from orderport.airflow_support import tasks
from orderport.airflow_support.catalog import PartnerEntry
from orderport.airflow_support.defaults import BATCH_SIZE, CLAIM_LIMIT, START_DATE, default_args
from orderport.airflow_support.pools import pool_for

TAGS = ["orderport"]
CLAIM_TIMEOUT = timedelta(minutes=20)
PROCESS_TIMEOUT = timedelta(minutes=30)
DELIVER_TIMEOUT = timedelta(minutes=15)


def dag_kwargs(*tags: str, timeout: timedelta = PROCESS_TIMEOUT) -> dict[str, Any]:
    """What every Orderport DAG shares: start date, no catch-up, one run at a time, tags."""
    return {
        "start_date": START_DATE.replace(tzinfo=UTC),
        "catchup": False,
        "max_active_runs": 1,
        "tags": [*TAGS, *tags],
        "default_args": default_args(timeout),
    }


@task(execution_timeout=CLAIM_TIMEOUT)
def claim(partner_id: str) -> list[list[int]]:
    """List and claim the partner's complete files; ledger ids in batches."""
    size = tasks.runtime_int(BATCH_SIZE)
    return tasks.claim(partner_id, size, limit=tasks.runtime_int(CLAIM_LIMIT))


@task(execution_timeout=PROCESS_TIMEOUT)
def process(file_ids: list[int]) -> dict[str, int]:
    """Parse, validate and store one batch of files (one transaction per file)."""
    return tasks.process(file_ids)


@task(execution_timeout=DELIVER_TIMEOUT, trigger_rule="none_failed")
def deliver(partner_id: str) -> dict[str, int]:
    """Send the partner's queued answers (997 / CONTRL / result files / status files)."""
    return tasks.deliver(partner_id)


def intake_group(partner: PartnerEntry) -> TaskGroup:
    """claim -> process (mapped over batches of ids) -> deliver, in the partner's pool.

    ``deliver`` runs even when nothing was claimed (zero mapped tasks are "skipped"), so answers
    queued by an earlier run still go out.
    """
    pool = pool_for(partner)
    with TaskGroup(group_id=partner.id, tooltip=f"{partner.kind} intake of {partner.id}") as group:
        batches = claim.override(pool=pool)(partner.id)
        done = process.override(pool=pool).expand(file_ids=batches)
        done >> deliver.override(pool=pool)(partner.id)
    return group
