"""The intake pass: files from partners' channels into the store, exactly once.

``claim_files`` moves complete files into the channel's processing folder, archives their bytes
and records them ``claimed`` in the ledger; ``process_files`` reads each from the ARCHIVE and, in
ONE transaction per file, parses, validates, applies, queues the answers and writes the final
ledger state; only after that commit is the source moved to processed/ or failed/. Airflow tasks
call these with ids only; ``intake_pass`` runs both for the CLI and the demo.

Crash safety: killed after the channel claim -> ``recover()`` hands the file back once its
claim is stale; after the ledger insert -> ``reclaim_stuck`` returns the row to ``received``; after
the commit -> the row is final but not finished, and the next pass only finishes the move.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Connection, Engine, select
from sqlalchemy.exc import DBAPIError

from orderport.channels import (
    Candidate,
    Channel,
    ChannelError,
    ChannelRefused,
    Claimed,
    ImapChannel,
    TransportError,
    safe_display_name,
)
from orderport.formats import registry
from orderport.formats.base import FormatError
from orderport.formats.edifact import InterchangeReport
from orderport.formats.edifact import interchange_key as edifact_key
from orderport.formats.x12 import X12Receipt
from orderport.formats.x12 import interchange_key as x12_key
from orderport.partners import PartnerProfile, load_valid_profiles, profiles_dir
from orderport.partners.loading import ProfileProblem
from orderport.pipeline import crash_recovery, ops_alerts, read_ahead
from orderport.pipeline.ack_intake import is_acknowledgment, take_acknowledgment
from orderport.pipeline.answers import AnswerInput, queue_answers
from orderport.pipeline.channel_factory import ChannelOptions, CredentialResolver, open_channel
from orderport.pipeline.ingest import (
    FileResult,
    OpenedFile,
    PoResult,
    apply_documents,
    open_documents,
)
from orderport.pipeline.partner_events import po_events
from orderport.store import ledger
from orderport.store.archive import archive_file, open_archived
from orderport.store.events import emit_many
from orderport.store.ledger import FileState, LedgerRow
from orderport.store.lifecycle import Outcome, PoStatus, upsert_partner
from orderport.store.tables import partners

log = logging.getLogger(__name__)

CRASH_ENV = "ORDERPORT_CRASH_AT"
"""Test hook: SIGKILL this process at the named point (``after_channel_claim``,
``after_ledger_insert``, ``after_commit``, ``after_deliver``)."""

_REFUSED_OUTCOMES = (Outcome.REJECTED, Outcome.REFUSED)


def crash_point(name: str) -> None:
    """Die here, as a power cut would, when the test hook names this point."""
    if os.environ.get(CRASH_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)


@dataclass
class FileOutcome:
    """What a pass did with one ledger row."""

    file_id: int
    partner_id: str
    original_name: str
    state: FileState
    format: str | None = None
    result: FileResult | None = None
    outbox_ids: list[int] = field(default_factory=list)
    duplicate_of: int | None = None
    error: str | None = None
    already_final: bool = False
    """The row was final before this call (a re-run only finished the channel move)."""


@dataclass
class IntakeSummary:
    claimed: list[int] = field(default_factory=list)
    outcomes: list[FileOutcome] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    """Channel failures per partner; the pass went on with the other partners."""
    retriable: list[str] = field(default_factory=list)
    """Partners whose failure was a ``TransportError`` (server away, timeout): the next pass
    retries by itself. The others in ``errors`` (host key, authentication) need an operator."""
    failed: list[str] = field(default_factory=list)
    """Partners whose claiming broke with an unexpected error (a bug, a bad setting): logged with
    its traceback and named in ``errors``; the other partners' files were still taken."""


