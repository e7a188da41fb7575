"""Canonical JSON paths ("$.lines[2].quantity") and their JSON pointer twins ("/lines/2/quantity").

Findings carry paths in this one spelling so readers' provenance keys, schema errors and
business rules all meet in ``Provenance.locate``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

_PLAIN_KEY_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


def _key_part(key: str) -> str:
    if key and not key[0].isdigit() and all(char in _PLAIN_KEY_CHARS for char in key):
        return "." + key
    return "[" + json.dumps(key, ensure_ascii=False) + "]"


def json_path(parts: Iterable[str | int]) -> str:
    """``["lines", 2, "quantity"]`` -> ``"$.lines[2].quantity"``; odd keys become ``["a b"]``."""
    out = ["$"]
    for part in parts:
        out.append(f"[{part}]" if isinstance(part, int) else _key_part(part))
    return "".join(out)


def path_parts(path: str) -> list[str | int]:
    """The inverse of ``json_path``; raises ValueError on text that is not such a path."""
    if not path.startswith("$"):
        raise ValueError(f"{path!r} is not a JSON path starting with $")
    parts: list[str | int] = []
    pos, end = 1, len(path)
    while pos < end:
        char = path[pos]
        if char == ".":
            stop = pos + 1
            while stop < end and path[stop] not in ".[":
                stop += 1
            parts.append(path[pos + 1 : stop])
            pos = stop
        elif char == "[" and pos + 1 < end and path[pos + 1] == '"':
            decoder = json.JSONDecoder()
            try:
                key, stop = decoder.raw_decode(path, pos + 1)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path!r}: unclosed [ at character {pos}") from exc
            if stop >= end or path[stop] != "]":
                raise ValueError(f"{path!r}: unclosed [ at character {pos}")
            parts.append(str(key))
            pos = stop + 1
        elif char == "[":
            stop = path.find("]", pos)
            if stop < 0 or not path[pos + 1 : stop].isdigit():
                raise ValueError(f"{path!r}: bad index at character {pos}")
            parts.append(int(path[pos + 1 : stop]))
            pos = stop + 1
        else:
            raise ValueError(f"{path!r}: unexpected {char!r} at character {pos}")
    return parts


def pointer_token(part: str | int) -> str:
    """One RFC 6901 reference token: ``~`` -> ``~0``, ``/`` -> ``~1`` (in that order)."""
    return str(part).replace("~", "~0").replace("/", "~1")


def pointer_of(parts: Iterable[str | int]) -> str:
    """``["lines", 2, "quantity"]`` -> ``"/lines/2/quantity"``; ``""`` for the whole document."""
    return "".join("/" + pointer_token(part) for part in parts)


def json_pointer(path: str, prefix: str = "") -> str:
    """``"$.lines[2].quantity"`` -> ``prefix + "/lines/2/quantity"`` (RFC 6901 escaping)."""
    return prefix + pointer_of(path_parts(path))


def field_name(path: str) -> str:
    """The last named field of a path, for messages: ``$.lines[2].quantity`` -> ``quantity``."""
    try:
        parts = path_parts(path)
    except ValueError:
        return path
    for part in reversed(parts):
        if isinstance(part, str):
            return part
    return "document"
