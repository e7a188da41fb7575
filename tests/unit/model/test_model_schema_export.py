"""The committed JSON Schema is the one the model generates, and it is a sound Draft 2020-12 one."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from orderport.model import PurchaseOrder
from orderport.model.schema_export import (
    SCHEMA_ID,
    SCHEMA_PATH,
    main,
    purchase_order_schema,
    render_schema,
)
from orderport.validation import schema_validator

REGENERATE = "regenerate it with: .venv/bin/python -m orderport.model.schema_export"


def test_committed_schema_matches_the_model() -> None:
    assert SCHEMA_PATH.exists(), f"{SCHEMA_PATH} is missing; {REGENERATE}"
    committed = SCHEMA_PATH.read_text(encoding="utf-8")
    assert committed == render_schema(purchase_order_schema()), (
        f"{SCHEMA_PATH} differs from the model; {REGENERATE}"
    )


def test_rendering_is_sorted_indented_and_ends_with_newline() -> None:
    text = render_schema({"b": 1, "a": {"d": 2, "c": 3}})
    assert text == '{\n  "a": {\n    "c": 3,\n    "d": 2\n  },\n  "b": 1\n}\n'


def test_main_writes_the_schema(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "out" / "po.schema.json"
    assert main([str(target)]) == 0
    assert json.loads(target.read_text(encoding="utf-8")) == purchase_order_schema()
    assert str(target) in capsys.readouterr().out


def test_schema_passes_the_draft_2020_12_metaschema() -> None:
    schema = purchase_order_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == SCHEMA_ID
    jsonschema.Draft202012Validator.check_schema(schema)


def _walk(node: Any, path: str = "#") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        yield path, node
        for key, child in node.items():
            yield from _walk(child, f"{path}/{key}")
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield from _walk(child, f"{path}/{index}")


def _schema_nodes() -> Iterator[tuple[str, dict[str, Any]]]:
    schema = purchase_order_schema()
    without_examples = {key: value for key, value in schema.items() if key != "examples"}
    return _walk(without_examples)


def test_every_property_has_a_description() -> None:
    undescribed = [
        f"{path}/properties/{name}"
        for path, node in _schema_nodes()
        if isinstance(node.get("properties"), dict) and not path.endswith("/if")
        for name, prop in node["properties"].items()
        if not str(prop.get("description", "")).strip()
    ]
    assert undescribed == []
    assert purchase_order_schema()["description"]


def test_no_unknown_constraint_keywords_leak_from_pydantic() -> None:
    # pydantic can emit field constraints verbatim ("ge") where JSON Schema says "minimum";
    # validators silently ignore unknown keywords, so the bound would vanish from the contract.
    leaked = [
        f"{path}/{key}"
        for path, node in _schema_nodes()
        if not path.endswith("/properties")
        for key in ("ge", "gt", "le", "lt", "max_length", "min_length", "discriminator")
        if key in node
    ]
    assert leaked == []


def test_tagged_unions_become_if_then() -> None:
    packaging_items = purchase_order_schema()["properties"]["packaging"]["items"]
    assert "oneOf" not in packaging_items
    assert packaging_items["required"] == ["packaging_type"]
    targets = {
        rule["if"]["properties"]["packaging_type"]["const"]: rule["then"]["$ref"]
        for rule in packaging_items["allOf"]
    }
    assert targets == {
        "assortment": "#/$defs/AssortmentPackaging",
        "solid": "#/$defs/SolidPackaging",
    }


def test_examples_are_complete_and_valid() -> None:
    examples = purchase_order_schema()["examples"]
    assert len(examples) >= 2
    validator = schema_validator()
    for example in examples:
        assert validator.is_valid(example), list(validator.iter_errors(example))[:3]
        PurchaseOrder.model_validate_json(json.dumps(example))
    full = PurchaseOrder.model_validate_json(json.dumps(examples[0]))
    assert len(full.lines) == 2
    assert full.ship_to is not None
    assert full.bill_to is not None
    assert {type(p).__name__ for p in full.packaging} == {"SolidPackaging", "AssortmentPackaging"}
