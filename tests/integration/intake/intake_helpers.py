"""Shared helpers for the intake tests: profiles on disk, drops, a subprocess pass runner."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

SAMPLES = Path(__file__).resolve().parents[3] / "sample_files"
RUNNER = Path(__file__).with_name("intake_runner.py")
T = TypeVar("T")

FOLDER_PROFILE = """id: {pid}
name: Test partner {pid}
tier: quick_deploy
channel:
  kind: folder
  path: drop/{pid}
  max_file_bytes: {cap}
  completeness: {{convention: temp_rename, prefix: ".", suffix: ".tmp"}}
formats:
  accepted: [csv, json, xlsx]
"""


def write_profile(folder: Path, pid: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{pid}.yaml"
    path.write_text(text, encoding="utf-8")
    return folder


def drop(inbox: Path, name: str, data: bytes) -> Path:
    """Write under a temporary name, then rename, as partners using temp_rename do."""
    inbox.mkdir(parents=True, exist_ok=True)
    tmp = inbox / f".{name}.tmp"
    tmp.write_bytes(data)
    target = inbox / name
    os.rename(tmp, target)
    return target


def run_pass(
    url: str,
    home: Path,
    partners: Path,
    *,
    crash_at: str | None = None,
    extra: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.update(extra or {})
    env["ORDERPORT_PARTNERS"] = str(partners)
    env.pop("ORDERPORT_CRASH_AT", None)
    if crash_at:
        env["ORDERPORT_CRASH_AT"] = crash_at
    return subprocess.run(
        [sys.executable, str(RUNNER), url, str(home)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def concurrent_passes(url: str, home: Path, partners: Path, in_process: Callable[[], T]) -> T:
    """Two intake passes at once in two processes: a runner process (one fresh interpreter) is
    started, waits until it has imported everything, then both passes start together."""
    env = dict(os.environ)
    env["ORDERPORT_PARTNERS"] = str(partners)
    env.pop("ORDERPORT_CRASH_AT", None)
    proc = subprocess.Popen(
        [sys.executable, str(RUNNER), url, str(home), "--on-go"],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdin is not None
    assert proc.stdout is not None
    try:
        ready = proc.stdout.readline()
        if ready.strip() != "ready":
            proc.kill()
            _, err = proc.communicate(timeout=30)
            raise AssertionError(f"the runner did not start: {ready!r} {err}")
        proc.stdin.write("go\n")
        proc.stdin.flush()
        mine = in_process()
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    if proc.returncode != 0 or "ERROR" in out:
        raise AssertionError(f"the runner's pass failed ({proc.returncode}): {out}\n{err}")
    return mine
