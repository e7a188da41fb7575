"""The wheel installs into a fresh virtualenv and runs outside the repository (issue 14).

Before, runtime code read ``schemas/inputs/*.json``, the result-file schema and the sample
profiles from the source tree: an installed wheel failed with ``FileNotFoundError`` on the
first Inspectorio file and ``orderport demo`` could not find its files. The build and the
install use uv offline (dependencies come from the uv cache the shared venv was built from).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHAPES = {
    "canonical_valid.json": "4500012345",
    "inspectorio_valid.json": "po_1001",
    "loupe_valid.json": "RET-2026-00042",
    "threepl_valid.json": "PO-100234",
}

pytestmark = pytest.mark.integration


def _uv() -> str:
    beside = Path(sys.executable).parent / "uv"
    found = str(beside) if beside.exists() else shutil.which("uv")
    assert found, "uv is a dev tool of this project (it builds and installs the wheel here)"
    return found


def _run(
    args: list[str], cwd: Path, timeout: int = 180, ok: tuple[int, ...] = (0,)
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ORDERPORT_", "PYTHON"))}
    result = subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert result.returncode in ok, f"{args}: {result.stdout[-2000:]}\n{result.stderr[-3000:]}"
    return result


def test_wheel_runs_demo_and_converts_every_json_shape_outside_the_repo(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc")
    shutil.copytree(ROOT / "src", source / "src", symlinks=True, ignore=ignore)
    shutil.copytree(ROOT / "sample_files", source / "sample_files")
    uv = _uv()
    _run([uv, "build", "--wheel", "--offline", "-o", str(tmp_path / "dist"), "."], source)
    [wheel] = (tmp_path / "dist").glob("orderport-*.whl")
    venv = tmp_path / "venv"
    _run([uv, "venv", "-q", str(venv), "--python", sys.executable], tmp_path)
    python = venv / "bin" / "python"
    _run([uv, "pip", "install", "-q", "-p", str(python), "--offline", str(wheel)], tmp_path)
    orderport = str(venv / "bin" / "orderport")

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    demo = _run([orderport, "demo"], elsewhere)
    assert "store now holds" in demo.stdout
    for name, po_number in SHAPES.items():
        shutil.copy2(ROOT / "sample_files" / "json" / name, elsewhere / name)
        # Exit 1 is "findings": an Inspectorio PO names no ship-to, and with no profile (no
        # default ship-to) it is held for that; every other finding would be a reading failure.
        converted = json.loads(_run([orderport, "convert", name], elsewhere, ok=(0, 1)).stdout)
        assert converted["error"] is None, converted
        assert [po["po_number"] for po in converted["purchase_orders"]] == [po_number]
        assert not [
            f
            for po in converted["purchase_orders"]
            for f in po["findings"]
            if f["severity"] == "error" and f["code"] != "rule.ship_to_required"
        ]
    installed = subprocess.run(
        [str(python), "-c", "import orderport, sys; print(orderport.__file__)"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert installed.startswith(str(venv))
