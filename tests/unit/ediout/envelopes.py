"""Reading the envelope of an outbound file back: who sent it and its control numbers."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Envelope:
    standard: str
    sender: tuple[str, str]
    """(id, qualifier): ISA06/ISA05, UNB 0004/0007."""
    application_sender: str | None
    """GS02 (X12 only)."""
    interchange: str
    """ISA13 / UNB 0020."""
    group: str | None
    """GS06 (X12 only)."""
    receiver: tuple[str, str]


def read_envelope(content: bytes) -> Envelope:
    text = content.decode("latin-1").lstrip()
    if text.startswith("ISA"):
        return _x12(text)
    return _edifact(text)


def _x12(text: str) -> Envelope:
    element, segment_end = text[3], text[105]
    segments = [s.strip() for s in text.split(segment_end) if s.strip()]
    isa = segments[0].split(element)
    gs = next(s.split(element) for s in segments if s.startswith("GS" + element))
    return Envelope(
        "x12",
        (isa[6].strip(), isa[5].strip()),
        gs[2],
        isa[13],
        gs[6],
        (isa[8].strip(), isa[7].strip()),
    )


def _edifact(text: str) -> Envelope:
    component, element, terminator = ":", "+", "'"
    if text.startswith("UNA"):
        component, element, terminator = text[3], text[4], text[8]
        text = text[9:]
    unb = text.split(terminator, 1)[0]
    fields = unb.split(element)
    sender = fields[2].split(component)
    recipient = fields[3].split(component)
    return Envelope(
        "edifact",
        (sender[0], sender[1] if len(sender) > 1 else ""),
        None,
        fields[5],
        None,
        (recipient[0], recipient[1] if len(recipient) > 1 else ""),
    )
