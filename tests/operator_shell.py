"""Running the installed ``orderport`` command as an operator would: a subprocess, 100 columns.

``PYTHONPATH`` points at this checkout's ``src`` so the command runs the code under test.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_files"
SRC = Path(os.environ.get("ORDERPORT_TEST_CLI_SRC") or ROOT / "src")
"""The source tree the command runs; point it at an old checkout to see a test fail there."""


def orderport_command() -> str:
    """The installed console script next to this interpreter (else on PATH)."""
    beside = Path(sys.executable).parent / "orderport"
    found = str(beside) if beside.exists() else shutil.which("orderport")
    assert found, "the orderport console script is not installed (pip install -e .)"
    return found


@dataclass
class Ran:
    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err


def base_env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ORDERPORT_")}
    env.update(
        PYTHONPATH=str(SRC),
        COLUMNS="100",
        LINES="50",
        TERM="dumb",
        NO_COLOR="1",
        ORDERPORT_HOME=str(home),
    )
    env.update(extra)
    return env


def run(cwd: Path, env: dict[str, str], *args: str, timeout: float = 120) -> Ran:
    done = subprocess.run(
        [orderport_command(), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return Ran(done.returncode, done.stdout, done.stderr)


SHOP_PROFILE = """\
id: shop
name: Shop
tier: quick_deploy
channel:
  kind: folder
  path: drop/shop
  completeness:
    convention: temp_rename
    suffix: .tmp
formats:
  accepted: [csv]
options:
  auto_approve: true
  on_errors: hold
outbound:
  status_formats: [csv]
"""


def shop_partners(folder: Path, extra: dict[str, str] | None = None) -> Path:
    """A partners folder with the folder-channel partner ``shop`` (and ``extra`` profiles)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "shop.yaml").write_text(SHOP_PROFILE)
    for name, text in (extra or {}).items():
        (folder / f"{name}.yaml").write_text(text)
    return folder


def valid_csv(po_number: str, *, approved: bool = True) -> str:
    """One valid PO (the canonical sample's first) under ``po_number`` with its own external id."""
    lines = (SAMPLES / "csv" / "canonical_valid.csv").read_text().splitlines()
    rows = [lines[0]] + [line for line in lines[1:] if line.startswith("PO-1001,")]
    text = "\n".join(rows) + "\n"
    text = text.replace("PO-1001", po_number).replace("EXT-1001", f"E{po_number}")
    return text if approved else text.replace(",yes,no,hold,", ",no,no,hold,")


@dataclass
class Operator:
    """An operator's shell: a working folder, an environment, the ``orderport`` command."""

    cwd: Path
    env: dict[str, str]

    @property
    def home(self) -> Path:
        return Path(self.env["ORDERPORT_HOME"])

    def __call__(self, *args: str, timeout: float = 120) -> Ran:
        return run(self.cwd, self.env, *args, timeout=timeout)

    def drop(self, name: str, text: str, partner: str = "shop") -> Path:
        inbox = self.home / "drop" / partner
        inbox.mkdir(parents=True, exist_ok=True)
        path = inbox / name
        path.write_text(text)
        return path
