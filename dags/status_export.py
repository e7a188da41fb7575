"""Order-status and booking-confirmation files, one DAG per partner on the profile's
``outbound.schedule`` (cron): export (status events and bookings since the last export, queued
in the outbox in one transaction) -> deliver. A partner with status or booking files but no
schedule gets a DAG without a schedule, to trigger by hand.
"""

from __future__ import annotations

from airflow.sdk import DAG, task

from orderport.airflow_support import tasks
from orderport.airflow_support.catalog import read_catalog
from orderport.airflow_support.dagkit import DELIVER_TIMEOUT, dag_kwargs, deliver
from orderport.airflow_support.pools import pool_for


@task(execution_timeout=DELIVER_TIMEOUT)
def export(partner_id: str) -> dict[str, int]:
    """Queue the partner's status and booking files in the outbox."""
    return tasks.export(partner_id)


for partner in read_catalog().partners:
    if not partner.exports:
        continue
    with DAG(
        dag_id=f"status_export_{partner.id}",
        schedule=partner.export_schedule,
        description=f"Status and booking files for {partner.id}",
        doc_md=__doc__,
        **dag_kwargs("status", f"partner:{partner.id}", timeout=DELIVER_TIMEOUT),
    ):
        export(partner.id) >> deliver.override(pool=pool_for(partner))(partner.id)