@dataclass
class IntakeContext:
    """What the functions need besides ids; built from the environment when not given."""

    home: Path
    profiles: Mapping[str, PartnerProfile] | None = None
    credentials: CredentialResolver | None = None
    options: ChannelOptions | None = None

    problems: list[ProfileProblem] = field(default_factory=list)
    """What is wrong with the profiles that did not load: only their partners are left out."""

    def _load(self) -> Mapping[str, PartnerProfile]:
        if self.profiles is None:
            self.profiles, self.problems = load_valid_profiles(profiles_dir())
        return self.profiles

    def profile(self, partner_id: str) -> PartnerProfile:
        found = self._load().get(partner_id)
        if found is None:
            raise ChannelRefused(f"no partner profile {partner_id!r} in {profiles_dir()}")
        return found

    def all_profiles(self) -> Mapping[str, PartnerProfile]:
        return self._load()

    def channel(self, profile: PartnerProfile, **overrides: float) -> Channel:
        options = self.options or ChannelOptions()
        if overrides:
            options = replace(options, **overrides)  # type: ignore[arg-type]
        if options.seen is None and profile.channel.kind == "imap" and self._engine is not None:
            options = replace(options, seen=ledger.DbSeenStore(self._engine, profile.id))
        return open_channel(profile, home=self.home, credentials=self.credentials, options=options)

    _engine: Engine | None = None


def _context(engine: Engine, home: Path, ctx: IntakeContext | None) -> IntakeContext:
    context = ctx or IntakeContext(home=home)
    context._engine = engine
    return context


def _partner_known(engine: Engine, partner_id: str) -> bool:
    with engine.connect() as conn:
        return (
            conn.execute(select(partners.c.id).where(partners.c.id == partner_id)).first()
            is not None
        )


def _ensure_partner(engine: Engine, profile: PartnerProfile) -> None:
    """Register the partner on its first pass (an atomic upsert: passes may race here)."""
    if _partner_known(engine, profile.id):
        return
    with engine.begin() as conn:
        upsert_partner(conn, profile.id, profile.name)


# --------------------------------------------------------------------------- claiming


def claim_files(
    engine: Engine,
    partner_id: str,
    *,
    home: Path,
    limit: int | None = None,
    ctx: IntakeContext | None = None,
) -> list[int]:
    """Claim complete files on the partner's channel, archive them, record them ``claimed``."""
    context = _context(engine, home, ctx)
    profile = context.profile(partner_id)
    _ensure_partner(engine, profile)
    token = crash_recovery.claim_token()
    workdir = home / "work" / partner_id
    channel = context.channel(profile)
    ids: list[int] = []
    failures: list[str] = []
    refused: list[str] = []
    crash_recovery.register_owner(home)
    crash_recovery.clean_work_copies(workdir, home)
    try:
        with _Recorder(engine, ids) as recorder:
            for claimed in crash_recovery.recoverable(channel, home):
                with engine.connect() as conn:
                    known = ledger.find_by_channel_ref(conn, partner_id, claimed.ref)
                if known is None:
                    _take_or_note(
                        recorder, channel, profile, claimed, workdir, home, token, failures
                    )
            for candidate in channel.list_candidates():
                if limit is not None and recorder.taken >= limit:
                    break
                claimed_now = _claim(channel, candidate, refused)
                if claimed_now is None:
                    continue
                crash_point("after_channel_claim")
                _take_or_note(
                    recorder, channel, profile, claimed_now, workdir, home, token, failures
                )
        with contextlib.suppress(ChannelError):
            markers = ops_alerts.lone_marker_alerts(channel, partner_id)
            if markers:
                ops_alerts.raise_alerts(engine, markers, datetime.now(UTC))
    finally:
        channel.close()
        if refused:
            ops_alerts.raise_alerts(
                engine, ops_alerts.unclaimable(partner_id, refused), datetime.now(UTC)
            )
    if failures:
        raise crash_recovery.PartialClaim(
            f"{len(failures)} file(s) could not be fetched (the next pass retries): "
            + "; ".join(failures[:3]),
            ids,
        )
    return ids


CLAIM_COMMIT_EVERY = 50
"""Ledger rows of claimed files committed together: one commit per file was a third of a small
file's database time. A crash before the commit leaves those files in processing/ with no row,
which the next pass takes again (``crash_recovery.recoverable``), so nothing is lost."""
CLAIM_COMMIT_SECONDS = 1.0
"""...and at least this often: the transaction spans the fetches in between (SFTP, IMAP), and on
SQLite it holds the write lock, which other writers wait for."""


