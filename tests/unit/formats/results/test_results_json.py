"""render_result_json: the published schema describes every file we render."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
from sqlalchemy import Engine

from orderport.formats.results import SCHEMA_ID, SCHEMA_PATH, render_result_json
from orderport.partners import PartnerProfile, load_profiles
from orderport.pipeline.ingest import FileResult, ingest_file
from orderport.store.lifecycle import upsert_partner

Check = Callable[..., FileResult]
SAMPLES = Path(__file__).resolve().parents[4] / "sample_files"
INPUTS = sorted(
    str(p.relative_to(SAMPLES))
    for folder in ("csv", "edifact", "json", "x12", "xlsx")
    for p in (SAMPLES / folder).iterdir()
    if not p.name.endswith(".expected.json")
)
SCHEMA: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
VALIDATOR = jsonschema_rs.Draft202012Validator(SCHEMA)


def rendered(result: FileResult) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(render_result_json(result))
    errors = [f"{e.instance_path}: {e.message}" for e in VALIDATOR.iter_errors(document)]
    assert not errors, errors
    return document


def test_schema_is_draft_2020_12_with_an_id() -> None:
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert SCHEMA["$id"] == SCHEMA_ID
    assert jsonschema_rs.meta.is_valid(SCHEMA)


def _properties(node: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(node, dict):
        yield from node.get("properties", {}).items()
        for value in node.values():
            yield from _properties(value)
    elif isinstance(node, list):
        for item in node:
            yield from _properties(item)


def test_every_property_is_described() -> None:
    props = list(_properties(SCHEMA))
    assert len(props) > 20
    assert [name for name, sub in props if "description" not in sub and "$ref" not in sub] == []


@pytest.mark.parametrize("sample", INPUTS)
def test_every_sample_renders_a_valid_result(check_sample: Check, sample: str) -> None:
    result = check_sample(sample)
    document = rendered(result)
    assert document["file"] == Path(sample).name
    assert document["has_errors"] == result.has_errors
    assert [p["po_number"] for p in document["purchase_orders"]] == [
        p.po_number for p in result.pos
    ]
    assert sum(len(p["findings"]) for p in document["purchase_orders"]) == sum(
        len(p.findings) for p in result.pos
    )
    assert (document["file_error"] is None) == (result.error is None)


def test_schema_rejects_a_wrong_document(check_sample: Check) -> None:
    document = json.loads(render_result_json(check_sample("csv/canonical_errors.csv")))
    document["purchase_orders"][0]["findings"][0]["severity"] = "fatal"
    assert not VALIDATOR.is_valid(document)
    del document["purchase_orders"][0]["findings"][0]["severity"]
    assert not VALIDATOR.is_valid(document)


def test_content_of_a_json_input_result(check_sample: Check) -> None:
    document = rendered(check_sample("json/canonical_list_warnings.json"))
    assert document["format"] == "json"
    assert document["totals"] == {
        "purchase_orders": 2,
        "errors": 0,
        "warnings": 2,
        "outcomes": {},
    }
    first = document["purchase_orders"][0]
    assert first["po_number"] == "4500012346"
    assert first["warnings"] == 1
    assert first["errors"] == 0
    finding = first["findings"][0]
    assert finding["code"] == "rule.total_quantity"
    assert finding["location"]["pointer"] == "/total_quantity"
    assert finding["location"]["row"] == 2


def test_file_error_is_reported_with_its_place(check_sample: Check) -> None:
    document = rendered(check_sample("json/broken_syntax.json"))
    error = document["file_error"]
    assert error["code"] == "read.file"
    assert error["severity"] == "error"
    assert error["location"]["row"] == 4
    assert error["location"]["column"] == "48"
    assert document["has_errors"] is True
    assert document["totals"]["errors"] >= 1


def test_spreadsheet_findings_name_their_sheet(
    check_sample: Check, strict_profile: PartnerProfile
) -> None:
    document = rendered(check_sample("xlsx/dates_and_text.xlsx", strict_profile))
    locations = [f["location"] for p in document["purchase_orders"] for f in p["findings"]]
    assert {loc["sheet"] for loc in locations} == {"Sheet1"}
    assert {(loc["row"], loc["column"]) for loc in locations} >= {
        (4, "B (order_date)"),
        (4, "C (delivery_end)"),
    }


def test_stored_outcomes_and_statuses(engine: Engine) -> None:
    profile = load_profiles(SAMPLES / "partners")["acme"]
    with engine.begin() as conn:
        upsert_partner(conn, "acme", profile.name)
    result = ingest_file(engine, SAMPLES / "csv/canonical_errors.csv", "acme", profile)
    document = rendered(result)
    by_po = [(p["po_number"], p["outcome"], p["status"]) for p in document["purchase_orders"]]
    assert by_po == [
        (p.po_number, p.outcome.value if p.outcome else None, p.status.value if p.status else None)
        for p in result.pos
    ]
    assert any(outcome is not None for _, outcome, _ in by_po)
    outcomes = document["totals"]["outcomes"]
    assert sum(outcomes.values()) == sum(1 for p in result.pos if p.outcome is not None)
