"""Rewrite ``sample_files/<format>/<name>.expected.json`` from what the pipeline reads today.

    .venv/bin/python tests/tools/regen_expected.py [sample_files/x12 ...]

Uses the contract test's own reading code, so what is written is exactly what the test compares.
Keeps each file's ``settings``, ``stored`` and ``format`` keys; adds every finding's message for the
reviewer. Review the diff by hand: the expected files are the contract.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("contract", ROOT / "tests" / "test_sample_files.py")
assert _spec
assert _spec.loader
contract = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(contract)

KEPT = ("format", "settings", "stored")


def expected_for(source: Path, old: dict[str, Any]) -> dict[str, Any]:
    got = contract.read_sample(source, old, with_messages=True)
    spec: dict[str, Any] = {key: old[key] for key in KEPT if key in old}
    spec["documents"] = got["documents"]
    spec["error"] = got["error_message"]
    return spec


def main(folders: list[str]) -> None:
    default = [ROOT / "sample_files" / name for name in ("csv", "xlsx", "json", "x12", "edifact")]
    targets = [Path(f).resolve() for f in folders] or default
    for folder in targets:
        for source in sorted(folder.iterdir()):
            if source.name.endswith(".expected.json") or source.is_dir():
                continue
            out = source.with_name(source.name + ".expected.json")
            old = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
            text = json.dumps(expected_for(source, old), indent=2, ensure_ascii=False)
            out.write_text(text + "\n", encoding="utf-8")
            print("wrote", out.relative_to(ROOT))


if __name__ == "__main__":
    main(sys.argv[1:])
