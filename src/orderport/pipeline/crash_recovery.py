"""Work left by a dead intake process is taken back on the next pass, and a file that keeps
killing its worker is set aside, failed with a clear reason and answered.

Claims carry their owner: the claim token is ``host:pid:start:random`` (``start`` is the
process's start time in clock ticks, so a reused pid is not mistaken for the dead owner). A pass
checks the owners of the claims it sees: a claim whose owner process is gone on this host goes
back to ``received`` at once, instead of after ``--reclaim-after`` (an hour). Owners on other
hosts cannot be checked from here; those claims still wait for the time-based reclaim.

Before a file is processed, its row records which process is at it (committed before the
processing transaction). A claim taken back with that mark still set means the process died
while processing the file: a signal, a ``MemoryError`` that took the process down, a native
abort in a parsing library. That is counted; after ``MAX_CRASHES`` the file is failed with a
reason in the sender's terms, answered like an unreadable file, and the pass goes on. Files
with a crash behind them are processed after the others in a pass, so one partner's bad file
does not hold up another partner's.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Final, Protocol, runtime_checkable

from sqlalchemy import Connection, Engine

from orderport.channels import Channel, Claimed, TransportError
from orderport.channels.claims import claim_basename
from orderport.channels.names import TEMPORARY, claim_owner_tag, owner_tag, safe_display_name
from orderport.formats.base import FormatError
from orderport.formats.edifact import InterchangeReport
from orderport.formats.x12 import X12Receipt
from orderport.model import SourceLocation
from orderport.partners import PartnerProfile
from orderport.pipeline.answers import AnswerInput, queue_answers
from orderport.pipeline.ingest import FileResult
from orderport.store import ledger
from orderport.store.archive import open_archived
from orderport.store.ledger import FileState, LedgerRow

log = logging.getLogger(__name__)

MAX_CRASHES: Final = 3
"""Processing attempts that may end with the process dead before the file is set aside."""


def _start_ticks(pid: int) -> str:
    """The process's start time (clock ticks since boot) from /proc, or "" where unavailable."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            raw = stat.read()
    except OSError:
        return ""
    # Field 22; the command name (field 2) may hold spaces and parentheses: split after it.
    fields = raw[raw.rfind(b")") + 2 :].split()
    return fields[19].decode() if len(fields) > 19 else ""


def _host() -> str:
    return socket.gethostname()[:30].replace(":", "_") or "host"


def owner_id() -> str:
    """This process as a claim owner: ``host:pid:start``."""
    pid = os.getpid()
    return f"{_host()}:{pid}:{_start_ticks(pid)}"


def claim_token() -> str:
    """A fresh claim token naming this process as the owner (at most 64 characters)."""
    return f"{owner_id()}:{secrets.token_hex(4)}"[-64:]


