"""Request bodies documented with the published input schemas (``schemas/inputs/``).

The endpoints read raw bytes (the pipeline validates them, with pointers in its findings), so
FastAPI cannot infer their bodies; these helpers put the same JSON Schemas into the OpenAPI
document's components, with ``#/$defs/x`` rewritten to component references.
"""

from __future__ import annotations

import json
from typing import Any

from orderport.formats.json_shapes.input_check import SCHEMA_DIR

COMPONENTS: dict[str, dict[str, Any]] = {}
"""Schemas to merge into ``components.schemas`` (filled as routers are defined)."""


def _component_name(schema_file: str) -> str:
    stem = schema_file.removesuffix(".schema.json")
    return "".join(part.capitalize() for part in stem.split("_"))


def _def_name(prefix: str, name: str) -> str:
    return f"{prefix}{name[:1].upper()}{name[1:]}"


def _rewrite(node: object, prefix: str) -> Any:  # noqa: ANN401 (JSON)
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value.startswith("#/$defs/"):
                out[key] = (
                    f"#/components/schemas/{_def_name(prefix, value.removeprefix('#/$defs/'))}"
                )
            elif key not in ("$schema", "$id", "$defs"):
                out[key] = _rewrite(value, prefix)
        return out
    if isinstance(node, list):
        return [_rewrite(v, prefix) for v in node]
    return node


def json_body(schema_file: str) -> dict[str, Any]:
    """``openapi_extra`` for an endpoint whose JSON body follows ``schemas/inputs/<file>``."""
    name = _component_name(schema_file)
    schema = json.loads((SCHEMA_DIR / schema_file).read_text(encoding="utf-8"))
    for def_name, definition in schema.get("$defs", {}).items():
        COMPONENTS[_def_name(name, def_name)] = _rewrite(definition, name)
    COMPONENTS[name] = _rewrite(schema, name)
    return _body({"$ref": f"#/components/schemas/{name}"})


def _body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


def canonical_body() -> dict[str, Any]:
    """The canonical PO (``schemas/purchase_order.schema.json``)."""
    from orderport.model.schema_export import purchase_order_schema

    schema = purchase_order_schema()
    for def_name, definition in schema.get("$defs", {}).items():
        COMPONENTS[_def_name("Canonical", def_name)] = _rewrite(definition, "Canonical")
    COMPONENTS["CanonicalPurchaseOrder"] = _rewrite(schema, "Canonical")
    return _body({"$ref": "#/components/schemas/CanonicalPurchaseOrder"})
