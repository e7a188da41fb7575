"""The content-addressed archive."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from orderport.store.archive import ArchiveError, archive_bytes, archive_file, open_archived, verify


def test_archive_is_content_addressed_and_idempotent(tmp_path: Path) -> None:
    sha, rel = archive_bytes(tmp_path, b"PO,1\n")
    assert sha == hashlib.sha256(b"PO,1\n").hexdigest()
    assert rel == f"sha256/{sha[:2]}/{sha[2:4]}/{sha}"
    assert archive_bytes(tmp_path, b"PO,1\n") == (sha, rel)
    assert open_archived(tmp_path, sha).read_bytes() == b"PO,1\n"
    assert verify(tmp_path, sha)
    assert not [p for p in (tmp_path / "archive").rglob("*.tmp")]


def test_archive_file_refuses_content_that_does_not_match_its_hash(tmp_path: Path) -> None:
    source = tmp_path / "x"
    source.write_bytes(b"abc")
    with pytest.raises(ArchiveError, match="differs"):
        archive_file(tmp_path, source, "0" * 64)
    assert archive_file(tmp_path, source, hashlib.sha256(b"abc").hexdigest()).startswith("sha256/")
    with pytest.raises(ArchiveError, match="no file"):
        open_archived(tmp_path, "1" * 64)
