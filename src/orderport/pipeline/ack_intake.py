"""A partner's acknowledgment of our documents, taken in on any channel instead of as a PO file.

Intake asks ``is_acknowledgment(head)`` for every file; a 997/999/TA1/CONTRL goes here. Each
verdict is matched to the outbound interchange it answers (store ``outbound_interchanges``,
by GS06 for 997/999, ISA13 for TA1, UNB 0020 for CONTRL) and recorded; a rejection becomes an
``ack_rejected`` alert in the next alerts pass. The file is ``stored`` when every verdict
matched something we sent, ``rejected`` (with the reason) when it cannot be read, comes from
another sender than the partner's, or answers nothing we sent. Acknowledgments are never
acknowledged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection

from orderport.formats.acks_in import AckResult, acknowledgment_kind, read_acknowledgment
from orderport.formats.base import FormatError
from orderport.formats.outbound import Envelope
from orderport.partners import PartnerProfile
from orderport.store.acks import Matched, record_ack
from orderport.store.ledger import FileState


@dataclass(frozen=True)
class AckIntake:
    state: FileState
    error: str | None
    fmt: str
    matched: list[Matched]


def is_acknowledgment(head: bytes) -> bool:
    return acknowledgment_kind(head) is not None


def take_acknowledgment(
    conn: Connection,
    profile: PartnerProfile,
    file_id: int,
    path: Path,
    name: str,
    now: datetime,
) -> AckIntake:
    """Read and record the acknowledgment file ``path`` of ``profile``'s partner."""
    data = path.read_bytes()
    fmt = "x12" if data.lstrip(b"\xef\xbb\xbf\r\n \t").startswith(b"ISA") else "edifact"
    try:
        results = read_acknowledgment(data, name)
    except FormatError as exc:
        return AckIntake(FileState.REJECTED, f"unreadable acknowledgment: {exc}", fmt, [])
    expected = profile.edi.interchange_id if profile.edi is not None else None
    strangers = sorted({r.sender for r in results if r.sender.strip() != expected})
    if strangers:
        return AckIntake(
            FileState.REJECTED,
            f"{name}: acknowledgment from sender {strangers[0]!r}, but partner {profile.id}'s"
            f" interchange id is {expected!r}",
            fmt,
            [],
        )
    matched: list[Matched] = []
    unknown: list[str] = []
    for result in results:
        found = record_ack(conn, profile.id, result, file_id=file_id, now=now)
        if found is None:
            unknown.append(_what(result))
        else:
            matched.append(found)
    if unknown:
        return AckIntake(
            FileState.REJECTED,
            f"{name}: acknowledges nothing we sent to {profile.id}: " + ", ".join(unknown),
            fmt,
            matched,
        )
    return AckIntake(FileState.STORED, None, fmt, matched)


def _what(result: AckResult) -> str:
    if result.envelope is Envelope.X12 and result.group_control is not None:
        return f"GS06 {result.group_control}"
    name = "ISA13" if result.envelope is Envelope.X12 else "UNB 0020"
    return f"{name} {result.interchange_control}"
