"""Validate a partner document against its published input schema, in the partner's own terms.

Each problem becomes a finding ``input.<keyword>`` whose message names the partner's field
(``lines[2].item.custom_id``), whose location points at it (``/lines/2/item/custom_id``) and whose
path is the canonical path the field maps to, or ``$`` when it maps to none. The offending value is
then removed from the partner document, so mapping never sees it and the canonical validation does
not report the same problem a second time in canonical names.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import jsonschema_rs
from jsonschema_rs import ValidationErrorKind as Kind

from orderport.formats.json_shapes.emit import Emitter
from orderport.model import Severity
from orderport.resources import package_path
from orderport.validation.paths import pointer_of

SCHEMA_DIR = package_path("schemas/inputs")

Parts = tuple[str | int, ...]


@dataclass(frozen=True)
class InputShape:
    """What the input check needs to know about one partner shape."""

    schema_file: str
    title: str
    paths: Mapping[tuple[str, ...], str]
    """Partner pointer pattern ("#" for an array index) -> canonical path format."""
    all_or_nothing: Mapping[tuple[str, ...], str] = field(default_factory=dict)
    """Objects left out whole when a required field is missing -> the rule, for the message."""
    warning_prefixes: tuple[tuple[str, ...], ...] = ()
    """Problems under these patterns are warnings (the partner's API would accept the PO)."""


@cache
def _schema(schema_file: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((SCHEMA_DIR / schema_file).read_text(encoding="utf-8"))
    return loaded


@cache
def _validator(schema_file: str) -> jsonschema_rs.Validator:
    """Compiled once per process: the compile costs far more than a validation."""
    return jsonschema_rs.Draft202012Validator(_schema(schema_file))


def _reason(schema_file: str, schema_path: list[str | int]) -> str:
    """For a conditional rule (an ``allOf`` entry's if/then), its description: the why."""
    for cut, key in enumerate(schema_path):
        if key in ("then", "else") and cut >= 2 and schema_path[cut - 2] == "allOf":
            node: Any = _schema(schema_file)
            try:
                for part in schema_path[:cut]:
                    node = node[part]
            except (KeyError, IndexError, TypeError):
                return ""
            description = node.get("description") if isinstance(node, dict) else None
            return f" ({description})" if description else ""
    return ""


def _pattern(parts: Parts) -> tuple[str, ...]:
    return tuple("#" if isinstance(p, int) else p for p in parts)


def canonical_path(shape: InputShape, parts: Parts) -> str:
    """The canonical path a partner field maps to, or "$" when it maps to none."""
    template = shape.paths.get(_pattern(parts))
    if template is None:
        return "$"
    return template.format(*(p for p in parts if isinstance(p, int)))


def display(parts: Parts) -> str:
    """A partner field as the partner would write it: ``lines[2].item.custom_id``."""
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out or "the document"


def pointer(parts: Parts) -> str:
    return pointer_of(parts)


def _under(parts: tuple[str, ...], prefixes: tuple[tuple[str, ...], ...]) -> bool:
    return any(parts[: len(prefix)] == prefix for prefix in prefixes)


def _whole_object(shape: InputShape, parts: Parts) -> Parts | None:
    pattern = _pattern(parts)
    for size in range(1, len(parts)):
        if pattern[:size] in shape.all_or_nothing:
            return parts[:size]
    return None


def _remove(document: dict[str, Any], parts: Parts) -> None:
    container: Any = document
    for part in parts[:-1]:
        try:
            container = container[part]
        except (KeyError, IndexError, TypeError):
            return  # an ancestor was removed already
    last = parts[-1]
    if isinstance(container, dict):
        container.pop(last, None)
    elif isinstance(container, list) and isinstance(last, int) and last < len(container):
        container[last] = None  # keep the positions (line numbers) of the other items


def check_input(document: dict[str, Any], shape: InputShape, emitter: Emitter) -> None:
    """Report every input-schema problem as a finding and strip the offending values."""
    validator = _validator(shape.schema_file)
    if validator.is_valid(document):
        return
    removals: list[Parts] = []
    for error in validator.iter_errors(document):
        kind = error.kind
        code = f"input.{kind.name}"
        reason = _reason(shape.schema_file, list(error.schema_path))
        for target, text, remove in _describe(shape, tuple(error.instance_path), error):
            message = text + reason
            severity = Severity.ERROR
            if isinstance(kind, Kind.AdditionalProperties) or _under(
                _pattern(target), shape.warning_prefixes
            ):
                severity = Severity.WARNING
            path = canonical_path(shape, target)
            if path != "$":
                emitter.record(path, pointer(target))
            emitter.finding(code, severity, path, message, pointer(target))
            if not isinstance(kind, Kind.AdditionalProperties):
                # A faulty part of an all-or-nothing object takes the whole object out, so the
                # canonical address rule does not report the rest of it again.
                remove = _whole_object(shape, target) or remove
            if remove is not None:
                removals.append(remove)
    # Deepest first, so removing an object never hides a value still to be removed below it.
    for parts in sorted(removals, key=len, reverse=True):
        _remove(document, parts)


def _describe(
    shape: InputShape, parts: Parts, error: jsonschema_rs.ValidationError
) -> list[tuple[Parts, str, Parts | None]]:
    """(partner field, message, what to remove) for one schema error."""
    kind = error.kind
    if isinstance(kind, Kind.Required):
        missing = (*parts, kind.property)
        rule = shape.all_or_nothing.get(_pattern(parts))
        if rule is not None:
            return [(missing, f"{display(missing)} is required: {rule}", None)]
        return [(missing, f"{display(missing)} is required", None)]
    if isinstance(kind, Kind.AdditionalProperties):
        return [
            (
                (*parts, name),
                f"{display((*parts, name))} is not a field of the {shape.title}; it was ignored",
                None,
            )
            for name in kind.unexpected
        ]
    return [(parts, f"{display(parts)}: {error.message}", parts or None)]


def paths_for(
    parent: tuple[str, ...], fields: Mapping[str, str], parent_path: str
) -> dict[tuple[str, ...], str]:
    """Path-table entries for an object whose fields are copied by name (see ``copy_fields``)."""
    table = {parent: parent_path} if parent else {}
    for source_key, key in fields.items():
        table[(*parent, source_key)] = f"{parent_path}.{key}"
    return table
