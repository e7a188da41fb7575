"""The benchmark harness end to end at a tiny size: every row present, every ratio a number.

Not a timed test: it proves ``python -m bench`` runs on a fresh checkout (both databases, all
formats, the floors and the JSON Schema line), not that the targets are met.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORMATS = ("csv", "xlsx", "x12", "json", "small")
SMALL = 12
DATABASES = ("sqlite", "postgresql")


def _table(output: str) -> dict[tuple[str, str], dict[str, str]]:
    lines = [line for line in output.splitlines() if line.startswith("| ")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    rows: dict[tuple[str, str], dict[str, str]] = {}
    for line in lines[1:]:
        cells = dict(zip(header, (c.strip() for c in line.strip("|").split("|")), strict=True))
        rows[(cells["format"], cells["db"])] = cells
    return rows


def _number(text: str) -> float:
    value = float(text.replace(",", ""))
    assert math.isfinite(value), text
    return value


@pytest.mark.postgres
def test_bench_harness_prints_every_row_with_numeric_ratios(tmp_path: Path, pg_server: str) -> None:
    env = {**os.environ, "ORDERPORT_TEST_PG_URL": pg_server}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench",
            "--size",
            "600",
            "--runs",
            "1",
            "--data",
            str(tmp_path),
            "--small-files",
            str(SMALL),
            "--json",
            str(tmp_path / "result.json"),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=400,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    rows = _table(done.stdout)
    expected = {(fmt, db) for fmt in FORMATS for db in DATABASES} | {("jsonschema", "-")}
    assert set(rows) == expected
    for (fmt, _db), cells in rows.items():
        assert _number(cells["ratio"]) > 0
        assert _number(cells["rate"]) > 0
        assert _number(cells["floor rate"]) > 0
        assert cells["unit"] == {"x12": "MB/s", "jsonschema": "POs/s"}.get(fmt, "lines/s")
    # Every intake row ran the production path: an intake pass over a folder channel that
    # recorded each dropped file in the ledger (one file, or SMALL small ones) and stored it.
    result = json.loads((tmp_path / "result.json").read_text())
    for row in result["rows"]:
        (run,) = row["runs"]
        assert run["files"] == (SMALL if row["format"] == "small" else 1), row["format"]
        assert run["outcomes"].get("created", 0) > 0, row["format"]
        # The re-run: the same POs under another file hash. Each PO is a duplicate; an X12
        # interchange already received makes the whole file a duplicate before any PO.
        resent = {} if row["format"] == "x12" else {"duplicate": run["pos"]}
        assert run["rerun_outcomes"] == resent, row["format"]
    assert {p.suffix for p in tmp_path.glob("pos_600.*")} == {".csv", ".xlsx", ".edi", ".json"}


def test_bench_refuses_an_unknown_size_with_a_clear_message() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--size", "lots"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "size 'lots': use 10k, 100k, 1m or a number of lines" in done.stderr
