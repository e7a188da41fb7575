"""One measurement in a fresh process: ``python -m bench.child '<json spec>'``.

Prints one JSON line: the seconds the work took, the amount of work (lines, bytes or POs) and
the process's peak RSS (``resource.getrusage``), so every figure comes from a clean interpreter.
Imports and set-up happen before the clock starts; only the work itself is timed.
"""

from __future__ import annotations

import gc
import importlib
import json
import resource
import sys
import time
from pathlib import Path
from typing import Any

from bench import floors

_CPU: list[float] = []


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (the intake's reading process,
    ``pipeline.read_ahead``, works for it: its CPU counts)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def _timed(work: Any, *args: Any) -> tuple[float, Any]:
    """Wall seconds of ``work(*args)``; its CPU seconds (with its children's) go to ``_CPU``."""
    cpu = _cpu()
    start = time.perf_counter()
    done = work(*args)
    _CPU.append(_cpu() - cpu)
    return time.perf_counter() - start, done


def _files(spec: dict[str, Any]) -> list[Path]:
    """The spec's one file, or every CSV of its ``folder`` (the many-small-files row)."""
    if spec.get("folder"):
        return sorted(Path(spec["folder"]).glob("*.csv"))
    return [Path(spec["file"])]


def _intake(spec: dict[str, Any]) -> dict[str, Any]:
    """The production path: one ``intake_pass`` over a folder channel (``bench.intake``)."""
    import tempfile

    from bench.intake import BenchIntake
    from orderport.formats import registry
    from orderport.store.db import make_engine
    from orderport.validation.schema_check import schema_validator

    files = _files(spec)
    for name in registry.format_names():
        registry.reader(name)  # import the readers before the clock starts
    schema_validator()  # compiled once per process, like in a long-running worker
    # The engine production builds (airflow_support.tasks, the CLI): pooled connections. A
    # NullPool engine re-opened SQLite for every transaction (~1 ms each: the WAL checkpoint on
    # close), a cost no production pass pays.
    engine = make_engine(spec["db"])
    with tempfile.TemporaryDirectory(prefix="orderport-bench-") as home:
        bench = BenchIntake(Path(home))
        for path in files:
            bench.drop(path)
        gc.freeze()
        seconds, counts = _timed(bench.run, engine)
        result: dict[str, Any] = {
            "seconds": seconds,
            "files": counts.files,
            "lines": counts.lines,
            "pos": counts.pos,
            "bytes": sum(path.stat().st_size for path in files),
            "outcomes": dict(counts.outcomes),
        }
        if spec.get("rerun"):
            for path in files:
                bench.drop(path, f"again-{path.name}", altered=True)
            again_seconds, again = _timed(bench.run, engine)
            result["rerun_seconds"] = again_seconds
            result["rerun_outcomes"] = dict(again.outcomes)
            result["rerun_states"] = dict(again.states)
    engine.dispose()
    return result


_FLOOR_IMPORTS = {
    "csv_postgresql": ("pandas", "psycopg", "psycopg.types.json"),
    "csv_sqlite": ("pandas",),
    "json_postgresql": ("psycopg", "psycopg.types.json"),
    "small_postgresql": ("psycopg", "psycopg.types.json"),
    "xlsx": ("python_calamine",),
}


def _floor(spec: dict[str, Any]) -> dict[str, Any]:
    path, name = Path(spec["file"]), spec["name"]
    for module in _FLOOR_IMPORTS.get(name, ()):
        importlib.import_module(module)  # imports are not part of the floor
    files = _files(spec)
    db = spec.get("db") or ""
    sqlite_file = Path(db.removeprefix("sqlite:///"))
    work: dict[str, tuple[Any, ...]] = {
        "csv_postgresql": (floors.csv_postgresql, path, db),
        "csv_sqlite": (floors.csv_sqlite, path, sqlite_file),
        "json_postgresql": (floors.json_postgresql, path, db),
        "json_sqlite": (floors.json_sqlite, path, sqlite_file),
        "small_postgresql": (floors.small_postgresql, files, db),
        "small_sqlite": (floors.small_sqlite, files, sqlite_file),
        "xlsx": (floors.xlsx, path),
        "x12": (floors.x12, path),
    }
    if name not in work:
        raise ValueError(f"unknown floor {name!r}")
    seconds, amount = _timed(*work[name])
    return {"seconds": seconds, "amount": amount, "bytes": sum(f.stat().st_size for f in files)}


def _schema(spec: dict[str, Any]) -> dict[str, Any]:
    documents = floors.schema_documents(Path(spec["file"]))
    check = floors.reference_validator() if spec["which"] == "reference" else floors.our_validator()
    check(documents[0])  # warm up (lazy compilation, format checkers)

    def validate_all() -> int:
        bad = [doc["po_number"] for doc in documents if not check(doc)]
        if bad:
            raise AssertionError(f"{spec['which']} validator rejects {bad[:3]}")
        return len(documents)

    seconds, amount = _timed(validate_all)
    return {"seconds": seconds, "amount": amount}


def main(argv: list[str]) -> None:
    spec = json.loads(argv[0])
    kind = spec["kind"]
    handler = {"intake": _intake, "floor": _floor, "schema": _schema}[kind]
    result = handler(spec)
    # This process alone; the harness samples the PSS of it and its reading process together.
    result["peak_rss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    result["cpu_seconds"] = _CPU[0]
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
