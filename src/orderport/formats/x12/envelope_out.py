"""Writing X12: segments joined with our separators, and the ISA/GS/GE/IEA envelope around them.

Shared by the 997 (which mirrors the inbound interchange's parties and separators) and the
outbound 855/856/301 (which take them from the partner's ``OutboundContext``). Trailing empty
elements are dropped, so a segment never ends with an element separator.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from orderport.formats.x12.tokenizer import Separators

MAX_CONTROL = 999_999_999


class SegmentWriter:
    """Collects segments as text; counts them so SE01 can be filled in."""

    def __init__(self, separators: Separators, newline: bool) -> None:
        self.separators = separators
        self.element = separators.element
        self.end = separators.segment + ("\n" if newline and separators.segment != "\n" else "")
        forbidden = {separators.element, separators.component, separators.segment}
        if separators.repetition:
            forbidden.add(separators.repetition)
        self.forbidden = forbidden
        self.parts: list[str] = []
        self.count = 0

    def clean(self, value: str) -> str:
        """Free text must not contain our separators: each one becomes a blank."""
        if any(ch in value for ch in self.forbidden):
            return "".join(" " if ch in self.forbidden else ch for ch in value).strip()
        return value

    def segment(self, *elements: str) -> None:
        values = list(elements)
        while len(values) > 1 and values[-1] == "":
            values.pop()
        self.parts.append(self.element.join(values) + self.end)
        self.count += 1

    def text(self) -> str:
        return "".join(self.parts)


def check_control(name: str, value: int) -> None:
    if not 1 <= value <= MAX_CONTROL:
        raise ValueError(f"{name} must be between 1 and {MAX_CONTROL}, got {value}")


@dataclass(frozen=True)
class IsaHeader:
    """The ISA values that vary; the rest (no authorization/security, no TA1) is fixed."""

    sender_qualifier: str
    sender_id: str
    receiver_qualifier: str
    receiver_id: str
    version: str
    """ISA12, five digits: 00401, 00501."""
    control: int
    usage: str = "P"
    """ISA15: P production, T test."""


def write_isa(w: SegmentWriter, header: IsaHeader, now: datetime) -> None:
    check_control("ISA13", header.control)
    seps = w.separators
    w.segment(
        "ISA",
        "00",
        " " * 10,
        "00",
        " " * 10,
        header.sender_qualifier.ljust(2),
        header.sender_id.ljust(15),
        header.receiver_qualifier.ljust(2),
        header.receiver_id.ljust(15),
        now.strftime("%y%m%d"),
        now.strftime("%H%M"),
        seps.repetition or "U",
        header.version,
        f"{header.control:09d}",
        "0",
        header.usage,
        seps.component,
    )


def write_gs(
    w: SegmentWriter,
    functional_id: str,
    application_sender: str,
    application_receiver: str,
    now: datetime,
    control: int,
    version: str,
) -> None:
    check_control("GS06", control)
    w.segment(
        "GS",
        functional_id,
        application_sender,
        application_receiver,
        now.strftime("%Y%m%d"),
        now.strftime("%H%M"),
        str(control),
        "X",
        version,
    )


def write_ge(w: SegmentWriter, set_count: int, control: int) -> None:
    w.segment("GE", str(set_count), str(control))


def write_iea(w: SegmentWriter, group_count: int, control: int) -> None:
    w.segment("IEA", str(group_count), f"{control:09d}")
