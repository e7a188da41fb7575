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


def _timed(work: Any, *args: Any) -> tuple[float, Any]:
    """Wall seconds of ``work(*args)``; its CPU seconds (this process only) go to ``_CPU``."""
    cpu = time.process_time()
    start = time.perf_counter()
    done = work(*args)
    _CPU.append(time.process_time() - cpu)
    return time.perf_counter() - start, done


def _intake(spec: dict[str, Any]) -> dict[str, Any]:
    from sqlalchemy.pool import NullPool

    from bench.intake import ingest
    from orderport.formats import registry
    from orderport.store.db import make_engine
    from orderport.validation.schema_check import schema_validator

    path, fmt = Path(spec["file"]), spec["format"]
    registry.reader(fmt)  # import the reader before the clock starts
    schema_validator()  # compiled once per process, like in a long-running worker
    engine = make_engine(spec["db"], poolclass=NullPool)
    gc.freeze()
    seconds, counts = _timed(ingest, engine, path, fmt, floors.PARTNER)
    result: dict[str, Any] = {
        "seconds": seconds,
        "lines": counts.lines,
        "pos": counts.pos,
        "bytes": path.stat().st_size,
        "outcomes": dict(counts.outcomes),
    }
    if spec.get("rerun"):
        again_seconds, again = _timed(ingest, engine, path, fmt, floors.PARTNER)
        result["rerun_seconds"] = again_seconds
        result["rerun_outcomes"] = dict(again.outcomes)
    engine.dispose()
    return result


_FLOOR_IMPORTS = {
    "csv_postgresql": ("pandas", "psycopg", "psycopg.types.json"),
    "csv_sqlite": ("pandas",),
    "xlsx": ("python_calamine",),
}


def _floor(spec: dict[str, Any]) -> dict[str, Any]:
    path, name = Path(spec["file"]), spec["name"]
    for module in _FLOOR_IMPORTS.get(name, ()):
        importlib.import_module(module)  # imports are not part of the floor
    if name == "csv_postgresql":
        seconds, amount = _timed(floors.csv_postgresql, path, spec["db"])
    elif name == "csv_sqlite":
        seconds, amount = _timed(
            floors.csv_sqlite, path, Path(spec["db"].removeprefix("sqlite:///"))
        )
    elif name == "xlsx":
        seconds, amount = _timed(floors.xlsx, path)
    elif name == "x12":
        seconds, amount = _timed(floors.x12, path)
    elif name == "json":
        seconds, amount = _timed(floors.json_file, path)
    else:
        raise ValueError(f"unknown floor {name!r}")
    return {"seconds": seconds, "amount": amount, "bytes": path.stat().st_size}


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
    result["peak_rss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    result["cpu_seconds"] = _CPU[0]
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
