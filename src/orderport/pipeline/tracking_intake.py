"""Warehouse status updates and carrier booking updates arriving as files (CSV or JSON).

The partner comes from the channel (``partner_id``), never from the file. Every valid entry is
recorded in one transaction with its export-queue row; an entry with findings (schema, unknown
PO or fulfillment order) is skipped and reported, located in the file like a PO finding.
Re-reading the same file records nothing twice (``record_status``/``record_booking`` are
idempotent), so a crash between the commit and moving the file loses and duplicates nothing.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from sqlalchemy import Engine

from orderport.formats.base import FormatError
from orderport.formats.status_files import read_booking_file, read_status_file
from orderport.model import Finding, Provenance, Severity, SourceLocation
from orderport.partners import PartnerProfile
from orderport.store.tracking import TrackingError, record_booking, record_status


class TrackingFileKind(StrEnum):
    STATUS = "status"
    BOOKING = "booking"


@dataclass
class TrackingFileResult:
    filename: str
    kind: TrackingFileKind | None = None
    recorded: list[int] = field(default_factory=list)
    """Status event ids or booking version ids, one per valid entry."""
    findings: list[Finding] = field(default_factory=list)
    error: FormatError | None = None

    @property
    def has_errors(self) -> bool:
        return self.error is not None or any(f.is_error for f in self.findings)


def detect_kind(data: bytes, filename: str) -> TrackingFileKind:
    """Status or booking file, by content: the JSON ``document_type`` or keys, or the CSV header."""
    text = data[:65536].decode("utf-8-sig", errors="replace")
    if text.lstrip().startswith(("{", "[")):
        try:
            document = json.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise FormatError(f"not valid JSON ({exc})", SourceLocation(file=filename)) from None
        if isinstance(document, dict):
            if document.get("document_type") == "booking_confirmation" or "bookings" in document:
                return TrackingFileKind.BOOKING
            if document.get("document_type") == "order_status" or "events" in document:
                return TrackingFileKind.STATUS
            if "booking_reference" in document:
                return TrackingFileKind.BOOKING
            if "po_number" in document and "code" in document:
                return TrackingFileKind.STATUS
        raise FormatError(
            'expected a JSON object with "events" (status) or "bookings", or one event or booking',
            SourceLocation(file=filename),
        )
    header = next(csv.reader(io.StringIO(text)), [])
    columns = {h.strip() for h in header}
    if "booking_reference" in columns:
        return TrackingFileKind.BOOKING
    if "po_number" in columns and "code" in columns:
        return TrackingFileKind.STATUS
    raise FormatError(
        "CSV header has neither booking_reference (booking update) nor po_number and code "
        "(status update)",
        SourceLocation(file=filename, row=1),
    )


def ingest_tracking_file(
    engine: Engine,
    path: Path,
    partner_id: str,
    *,
    profile: PartnerProfile | None = None,
    source: str | None = None,
) -> TrackingFileResult:
    """Read, validate and record a status or booking update file."""
    result = TrackingFileResult(path.name)
    label = source or f"file:{path.name}"
    codes = dict(profile.mapping.custom_status_codes) if profile and profile.mapping else {}
    try:
        data = path.read_bytes()
        result.kind = detect_kind(data, path.name)
        if result.kind is TrackingFileKind.STATUS:
            status_file = read_status_file(data, path.name, partner_codes=codes)
            result.findings.extend(status_file.findings)
            with engine.begin() as conn:
                for where, event in status_file.events:
                    try:  # references are checked before anything is written
                        result.recorded.append(record_status(conn, partner_id, event, source=label))
                    except TrackingError as exc:
                        result.findings.append(_refusal(where, exc, status_file.provenance))
        else:
            booking_file = read_booking_file(data, path.name)
            result.findings.extend(booking_file.findings)
            with engine.begin() as conn:
                for where, booking in booking_file.bookings:
                    try:
                        result.recorded.append(
                            record_booking(conn, partner_id, booking, source=label)
                        )
                    except TrackingError as exc:
                        result.findings.append(_refusal(where, exc, booking_file.provenance))
    except FormatError as exc:
        result.error = exc
    return result


def _refusal(path: str, exc: TrackingError, provenance: Provenance) -> Finding:
    return Finding(
        code="tracking.unknown_reference",
        severity=Severity.ERROR,
        path=path,
        message=str(exc),
        location=provenance.locate(path),
    )
