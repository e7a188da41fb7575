"""Issue 15: the demo's closing hint is one line that works when pasted, without a virtualenv."""

from __future__ import annotations

import io
import os
import subprocess
from pathlib import Path

from rich.console import Console

from orderport.pipeline.demo import run_demo

ROOT = Path(__file__).resolve().parents[3]


def test_closing_hint_is_one_pasteable_line_without_a_virtualenv(tmp_path: Path) -> None:
    home = tmp_path / "a folder with spaces" / "demo"
    out = io.StringIO()
    assert run_demo(Console(file=out, width=60, force_terminal=False), home) == 0
    lines = out.getvalue().splitlines()
    hint = lines[lines.index("Look closer (paste as one line; no virtualenv needed):") + 1]
    assert hint.endswith(" files")
    env = {
        "PATH": "/usr/bin:/bin",  # no virtualenv on PATH, none activated
        "PYTHONPATH": str(ROOT / "src"),
        "COLUMNS": "100",
        "HOME": os.environ.get("HOME", "/root"),
    }
    ran = subprocess.run(
        ["/bin/sh", "-c", hint], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert ran.returncode == 0, ran.stderr
    assert "inbound files" in ran.stdout
