"""Reading a big file in a second process (``pipeline.read_ahead``) changes no outcome.

The same files go through one intake pass twice, into two fresh stores: once read in the
intake process, once read ahead by a child. File states, every PO's outcome and findings (with
their locations), and every row of the PO tables must be equal. Then the failure paths: a read
error mid-file, a reading process that is killed, a process with threads.
"""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import sys
import threading
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

ROOT = Path(__file__).resolve().parents[3]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.generate import generate, write_csv, write_json, write_xlsx  # noqa: E402
from bench.intake import BenchIntake  # noqa: E402

from orderport.pipeline import read_ahead  # noqa: E402
from orderport.pipeline.intake import FileOutcome  # noqa: E402
from orderport.settings import READ_AHEAD_ENV  # noqa: E402
from orderport.store.db import make_engine, migrate  # noqa: E402
from orderport.store.tables import (  # noqa: E402
    findings,
    po_lines,
    po_versions,
    purchase_orders,
)


def _damaged_csv(path: Path) -> None:
    """The generated CSV with wrong values and one PO's row moved away from the others."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    header, body = rows[0], rows[1:]
    qty, uom = header.index("quantity"), header.index("uom")
    for index in range(3, len(body), 97):
        body[index][qty] = "twelve"
    for index in range(5, len(body), 131):
        body[index][uom] = "BOXES"
    body.append(body.pop(1))  # a row of the first PO, at the end
    out = io.StringIO()
    csv.writer(out).writerows([header, *body])
    path.write_text(out.getvalue(), encoding="utf-8")


def _damaged_json(path: Path) -> None:
    pos = json.loads(path.read_text(encoding="utf-8"))
    for po in pos[::37]:
        po["lines"][0]["quantity"] = "-3"
    for po in pos[::53]:
        po["currency"] = "USDX"
    path.write_text(json.dumps(pos), encoding="utf-8")


@pytest.fixture(autouse=True)
def single_threaded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Earlier tests in the same worker may leave threads behind (an SSH transport, a server);
    the fork would then be refused. The refusal itself has its own test below."""
    monkeypatch.setattr(read_ahead.threading, "active_count", lambda: 1)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("read-ahead")
    pos = list(generate(3_000, seed=7))
    out = {"csv": folder / "orders.csv", "json": folder / "orders.json"}
    write_csv(pos, out["csv"])
    _damaged_csv(out["csv"])
    write_json(pos, out["json"])
    _damaged_json(out["json"])
    out["xlsx"] = folder / "orders.xlsx"
    write_xlsx(pos[:80], out["xlsx"])
    text = out["json"].read_text(encoding="utf-8")
    out["truncated"] = folder / "truncated.json"
    out["truncated"].write_text(text[: len(text) * 2 // 3], encoding="utf-8")
    return out


def _po_rows(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the PO tables, times left out (both stores number their rows alike)."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as conn:
        for table in (purchase_orders, po_versions, po_lines, findings):
            rows = conn.execute(select(table).order_by(*table.primary_key.columns)).all()
            out[table.name] = [
                tuple(v for v in row if not isinstance(v, datetime | date)) for row in rows
            ]
    return out


def _outcomes(outcomes: list[FileOutcome]) -> list[tuple[Any, ...]]:
    summary = []
    for o in outcomes:
        pos = o.result.pos if o.result is not None else []
        summary.append(
            (
                o.original_name,
                o.state,
                str(o.error),
                [
                    (p.po_number, p.outcome, p.lines, [f.model_dump() for f in p.findings])
                    for p in pos
                ],
            )
        )
    return sorted(summary, key=lambda s: s[0])


def _run(
    home: Path, sources: list[Path], monkeypatch: pytest.MonkeyPatch, switch: str
) -> tuple[list[tuple[Any, ...]], dict[str, list[tuple[Any, ...]]]]:
    monkeypatch.setenv(READ_AHEAD_ENV, switch)
    engine = make_engine(f"sqlite:///{home / 'store.db'}")
    migrate(engine)
    bench = BenchIntake(home)
    for source in sources:
        bench.drop(source)
    from orderport.pipeline.intake import intake_pass

    summary = intake_pass(engine, ["bench"], home=home, ctx=bench.context)
    assert not summary.errors
    result = _outcomes(summary.outcomes), _po_rows(engine)
    engine.dispose()
    return result


def test_read_ahead_changes_no_outcome(
    tmp_path: Path, files: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    sources = [files["csv"], files["json"], files["xlsx"], files["truncated"]]
    started: list[str] = []
    real = read_ahead.documents

    def counting(*args: Any, **kwargs: Any) -> Any:
        found = real(*args, **kwargs)
        if found is not None:
            started.append(args[1])
        return found

    sequential = _run(tmp_path / "one", sources, monkeypatch, "0")
    monkeypatch.setattr(read_ahead, "documents", counting)
    parallel = _run(tmp_path / "two", sources, monkeypatch, "1")

    assert sorted(started) == sorted(s.name for s in sources)  # every file was read ahead
    assert parallel[0] == sequential[0]
    assert parallel[1] == sequential[1]
    states = {name: state.value for name, state, *_ in sequential[0]}
    # The damage is seen, so the comparison covers findings, holds and a read error.
    assert states["truncated.json"] == "rejected"
    assert states["orders.csv"] == "held"
    assert states["orders.json"] == "held"
    assert len(sequential[1]["findings"]) > 20


def _read_until_error(docs: Any) -> tuple[int, str]:
    from orderport.formats.base import FormatError

    read = 0
    try:
        for _doc in docs:
            read += 1
    except FormatError as exc:
        return read, str(exc)
    raise AssertionError("no read error")


@pytest.mark.parametrize("cut", [0.3, 0.7])
def test_a_read_error_is_raised_where_the_reader_raised_it(tmp_path: Path, cut: float) -> None:
    from orderport.pipeline.ingest import open_documents

    lines = [json.dumps({"po_number": f"PO{n}", "lines": []}) for n in range(3_000)]
    text = "\n".join(lines)
    broken = tmp_path / "broken.jsonl"
    broken.write_text(text[: int(len(text) * cut)] + "\n{not json\n" + text, encoding="utf-8")
    with broken.open("rb") as stream:
        expected = _read_until_error(open_documents(stream, broken.name).documents)
    docs = read_ahead.documents(broken, broken.name, None)
    assert docs is not None
    assert _read_until_error(docs) == expected


def test_a_killed_reading_process_is_an_error_not_a_short_file(files: dict[str, Path]) -> None:
    docs = read_ahead.documents(files["csv"], "orders.csv", None)
    assert docs is not None
    children = read_ahead.multiprocessing.active_children()
    assert len(children) == 1
    os.kill(children[0].pid, signal.SIGKILL)  # type: ignore[arg-type]
    with pytest.raises(read_ahead.ReadAheadFailed, match=r"orders\.csv: the reading process"):
        list(docs)


def test_a_process_with_threads_reads_in_process(
    files: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.undo()  # the real thread count
    stop = threading.Event()
    worker = threading.Thread(target=stop.wait)
    worker.start()
    try:
        assert read_ahead.documents(files["csv"], "orders.csv", None) is None
    finally:
        stop.set()
        worker.join()


def test_the_switch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(READ_AHEAD_ENV, raising=False)
    assert not read_ahead.wanted("csv", 10**9)  # off unless asked for
    monkeypatch.setenv(READ_AHEAD_ENV, "0")
    assert not read_ahead.wanted("csv", 10**9)
    monkeypatch.setenv(READ_AHEAD_ENV, "1000000")
    assert read_ahead.wanted("csv", 1_000_000)
    assert not read_ahead.wanted("csv", 999_999)
    assert not read_ahead.wanted("x12", 10**9)
    monkeypatch.setenv(READ_AHEAD_ENV, "1")
    assert read_ahead.wanted("json", 1)
