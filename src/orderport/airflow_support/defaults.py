"""Settings the DAG files read at parse time: only environment variables, never the metadata
database, so parsing stays fast and works with the database down.

Airflow also resolves Variables from ``AIRFLOW_VAR_<NAME>`` environment variables, so each knob
here is an Airflow Variable set in the environment, e.g.
``AIRFLOW_VAR_ORDERPORT_INTAKE_EVERY_MINUTES=2``. Knobs read when a task runs (the batch size)
may also live in the metadata database (``airflow variables set``).
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from typing import Any

from orderport.settings import whole_number

START_DATE = datetime(2026, 1, 1)
INTAKE_EVERY_MINUTES = "orderport_intake_every_minutes"
BATCH_SIZE = "orderport_intake_batch_size"
CLAIM_LIMIT = "orderport_intake_claim_limit"
RETRIES = "orderport_task_retries"
NIGHTLY_SCHEDULE = "orderport_nightly_schedule"
DEFAULTS = {
    INTAKE_EVERY_MINUTES: 5,
    BATCH_SIZE: 50,
    CLAIM_LIMIT: 5000,
    RETRIES: 3,
}
MIN_RETRIES = 2


def env_variable(name: str) -> str | None:
    """An Airflow Variable given in the environment (``AIRFLOW_VAR_NAME``)."""
    value = os.environ.get(f"AIRFLOW_VAR_{name.upper()}")
    return value.strip() if value and value.strip() else None


def positive_int(name: str, raw: str | None = None) -> int:
    """The Variable ``name`` (or ``raw``) as a whole number >= 1, else its default."""
    text = raw if raw is not None else env_variable(name)
    if text is None:
        return DEFAULTS[name]
    return whole_number(text, f"Airflow Variable {name} (env AIRFLOW_VAR_{name.upper()})")


def intake_schedule() -> timedelta:
    return timedelta(minutes=positive_int(INTAKE_EVERY_MINUTES))


def nightly_schedule() -> str:
    return env_variable(NIGHTLY_SCHEDULE) or "30 1 * * *"


def default_args(execution_timeout: timedelta) -> dict[str, Any]:
    """Retries with exponential backoff (at least two), and a hard time limit per task."""
    retries = max(MIN_RETRIES, positive_int(RETRIES))
    return {
        "owner": "orderport",
        "retries": retries,
        "retry_delay": timedelta(seconds=30),
        "retry_exponential_backoff": 2.0,
        "max_retry_delay": timedelta(minutes=15),
        "execution_timeout": execution_timeout,
    }
