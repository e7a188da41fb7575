"""Which reader handles a file: by content first, by the partner's pinned format when set.

Readers are imported lazily so that a CLI call about one format does not pay for all of them.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from functools import cache
from pathlib import PurePath

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


DECLARED_BY_EXTENSION: dict[str, str] = {
    ".csv": "csv",
    ".json": "json",
    ".jsonl": "json",
    ".ndjson": "json",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".xls": "xlsx",
}
"""Extensions that declare a format: content of another format under such a name is refused."""


def declared_format(filename: str) -> str | None:
    """The format a file's extension promises, if it promises one."""
    return DECLARED_BY_EXTENSION.get(PurePath(filename).suffix.lower())


def choose(
    head: bytes,
    filename: str,
    *,
    accepted: Sequence[str] | None = None,
    pinned: str | None = None,
    partner: str | None = None,
) -> Reader:
    """THE format choice for every command and pass: the reader for a file's first bytes.

    Content decides; the extension and the partner's formats may only agree with it. A
    ``FormatError`` when the file is empty, when the content contradicts the name (a workbook
    named ``.csv``) or is not one of the partner's (``accepted``, ``pinned``) formats. Content
    no reader recognises falls back to the pinned format, else to the declared one.
    """
    who = f"partner {partner}" if partner else "this partner"
    if not head:
        raise FormatError(f"{filename}: the file is empty (0 bytes); nothing to read")
    allowed = list(accepted) if accepted else format_names()
    if pinned is not None:
        reader(pinned)  # an unknown pinned name is a configuration error, said as such
    sniffed = next((reader(n) for n in format_names() if reader(n).sniff(head, filename)), None)
    declared = declared_format(filename)
    if sniffed is None:
        fallback = pinned or (declared if declared in allowed else None)
        utf16 = utf16_name(head)
        if utf16:
            raise FormatError(
                f"{filename}: the file is {utf16} text; save it as UTF-8 and send it again "
                f"(accepted formats: {', '.join(allowed)})"
            )
        if fallback is None:
            raise FormatError(
                f"{filename}: content is none of the formats {who} sends ({', '.join(allowed)})"
            )
        return reader(fallback)
    if declared is not None and sniffed.name != declared:
        raise FormatError(
            f"{filename}: the file name says {declared.upper()} ({PurePath(filename).suffix}) "
            f"but the content is {sniffed.name.upper()}"
        )
    if sniffed.name not in allowed or (pinned and sniffed.name != pinned):
        sends = pinned or ", ".join(allowed)
        raise FormatError(
            f"{filename}: content is {sniffed.name.upper()}, but {who} sends only {sends}"
        )
    return sniffed
