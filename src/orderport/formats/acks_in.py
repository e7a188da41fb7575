"""Partners' acknowledgments of OUR documents: X12 997 / 999 / TA1 and EDIFACT CONTRL.

``acknowledgment_kind(head)`` tells by content whether a file is one (intake then routes it to
the acknowledgment handler instead of the purchase-order path); ``read_acknowledgment(data)``
turns it into ``AckResult``s naming the control number of the interchange or group answered,
the verdict, and the segment/element the partner complained about.

Verdicts: 997/999 AK9 (group) A accepted, E accepted with errors, P (partially accepted: some
sets rejected) and R rejected; TA1 04 A / E / R; CONTRL UCI 0083 7 (acknowledged) or 8
(received) is accepted, unless a UCM says 4 (rejected) or a UCS/UCD names an error (accepted
with errors); UCI 4 is rejected.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from orderport.formats.base import FormatError
from orderport.formats.edifact.syntax import Segment, split_una, tokenize
from orderport.formats.outbound import Envelope
from orderport.formats.x12.tokenizer import SegmentStream, split_isa


class AckStatus:
    ACCEPTED = "accepted"
    ACCEPTED_WITH_ERRORS = "accepted_with_errors"
    REJECTED = "rejected"


@dataclass(frozen=True)
class AckResult:
    """What one acknowledgment says about one of our interchanges (or one of its groups)."""

    envelope: Envelope
    interchange_control: str | None
    """ISA13 / UNB 0020 answered (TA1, CONTRL UCI); None when only the group is named."""
    group_control: str | None
    """GS06 answered (997/999 AK1)."""
    status: str
    """``accepted``, ``accepted_with_errors`` or ``rejected``."""
    detail: str
    """What the partner named: set, segment, position, element, code."""
    sender: str
    """ISA06 / UNB 0004 of the acknowledgment (the partner)."""


_AK9 = {"A": AckStatus.ACCEPTED, "E": AckStatus.ACCEPTED_WITH_ERRORS}


def acknowledgment_kind(head: bytes) -> str | None:
    """``997``/``999``/``TA1``/``CONTRL`` when the file is a partner's acknowledgment, else None."""
    text = head.decode("latin-1").lstrip("\ufeff\r\n \t")
    if text.startswith("ISA"):
        try:
            _, seps, end = split_isa(text)
        except FormatError:
            return None
        following = [s.strip("\r\n ") for s in text[end:].split(seps.segment)[:3]]
        for segment in following:
            elements = segment.split(seps.element)
            if elements[0] == "TA1":
                return "TA1"
            if elements[0] == "ST" and len(elements) > 1 and elements[1] in ("997", "999"):
                return elements[1]
        return None
    if text.startswith(("UNA", "UNB")):
        delimiters, start = split_una(text)
        marker = f"{delimiters.terminator}UNH{delimiters.element}"
        at = text.find(marker, start)
        if at < 0:
            return None
        unh = text[at + len(marker) :].split(delimiters.terminator, 1)[0]
        fields = unh.split(delimiters.element)
        if len(fields) > 1 and fields[1].split(delimiters.component)[0] == "CONTRL":
            return "CONTRL"
    return None


def read_acknowledgment(data: bytes, filename: str) -> list[AckResult]:
    """Every verdict in the acknowledgment file; ``FormatError`` when it cannot be read."""
    text = data.decode("latin-1").lstrip("\ufeff\r\n \t")
    if text.startswith("ISA"):
        return _x12(data, filename)
    return _contrl(text, filename)


def _x12(data: bytes, filename: str) -> list[AckResult]:
    stream = SegmentStream(io.BytesIO(data), filename, encoding="latin-1")
    results: list[AckResult] = []
    sender = ""
    group: str | None = None
    sets: list[str] = []
    current: list[str] = []
    for position, seg in enumerate(stream, 1):
        tag = seg[0].strip()
        if tag == "ISA":
            sender = seg[6].strip() if len(seg) > 6 else ""
        elif tag == "TA1" and len(seg) > 4:
            status = _AK9.get(seg[4], AckStatus.REJECTED)
            note = f"TA1 {seg[4]}, note code {seg[5]}" if len(seg) > 5 else f"TA1 {seg[4]}"
            results.append(AckResult(Envelope.X12, seg[1], None, status, note, sender))
        elif tag == "AK1" and len(seg) > 2:
            group, sets = seg[2], []
        elif tag == "AK2" and len(seg) > 2:
            current = [f"{seg[1]} {seg[2]}"]
        elif tag in ("AK3", "IK3") and len(seg) > 1:
            code = seg[4] if len(seg) > 4 else ""
            where = seg[2] if len(seg) > 2 else "?"
            current.append(f"segment {seg[1]} at position {where} (error {code})")
        elif tag in ("AK4", "IK4") and len(seg) > 1:
            code = seg[3] if len(seg) > 3 else ""
            bad = f" value {seg[4]!r}" if len(seg) > 4 and seg[4] else ""
            current.append(f"element {seg[1]} (error {code}){bad}")
        elif tag in ("AK5", "IK5") and len(seg) > 1:
            if seg[1] != "A" or len(current) > 1:
                subject = current[0] if current else "set"
                sets.append(f"{subject} {seg[1]}: " + "; ".join(current[1:]))
            current = []
        elif tag == "AK9" and len(seg) > 1:
            if group is None:
                raise FormatError(f"{filename}: AK9 at segment {position} without an AK1")
            status = _AK9.get(seg[1], AckStatus.REJECTED)
            detail = f"AK9 {seg[1]}" + (": " + " | ".join(sets) if sets else "")
            results.append(AckResult(Envelope.X12, None, group, status, detail, sender))
            group = None
    if not results:
        raise FormatError(f"{filename}: an acknowledgment without AK9 or TA1 verdicts")
    return results


def _contrl(text: str, filename: str) -> list[AckResult]:
    delimiters, start = split_una(text)
    segments = list(tokenize([text[start:]], delimiters))
    unb = next((s for s in segments if s.tag == "UNB"), None)
    uci = next((s for s in segments if s.tag == "UCI"), None)
    if unb is None or uci is None:
        raise FormatError(f"{filename}: a CONTRL without UNB or UCI")
    action = uci.value(4)
    problems: list[str] = []
    rejected_message = False
    for seg in segments:
        if seg.tag == "UCI" and seg.has(5):
            problems.append(f"interchange error {seg.value(5)} in {seg.value(6) or 'UNB'}")
        elif seg.tag == "UCM":
            if seg.value(3) == "4":
                rejected_message = True
            problems.extend(_ucm(seg))
        elif seg.tag == "UCS":
            problems.append(f"segment position {seg.value(1)} error {seg.value(2)}")
        elif seg.tag == "UCD":
            problems.append(f"element {':'.join(seg.components(2))} error {seg.value(1)}")
    if action == "4" or rejected_message:
        status = AckStatus.REJECTED
    elif problems:
        status = AckStatus.ACCEPTED_WITH_ERRORS
    else:
        status = AckStatus.ACCEPTED
    detail = f"UCI {action}" + (": " + "; ".join(problems) if problems else "")
    return [AckResult(Envelope.EDIFACT, uci.value(1), None, status, detail, unb.value(2))]


def _ucm(seg: Segment) -> list[str]:
    verdict = "rejected" if seg.value(3) == "4" else "acknowledged"
    error = f", error {seg.value(4)} in {seg.value(5)}" if seg.has(4) else ""
    return [f"message {seg.value(1)} ({seg.value(2)}) {verdict}{error}"]
