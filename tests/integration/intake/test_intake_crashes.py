"""Issue 12: a file that kills its worker, a pass killed anywhere, leftovers of dead processes.

Every pass runs in its own process (the tests kill it); the next pass must finish every file
at once, not after ``--reclaim-after``, and leave no partial file in a partner's folder.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from intake_helpers import FOLDER_PROFILE, RUNNER, SAMPLES, drop, run_pass, write_profile

from orderport.store import ledger
from orderport.store.ledger import FileState
from orderport.store.tables import outbox

POISON_RUNNER = Path(__file__).with_name("poison_runner.py")
VALID_CSV = (SAMPLES / "csv" / "canonical_valid.csv").read_bytes()
SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
pytestmark = pytest.mark.integration


def numbered(i: int) -> bytes:
    return VALID_CSV.replace(b"PO-1001", f"PO-7{i:03d}".encode()).replace(
        b"PO-1002", f"PO-6{i:03d}".encode()
    )


@pytest.fixture
def two_partners(tmp_path: Path, database_url: str):
    partners = tmp_path / "partners"
    for pid in ("acme", "beta"):
        write_profile(partners, pid, FOLDER_PROFILE.format(pid=pid, cap=5_000_000))
    home = tmp_path / "home"
    return database_url, home, partners


def poisoned_pass(url: str, home: Path, partners: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ORDERPORT_PARTNERS": str(partners)}
    env.pop("ORDERPORT_CRASH_AT", None)
    return subprocess.run(
        [sys.executable, str(POISON_RUNNER), url, str(home)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def rows(engine) -> dict[str, ledger.LedgerRow]:
    with engine.connect() as conn:
        return {r.original_name: r for r in ledger.list_files(conn)}


@SQLITE_ONLY
def test_a_file_that_kills_its_worker_is_failed_answered_and_blocks_no_one(engine, two_partners):
    url, home, partners = two_partners
    drop(home / "drop" / "acme", "a-poison.csv", numbered(1))
    drop(home / "drop" / "acme", "b-good.csv", numbered(2))
    drop(home / "drop" / "beta", "c-other.csv", numbered(3))
    first = poisoned_pass(url, home, partners)
    assert first.returncode == -signal.SIGABRT
    second = poisoned_pass(url, home, partners)
    assert second.returncode == -signal.SIGABRT
    # The second pass took the dead pass's claims back at once and did the others first.
    found = rows(engine)
    assert found["b-good.csv"].state is FileState.STORED
    assert found["c-other.csv"].state is FileState.STORED
    assert found["a-poison.csv"].detail[ledger.CRASHES_KEY] == 1
    assert next(p.name for p in (home / "drop" / "beta" / "processed").iterdir()).endswith(
        "c-other.csv"
    )
    assert poisoned_pass(url, home, partners).returncode == -signal.SIGABRT
    last = poisoned_pass(url, home, partners)
    assert last.returncode == 0, last.stderr[-2000:]
    poison = rows(engine)["a-poison.csv"]
    assert poison.state is FileState.FAILED
    assert "stopped our intake process 3 times" in (poison.error or "")
    assert poison.detail["answered"] is True
    assert len(list((home / "drop" / "acme" / "failed").iterdir())) == 1
    with engine.connect() as conn:
        contents = [r.content for r in conn.execute(outbox.select()) if r.partner_id == "acme"]
    assert any(b"stopped our intake process" in c for c in contents)
    assert not any(b"Traceback" in c or b"Error:" in c for c in contents)


@SQLITE_ONLY
def test_memory_error_fails_the_file_with_a_plain_reason_and_an_answer(engine, two_partners):
    url, home, partners = two_partners
    drop(home / "drop" / "acme", "hog.csv", numbered(1))
    done = poisoned_pass(url, home, partners)
    assert done.returncode == 0, done.stderr[-2000:]
    hog = rows(engine)["hog.csv"]
    assert hog.state is FileState.FAILED
    assert hog.error is not None
    assert "MemoryError" not in hog.error
    assert "more memory than one file may use" in hog.error
    assert hog.detail["internal_error"].startswith("MemoryError")
    with engine.connect() as conn:
        contents = [r.content for r in conn.execute(outbox.select())]
    assert any(b"more memory than one file may use" in c for c in contents)


@pytest.mark.parametrize("point", ["after_channel_claim", "after_ledger_insert"])
def test_the_next_pass_finishes_what_a_killed_pass_left(engine, two_partners, point):
    """Killed after the rename into processing/ (no ledger row yet) or after the ledger row:
    the old code left the file invisible or ``claimed`` for an hour."""
    url, home, partners = two_partners
    inbox = home / "drop" / "acme"
    drop(inbox, "orders.csv", numbered(1))
    killed = run_pass(url, home, partners, crash_at=point)
    assert killed.returncode == -signal.SIGKILL
    done = run_pass(url, home, partners)
    assert done.returncode == 0, done.stderr[-2000:]
    found = rows(engine)
    assert found["orders.csv"].state is FileState.STORED
    assert list((inbox / "processing").iterdir()) == []
    assert len(list((inbox / "processed").iterdir())) == 1


def _outbox_temporaries(home: Path) -> list[Path]:
    return [p for p in (home / "drop").glob("*/outbox/*") if p.name.endswith(".tmp")]


@SQLITE_ONLY
def test_partial_delivery_of_a_dead_process_is_removed_next_pass(engine, two_partners):
    url, home, partners = two_partners
    inbox = home / "drop" / "acme"
    drop(inbox, "orders.csv", numbered(1))
    # A dead process's partial upload (its owner tag registered, its pid gone).
    dead = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; from orderport.channels.names import "
            "owner_tag, temporary_name; from orderport.pipeline.crash_recovery import "
            "register_owner; register_owner(Path(sys.argv[1])); "
            "print(temporary_name('acme_result_csv_0000000009.csv'))",
            str(home),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    (inbox / "outbox").mkdir(parents=True, exist_ok=True)
    partial = inbox / "outbox" / dead.stdout.strip()
    partial.write_bytes(b"half a fi")
    done = run_pass(url, home, partners)
    assert done.returncode == 0, done.stderr[-2000:]
    assert not partial.exists()
    assert _outbox_temporaries(home) == []


def _kill_at_random(url: str, home: Path, partners: Path, delay: float) -> int:
    env = {**os.environ, "ORDERPORT_PARTNERS": str(partners)}
    env.pop("ORDERPORT_CRASH_AT", None)
    proc = subprocess.Popen(
        [sys.executable, str(RUNNER), url, str(home)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    return proc.wait(timeout=60)


@SQLITE_ONLY
def test_kill_anywhere_then_one_clean_pass_finishes_everything(engine, two_partners):
    """SIGKILL at every crash hook and at random moments; then one pass finishes every file:
    each stored once, every source moved, no claim left, no partial file in an outbox."""
    url, home, partners = two_partners
    names = []
    for i in range(8):
        pid = "acme" if i % 2 else "beta"
        names.append(f"orders-{i}.csv")
        drop(home / "drop" / pid, names[-1], numbered(i))
    for point in ("after_channel_claim", "after_ledger_insert", "after_commit", "after_deliver"):
        run_pass(url, home, partners, crash_at=point)
    rng = random.Random(12)
    for _ in range(2):
        _kill_at_random(url, home, partners, rng.uniform(0.3, 2.5))
    done = run_pass(url, home, partners)
    assert done.returncode == 0, done.stderr[-2000:]
    found = rows(engine)
    assert sorted(found) == sorted(names)
    assert {r.state for r in found.values()} <= {FileState.STORED, FileState.HELD}
    assert all(r.finished_at is not None for r in found.values())
    for pid in ("acme", "beta"):
        assert list((home / "drop" / pid / "processing").iterdir()) == []
        assert len(list((home / "drop" / pid / "processed").iterdir())) == 4
    assert _outbox_temporaries(home) == []
    with engine.connect() as conn:
        assert conn.execute(outbox.select().where(outbox.c.sent_at.is_(None))).first() is None
    work = home / "work"
    assert not work.exists() or all(not any(d.iterdir()) for d in work.iterdir())
