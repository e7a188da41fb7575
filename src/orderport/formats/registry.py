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
    utf16 = utf16_name(head)
    if utf16:
        raise FormatError(
            f"{filename}: the file is {utf16} text; save it as UTF-8 and send it again "
            f"(accepted formats: {wanted})"
        )
    raise FormatError(f"{filename}: content is none of the accepted formats ({wanted})")


def utf16_name(head: bytes) -> str | None:
    """ "UTF-16 LE"/"UTF-16 BE" when the first bytes look like UTF-16 text (BOM or zero bytes)."""
    if head.startswith(b"\xff\xfe"):
        return "UTF-16 LE"
    if head.startswith(b"\xfe\xff"):
        return "UTF-16 BE"
    sample = head[:512]
    if len(sample) >= 8:
        even, odd = sample[0::2], sample[1::2]
        if odd.count(0) > 0.8 * len(odd) and even.count(0) < 0.2 * len(even):
            return "UTF-16 LE"
        if even.count(0) > 0.8 * len(even) and odd.count(0) < 0.2 * len(odd):
            return "UTF-16 BE"
    return None
