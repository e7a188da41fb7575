"""PO intake from mailboxes (IMAP): the same claim -> process batches -> deliver per partner,
in the ``orderport_imap`` pool. Replies go out by SMTP (``ORDERPORT_SMTP_HOST``).
"""

from __future__ import annotations

from airflow.sdk import DAG

from orderport.airflow_support.catalog import read_catalog
from orderport.airflow_support.dagkit import dag_kwargs, intake_group
from orderport.airflow_support.defaults import intake_schedule

with DAG(
    dag_id="email_intake",
    schedule=intake_schedule(),
    description="Partner PO e-mails (IMAP) into the store, replies by SMTP",
    doc_md=__doc__,
    **dag_kwargs("intake", "imap"),
):
    for partner in read_catalog().of_kind("imap"):
        intake_group(partner)
