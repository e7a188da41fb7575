"""The published input schemas: described, exemplified, and in step with the mappings."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest

from orderport.formats.base import ReadSettings
from orderport.formats.json_shapes import READER, inspectorio, loupe, threepl
from orderport.formats.json_shapes.input_check import SCHEMA_DIR, InputShape, canonical_path

SCHEMAS = sorted(SCHEMA_DIR.glob("*.schema.json"))
SAMPLES = Path(__file__).resolve().parents[4] / "sample_files" / "json"


def _properties(node: Any, where: str = "#") -> list[tuple[str, dict[str, Any]]]:
    found = []
    if isinstance(node, dict):
        for name, sub in (node.get("properties") or {}).items():
            found.append((f"{where}/properties/{name}", sub))
        for key, sub in node.items():
            if key not in ("if", "then", "else"):  # conditions restate described properties
                found.extend(_properties(sub, f"{where}/{key}"))
    elif isinstance(node, list):
        for index, sub in enumerate(node):
            found.extend(_properties(sub, f"{where}/{index}"))
    return found


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        return {**schema["$defs"][ref.removeprefix("#/$defs/")], **node}
    return node


def test_three_input_schemas_are_published() -> None:
    assert [p.name for p in SCHEMAS] == [
        "inspectorio_purchase_order.schema.json",
        "loupe_purchase_order.schema.json",
        "threepl_purchase_order.schema.json",
    ]


@pytest.mark.parametrize("path", SCHEMAS, ids=lambda p: p.name)
def test_every_property_is_described(path: Path) -> None:
    schema = json.loads(path.read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    undescribed = [
        where for where, sub in _properties(schema) if "description" not in _resolve(schema, sub)
    ]
    assert undescribed == []


@pytest.mark.parametrize("path", SCHEMAS, ids=lambda p: p.name)
def test_examples_are_valid(path: Path) -> None:
    schema = json.loads(path.read_text(encoding="utf-8"))
    validator = jsonschema_rs.Draft202012Validator(schema)
    assert schema["examples"]
    for example in schema["examples"]:
        assert validator.is_valid(example), list(validator.iter_errors(example))
    for where, sub in _properties(schema):
        for example in sub.get("examples", []):
            one = jsonschema_rs.Draft202012Validator({"$defs": schema["$defs"], **sub})
            assert one.is_valid(example), (where, example)


@pytest.mark.parametrize(
    ("sample", "shape"),
    [
        ("inspectorio_valid.json", inspectorio.SHAPE),
        ("loupe_valid.json", loupe.SHAPE),
        ("threepl_valid.json", threepl.SHAPE),
    ],
)
def test_path_table_agrees_with_the_mapping(sample: str, shape: InputShape) -> None:
    """Where the table names a canonical path for a partner field, the mapping recorded it."""
    with (SAMPLES / sample).open("rb") as stream:
        (raw,) = READER.read(stream, sample, ReadSettings())
    recorded: dict[str, set[str]] = {}
    for path, location in raw.provenance.locations.items():
        recorded.setdefault(location.pointer or "", set()).add(path)
    checked = 0
    for pointer, paths in recorded.items():
        parts = tuple(int(p) if p.isdigit() else p for p in pointer.split("/")[1:])
        translated = canonical_path(shape, parts)
        if parts and translated != "$":
            assert translated in paths, (pointer, translated, paths)
            checked += 1
    assert checked >= 10


def test_canonical_passes_through_with_a_pointer_for_every_path() -> None:
    text = '{"po_number": "1", "lines": [{"line_number": 1, "quantity": 2.50, "a/b": 1e1}]}'
    (raw,) = READER.read(io.BytesIO(text.encode()), "c.json", ReadSettings())
    assert raw.data == {
        "po_number": "1",
        "lines": [{"line_number": 1, "quantity": "2.50", "a/b": "10"}],
    }
    pointers = {path: loc.pointer for path, loc in raw.provenance.locations.items()}
    assert pointers == {
        "$": "",  # the PO's own object: where a finding on a missing field points
        "$.po_number": "/po_number",
        "$.lines": "/lines",
        "$.lines[0]": "/lines/0",
        "$.lines[0].line_number": "/lines/0/line_number",
        "$.lines[0].quantity": "/lines/0/quantity",
        "$.lines[0].a/b": "/lines/0/a~1b",
    }
    assert raw.findings == []


def test_rows_locate_each_po_in_a_json_lines_file() -> None:
    text = (
        '{"po_number": "1", "order_date": "2026-01-02"}\n\n{"purchaseOrderNo": "2", "items": 5}\n'
    )
    first, second = READER.read(io.BytesIO(text.encode()), "m.jsonl", ReadSettings())
    assert first.provenance.locations["$.po_number"].row == 1
    (finding,) = second.findings
    assert finding.location is not None
    assert (finding.location.row, finding.location.pointer, finding.path) == (
        3,
        "/items",
        "$.lines",
    )
