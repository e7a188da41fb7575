"""The channel contract: how files arrive from partners and how answers go back to them.

A pass over a channel is: ``list_candidates`` (complete files only), ``claim`` each (atomic, so
two pollers never both win), ``fetch`` the claimed file to a generated local name, hand it to the
pipeline, and ``finish`` it only after the database commit. A crash at any point leaves the file
in the inbox or in ``processing/``, from where ``recover`` hands it back to a later pass.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Protocol

from orderport.errors import FatalForFileError, OrderportError, RetriableError


class ChannelError(OrderportError):
    """Base of the channel errors (part of the one tree in ``orderport.errors``)."""


class TransportError(ChannelError, RetriableError):
    """Retriable: timeout, connection refused or lost. The next pass tries again."""


class ChannelRefused(ChannelError, FatalForFileError):
    """Fatal: host key mismatch, authentication failure, file over the size cap, hostile name.

    Retrying cannot help; an operator (or the partner) must act.
    """


class CredentialsMissing(ChannelRefused):
    """No credentials are configured for the channel (no Airflow connection, no variables):
    the partner is not set up yet. Scheduled runs report it and skip the partner."""


class Completeness(StrEnum):
    """How a partner signals that a file is completely written."""

    DONE_MARKER = "done_marker"
    """``X`` is complete when ``X`` + marker suffix exists (``orders.csv.done``)."""
    TEMP_RENAME = "temp_rename"
    """The partner writes under a temporary prefix/suffix and renames when done."""
    STABLE = "stable"
    """Size and mtime unchanged across an interval."""


@dataclass(frozen=True)
class CompletenessSettings:
    """The partner's completeness convention and its knobs."""

    convention: Completeness = Completeness.TEMP_RENAME
    marker_suffix: str = ".done"
    temp_prefixes: tuple[str, ...] = (".",)
    temp_suffixes: tuple[str, ...] = (".tmp", ".part", ".filepart")
    stable_seconds: float = 5.0
    """Minimum time a file's size and mtime must stay unchanged."""
    stable_wait_in_pass: bool = False
    """True: list, wait ``stable_seconds``, list again within one pass. False: compare with the
    listing remembered from the previous pass (no waiting)."""

    def __post_init__(self) -> None:
        if self.convention is Completeness.DONE_MARKER and not self.marker_suffix:
            raise ValueError("done_marker convention needs a non-empty marker_suffix")
        if self.stable_seconds < 0:
            raise ValueError("stable_seconds must not be negative")


@dataclass(frozen=True)
class Candidate:
    """A complete file waiting in the inbox. ``name`` is the partner's name, never a local path."""

    name: str
    size: int
    mtime: float
    ref: str
    """Channel-specific address (remote path, IMAP folder/UID/part)."""


@dataclass(frozen=True)
class Claimed:
    """A candidate this poller won; ``ref`` is where it is now (``processing/<claim name>``)."""

    candidate: Candidate
    ref: str


@dataclass(frozen=True)
class Fetched:
    """A claimed file copied to a local file under a generated name."""

    claimed: Claimed
    path: Path
    size: int
    sha256: str
    original_name: str
    metadata: dict[str, str] = field(default_factory=dict)


class Channel(Protocol):
    """One partner's inbound and outbound file exchange."""

    def list_candidates(self) -> list[Candidate]:
        """Complete files only, per the partner's convention."""
        ...

    def claim(self, candidate: Candidate) -> Claimed | None:
        """Move the candidate into ``processing``; None when another poller won."""
        ...

    def recover(self) -> list[Claimed]:
        """Files left in ``processing`` by an earlier pass that died (crash, lost connection)."""
        ...

    def fetch(self, claimed: Claimed, workdir: Path) -> Fetched:
        """Copy to a generated name under ``workdir``; check the size; hash while streaming."""
        ...

    def finish(self, claimed: Claimed, ok: bool) -> None:
        """Move to ``processed`` (ok) or ``failed``. Call only after the database commit."""
        ...

    def deliver(self, name: str, data: bytes) -> None:
        """Write outbound ``data`` so the partner sees either nothing or the whole file."""
        ...

    def close(self) -> None: ...
