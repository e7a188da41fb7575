"""Reading and writing nested canonical-document dicts by column path."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any


def set_path(target: dict[str, Any], path: tuple[str, ...], value: object) -> None:
    for key in path[:-1]:
        child = target.get(key)
        if child is None:
            child = target[key] = {}
        target = child
    target[path[-1]] = value


def has_path(target: dict[str, Any], path: tuple[str, ...]) -> bool:
    for key in path:
        if not isinstance(target, dict) or key not in target:
            return False
        target = target[key]
    return True


def deep_merge_missing(target: dict[str, Any], source: dict[str, Any]) -> None:
    for key, value in source.items():
        if key not in target:
            target[key] = plain(value)
        elif isinstance(target[key], dict) and isinstance(value, dict):
            deep_merge_missing(target[key], value)


def plain(value: object) -> object:
    """Defaults in canonical JSON form: Decimals as strings, containers copied."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def path_text(path: tuple[str, ...]) -> str:
    return "." + ".".join(path)
