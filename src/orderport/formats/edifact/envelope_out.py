"""Writing EDIFACT: segments with escaped values, the UNA/UNB/UNZ envelope, UNH/UNT messages.

Shared by CONTRL (which answers in the partner's own service characters) and the outbound
ORDRSP / DESADV / IFTMBC writers (which always send a UNA with the ISO 9735 defaults).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from orderport.formats.edifact.syntax import Delimiters

Element = str | Sequence[str]
"""A simple data element, or a composite given as its components."""


class SegmentWriter:
    """Serialises segments with an interchange's service characters; every value is escaped."""

    def __init__(self, delimiters: Delimiters) -> None:
        self.d = delimiters

    def element(self, value: Element) -> str:
        if isinstance(value, str):
            return self.d.escape(value)
        parts = list(value)
        while parts and parts[-1] == "":
            parts.pop()
        return self.d.component.join(self.d.escape(part) for part in parts)

    def segment(self, tag: str, *elements: Element) -> str:
        """``tag`` and its elements; trailing empty elements and components are left out."""
        values = [self.element(value) for value in elements]
        while values and values[-1] == "":
            values.pop()
        return self.d.element.join([tag, *values]) + self.d.terminator


def una(delimiters: Delimiters) -> str:
    """The service string advice for ``delimiters``."""
    return "UNA" + delimiters.service_string()


def unb(
    w: SegmentWriter,
    *,
    syntax: Sequence[str],
    sender: Sequence[str],
    recipient: Sequence[str],
    prepared: datetime,
    control_reference: str,
    trailing: Sequence[Element] = (),
) -> str:
    """The interchange header; ``syntax`` is S001 (identifier, version number).

    The preparation date has two year digits below syntax version 4 and four from it on.
    ``trailing`` continues with UNB 06 (recipient's password), 07 (application reference), ...
    """
    date_format = "%Y%m%d" if len(syntax) > 1 and syntax[1] == "4" else "%y%m%d"
    return w.segment(
        "UNB",
        list(syntax),
        list(sender),
        list(recipient),
        [prepared.strftime(date_format), prepared.strftime("%H%M")],
        control_reference,
        *trailing,
    )


def unz(w: SegmentWriter, count: int, control_reference: str) -> str:
    """The interchange trailer: messages (or groups) in the interchange, and UNB's reference."""
    return w.segment("UNZ", str(count), control_reference)


class MessageWriter:
    """One message: UNH, the segments added, and a UNT that counts UNH to UNT."""

    def __init__(self, w: SegmentWriter, reference: str, identifier: Sequence[str]) -> None:
        self.w = w
        self.reference = reference
        self.identifier = list(identifier)
        self.segments: list[str] = [w.segment("UNH", reference, self.identifier)]
        self.tags: list[str] = ["UNH"]
        self._closed = False

    def add(self, tag: str, *elements: Element) -> None:
        if self._closed:
            raise RuntimeError(f"message {self.reference} is already closed by its UNT")
        self.segments.append(self.w.segment(tag, *elements))
        self.tags.append(tag)

    def close(self) -> list[str]:
        """Append UNT (segment count including UNH and UNT) and return the message's segments."""
        if not self._closed:
            self.segments.append(self.w.segment("UNT", str(len(self.segments) + 1), self.reference))
            self.tags.append("UNT")
            self._closed = True
        return self.segments
