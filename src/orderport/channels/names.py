"""Partner file names are data, never paths.

A name from a listing or a mail attachment may be ``../x``, absolute, hold NUL or newlines, or be
300 characters long. Local copies always get generated names; the original travels as metadata
and is shown to people only through ``safe_display_name``.
"""

from __future__ import annotations

import os
import re
import secrets
import time
import unicodedata

from orderport.channels.base import ChannelRefused

NAME_MAX_BYTES = 255
"""POSIX NAME_MAX on the file systems we meet (ext4, xfs, tmpfs)."""

_SAFE_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,10}\Z")
_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


def safe_display_name(name: str, max_length: int = 120) -> str:
    """A one-line, printable rendering of an untrusted name for logs, reports and emails.

    Control characters are shown escaped (``\\n``, ``\\x00``), bidirectional overrides are
    dropped (they can make ``exe.csv`` read as ``vsc.exe``) and long names are shortened in the
    middle so both the start and the extension stay visible.
    """
    out: list[str] = []
    for ch in name:
        if ch in _BIDI_CONTROLS:
            continue
        category = unicodedata.category(ch)
        if ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif category in ("Cc", "Cs", "Co", "Cn") or category in ("Zl", "Zp"):
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(ch)
    text = "".join(out) or "(no name)"
    if len(text) > max_length:
        keep = max(max_length - 1, 2)
        head = keep - keep // 3
        tail = keep - head
        text = f"{text[:head]}…{text[len(text) - tail :]}"
    return text


def hostile_reason(name: str) -> str | None:
    """Why ``name`` cannot be used as one file name inside a folder, or None when it can.

    Names are allowed to contain spaces, Unicode and even newlines (POSIX allows them); what is
    refused would escape the folder or cannot exist on the server.
    """
    if not name:
        return "empty name"
    if name in (".", ".."):
        return f"name {name!r} is a directory reference"
    if "\x00" in name:
        return "name contains NUL"
    if "/" in name or "\\" in name:
        return "name contains a path separator"
    if len(name.encode("utf-8", "surrogateescape")) > NAME_MAX_BYTES:
        return f"name is longer than {NAME_MAX_BYTES} bytes"
    return None


def check_outbound_name(name: str) -> str:
    """Validate a name we are about to write on a partner's server; stricter than inbound."""
    reason = hostile_reason(name)
    if reason is None and any(unicodedata.category(ch) == "Cc" for ch in name):
        reason = "name contains control characters"
    if reason is None and name.startswith("."):
        reason = "name starts with '.', which partners treat as a temporary file"
    if reason is not None:
        raise ChannelRefused(f"refusing outbound file {safe_display_name(name)!r}: {reason}")
    return name


def safe_extension(name: str) -> str:
    """The name's extension when it is short and plain ASCII (``.csv``), else ``""``."""
    match = _SAFE_EXTENSION.search(name)
    return match.group(0).lower() if match else ""


def generated_local_name(original: str) -> str:
    """A fresh local file name that keeps only a harmless extension of the original."""
    return f"{owner_tag()}{secrets.token_hex(10)}{safe_extension(original)}"


def truncate_utf8(text: str, max_bytes: int) -> str:
    """Cut ``text`` so its UTF-8 encoding fits in ``max_bytes``, never splitting a character."""
    raw = text.encode("utf-8", "surrogateescape")
    if len(raw) <= max_bytes:
        return text
    return raw[:max_bytes].decode("utf-8", "ignore")


_OWNER_TAG: dict[int, str] = {}
TEMPORARY = re.compile(r"\A\..+\.([0-9a-f]{4})[0-9a-f]{4}\.tmp\Z", re.DOTALL)
"""Our partial deliveries: ``.name.<owner tag><random>.tmp``."""


def owner_tag() -> str:
    """Four hex digits naming this process in claim and temporary names (fixed per process), so
    a later pass can tell a dead process's leftovers from a live one's work in progress."""
    pid = os.getpid()
    tag = _OWNER_TAG.get(pid)
    if tag is None:
        tag = _OWNER_TAG[pid] = secrets.token_hex(2)
    return tag


def temporary_name(name: str) -> str:
    """The name a delivery is written under before its rename."""
    return f".{truncate_utf8(name, 200)}.{owner_tag()}{secrets.token_hex(2)}.tmp"


def claim_owner_tag(claim: str) -> str | None:
    """The owner tag inside a claim name we made, else None."""
    if not _CLAIM_PREFIX.match(claim):
        return None
    return claim[17:21]


def claim_name(original: str, now: float | None = None) -> str:
    """The unique name a claimed file carries in processing/, processed/ and failed/.

    Partners reuse names (``orders.csv`` every day), so the claim name is prefixed with the UTC
    claim time and a random token; it stays sortable and recognisable for an operator.
    """
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(time.time() if now is None else now))
    prefix = f"{stamp}-{owner_tag()}{secrets.token_hex(2)}-"
    return prefix + truncate_utf8(original, NAME_MAX_BYTES - len(prefix))


_CLAIM_PREFIX = re.compile(r"\A[0-9]{8}T[0-9]{6}Z-[0-9a-f]{8}-")


def original_from_claim_name(name: str) -> str:
    """Undo ``claim_name`` (for files recovered from processing/)."""
    return _CLAIM_PREFIX.sub("", name, count=1)
