"""Run in a subprocess: import each DAG file (one forked child each, so they cannot see each
other's modules) with the network forbidden; print one JSON line per file.

Airflow itself is imported first (the dag-processor has it loaded already); what is timed is
the DAG file: its own imports and building its DAGs.
"""

from __future__ import annotations

import importlib.util
import json
import os
import socket
import sys
import time

# Loaded before timing: the dag-processor has these after parsing its first DAG file.
import airflow.providers.standard.decorators.python
import airflow.sdk  # noqa: F401
from airflow.sdk import DAG, TaskGroup, task  # noqa: F401


class NetworkTouched(RuntimeError):
    pass


def _forbid(*args: object, **kwargs: object) -> None:
    raise NetworkTouched(f"network access at DAG import time: {args!r}")


def probe(path: str) -> dict[str, object]:
    socket.socket.connect = _forbid  # type: ignore[method-assign,assignment]
    socket.socket.connect_ex = _forbid  # type: ignore[method-assign,assignment]
    socket.create_connection = _forbid  # type: ignore[assignment]
    socket.getaddrinfo = _forbid  # type: ignore[assignment]
    from airflow.sdk.definitions._internal.contextmanager import DagContext

    before = set(sys.modules)
    start = time.perf_counter()
    spec = importlib.util.spec_from_file_location("dag_under_test", path)
    assert spec
    assert spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["dag_under_test"] = module
    DagContext.current_autoregister_module_name = "dag_under_test"
    spec.loader.exec_module(module)
    elapsed = time.perf_counter() - start
    seen = {dag.dag_id: dag for dag, _ in DagContext.autoregistered_dags}
    return {
        "file": path,
        "seconds": elapsed,
        "new_modules": sorted(set(sys.modules) - before),
        "dags": {d.dag_id: _describe(d) for d in seen.values()},
    }


def _describe(d: DAG) -> dict[str, object]:
    return {
        "tags": sorted(d.tags),
        "max_active_runs": d.max_active_runs,
        "catchup": d.catchup,
        "tasks": {
            t.task_id: {
                "retries": t.retries,
                "backoff": float(t.retry_exponential_backoff),
                "timeout": t.execution_timeout.total_seconds() if t.execution_timeout else None,
                "pool": t.pool,
                "mapped": bool(getattr(t, "is_mapped", False)),
            }
            for t in d.tasks
        },
    }


for dag_file in sys.argv[1:]:
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        try:
            text = json.dumps(probe(dag_file))
        except BaseException as exc:  # reported to the parent, which fails the test
            text = json.dumps({"file": dag_file, "error": f"{type(exc).__name__}: {exc}"})
        with os.fdopen(write_end, "w") as out:
            out.write(text)
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as result:
        print(result.read(), flush=True)
    os.waitpid(pid, 0)
