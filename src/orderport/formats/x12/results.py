"""What a read found out about each interchange, group and set: the input of the 997.

The reader fills an ``X12Receipt`` the caller passes in; after the documents have been
consumed, ``receipt.interchanges`` holds one ``InterchangeResult`` per ISA, ready for
``build_997``. Codes are the X12 997 code lists (AK304, AK403, AK502, AK905).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from orderport.formats.x12.tokenizer import Separators

# AK304 segment syntax error codes
SEG_UNRECOGNIZED = "1"
SEG_UNEXPECTED = "2"
SEG_MANDATORY_MISSING = "3"
SEG_HAS_ELEMENT_ERRORS = "8"
# AK403 data element syntax error codes
EL_MANDATORY_MISSING = "1"
EL_TOO_LONG = "5"
EL_INVALID_CHARACTER = "6"
EL_INVALID_CODE = "7"
EL_INVALID_DATE = "8"
# AK502 transaction set syntax error codes
SET_NOT_SUPPORTED = "1"
SET_TRAILER_MISSING = "2"
SET_CONTROL_MISMATCH = "3"
SET_COUNT_MISMATCH = "4"
SET_SEGMENTS_IN_ERROR = "5"
SET_CONTROL_NOT_UNIQUE = "23"
# AK905 functional group syntax error codes
GROUP_TRAILER_MISSING = "3"
GROUP_CONTROL_MISMATCH = "4"
GROUP_COUNT_MISMATCH = "5"
# TA1 interchange note codes (recorded for the pipeline; the 997 cannot carry them)
ISA_CONTROL_MISMATCH = "001"
ISA_GROUP_COUNT_INVALID = "021"


@dataclass(slots=True)
class ElementError:
    """One AK4: element position (and component), data element reference, code, bad value."""

    position: int
    reference: str
    code: str
    bad_value: str = ""
    component: int | None = None


@dataclass(slots=True)
class SegmentError:
    """One AK3 with its AK4s. ``position`` counts segments in the set, ST = 1."""

    segment_id: str
    position: int
    code: str
    loop_id: str = ""
    elements: list[ElementError] = field(default_factory=list)
    fatal: bool = True
    """False for problems we tolerated (the set is then "accepted with errors")."""


@dataclass(slots=True)
class SetResult:
    set_id: str
    control_number: str
    implementation_reference: str = ""
    segment_errors: list[SegmentError] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    """AK502-AK506 codes: problems with the set's envelope."""
    envelope_rejected: bool = False
    """Its group or interchange envelope was rejected (GE / IEA mismatch): nothing was applied."""

    @property
    def status(self) -> str:
        """AK501: A accepted, E accepted with errors noted, R rejected."""
        if self.envelope_rejected or self.errors or any(e.fatal for e in self.segment_errors):
            return "R"
        return "E" if self.segment_errors else "A"

    def ak5_codes(self) -> list[str]:
        codes = list(self.errors)
        if any(e.fatal for e in self.segment_errors) and SET_SEGMENTS_IN_ERROR not in codes:
            codes.append(SET_SEGMENTS_IN_ERROR)
        return codes[:5]


@dataclass(slots=True)
class GroupResult:
    functional_id: str
    control_number: str
    application_sender: str
    application_receiver: str
    version: str
    sets: list[SetResult] = field(default_factory=list)
    declared_set_count: int | None = None
    """GE01 as sent (None when GE is missing or not numeric)."""
    errors: list[str] = field(default_factory=list)

    def reject(self) -> None:
        """The group's envelope failed: every set in it is rejected (the 997 says AK9*R)."""
        for result in self.sets:
            result.envelope_rejected = True

    @property
    def accepted_count(self) -> int:
        return sum(1 for s in self.sets if s.status != "R")

    @property
    def status(self) -> str:
        """AK901: A, E accepted with errors, P partially accepted, R rejected."""
        received = len(self.sets)
        accepted = self.accepted_count
        if received and not accepted:
            return "R"
        if accepted < received:
            return "P"
        if self.errors or any(s.status == "E" for s in self.sets):
            return "E"
        return "A"


@dataclass(frozen=True, slots=True)
class InterchangeInfo:
    """The inbound ISA: who sent it to whom, how it is written, and its control number."""

    sender_qualifier: str
    sender_id: str
    receiver_qualifier: str
    receiver_id: str
    control_number: str
    version: str
    usage: str
    """ISA15: P production, T test."""
    separators: Separators
    date: str = ""
    time: str = ""

    @classmethod
    def from_isa(cls, isa: list[str], separators: Separators) -> InterchangeInfo:
        return cls(
            sender_qualifier=isa[5].strip(),
            sender_id=isa[6].strip(),
            receiver_qualifier=isa[7].strip(),
            receiver_id=isa[8].strip(),
            control_number=isa[13],
            version=isa[12],
            usage=isa[15].strip(),
            separators=separators,
            date=isa[9],
            time=isa[10],
        )


@dataclass(slots=True)
class InterchangeResult:
    info: InterchangeInfo
    groups: list[GroupResult] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    """TA1 note codes for IEA problems: the interchange is rejected (TA1 + a 997 AK9*R)."""
    complete: bool = False
    """True once IEA was seen."""


@dataclass(slots=True)
class X12Receipt:
    """Pass one to ``X12Reader.read_with_receipt``; it collects the 997 input of the file."""

    interchanges: list[InterchangeResult] = field(default_factory=list)
