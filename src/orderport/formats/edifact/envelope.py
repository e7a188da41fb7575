"""The interchange envelope (UNB/UNZ, UNG/UNE, UNH/UNT) and what a read learned about it.

The reader fills an ``InterchangeReport`` while it streams documents; the pipeline hands the
report to ``build_contrl`` once the read is over. Syntax codes are UN/EDIFACT data element 0085.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from orderport.formats.base import FormatError
from orderport.formats.edifact.syntax import Delimiters, Segment, SyntaxProblem, split_una
from orderport.model import SourceLocation

# 0085 codes used by this reader.
INVALID_VALUE = 12
MISSING = 13
NOT_SUPPORTED_VALUE = 14
CHARSET_NOT_SUPPORTED = 46
REFERENCES_DO_NOT_MATCH = 28
COUNT_DOES_NOT_MATCH = 29
OUTSIDE_MESSAGE = 33
INVALID_CHARACTER_TYPE = 37
INVALID_DECIMAL_NOTATION = 19

ACKNOWLEDGED = 7
REJECTED = 4

CHARSETS = {
    "UNOA": "ascii",
    "UNOB": "ascii",
    "UNOC": "latin-1",
    "UNOD": "iso8859-2",
    "UNOE": "iso8859-5",
    "UNOF": "iso8859-7",
    "UNOG": "iso8859-3",
    "UNOH": "iso8859-4",
    "UNOI": "iso8859-6",
    "UNOJ": "iso8859-8",
    "UNOK": "iso8859-9",
    "UNOW": "utf-8",
    "UNOY": "utf-8",
}
"""Syntax identifier (UNB S001 0001) -> Python codec."""


@dataclass(frozen=True, slots=True)
class ElementError:
    """A syntax error in one data element (CONTRL UCD)."""

    code: int
    element: int
    component: int | None = None


@dataclass(slots=True)
class SegmentError:
    """Syntax errors in one segment of a message (CONTRL UCS, with UCD per element).

    ``position`` counts from UNH = 1, as CONTRL data element 0096 does.
    """

    position: int
    tag: str
    code: int | None = None
    elements: list[ElementError] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class SyntaxIssue:
    """An error in a service segment (CONTRL UCI, UCF or UCM: 0085, 0013 and S011)."""

    code: int
    segment: str | None = None
    element: int | None = None
    component: int | None = None
    message: str = ""


@dataclass(slots=True)
class GroupInfo:
    """A functional group (UNG ... UNE)."""

    reference: str
    """0048 group reference number."""
    group_id: str
    """0038 message group identification (e.g. ORDERS)."""
    sender: list[str]
    recipient: list[str]


@dataclass(slots=True)
class MessageResult:
    """The syntax verdict on one message, for its CONTRL UCM."""

    reference: str
    """0062 message reference number (UNH 01)."""
    identifier: list[str]
    """S009 as sent: type, version, release, agency[, association code]."""
    group_reference: str | None = None
    error: SyntaxIssue | None = None
    """An error in UNH/UNT (segment count, references, unsupported type)."""
    segment_errors: list[SegmentError] = field(default_factory=list)
    document_index: int | None = None
    """Index of the document this message produced among those the read yielded."""

    @property
    def accepted(self) -> bool:
        return self.error is None and not self.segment_errors

    @property
    def action(self) -> int:
        """0083 action code: 7 acknowledged, 4 rejected."""
        return ACKNOWLEDGED if self.accepted else REJECTED


@dataclass(slots=True)
class InterchangeInfo:
    """What UNB said, plus the groups seen; enough to address and fill a CONTRL."""

    syntax_identifier: str
    syntax_version: str
    sender: list[str]
    """S002 as sent: identification, code qualifier[, reverse routing]."""
    recipient: list[str]
    """S003 as sent: identification, code qualifier[, routing]."""
    prepared: list[str]
    control_reference: str
    application_reference: str = ""
    acknowledgement_requested: bool = False
    test: bool = False
    delimiters: Delimiters = field(default_factory=Delimiters)
    encoding: str = "latin-1"
    groups: list[GroupInfo] = field(default_factory=list)

    @property
    def sender_id(self) -> str:
        return self.sender[0] if self.sender else ""

    @property
    def recipient_id(self) -> str:
        return self.recipient[0] if self.recipient else ""


@dataclass(slots=True)
class InterchangeReport:
    """Filled in by ``read_interchange`` as it goes; complete once the iterator is exhausted."""

    interchange: InterchangeInfo | None = None
    messages: list[MessageResult] = field(default_factory=list)
    error: SyntaxIssue | None = None
    """Set when the whole interchange was rejected (the read raised ``EdifactSyntaxError``)."""
    complete: bool = False


class EdifactSyntaxError(FormatError):
    """The interchange is rejected as a whole; ``issue`` feeds the CONTRL UCI."""

    def __init__(
        self, message: str, issue: SyntaxIssue, location: SourceLocation | None = None
    ) -> None:
        super().__init__(message, location)
        self.issue = issue


def interchange_info(unb: Segment, delimiters: Delimiters) -> InterchangeInfo:
    """Read the UNB header; raises ``SyntaxProblem`` when it lacks what a reply needs."""
    syntax = unb.components(1)
    if len(syntax) < 2 or not syntax[0] or not syntax[1]:
        raise SyntaxProblem("UNB 01 must give the syntax identifier and version", MISSING, "UNB")
    identifier = syntax[0]
    encoding = CHARSETS.get(identifier)
    if encoding is None:
        raise SyntaxProblem(
            f"syntax identifier {identifier!r} (UNB 01) is not a supported character set",
            CHARSET_NOT_SUPPORTED,
            "UNB",
        )
    sender = unb.components(2)
    recipient = unb.components(3)
    reference = unb.value(5)
    for number, name, value in ((2, "sender", sender), (3, "recipient", recipient)):
        if not value or not value[0]:
            raise SyntaxProblem(f"UNB {number:02d} (interchange {name}) is missing", MISSING, "UNB")
    if not reference:
        raise SyntaxProblem("UNB 05 (interchange control reference) is missing", MISSING, "UNB")
    return InterchangeInfo(
        syntax_identifier=identifier,
        syntax_version=syntax[1],
        sender=sender,
        recipient=recipient,
        prepared=unb.components(4),
        control_reference=reference,
        application_reference=unb.value(7),
        acknowledgement_requested=unb.value(9) == "1",
        test=unb.value(11) == "1",
        delimiters=delimiters,
        encoding=encoding,
    )


def read_unb(head: str) -> tuple[Delimiters, int, Segment]:
    """Delimiters, the offset of UNB and the parsed UNB from the start of a file (any codec)."""
    delimiters, start = split_una(head)
    if not head.startswith("UNB", start):
        raise SyntaxProblem("an EDIFACT interchange must start with UNA or UNB", MISSING, "UNB")
    end = _unescaped_find(head, delimiters, start)
    if end < 0:
        raise SyntaxProblem("the UNB segment has no terminator", MISSING, "UNB")
    from orderport.formats.edifact.syntax import Tokenizer

    segments = Tokenizer(delimiters).feed(head[start : end + 1])
    return delimiters, start, segments[0]


def _unescaped_find(text: str, delimiters: Delimiters, start: int) -> int:
    """Offset of the first segment terminator at or after ``start`` not preceded by a release."""
    pos = start
    while True:
        pos = text.find(delimiters.terminator, pos)
        if pos < 0 or delimiters.release is None:
            return pos
        run = 0
        while pos - run - 1 >= start and text[pos - run - 1] == delimiters.release:
            run += 1
        if run % 2 == 0:
            return pos
        pos += 1


def interchange_key(head: bytes) -> tuple[str, str]:
    """(sender identification, interchange control reference) from UNB: a resend has the same.

    Raises ``FormatError`` when ``head`` does not start with an EDIFACT interchange header.
    """
    text = head[:4096].decode("latin-1")
    try:
        _, _, unb = read_unb(text)
    except SyntaxProblem as exc:
        raise FormatError(exc.message) from exc
    sender = unb.value(2)
    reference = unb.value(5)
    if not sender or not reference:
        raise FormatError("UNB lacks the interchange sender (02) or control reference (05)")
    return sender, reference
