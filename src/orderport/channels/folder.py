"""A local folder as a channel: for analysts' drops and the one-command demo.

Claims are ``os.rename`` within one file system, which is atomic: of two pollers renaming the
same inbox file, exactly one succeeds and the other gets ``FileNotFoundError``.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from orderport.channels.base import (
    Candidate,
    ChannelRefused,
    Claimed,
    Completeness,
    CompletenessSettings,
    Fetched,
    TransportError,
)
from orderport.channels.claims import claim_basename, is_stale, recovered
from orderport.channels.completeness import (
    Entry,
    StabilityTracker,
    complete_after_wait,
    lone_markers,
)
from orderport.channels.names import (
    TEMPORARY,
    check_outbound_name,
    claim_name,
    hostile_reason,
    safe_display_name,
    temporary_name,
)
from orderport.channels.transfer import check_size_cap, copy_to_workdir

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FolderSettings:
    root: Path
    inbox: str = "inbox"
    processing: str = "processing"
    processed: str = "processed"
    failed: str = "failed"
    outbox: str = "outbox"
    completeness: CompletenessSettings = field(default_factory=CompletenessSettings)
    max_file_bytes: int | None = 256 * 1024 * 1024
    stale_claim_seconds: float = 3600.0
    create_folders: bool = True


class FolderChannel:
    """Files under ``root/inbox`` in, ``root/outbox`` out."""

    def __init__(self, settings: FolderSettings) -> None:
        self.settings = settings
        self._tracker = StabilityTracker()
        if settings.create_folders:
            s = settings
            for sub in (s.inbox, s.processing, s.processed, s.failed, s.outbox):
                (s.root / sub).mkdir(parents=True, exist_ok=True)

    def _path(self, ref: str) -> Path:
        return self.settings.root / ref

    def _entries(self, folder: str) -> list[Entry]:
        entries: list[Entry] = []
        try:
            with os.scandir(self._path(folder)) as it:
                for item in it:
                    if not item.is_file(follow_symlinks=False):
                        continue  # symlinks could point anywhere on this machine
                    try:
                        st = item.stat(follow_symlinks=False)
                    except FileNotFoundError:
                        continue  # claimed by another poller since the scan
                    entries.append(Entry(item.name, st.st_size, st.st_mtime))
        except FileNotFoundError as exc:
            raise ChannelRefused(f"folder channel: {self._path(folder)} does not exist") from exc
        return entries

    def list_candidates(self) -> list[Candidate]:
        s = self.settings
        chosen = complete_after_wait(lambda: self._entries(s.inbox), s.completeness, self._tracker)
        return [
            Candidate(c.entry.name, c.entry.size, c.entry.mtime, f"{s.inbox}/{c.entry.name}")
            for c in chosen
        ]

    def claim(self, candidate: Candidate) -> Claimed | None:
        s = self.settings
        reason = hostile_reason(candidate.name)
        if reason:
            raise ChannelRefused(f"{safe_display_name(candidate.name)!r}: {reason}")
        claim = claim_name(candidate.name)
        target = f"{s.processing}/{claim}"
        try:
            os.rename(self._path(candidate.ref), self._path(target))
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise TransportError(f"claiming {candidate.ref}: {exc}") from exc
        self._tracker.forget(candidate.name)
        if s.completeness.convention is Completeness.DONE_MARKER:
            marker = self._path(candidate.ref + s.completeness.marker_suffix)
            marker.unlink(missing_ok=True)
        return Claimed(candidate=candidate, ref=target)

    def recover(self) -> list[Claimed]:
        s = self.settings
        return [
            recovered(s.inbox, s.processing, e.name, e.size, e.mtime)
            for e in self._entries(s.processing)
            if is_stale(e.name, e.mtime, s.stale_claim_seconds)
        ]

    def fetch(self, claimed: Claimed, workdir: Path) -> Fetched:
        name = claimed.candidate.name
        where = f"folder {claimed.ref}"
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
        try:
            fd = os.open(self._path(claimed.ref), flags)
        except FileNotFoundError as exc:
            raise ChannelRefused(f"{where}: claimed file is gone") from exc
        with os.fdopen(fd, "rb") as src:
            size = os.fstat(src.fileno()).st_size
            check_size_cap(size, self.settings.max_file_bytes, name, where)
            copied = copy_to_workdir(
                src.read, workdir, name, size, self.settings.max_file_bytes, where
            )
        return Fetched(
            claimed=claimed,
            path=copied.path,
            size=copied.size,
            sha256=copied.sha256,
            original_name=name,
            metadata={
                "channel": "folder",
                "original_name": name,
                "claim_name": claim_basename(claimed),
                "source": claimed.candidate.ref,
            },
        )

    def finish(self, claimed: Claimed, ok: bool) -> None:
        s = self.settings
        basename = claim_basename(claimed)
        target = self._path(f"{s.processed if ok else s.failed}/{basename}")
        try:
            os.rename(self._path(claimed.ref), target)
        except FileNotFoundError as exc:
            if target.exists():
                return  # finished before; finishing is idempotent
            raise ChannelRefused(f"folder {claimed.ref}: claimed file is gone") from exc

    def deliver(self, name: str, data: bytes) -> None:
        check_outbound_name(name)
        outbox = self._path(self.settings.outbox)
        tmp = outbox / temporary_name(name)
        try:
            with tmp.open("xb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, outbox / name)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        dir_fd = os.open(outbox, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)

    def claims_in_processing(self) -> list[Claimed]:
        """Every file in processing/, however recent (the caller decides whose they are)."""
        s = self.settings
        return [
            recovered(s.inbox, s.processing, e.name, e.size, e.mtime)
            for e in self._entries(s.processing)
        ]

    def lone_markers(self) -> list[str]:
        """Done-markers in the inbox whose data file never came (older than an hour)."""
        s = self.settings
        return lone_markers(self._entries(s.inbox), s.completeness)

    def stray_temporaries(self) -> list[str]:
        """Names of partial deliveries (ours, by their pattern) in the outbox."""
        try:
            names = os.listdir(self._path(self.settings.outbox))
        except FileNotFoundError:
            return []
        return [n for n in names if TEMPORARY.match(n)]

    def remove_temporary(self, name: str) -> None:
        if TEMPORARY.match(name):
            (self._path(self.settings.outbox) / name).unlink(missing_ok=True)

    def close(self) -> None:
        """Nothing to release; present for the Channel protocol."""
