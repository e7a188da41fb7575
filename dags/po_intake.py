"""PO intake from folder and SFTP channels: every few minutes, per partner channel,
claim -> process batches of file ids (dynamic task mapping) -> deliver the answers.

Interval: Airflow Variable ``orderport_intake_every_minutes`` given in the environment
(``AIRFLOW_VAR_ORDERPORT_INTAKE_EVERY_MINUTES``, default 5). Batch size: Variable
``orderport_intake_batch_size`` (default 50), read when the claim task runs.
"""

from __future__ import annotations

from airflow.sdk import DAG

from orderport.airflow_support.catalog import read_catalog
from orderport.airflow_support.dagkit import dag_kwargs, intake_group
from orderport.airflow_support.defaults import intake_schedule

with DAG(
    dag_id="po_intake",
    schedule=intake_schedule(),
    description="Partner PO files from folders and SFTP into the store, answers back",
    doc_md=__doc__,
    **dag_kwargs("intake", "sftp", "folder"),
):
    for partner in read_catalog().of_kind("folder", "sftp"):
        intake_group(partner)