class _Recorder:
    """The claim step's ledger transaction: rows are committed every ``CLAIM_COMMIT_EVERY``
    files or ``CLAIM_COMMIT_SECONDS`` and at the end; ``ids`` gets a file's id only once its
    row is committed."""

    def __init__(self, engine: Engine, ids: list[int]) -> None:
        self.engine, self.ids = engine, ids
        self.pending: list[int] = []
        self.taken = 0
        self._conn: Connection | None = None
        self._began = 0.0

    def __enter__(self) -> _Recorder:
        return self

    def conn(self) -> Connection:
        if self._conn is None:
            self._conn = self.engine.connect()
            self._conn.begin()
            self._began = time.monotonic()
        return self._conn

    def recorded(self, file_id: int) -> None:
        self.pending.append(file_id)
        self.taken += 1
        if (
            len(self.pending) >= CLAIM_COMMIT_EVERY
            or time.monotonic() - self._began >= CLAIM_COMMIT_SECONDS
        ):
            self.commit()

    def commit(self) -> None:
        if self._conn is not None:
            self._conn.commit()
            self._conn.close()
            self._conn = None
        self.ids.extend(self.pending)
        self.pending.clear()

    def __exit__(self, kind: object, *_: object) -> None:
        if kind is None:
            self.commit()
        elif self._conn is not None:
            self._conn.close()  # rolled back: those files are taken again by the next pass


def _take_or_note(
    recorder: _Recorder,
    channel: Channel,
    profile: PartnerProfile,
    claimed: Claimed,
    workdir: Path,
    home: Path,
    token: str,
    failures: list[str],
) -> None:
    """``_take``, but a transfer failure on one file is noted and the claim step goes on."""
    try:
        _take(recorder, channel, profile, claimed, workdir, home, token)
    except TransportError as exc:
        log.warning("%s: fetching failed, a later pass retries: %s", claimed.ref, exc)
        failures.append(str(exc))


def _claim(channel: Channel, candidate: Candidate, refused: list[str]) -> Claimed | None:
    try:
        return channel.claim(candidate)
    except ChannelRefused as exc:  # hostile name: stays where it is, for an operator
        log.warning("not claiming %s: %s", safe_display_name(candidate.name), exc)
        refused.append(str(exc))
        return None


def _take(
    recorder: _Recorder,
    channel: Channel,
    profile: PartnerProfile,
    claimed: Claimed,
    workdir: Path,
    home: Path,
    token: str,
) -> None:
    """Fetch, archive and record one claimed file; a refused file is recorded and failed."""
    kind = profile.channel.kind
    try:
        fetched = channel.fetch(claimed, workdir)
    except ChannelRefused as exc:
        recorder.commit()  # the refusal in a transaction of its own, then the move to failed/
        with recorder.engine.begin() as conn:
            file_id = ledger.record_refused(
                conn,
                partner_id=profile.id,
                original_name=claimed.candidate.name,
                size=claimed.candidate.size,
                channel=kind,
                channel_ref=claimed.ref,
                error=str(exc),
            )
        _finish_one(recorder.engine, channel, claimed, file_id, ok=False)
        return
    try:
        archive_path = archive_file(home, fetched.path, fetched.sha256)
    finally:
        fetched.path.unlink(missing_ok=True)
    file_id = ledger.record_claimed(
        recorder.conn(),
        partner_id=profile.id,
        sha256=fetched.sha256,
        original_name=fetched.original_name,
        size=fetched.size,
        channel=kind,
        channel_ref=claimed.ref,
        archive_path=archive_path,
        claim_token=token,
        detail=dict(fetched.metadata),
    )
    crash_point("after_ledger_insert")
    recorder.recorded(file_id)


# --------------------------------------------------------------------------- processing


def process_files(
    engine: Engine,
    file_ids: Sequence[int],
    *,
    home: Path,
    ctx: IntakeContext | None = None,
    progress: Callable[[FileOutcome, int], None] | None = None,
) -> list[FileOutcome]:
    """Process each file from the archive (one transaction each), then finish the channel moves.

    ``progress(outcome, total)`` is called after each file (the CLI's progress bar)."""
    context = _context(engine, home, ctx)
    outcomes: list[FileOutcome] = []
    total = len(dict.fromkeys(file_ids))
    # Files that crashed a worker before go last, after the others are finished on their channel.
    for batch in crash_recovery.suspects_last(engine, file_ids):
        done = []
        for file_id in batch:
            done.append(_process_one(engine, file_id, context))
            if progress is not None:
                progress(done[-1], total)
        finish_pending(engine, [o.file_id for o in done], context)
        outcomes.extend(done)
    return outcomes


