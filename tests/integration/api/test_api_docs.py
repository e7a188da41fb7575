"""Every curl example in docs/api.md runs against a live server and answers as documented."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from api_harness import ROOT, running_api
from sqlalchemy import Engine

pytestmark = pytest.mark.integration

DOC = ROOT / "docs" / "api.md"
EXAMPLE = re.compile(r"```bash\n(?P<script>.*?)```\n<!-- expect: (?P<expect>.*?) -->", re.S)


def test_every_documented_example_is_executed() -> None:
    examples = EXAMPLE.findall(DOC.read_text(encoding="utf-8"))
    blocks = DOC.read_text(encoding="utf-8").count("```bash")
    assert len(examples) == blocks >= 12  # no example without its expectation


def test_docs_curl_examples_run_against_a_live_server(
    sqlite_engine_for_contract: Engine, tmp_path: Path
) -> None:
    with running_api(sqlite_engine_for_contract, tmp_path / "home") as api:
        env = {
            **os.environ,
            "ORDERPORT_URL": api.base_url,
            "THREEPL_KEY": api.keys["threepl"],
            "INSPECTORIO_KEY": api.keys["inspectorio"],
            "LOUPE_KEY": api.keys["loupe"],
            "ACME_KEY": api.keys["acme"],
            "ANALYST_KEY": api.keys["analyst"],
        }
        for script, expect in EXAMPLE.findall(DOC.read_text(encoding="utf-8")):
            run = subprocess.run(
                ["bash", "-euo", "pipefail", "-c", script],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )
            assert run.returncode == 0, (script, run.stderr)
            assert expect in run.stdout, (script, run.stdout[-2000:])
