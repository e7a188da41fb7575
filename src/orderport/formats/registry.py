"""Which reader handles a file: by content first, by the partner's pinned format when set.

Readers are imported lazily so that a CLI call about one format does not pay for all of them.
"""

from __future__ import annotations

import importlib
from functools import cache

from orderport.formats.base import FormatError, Reader

# name -> module exposing READER; order is the sniffing order (most specific first).
_READER_MODULES: dict[str, str] = {
    "x12": "orderport.formats.x12",
    "edifact": "orderport.formats.edifact",
    "xlsx": "orderport.formats.xlsx_reader",
    "json": "orderport.formats.json_shapes",
    "csv": "orderport.formats.csv_reader",
}

SNIFF_BYTES = 4096


@cache
def reader(name: str) -> Reader:
    """The reader registered under ``name``."""
    module_name = _READER_MODULES.get(name)
    if module_name is None:
        known = ", ".join(_READER_MODULES)
        raise FormatError(f"unknown format {name!r}; known formats: {known}")
    found: Reader = importlib.import_module(module_name).READER
    return found


def format_names() -> list[str]:
    return list(_READER_MODULES)


def detect(head: bytes, filename: str, accepted: list[str] | None = None) -> Reader:
    """The first reader (of ``accepted``, default all) that recognises the file's first bytes."""
    for name in accepted or _READER_MODULES:
        candidate = reader(name)
        if candidate.sniff(head, filename):
            return candidate
    wanted = ", ".join(accepted or _READER_MODULES)
    raise FormatError(f"{filename}: content is none of the accepted formats ({wanted})")