def _outcome_of(row: LedgerRow, *, already: bool) -> FileOutcome:
    return FileOutcome(
        file_id=row.id,
        partner_id=row.partner_id,
        original_name=row.original_name,
        state=row.state,
        format=row.format,
        duplicate_of=row.duplicate_of,
        error=row.error,
        already_final=already,
    )


def _process_one(engine: Engine, file_id: int, context: IntakeContext) -> FileOutcome:
    try:
        crash_recovery.mark_processing(engine, file_id)
        with engine.begin() as conn:
            row = ledger.lock_for_processing(conn, file_id)
            if row is None:
                raise LookupError(f"no inbound file #{file_id} in the ledger")
            if row.state.is_final:
                return _outcome_of(row, already=True)
            if row.state is FileState.RECEIVED:
                ledger.claim(conn, file_id, crash_recovery.claim_token())
            outcome = _decide(conn, row, context)
        crash_point("after_commit")
        return outcome
    except DBAPIError:
        raise  # the database is away: the claim stays, a later pass (or reclaim) retries
    except Exception as exc:  # a bug or a broken archive: park the file, never lose it
        log.exception("inbound file #%s failed", file_id)
        crash_recovery.fail_with_answer(engine, file_id, context.profile, context.home, exc)
        with engine.connect() as conn:
            row = ledger.get(conn, file_id)
        assert row is not None
        return _outcome_of(row, already=False)


def _first_key(fmt: str, head: bytes) -> str | None:
    """``format:sender:control`` of an EDI file's first interchange (None for other formats)."""
    if fmt not in ("x12", "edifact"):
        return None
    sender, control = (x12_key if fmt == "x12" else edifact_key)(head)
    return _key(fmt, sender, control)


def _key(fmt: str, sender: str, control: str) -> str:
    return f"{fmt}:{sender.strip()}:{control.strip()}"


def _interchange_keys(fmt: str, receipt: X12Receipt, report: InterchangeReport) -> list[str]:
    """The keys of EVERY interchange the reader went through (an X12 file may hold several)."""
    if fmt == "x12":
        return [_key(fmt, i.info.sender_id, i.info.control_number) for i in receipt.interchanges]
    if fmt == "edifact" and report.interchange is not None:
        info = report.interchange
        return [_key(fmt, info.sender_id, info.control_reference)]
    return []


@dataclass
class _Resent:
    """Every interchange of the file was applied before: the file is a duplicate."""

    first: int
    key: str


def _file_state(result: FileResult) -> tuple[FileState, str | None]:
    if result.error is not None:
        return FileState.REJECTED, str(result.error)
    if not result.pos:
        return FileState.REJECTED, "the file holds no purchase order"
    if any(p.outcome is Outcome.HELD or p.status is PoStatus.ON_HOLD for p in result.pos):
        # A resent (or reprocessed) file whose POs are still on hold is still held.
        return FileState.HELD, None
    if all(p.outcome in _REFUSED_OUTCOMES for p in result.pos):
        return FileState.REJECTED, "every purchase order in the file was rejected"
    return FileState.STORED, None


