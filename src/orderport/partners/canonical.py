"""What a mapping may name: canonical field names, and values checked against their model types.

Checking the profile against the canonical model at load time means a misspelt field in
``value_maps`` or a bad default address fails ``partners check`` rather than every PO later.
"""

from __future__ import annotations

import difflib
import json
from functools import cache
from typing import Annotated, Any, get_args, get_origin

from pydantic import BaseModel, TypeAdapter, ValidationError

from orderport.formats.tabular.columns import COLUMNS, header_key
from orderport.formats.tabular.vocabulary import lookup
from orderport.model import Line, PurchaseOrder
from orderport.partners.errors import LocatedValueError

# Fields a default must not fill: identity and structure come from the partner's document.
NOT_DEFAULTABLE = frozenset({"po_number", "lines", "packaging", "line_number", "quantity"})


def _models_in(annotation: object) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    for arg in get_args(annotation):
        found.extend(_models_in(arg))
    return found


@cache
def all_field_names() -> frozenset[str]:
    """Every field name anywhere in the canonical PO (PO, lines, addresses, money, packaging)."""
    names: set[str] = set()
    seen: set[type[BaseModel]] = set()
    todo: list[type[BaseModel]] = [PurchaseOrder]
    while todo:
        model = todo.pop()
        if model in seen:
            continue
        seen.add(model)
        for name, info in model.model_fields.items():
            names.add(name)
            todo.extend(_models_in(info.annotation))
    return frozenset(names)


def _suggest(name: str, choices: frozenset[str] | list[str]) -> str:
    close = difflib.get_close_matches(name, sorted(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def canonical_field_problem(name: str) -> str | None:
    """Why ``name`` is not a canonical field (with a suggestion), or None when it is one."""
    known = all_field_names()
    if name in known:
        return None
    return f"{name!r} is not a canonical field{_suggest(name, known)}"


def check_value_map_fields(value_maps: dict[str, dict[str, str]]) -> None:
    known = all_field_names()
    for name in value_maps:
        if name not in known:
            hint = _suggest(name, known)
            raise LocatedValueError(f"{name!r} is not a canonical field{hint}", name)


def check_column_alias_targets(aliases: dict[str, str]) -> None:
    """Every alias names a column of the CSV/XLSX template (``ship_to_zip`` does not)."""
    columns = frozenset(COLUMNS)
    keys = {header_key(name): name for name in columns}
    for header, target in aliases.items():
        if keys.get(header_key(target)) is None:
            entry = lookup(target)
            if entry is not None and entry.candidates[0] in columns:
                hint = f" (did you mean {entry.candidates[0]!r}?)"
            else:
                hint = _suggest(target, columns)
            raise LocatedValueError(
                f"{target!r} is not a canonical column{hint}; see docs/formats/tabular.md",
                header,
            )


@cache
def _adapter(model: type[BaseModel], name: str) -> TypeAdapter[Any]:
    info = model.model_fields[name]
    annotation: Any = info.annotation
    if info.metadata:
        annotation = Annotated[(annotation, *info.metadata)]
    adapter: TypeAdapter[Any] = TypeAdapter(annotation)
    return adapter


def _is_list_of_models(model: type[BaseModel], name: str) -> bool:
    annotation = model.model_fields[name].annotation
    return get_origin(annotation) is list and bool(_models_in(annotation))


def _validate_default(adapter: TypeAdapter[Any], value: object) -> object:
    """Validate as JSON; profile YAML keeps scalars as text, so "6" may also mean the number 6."""
    try:
        return adapter.validate_json(json.dumps(value))
    except ValidationError:
        if isinstance(value, str):
            try:
                number = json.loads(value)
            except ValueError:
                number = None
            if isinstance(number, int | float) and not isinstance(number, bool):
                return adapter.validate_json(value)
        raise


def normalize_defaults(
    values: dict[str, Any], model: type[BaseModel], where: str
) -> dict[str, Any]:
    """Check each default against the model field's type; return it in canonical JSON form.

    YAML gives dates and numbers in its own types; the canonical document wants "YYYY-MM-DD"
    and decimal strings, exactly as a reader would produce them.
    """
    fields = model.model_fields
    result: dict[str, Any] = {}
    for name, value in values.items():
        if name not in fields:
            hint = _suggest(name, list(fields))
            raise LocatedValueError(f"{name!r} is not a {model.__name__} field{hint}", name)
        if name in NOT_DEFAULTABLE or _is_list_of_models(model, name):
            raise LocatedValueError(f"{name!r} cannot have a default", name)
        adapter = _adapter(model, name)
        try:
            checked = _validate_default(adapter, value)
        except ValidationError as exc:
            first = exc.errors()[0]
            inner = tuple(part for part in first["loc"] if isinstance(part, str | int))
            got = repr(first["input"])
            raise LocatedValueError(f"{first['msg']} (got {got})", name, *inner) from None
        result[name] = adapter.dump_python(checked, mode="json", exclude_none=True)
    return result


def normalize_po_defaults(values: dict[str, Any]) -> dict[str, Any]:
    return normalize_defaults(values, PurchaseOrder, "defaults")


def normalize_line_defaults(values: dict[str, Any]) -> dict[str, Any]:
    return normalize_defaults(values, Line, "line_defaults")
