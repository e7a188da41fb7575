"""Content-addressed archive of every raw inbound and outbound file.

``ORDERPORT_HOME/archive/sha256/ab/cd/<sha256>``: the name is the content's hash, so archiving
the same bytes twice is a no-op and a file can never be overwritten with other content. Writes
go to a temporary name, are fsynced, then renamed: a crash leaves either nothing or the file.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from pathlib import Path

ARCHIVE_DIR = "archive"
_SHA256 = re.compile(r"\A[0-9a-f]{64}\Z")
_CHUNK = 1 << 20


class ArchiveError(Exception):
    """An archived file is missing or its content does not match its name."""


def is_sha256(name: str) -> bool:
    """True for a lower-case sha256 hex digest: the name of every archived file."""
    return _SHA256.match(name) is not None


def _refreshed(target: Path) -> bool:
    """True when ``target`` is already archived; archiving it again makes it young again, so the
    nightly purge (which goes by mtime) does not delete what was just archived."""
    try:
        os.utime(target)
    except FileNotFoundError:
        return False
    return True


def relative_path(sha256: str) -> str:
    """The archive path of ``sha256`` relative to the archive root (stored in the ledger)."""
    if not _SHA256.match(sha256):
        raise ArchiveError(f"not a lower-case sha256 hex digest: {sha256!r}")
    return f"sha256/{sha256[:2]}/{sha256[2:4]}/{sha256}"


def archive_root(home: Path) -> Path:
    return home / ARCHIVE_DIR


def archived_path(home: Path, sha256: str) -> Path:
    return archive_root(home) / relative_path(sha256)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _install(tmp: Path, target: Path) -> None:
    os.replace(tmp, target)
    _fsync_dir(target.parent)


def archive_bytes(home: Path, data: bytes) -> tuple[str, str]:
    """Archive ``data``; returns (sha256, path relative to the archive root)."""
    sha256 = hashlib.sha256(data).hexdigest()
    target = archived_path(home, sha256)
    if _refreshed(target):
        return sha256, relative_path(sha256)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.parent / f".{sha256}.{secrets.token_hex(4)}.tmp"
    try:
        with tmp.open("xb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        _install(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return sha256, relative_path(sha256)


def archive_file(home: Path, source: Path, sha256: str) -> str:
    """Archive a local file whose hash the caller computed while fetching; verifies it."""
    target = archived_path(home, sha256)
    if _refreshed(target):
        return relative_path(sha256)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.parent / f".{sha256}.{secrets.token_hex(4)}.tmp"
    digest = hashlib.sha256()
    try:
        with source.open("rb") as src, tmp.open("xb") as out:
            while chunk := src.read(_CHUNK):
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        if digest.hexdigest() != sha256:
            raise ArchiveError(
                f"{source}: content hash {digest.hexdigest()} differs from the expected {sha256}"
            )
        _install(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return relative_path(sha256)


def open_archived(home: Path, sha256: str) -> Path:
    """The archived file for ``sha256``; ``ArchiveError`` when it is missing."""
    path = archived_path(home, sha256)
    if not path.is_file():
        raise ArchiveError(f"archive has no file {relative_path(sha256)} under {home}")
    return path


def verify(home: Path, sha256: str) -> bool:
    """True when the archived file exists and still hashes to its name."""
    path = archived_path(home, sha256)
    if not path.is_file():
        return False
    digest = hashlib.sha256()
    with path.open("rb") as src:
        while chunk := src.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest() == sha256