def _decide(conn: Connection, row: LedgerRow, context: IntakeContext) -> FileOutcome:
    """Everything for one file inside the caller's transaction."""
    profile = context.profile(row.partner_id)
    outcome = _outcome_of(row, already=False)
    first = ledger.first_copy(conn, row.partner_id, row.sha256, row.id) if row.sha256 else None
    if first is not None:
        return _duplicate(conn, outcome, first, f"same content as inbound file #{first}")
    path = open_archived(context.home, row.sha256)
    name = safe_display_name(row.original_name)
    with path.open("rb") as start:
        if is_acknowledgment(start.read(registry.SNIFF_BYTES)):
            return _acknowledgment(conn, row, profile, path, name, outcome)
    result = FileResult(name)
    receipt, report = X12Receipt(), InterchangeReport()
    key: str | None = None
    with path.open("rb") as stream:
        head = stream.read(registry.SNIFF_BYTES)
        stream.seek(0)
        try:
            opened = open_documents(
                stream, row.original_name, profile, receipt=receipt, report=report
            )
            result.format = opened.reader.name
            key = _first_key(opened.reader.name, head)
            if read_ahead.wanted(opened.reader.name, path.stat().st_size):
                opened.documents = (
                    read_ahead.documents(path, row.original_name, profile) or opened.documents
                )
        except FormatError as exc:
            result.error = exc
        if result.error is None:
            applied = _apply(conn, row, profile, opened, name)
            if isinstance(applied, _Resent):
                outcome.format = result.format
                keys = _interchange_keys(opened.reader.name, receipt, report)
                ledger.record_interchanges(conn, row.id, row.partner_id, keys)
                why = f"interchange {applied.key} was received in file #{applied.first}"
                if profile.outbound.acknowledgment:  # the sender's translator is told, too
                    resent = AnswerInput(
                        partner_id=row.partner_id,
                        file_id=row.id,
                        result=FileResult(name, format=result.format),
                        original=path,
                        x12_receipt=receipt,
                        edifact_report=report,
                        email=dict(row.detail) if row.channel == "imap" else {},
                        edi=profile.edi,
                        resent=True,
                    )
                    outcome.outbox_ids = queue_answers(conn, resent, now=datetime.now(UTC))
                return _duplicate(conn, outcome, applied.first, why, key)
            result.pos, result.error = applied
    if result.format is not None:
        keys = _interchange_keys(result.format, receipt, report)
        ledger.record_interchanges(conn, row.id, row.partner_id, keys or ([key] if key else []))
    state, error = _file_state(result)
    outcome.result, outcome.format = result, result.format
    outcome.state, outcome.error = state, error
    if profile.outbound.acknowledgment:
        answer = AnswerInput(
            partner_id=row.partner_id,
            file_id=row.id,
            result=result,
            original=path,
            x12_receipt=receipt,
            edifact_report=report,
            email=dict(row.detail) if row.channel == "imap" else {},
            edi=profile.edi,
        )
        outcome.outbox_ids = queue_answers(conn, answer, now=datetime.now(UTC))
    emit_many(conn, row.partner_id, po_events(row.id, result))  # webhooks + stream, same txn
    ledger.set_state(
        conn,
        row.id,
        state,
        error=error,
        fmt=result.format,
        interchange_key=key,
        detail=_with_attempt(row.detail, state, outcome_counts(result.pos)),
    )
    return outcome


ATTEMPTS_KEY = "attempts_log"


def _with_attempt(
    detail: Mapping[str, object], state: FileState, counts: dict[str, int]
) -> dict[str, object]:
    """The ledger detail with this processing attempt appended: a reprocess never hides what an
    earlier attempt found (``attempts_log``: when, the file state, the PO outcomes)."""
    earlier = detail.get(ATTEMPTS_KEY)
    log_so_far = list(earlier) if isinstance(earlier, list) else []
    attempt = {"at": datetime.now(UTC).isoformat(), "state": state.value, "outcomes": counts}
    return {**detail, "outcomes": counts, ATTEMPTS_KEY: [*log_so_far, attempt]}


def outcome_counts(pos: Sequence[PoResult]) -> dict[str, int]:
    """PO outcome -> how many of the file's POs had it (the nightly report reads these)."""
    counts: dict[str, int] = {}
    for po in pos:
        if po.outcome is not None:
            counts[po.outcome.value] = counts.get(po.outcome.value, 0) + 1
    return dict(sorted(counts.items()))


def _apply(
    conn: Connection, row: LedgerRow, profile: PartnerProfile, opened: OpenedFile, name: str
) -> tuple[list[PoResult], FormatError | None] | _Resent:
    """Apply the file's POs in a savepoint: a read error after some POs undoes them all, and so
    does an interchange that was applied before (all of them resent: ``_Resent``)."""
    savepoint = conn.begin_nested()
    try:
        # apply_documents pauses the cyclic GC around reading and applying (ingest.gc_paused).
        results = apply_documents(
            conn, row.partner_id, profile, opened.documents, row.id, assemble=opened.assembles
        )
        keys = _interchange_keys(opened.reader.name, opened.receipt, opened.report)
        _check_resent(conn, row, keys)
    except _ResentError as resent:
        savepoint.rollback()
        return resent.resent
    except FormatError as exc:
        savepoint.rollback()
        return [], exc
    savepoint.commit()
    return results, None


