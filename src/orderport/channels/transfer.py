"""Streaming a claimed file to a local file: size cap, SHA-256 while copying, size check."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from orderport.channels.base import ChannelRefused, TransportError
from orderport.channels.names import generated_local_name, safe_display_name

CHUNK = 1 << 20


@dataclass(frozen=True)
class Copied:
    path: Path
    size: int
    sha256: str


def check_size_cap(size: int, cap: int | None, name: str, where: str) -> None:
    if cap is not None and size > cap:
        raise ChannelRefused(
            f"{where}: file {safe_display_name(name)!r} is {size} bytes, over the cap of {cap}"
        )


def copy_to_workdir(
    read: Callable[[int], bytes],
    workdir: Path,
    original_name: str,
    expected_size: int,
    cap: int | None,
    where: str,
) -> Copied:
    """Copy from ``read`` into a new, generated file under ``workdir``.

    ``read(n)`` must return fewer than ``n`` bytes only at the end of the file (true of buffered
    local files and paramiko's SFTP files). The copy is not fsynced: it is a work file; the
    durable copy is the ledger's archive, and the source stays in processing/ until the commit.

    Stops at ``cap`` (a growing file cannot smuggle more bytes than allowed) and raises
    ``TransportError`` when fewer or more bytes arrive than the stat promised; the partial local
    file is removed either way.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / generated_local_name(original_name)
    digest = hashlib.sha256()
    size = 0
    limit = expected_size if cap is None else min(expected_size, cap)
    try:
        with path.open("xb") as out:
            while True:
                # Ask for one byte more than still expected: a short read is the end of file,
                # which saves a round trip per small file; an extra byte means the file grew.
                want = min(CHUNK, limit - size + 1)
                chunk = read(want)
                size += len(chunk)
                if size > limit:
                    if cap is not None and size > cap:
                        check_size_cap(size, cap, original_name, where)
                    raise TransportError(
                        f"{where}: {safe_display_name(original_name)!r} grew while it was read "
                        f"(stat said {expected_size} bytes)"
                    )
                digest.update(chunk)
                out.write(chunk)
                if len(chunk) < want:
                    break
        if size != expected_size:
            raise TransportError(
                f"{where}: {safe_display_name(original_name)!r} arrived with {size} bytes, "
                f"stat said {expected_size}"
            )
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return Copied(path=path, size=size, sha256=digest.hexdigest())