def owner_alive(token: str | None) -> bool | None:
    """Whether the process named in a claim token still runs; None when it cannot be told
    (another host, or a token from before owners were recorded)."""
    if not token:
        return None
    parts = token.split(":")
    if len(parts) != 4 or not parts[1].isdigit():
        return None
    host, pid_text, start, _ = parts
    if host != _host():
        return None
    pid = int(pid_text)
    if pid == os.getpid():
        return start == _start_ticks(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # exists, owned by another user
    now_start = _start_ticks(pid)
    return not (start and now_start and start != now_start)


@dataclass(frozen=True)
class TakenBack:
    """What ``take_back_dead_claims`` did."""

    released: list[int]
    """Claims of dead owners, back to ``received``."""
    set_aside: list[int]
    """Files that killed their worker ``MAX_CRASHES`` times: failed and answered."""


def take_back_dead_claims(
    engine: Engine,
    partner_ids: Sequence[str] | None,
    home: Path,
    profile_of: Callable[[str], PartnerProfile],
) -> TakenBack:
    """Return dead owners' claims to ``received``; set aside files that crashed too often."""
    with engine.connect() as conn:
        held = ledger.held_claims(conn, partner_ids)
    released: list[int] = []
    set_aside: list[int] = []
    for row in held:
        marker = row.detail.get(ledger.PROCESSING_KEY)
        if owner_alive(_claim_owner(engine, row)) is not False:
            continue
        crashed = isinstance(marker, str) and owner_alive(marker) is False
        with engine.begin() as conn:
            current = ledger.get(conn, row.id)
            if current is None or current.state not in (FileState.CLAIMED, FileState.PARSED):
                continue
            crashes = ledger.release_claim(conn, current, crashed=crashed)
            if crashes >= MAX_CRASHES:
                fresh = ledger.get(conn, row.id)
                assert fresh is not None
                profile = _profile_or_none(profile_of, row.partner_id)
                if profile is None:
                    ledger.set_state(conn, row.id, FileState.FAILED, error=crash_reason(crashes))
                else:
                    set_aside_file(conn, fresh, profile, home, crashes)
                set_aside.append(row.id)
            else:
                released.append(row.id)
        if crashed:
            log.error(
                "inbound file #%s: its intake process died while processing it (%s time(s))",
                row.id,
                crashes,
            )
    return TakenBack(released, set_aside)


def _profile_or_none(
    profile_of: Callable[[str], PartnerProfile], partner_id: str
) -> PartnerProfile | None:
    try:
        return profile_of(partner_id)
    except Exception:  # the profile is gone or broken: the file is still failed, unanswered
        log.warning("partner %s: no usable profile to answer a set-aside file", partner_id)
        return None


def _claim_owner(engine: Engine, row: LedgerRow) -> str | None:
    with engine.connect() as conn:
        return ledger.claim_owner(conn, row.id)


def mark_processing(engine: Engine, file_id: int) -> None:
    """Claim the file if it is ``received`` and note, committed, that this process starts
    processing it; another live process's claim is left alone."""
    token = claim_token()
    with engine.begin() as conn:
        row = ledger.get(conn, file_id)
        if row is None or row.state.is_final:
            return
        if row.state is FileState.RECEIVED and not ledger.claim(conn, file_id, token):
            return
        owner = token if row.state is FileState.RECEIVED else ledger.claim_owner(conn, file_id)
        if owner and owner_alive(owner) and not owner.startswith(owner_id() + ":"):
            return  # a live pass elsewhere holds it; its lock decides who processes
        ledger.mark_processing(conn, file_id, token)


def suspects_last(engine: Engine, file_ids: Sequence[int]) -> list[list[int]]:
    """The ids in two batches: files without a crash behind them, then those with one."""
    unique = list(dict.fromkeys(file_ids))
    with engine.connect() as conn:
        counts = ledger.crash_counts(conn, unique)
    batches = [[i for i in unique if i not in counts], sorted(counts, key=counts.__getitem__)]
    return [b for b in batches if b]


def crash_reason(crashes: int) -> str:
    return (
        f"processing this file stopped our intake process {crashes} times (it may be far "
        "larger or more deeply nested than the format allows, or damaged); it was set aside "
        "and not applied; check the file and send a corrected one"
    )


def failure_reason(exc: BaseException) -> str:
    """A reason in the sender's terms for a file whose processing raised ``exc``."""
    if isinstance(exc, MemoryError):
        return (
            "the file needs more memory than one file may use; it was not applied; split it "
            "into smaller files and send them again"
        )
    if isinstance(exc, RecursionError):
        return "the file is nested too deeply to be read; it was not applied"
    return (
        "the file could not be processed because of a problem on our side; it was not applied "
        "and our operators have been told; there is no need to send it again"
    )


def set_aside_file(
    conn: Connection,
    row: LedgerRow,
    profile: PartnerProfile,
    home: Path,
    crashes: int | None = None,
    reason: str | None = None,
) -> None:
    """Fail the file with ``reason`` (default: the crash reason) and answer its sender."""
    why = reason or crash_reason(crashes or MAX_CRASHES)
    name = safe_display_name(row.original_name)
    result = FileResult(name, format=row.format)
    result.error = FormatError(why, SourceLocation(file=name))
    outbox_ids: list[int] = []
    if profile.outbound.acknowledgment and row.sha256:
        try:
            original = open_archived(home, row.sha256)
        except (OSError, ValueError):
            original = None
        if original is not None:
            answer = AnswerInput(
                partner_id=row.partner_id,
                file_id=row.id,
                result=result,
                original=original,
                x12_receipt=X12Receipt(),
                edifact_report=InterchangeReport(),
                email=dict(row.detail) if row.channel == "imap" else {},
            )
            outbox_ids = queue_answers(conn, answer, now=datetime.now(UTC))
    detail = {k: v for k, v in row.detail.items() if k != ledger.PROCESSING_KEY}
    detail["answered"] = bool(outbox_ids)
    ledger.set_state(conn, row.id, FileState.FAILED, error=why, detail=detail)


def fail_with_answer(
    engine: Engine,
    file_id: int,
    profile_of: Callable[[str], PartnerProfile],
    home: Path,
    exc: BaseException,
) -> None:
    """A file whose processing raised: failed with a reason in the sender's terms, answered;
    the exception itself goes to the log (and ``detail.internal_error``) for the operator."""
    with engine.begin() as conn:
        row = ledger.get(conn, file_id)
        if row is None or row.state.is_final:
            return
        internal = f"{type(exc).__name__}: {exc}"[:500]
        row = LedgerRow(**{**row.__dict__, "detail": {**row.detail, "internal_error": internal}})
        profile = _profile_or_none(profile_of, row.partner_id)
        if profile is None:
            ledger.set_state(conn, file_id, FileState.FAILED, error=failure_reason(exc))
            return
        set_aside_file(conn, row, profile, home, reason=failure_reason(exc))


# ------------------------------------------------------------- leftovers on the channels


def register_owner(home: Path) -> None:
    """Record which process carries this process's owner tag (claim and temporary names hold
    the tag), so a later pass can ask whether the process behind a leftover still runs."""
    folder = home / "owners"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / owner_tag()
    me = owner_id()
    try:
        if path.read_text(encoding="utf-8") == me:
            return
    except OSError:
        pass
    tmp = folder / f".{owner_tag()}.{os.getpid()}.tmp"
    tmp.write_text(me, encoding="utf-8")
    os.replace(tmp, path)


def tag_owner_alive(home: Path, tag: str) -> bool | None:
    """Whether the process behind an owner tag runs; None when the tag is not registered here."""
    if tag == owner_tag():
        return True
    try:
        token = (home / "owners" / tag).read_text(encoding="utf-8")
    except OSError:
        return None
    return owner_alive(f"{token}:x")


@runtime_checkable
class ProcessingLister(Protocol):
    def claims_in_processing(self) -> list[Claimed]: ...


@runtime_checkable
class TemporaryCleaner(Protocol):
    def stray_temporaries(self) -> list[str]: ...

    def remove_temporary(self, name: str) -> None: ...


def orphan_claims(channel: Channel, home: Path) -> list[Claimed]:
    """Files in processing/ renamed there by a process that has died, or by this process in an
    earlier claim step that failed before recording them (called at the start of a claim step,
    when none of this process's claims for the partner are in flight). Files of unknown owners
    are left to the channel's own stale-claim recovery."""
    if not isinstance(channel, ProcessingLister):
        return []
    found: list[Claimed] = []
    mine = owner_tag()
    for claimed in channel.claims_in_processing():
        tag = claim_owner_tag(claim_basename(claimed))
        if tag is not None and (tag == mine or tag_owner_alive(home, tag) is False):
            found.append(claimed)
    return found


def clean_temporaries(channel: Channel, home: Path) -> list[str]:
    """Remove partial deliveries that a dead process left in the partner's outbox."""
    if not isinstance(channel, TemporaryCleaner):
        return []
    removed: list[str] = []
    for name in channel.stray_temporaries():
        match = TEMPORARY.match(name)
        if match and tag_owner_alive(home, match.group(1)) is False:
            channel.remove_temporary(name)
            removed.append(name)
    return removed


def clean_work_copies(workdir: Path, home: Path) -> int:
    """Remove fetched copies a dead process left in ``workdir`` (named with its owner tag)."""
    if not workdir.is_dir():
        return 0
    removed = 0
    for entry in workdir.iterdir():
        if not entry.is_file() or entry.is_symlink():
            continue
        if tag_owner_alive(home, entry.name[:4]) is False:
            entry.unlink(missing_ok=True)
            removed += 1
    return removed


def recoverable(channel: Channel, home: Path) -> list[Claimed]:
    """The channel's stale claims plus the claims of dead processes, each once."""
    found = {c.ref: c for c in channel.recover()}
    for claimed in orphan_claims(channel, home):
        found.setdefault(claimed.ref, claimed)
    return list(found.values())


class PartialClaim(TransportError):
    """Some files of a partner could not be fetched; the others were taken in (``ids``)."""

    def __init__(self, message: str, ids: list[int]) -> None:
        super().__init__(message)
        self.ids = ids