class _ResentError(Exception):
    def __init__(self, resent: _Resent) -> None:
        super().__init__(resent.key)
        self.resent = resent


def _check_resent(conn: Connection, row: LedgerRow, keys: Sequence[str]) -> None:
    """All interchanges seen before -> ``_ResentError``; only some -> ``FormatError`` naming
    them (applying the rest alone would split the sender's interchange set)."""
    seen = {k: ledger.first_interchange(conn, row.partner_id, k, row.id) for k in keys}
    known = {k: first for k, first in seen.items() if first is not None}
    if not known:
        return
    if len(known) == len(seen):
        key, first = next(iter(known.items()))
        raise _ResentError(_Resent(first=first, key=key))
    listed = "; ".join(f"interchange {k} in file #{first}" for k, first in known.items())
    raise FormatError(
        f"{len(known)} of the file's {len(seen)} interchanges were received before ({listed});"
        " resend only the new interchanges"
    )


def _acknowledgment(
    conn: Connection,
    row: LedgerRow,
    profile: PartnerProfile,
    path: Path,
    name: str,
    outcome: FileOutcome,
) -> FileOutcome:
    """A partner's 997/999/TA1/CONTRL for our documents: recorded, never answered."""
    taken = take_acknowledgment(conn, profile, row.id, path, name, datetime.now(UTC))
    acknowledges = [f"{m.document} outbox #{m.outbox_id}: {m.status}" for m in taken.matched]
    detail = {**row.detail, "acknowledges": acknowledges}
    ledger.set_state(conn, row.id, taken.state, error=taken.error, fmt=taken.fmt, detail=detail)
    outcome.state, outcome.error, outcome.format = taken.state, taken.error, taken.fmt
    return outcome


def _duplicate(
    conn: Connection, outcome: FileOutcome, first: int, why: str, key: str | None = None
) -> FileOutcome:
    ledger.set_state(
        conn,
        outcome.file_id,
        FileState.DUPLICATE,
        error=why,
        fmt=outcome.format,
        duplicate_of=first,
        interchange_key=key,
    )
    outcome.state, outcome.duplicate_of, outcome.error = FileState.DUPLICATE, first, why
    return outcome


# --------------------------------------------------------------------------- finishing


_OK_STATES = (FileState.STORED, FileState.HELD, FileState.DUPLICATE)


def _finish_one(engine: Engine, channel: Channel, claimed: Claimed, file_id: int, ok: bool) -> bool:
    if not _move(channel, claimed, file_id, ok):
        return False
    with engine.begin() as conn:
        ledger.mark_finished(conn, [file_id])
    return True


def _move(channel: Channel, claimed: Claimed, file_id: int, ok: bool) -> bool:
    """The source to processed/ or failed/; False (and a later pass retries) when that fails."""
    try:
        channel.finish(claimed, ok)
    except ChannelError as exc:
        log.warning("inbound file #%s: channel move failed, a later pass retries: %s", file_id, exc)
        return False
    return True


def _claimed_for(row: LedgerRow) -> Claimed:
    assert row.channel_ref is not None
    candidate = Candidate(
        name=row.original_name, size=row.size, mtime=0.0, ref=row.detail.get("source", "")
    )
    return Claimed(candidate=candidate, ref=row.channel_ref)


