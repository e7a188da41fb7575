"""Shared helpers for the intake tests: profiles on disk, drops, a subprocess pass runner."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[3] / "sample_files"
RUNNER = Path(__file__).with_name("intake_runner.py")

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

SFTP_PROFILE = """id: {pid}
name: Test SFTP partner {pid}
tier: quick_deploy
channel:
  kind: sftp
  host: {host}
  port: {port}
  username: {user}
  inbox: inbox
  outbox: outbox
  processing: processing
  processed: processed
  failed: failed
  known_hosts: {known_hosts}
  credentials_env: TEST_SFTP
  completeness: {{convention: temp_rename, prefix: ".", suffix: ".part"}}
formats:
  accepted: [csv, json, x12]
edi:
  interchange_id: ACMEBUYER
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
