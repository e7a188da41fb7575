"""The published OpenAPI document is current, and schemathesis finds no server error and no
schema violation against the live server (bounded in examples and time)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from api_harness import ROOT, running_api
from sqlalchemy import Engine

from orderport.api.openapi_export import OPENAPI_PATH, main, openapi_document
from orderport.model.schema_export import render_schema

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


def test_committed_openapi_document_is_current() -> None:
    assert OPENAPI_PATH == ROOT / "schemas" / "openapi.json"
    assert OPENAPI_PATH.read_text(encoding="utf-8") == render_schema(openapi_document())
    assert main(["--check"]) == 0


def test_openapi_document_names_every_seed_api() -> None:
    paths = json.loads(OPENAPI_PATH.read_text(encoding="utf-8"))["paths"]
    for path in (
        "/api/3pl/purchase-orders",
        "/api/3pl/purchase-orders/{orderNo}",
        "/api/3pl/purchase-orders/{orderNo}/approve",
        "/api/3pl/purchase-orders/{orderNo}/cancel",
        "/api/inspectorio/purchase-orders",
        "/api/external/purchaseorders/submit",
        "/api/v1/purchase-orders",
        "/api/v1/files",
        "/api/v1/status-events",
        "/api/v1/booking-confirmations",
        "/api/v1/webhooks",
        "/api/v1/stream",
    ):
        assert path in paths, path


@pytest.mark.integration
def test_schemathesis_finds_no_server_error_and_no_schema_violation(
    sqlite_engine_for_contract: Engine, tmp_path: Path
) -> None:
    with running_api(sqlite_engine_for_contract, tmp_path / "home") as api:
        report = tmp_path / "report"
        run = subprocess.run(
            [
                str(SCHEMATHESIS),
                "run",
                f"{api.base_url}/openapi.json",
                "--header",
                f"Authorization: Bearer {api.keys['threepl']}",
                "--exclude-path",
                "/api/v1/stream",  # an endless stream: tested on its own
                "--checks",
                "not_a_server_error,response_schema_conformance,content_type_conformance,"
                "status_code_conformance",
                "--phases",
                "examples,coverage,fuzzing,stateful",
                "--mode",
                "all",
                "--max-examples",
                "4",
                "--max-time",
                "30",
                "--request-timeout",
                "60",
                "--seed",
                "17",
                "--generation-database",
                "none",
                "--workers",
                "1",
                "--no-color",
                "--warnings",
                "off",
                "--report",
                "junit",
                "--report-dir",
                str(report),
            ],
            capture_output=True,
            text=True,
            timeout=400,
            cwd=tmp_path,  # schemathesis keeps a cache folder where it runs
            env={**os.environ, "SCHEMATHESIS_HOOKS": ""},
            check=False,
        )
    tail = run.stdout[-6000:]
    assert run.returncode == 0, tail
    assert "Failures:" not in run.stdout, tail
