"""Byte-level helpers for splicing OOXML parts: attributes of one start tag, text escaping.

The package writer never parses a big part into a tree and writes it back (slow, and
ElementTree renames namespace prefixes, which breaks ``mc:Ignorable``). It edits start tags and
inserts elements; these helpers keep those edits well-formed.
"""

from __future__ import annotations

import re
from typing import Final

MAIN_NS: Final = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS: Final = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS: Final = "http://schemas.openxmlformats.org/package/2006/relationships"
_ILLEGAL: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class Unsupported(Exception):
    """The package cannot be spliced soundly; the caller takes the openpyxl path instead."""


def _attr_pattern(name: bytes) -> re.Pattern[bytes]:
    return re.compile(rb"\s" + re.escape(name) + rb"\s*=\s*(\"[^\"]*\"|'[^']*')")


def get_attribute(tag: bytes, name: bytes) -> bytes | None:
    """The value of attribute ``name`` in start tag ``tag`` (entities left as written)."""
    found = _attr_pattern(name).search(tag)
    return found.group(1)[1:-1] if found else None


def set_attribute(tag: bytes, name: bytes, value: bytes) -> bytes:
    """Start tag ``tag`` with attribute ``name`` set to ``value`` (added before ``>``/``/>``)."""
    pattern = _attr_pattern(name)
    new = b" " + name + b'="' + value + b'"'
    if pattern.search(tag):
        return pattern.sub(lambda _: new, tag, count=1)
    end = len(tag) - (2 if tag.endswith(b"/>") else 1)
    return tag[:end].rstrip() + new + tag[end:]


def remove_attribute(tag: bytes, name: bytes) -> bytes:
    """Start tag ``tag`` without attribute ``name``."""
    return _attr_pattern(name).sub(b"", tag, count=1)


def clean(value: str) -> str:
    """``value`` without the characters XML 1.0 cannot hold (control characters)."""
    return _ILLEGAL.sub("", value)


def text(value: str) -> bytes:
    """``value`` as XML character data (characters XML cannot hold are dropped)."""
    value = clean(value)
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").encode("utf-8")


def attribute(value: str) -> bytes:
    """``value`` as a double-quoted attribute's content."""
    return text(value).replace(b'"', b"&quot;").replace(b"\n", b"&#10;").replace(b"\r", b"&#13;")


def column_letters(index: int) -> str:
    """1 -> "A", 27 -> "AA"."""
    letters = ""
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_index(letters: bytes | str) -> int:
    """b"A" -> 1, "AA" -> 27."""
    if isinstance(letters, bytes):
        letters = letters.decode("ascii")
    index = 0
    for char in letters:
        index = index * 26 + ord(char) - 64
    return index


def prefix_for(root_tag: bytes, namespace: str) -> bytes | None:
    """The prefix bound to ``namespace`` in a root start tag, or None."""
    found = re.search(
        rb'xmlns:([\w.-]+)\s*=\s*["\']' + re.escape(namespace.encode()) + rb'["\']', root_tag
    )
    return found.group(1) if found else None