def finish_pending(engine: Engine, file_ids: Sequence[int] | None, context: IntakeContext) -> int:
    """Move final-but-unfinished sources to processed/ or failed/; returns how many moved."""
    with engine.connect() as conn:
        rows = ledger.waiting(conn, file_ids=file_ids, needs_finish=True)
    by_partner: dict[str, list[LedgerRow]] = {}
    for r in rows:
        by_partner.setdefault(r.partner_id, []).append(r)
    moved = 0
    for partner_id, partner_rows in by_partner.items():
        profile = context.profile(partner_id)
        try:
            channel = context.channel(profile, stale_claim_seconds=0.0)
        except ChannelError as exc:
            log.warning("partner %s: cannot open its channel to finish files: %s", partner_id, exc)
            continue
        try:
            if isinstance(channel, ImapChannel):
                claims = {c.ref: c for c in channel.recover()}
            else:
                claims = {r.channel_ref or "": _claimed_for(r) for r in partner_rows}
            # One transaction notes every move of the batch: a crash before it only makes a
            # later pass move again what is already moved, which the channels take as done.
            finished = [
                r.id
                for r in partner_rows
                if (claimed := claims.get(r.channel_ref or "")) is not None
                and _move(channel, claimed, r.id, r.state in _OK_STATES)
            ]
        except ChannelError as exc:
            log.warning("partner %s: finishing files failed: %s", partner_id, exc)
            continue
        finally:
            channel.close()
        if finished:
            with engine.begin() as conn:
                ledger.mark_finished(conn, finished)
        moved += len(finished)
    return moved


# --------------------------------------------------------------------------- passes


def intake_pass(
    engine: Engine,
    partner_ids: Sequence[str] | None = None,
    *,
    home: Path,
    ctx: IntakeContext | None = None,
    progress: Callable[[FileOutcome, int], None] | None = None,
) -> IntakeSummary:
    """Claim and process every partner's files, plus whatever an earlier pass left behind."""
    context = _context(engine, home, ctx)
    wanted = list(partner_ids) if partner_ids is not None else list(context.all_profiles())
    crash_recovery.take_back_dead_claims(engine, wanted, home, context.profile)
    summary = IntakeSummary()
    # A broken profile leaves out only its own partner, and says so once per pass.
    summary.errors.extend(f"profile {problem}" for problem in context.problems)
    for partner_id in wanted:
        try:
            summary.claimed.extend(claim_files(engine, partner_id, home=home, ctx=context))
        except ChannelError as exc:
            if isinstance(exc, crash_recovery.PartialClaim):
                summary.claimed.extend(exc.ids)
            summary.errors.append(f"{partner_id}: {exc}")
            if isinstance(exc, TransportError):
                summary.retriable.append(partner_id)
        except DBAPIError:
            raise  # the store is away: no partner can be taken in, the whole pass retries
        except Exception as exc:  # one partner's bug must not starve the others
            log.exception("partner %s: claiming failed", partner_id)
            summary.errors.append(f"{partner_id}: failed: {type(exc).__name__}: {exc}")
            summary.failed.append(partner_id)
    ops_alerts.after_pass(engine, home, wanted, summary.errors, summary.retriable, context.profiles)
    with engine.connect() as conn:
        left = [r.id for r in ledger.waiting(conn, wanted)]
    summary.outcomes = process_files(
        engine, summary.claimed + left, home=home, ctx=context, progress=progress
    )
    return summary


def reclaim_stuck(engine: Engine, older_than: timedelta) -> int:
    """Files claimed longer ago than ``older_than`` (their pass died) go back to ``received``."""
    with engine.begin() as conn:
        return ledger.reclaim_stuck(conn, older_than)


def reprocess(
    engine: Engine, file_id: int, *, home: Path, ctx: IntakeContext | None = None
) -> FileOutcome:
    """Re-run a held, rejected or failed file from the archive (e.g. after a profile fix)."""
    context = _context(engine, home, ctx)
    with engine.begin() as conn:
        row = ledger.get(conn, file_id)
        if row is None:
            raise LookupError(f"no inbound file #{file_id} in the ledger")
        allowed = (FileState.HELD, FileState.FAILED, FileState.REJECTED)
        if row.state not in allowed:
            raise ValueError(
                f"inbound file #{file_id} is {row.state.value}; only "
                f"{', '.join(s.value for s in allowed)} files can be reprocessed"
            )
        if not row.sha256:
            raise ValueError(f"inbound file #{file_id} was never received whole; nothing to rerun")
        purged = row.detail.get(ledger.PURGED_KEY)
        if row.archive_path is None and purged:
            raise ValueError(
                f"inbound file #{file_id} cannot be reprocessed: its archive was purged on "
                f"{purged} (past the retention); ask the partner to send it again"
            )
        ledger.reopen(conn, file_id, crash_recovery.claim_token())
    return _process_one(engine, file_id, context)
