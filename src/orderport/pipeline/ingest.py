"""One file in: read -> map -> validate -> apply. Plain functions, no Airflow imports.

``check_file`` stops before the store (the ``validate``/``convert`` commands); ``ingest_file``
applies every PO of the file in one transaction, so a file is either wholly recorded or not at all.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import Connection, Engine

from orderport.formats import registry
from orderport.formats.base import FormatError, RawDocument, Reader, ReadSettings
from orderport.formats.edifact import InterchangeReport, read_interchange
from orderport.formats.edifact import interchange_key as edifact_key
from orderport.formats.x12 import READER as X12_READER
from orderport.formats.x12 import X12Receipt
from orderport.formats.x12 import interchange_key as x12_key
from orderport.model import Finding, PurchaseOrder, Severity, SourceLocation
from orderport.partners import PartnerProfile, apply_mapping, read_settings
from orderport.pipeline.assembly import join, rows_too_far_apart
from orderport.store.bulk import apply_many
from orderport.store.lifecycle import ApplyResult, Outcome, PoStatus, apply_as_read, get_po
from orderport.validation import normalize


@dataclass(slots=True)
class PoResult:
    """What happened to one PO of a file."""

    po_number: str | None
    findings: list[Finding]
    po: PurchaseOrder | None = None
    outcome: Outcome | None = None
    status: PoStatus | None = None
    reference: str | None = None
    lines: int = 0
    """How many lines the document held (counted before validation)."""

    @property
    def has_errors(self) -> bool:
        return any(f.is_error for f in self.findings)


@dataclass
class FileResult:
    """What happened to one file: its POs, or the reason it could not be read."""

    filename: str
    format: str | None = None
    pos: list[PoResult] = field(default_factory=list)
    error: FormatError | None = None

    @property
    def has_errors(self) -> bool:
        return self.error is not None or any(p.has_errors for p in self.pos)


def choose_reader(
    head: bytes, filename: str, profile: PartnerProfile | None, fmt: str | None = None
) -> Reader:
    """The one format choice (``registry.choose``) with the partner's accepted/pinned formats;
    ``fmt`` (the command line's ``--format``) pins like a profile does."""
    return registry.choose(
        head,
        filename,
        accepted=list(profile.formats.accepted) if profile and profile.formats.accepted else None,
        pinned=fmt or (profile.formats.pinned if profile else None),
        partner=profile.id if profile else None,
    )


@dataclass
class OpenedFile:
    """A file's chosen reader and its documents, mapped through the partner's profile.

    ``receipt``/``report`` fill while the documents are read (X12 / EDIFACT envelopes), so the
    answer (997, TA1, CONTRL) can be written after the last document.
    """

    reader: Reader
    documents: Iterator[RawDocument]
    receipt: X12Receipt = field(default_factory=X12Receipt)
    report: InterchangeReport = field(default_factory=InterchangeReport)

    @property
    def assembles(self) -> bool:
        """Row formats: one PO's rows may be apart in the file and are joined into one PO."""
        return self.reader.name in ROW_FORMATS


def open_documents(
    stream: BinaryIO,
    filename: str,
    profile: PartnerProfile | None = None,
    fmt: str | None = None,
    *,
    receipt: X12Receipt | None = None,
    report: InterchangeReport | None = None,
) -> OpenedFile:
    """Choose the reader from the stream's first bytes and read it: every command and pass
    (``validate``, ``convert``, ``ingest``, intake, reprocess, DAG tasks, bench) reads here."""
    head = stream.read(registry.SNIFF_BYTES)
    stream.seek(0)
    chosen = choose_reader(head, filename, profile, fmt)
    opened = OpenedFile(
        chosen,
        iter(()),
        receipt if receipt is not None else X12Receipt(),
        report if report is not None else InterchangeReport(),
    )
    settings = read_settings(profile) if profile else ReadSettings()
    if profile is not None and chosen.name in ("x12", "edifact") and profile.edi is None:
        sender, _ = (x12_key if chosen.name == "x12" else edifact_key)(head)
        raise FormatError(
            f"interchange from sender {sender!r}, but partner {profile.id} has no EDI "
            "identity (edi.interchange_id) in its profile"
        )

    def documents() -> Iterator[RawDocument]:
        if chosen.name == "x12":
            raw = X12_READER.read_with_receipt(stream, filename, settings, opened.receipt)
        elif chosen.name == "edifact":
            raw = read_interchange(stream, filename, settings, opened.report)
        else:
            raw = chosen.read(stream, filename, settings)
        for doc in raw:
            yield apply_mapping(profile, doc) if profile else doc

    opened.documents = documents()
    return opened


def _po_number(doc: RawDocument) -> str | None:
    value = doc.data.get("po_number")
    return value if isinstance(value, str) else None


def _resolve_change(conn: Connection | None, partner_id: str | None, doc: RawDocument) -> bool:
    """Change documents that carry only the changes are merged onto the stored PO first.

    False when there is nothing to merge onto: the change names a PO we never received.
    """
    if doc.merge is None:
        return True
    number = _po_number(doc)
    stored = (
        get_po(conn, partner_id, number) if conn is not None and partner_id and number else None
    )
    if stored is None:
        doc.findings.append(
            Finding(
                code="store.unknown_po",
                severity=Severity.ERROR,
                path="$.po_number",
                message=f"change for PO {number!r}, which we have not received",
                location=doc.provenance.locate("$.po_number"),
            )
        )
        return False
    doc.data = doc.merge(stored.document)
    return True


def _normalize(doc: RawDocument) -> PoResult:
    lines = doc.data.get("lines")
    po, findings = normalize(doc)
    result = PoResult(_po_number(doc), findings, po, reference=doc.reference)
    result.lines = len(lines) if isinstance(lines, list) else 0
    return result


def check_file(
    path: Path, profile: PartnerProfile | None = None, fmt: str | None = None
) -> FileResult:
    """Read and validate a file without storing anything."""
    result = FileResult(path.name)
    try:
        with path.open("rb") as stream:
            opened = open_documents(stream, path.name, profile, fmt)
            result.format = opened.reader.name
            docs: list[RawDocument] = []
            by_number: dict[str, RawDocument] = {}
            originals: dict[str, RawDocument] = {}
            for doc in opened.documents:
                if not opened.assembles:
                    _repeated(doc, originals)
                if doc.merge is not None:
                    doc.data = doc.merge({})
                number = _po_number(doc) if opened.assembles else None
                if number is not None and number in by_number:
                    join(by_number[number], doc)
                    continue
                if number is not None:
                    by_number[number] = doc
                docs.append(doc)
            result.pos = [_normalize(doc) for doc in docs]
    except FormatError as exc:
        result.error = exc
        result.pos = []
    return result


PO_REPEATED = "read.po_repeated"


def _repeated(doc: RawDocument, seen: dict[str, RawDocument]) -> bool:
    """A second original document for a PO number already in this file (two 850s, two JSON
    objects): refused with a finding, never stored as a silent second version. Row formats
    join their rows instead; change and cancel documents are meant to follow the original."""
    number = _po_number(doc)
    if number is None or doc.merge is not None or doc.data.get("purpose") in ("change", "cancel"):
        return False
    first = seen.setdefault(number, doc)
    if first is doc:
        return False
    where = first.provenance.locate("$.po_number")
    doc.findings.append(
        Finding(
            code=PO_REPEATED,
            severity=Severity.ERROR,
            path="$.po_number",
            message=f"PO {number!r} appears again in this file (first {where or 'earlier'}); "
            "send each PO once per file, and changes as a change document (860, ORDCHG)",
            location=doc.provenance.locate("$.po_number"),
        )
    )
    return True


ROW_FORMATS = frozenset({"csv", "xlsx"})
"""Formats whose POs are groups of rows (a PO's rows may be apart in the file)."""

APPLY_BATCH = 500
"""POs validated before one bulk apply: large enough to amortise the store's round trips."""


def apply_documents(
    conn: Connection,
    partner_id: str,
    profile: PartnerProfile | None,
    docs: Iterable[RawDocument],
    inbound_file_id: int | None = None,
    *,
    assemble: bool = False,
) -> list[PoResult]:
    """Normalize each document and apply the POs on ``conn`` in batches, in file order.

    One outcome per PO per file: with ``assemble`` (row formats: CSV, spreadsheets) rows of one PO
    that are apart in the file are joined into one PO before it is validated (see
    ``assembly.join``), never stored as two fragments. A document the schema refused is stored
    as read, on hold (``lifecycle.apply_as_read``). A ``FormatError`` from ``docs`` propagates:
    the caller rolls the transaction back, so a truncated file applies nothing. A change document
    is merged only after everything before it in the file is applied (its PO may be the one just
    created).
    """
    auto_approve = bool(profile and profile.options.auto_approve)
    results: list[PoResult] = []
    pending: dict[str, RawDocument] = {}
    order: list[RawDocument] = []
    applied: set[str] = set()  # numbers only: a 1 GB file has ~500k POs
    originals: dict[str, RawDocument] = {}

    def apply_run(run: list[PoResult]) -> None:
        if not run:
            return
        outcomes = apply_many(
            conn,
            partner_id,
            [(r.po, r.findings) for r in run if r.po is not None],
            inbound_file_id=inbound_file_id,
            partner_auto_approve=auto_approve,
        )
        for po_result, outcome in zip(run, outcomes, strict=True):
            _record(po_result, outcome)
        run.clear()

    def flush() -> None:
        run: list[PoResult] = []
        for doc in order:
            po_result = _normalize(doc)
            results.append(po_result)
            if po_result.po is not None:
                run.append(po_result)
                continue
            apply_run(run)
            outcome = apply_as_read(
                conn, partner_id, doc.data, po_result.findings, inbound_file_id=inbound_file_id
            )
            _record(po_result, outcome)
        apply_run(run)
        applied.update(pending)
        order.clear()
        pending.clear()
        gc.collect(1)  # the batch's little cyclic garbage, cheaply, while the GC is paused

    with gc_paused(), contextlib.closing(_closable(docs)) as stream:
        for doc in stream:
            if doc.merge is not None:
                flush()
                if not _resolve_change(conn, partner_id, doc):
                    rejected = PoResult(_po_number(doc), doc.findings, reference=doc.reference)
                    rejected.outcome = Outcome.REJECTED
                    results.append(rejected)
                    continue
                order.append(doc)
                flush()
                continue
            if not assemble and _repeated(doc, originals):
                flush()  # results stay in file order
                repeated = PoResult(_po_number(doc), doc.findings, reference=doc.reference)
                repeated.outcome = Outcome.REJECTED
                results.append(repeated)
                continue
            number = _po_number(doc) if assemble else None
            if number is not None and number in pending:
                join(pending[number], doc)
                continue
            if number is not None and number in applied:
                first = next((r.reference for r in results if r.po_number == number), None)
                raise rows_too_far_apart(doc, number, first or "earlier in the file")
            if number is not None:
                pending[number] = doc
            order.append(doc)
            if len(order) >= APPLY_BATCH:
                flush()
        flush()
    return results


def _closable(docs: Iterable[RawDocument]) -> Generator[RawDocument, None, None]:
    """``docs`` as a generator that ``closing`` can close. When the store refuses the file
    halfway (rows far apart, a read error), the reader is closed here, while its file is still
    open, instead of whenever the garbage collector gets to it; a reading process is stopped."""
    iterator = iter(docs)
    try:
        yield from iterator
    finally:
        close = getattr(iterator, "close", None)
        if close is not None:
            close()


def _record(po_result: PoResult, outcome: ApplyResult) -> None:
    po_result.outcome, po_result.status = outcome.outcome, outcome.status
    po_result.findings = outcome.findings
    # The store holds the PO now; keeping only outcome and findings bounds the memory of a file
    # with millions of lines.
    po_result.po = None


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Model building allocates many small objects and no cycles worth collecting: pausing the
    cyclic GC made it ~3x faster here. Restores the previous state."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def ingest_file(
    engine: Engine,
    path: Path,
    partner_id: str,
    profile: PartnerProfile | None = None,
    fmt: str | None = None,
    inbound_file_id: int | None = None,
) -> FileResult:
    """Read, validate and apply every PO of a file in one transaction."""
    result = FileResult(path.name)
    try:
        with path.open("rb") as stream:
            opened = open_documents(stream, path.name, profile, fmt)
            result.format = opened.reader.name
            with engine.begin() as conn:
                result.pos = apply_documents(
                    conn,
                    partner_id,
                    profile,
                    opened.documents,
                    inbound_file_id,
                    assemble=opened.assembles,
                )
    except FormatError as exc:
        result.error = exc
        result.pos = []
    return result


def file_error_finding(error: FormatError, filename: str) -> Finding:
    """A file-level error as a finding, for reports that list findings uniformly."""
    location = error.location or SourceLocation(file=filename)
    return Finding(
        code="read.file",
        severity=Severity.ERROR,
        path="$",
        message=error.message,
        location=location,
    )
