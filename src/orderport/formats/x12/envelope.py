"""ISA/GS/ST envelopes: group segments into transaction sets and check counts and controls.

Problems that spoil one transaction set (SE count, ST02/SE02, missing SE, duplicate ST02)
become findings on that set and AK5 codes; group trailer problems become AK9 codes; IEA
problems are recorded on the ``InterchangeResult``. Anything that leaves the structure
unreadable (no ISA, a segment outside any envelope, a file that ends inside an interchange)
raises ``FormatError``. Envelope locations count segments from the start of the file (ISA = 1);
locations inside a transaction set count from its ST (ST = 1).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from orderport.formats.base import FormatError
from orderport.formats.numbers import count_value, preview
from orderport.formats.x12 import results as r
from orderport.formats.x12.results import (
    GroupResult,
    InterchangeInfo,
    InterchangeResult,
    SetResult,
    X12Receipt,
)
from orderport.formats.x12.tokenizer import SegmentStream, Separators, split_isa
from orderport.model import Finding, Severity, SourceLocation


@dataclass(slots=True)
class TransactionSet:
    """One ST..SE with its envelope context. ``segments`` includes ST and (when present) SE."""

    segments: list[list[str]]
    result: SetResult
    group: GroupResult
    interchange: InterchangeResult
    separators: Separators
    findings: list[Finding] = field(default_factory=list)


def _field(segment: list[str], index: int) -> str:
    return segment[index] if index < len(segment) else ""


class _Walker:
    def __init__(
        self, filename: str, receipt: X12Receipt, expected_sender: str | None = None
    ) -> None:
        self.filename = filename
        self.receipt = receipt
        self.expected_sender = expected_sender.strip() if expected_sender is not None else None
        self.position = 0
        self.interchange: InterchangeResult | None = None
        self.group: GroupResult | None = None
        self.current: TransactionSet | None = None
        self.group_controls: set[str] = set()

    def where(self, segment: str, element: int | None = None) -> SourceLocation:
        return SourceLocation(
            file=self.filename, segment=segment, segment_position=self.position, element=element
        )

    def set_finding(self, ts: TransactionSet, code: str, message: str, element: int | None) -> None:
        last = ts.segments[-1][0] if ts.segments else "ST"
        ts.findings.append(
            Finding(
                code=code,
                severity=Severity.ERROR,
                path="$",
                message=message,
                location=SourceLocation(
                    file=self.filename,
                    segment=last,
                    segment_position=len(ts.segments),
                    element=element,
                ),
            )
        )

    def close_without_trailer(self, ts: TransactionSet, by: str) -> TransactionSet:
        ts.result.errors.append(r.SET_TRAILER_MISSING)
        self.set_finding(
            ts,
            "envelope.se_missing",
            f"transaction set {ts.result.control_number} has no SE trailer before {by}",
            None,
        )
        return ts

    def close_group_without_trailer(self) -> None:
        assert self.group is not None
        self.group.errors.append(r.GROUP_TRAILER_MISSING)
        self.group = None

    def on_isa(self, segment: list[str], separators: Separators) -> None:
        if self.interchange is not None and not self.interchange.complete:
            raise FormatError("ISA before the IEA of the previous interchange", self.where("ISA"))
        if len(segment) != 17:
            raise FormatError(
                f"ISA has {len(segment) - 1} elements, 16 expected", self.where("ISA")
            )
        info = InterchangeInfo.from_isa(segment, separators)
        if self.expected_sender is not None and info.sender_id != self.expected_sender:
            raise FormatError(
                f"interchange {info.control_number.strip()} (interchange "
                f"{len(self.receipt.interchanges) + 1} of the file) comes from sender "
                f"{info.sender_id!r}, not the partner's id {self.expected_sender!r}; a partner "
                "may only send its own interchanges",
                self.where("ISA", 6),
            )
        self.interchange = InterchangeResult(info=info)
        self.receipt.interchanges.append(self.interchange)

    def on_gs(self, segment: list[str]) -> None:
        if self.interchange is None or self.interchange.complete:
            raise FormatError("GS outside an interchange", self.where("GS"))
        if self.group is not None:
            self.close_group_without_trailer()
        self.group = GroupResult(
            functional_id=_field(segment, 1),
            control_number=_field(segment, 6),
            application_sender=_field(segment, 2),
            application_receiver=_field(segment, 3),
            version=_field(segment, 8),
        )
        self.group_controls = set()
        self.interchange.groups.append(self.group)

    def on_st(self, segment: list[str]) -> TransactionSet:
        if self.group is None or self.interchange is None:
            raise FormatError("ST outside a functional group (no GS before it)", self.where("ST"))
        result = SetResult(
            set_id=_field(segment, 1),
            control_number=_field(segment, 2),
            implementation_reference=_field(segment, 3),
        )
        self.group.sets.append(result)
        ts = TransactionSet(
            segments=[segment],
            result=result,
            group=self.group,
            interchange=self.interchange,
            separators=self.interchange.info.separators,
        )
        if result.control_number in self.group_controls:
            result.errors.append(r.SET_CONTROL_NOT_UNIQUE)
            ts.findings.append(
                Finding(
                    code="envelope.st_control_duplicate",
                    severity=Severity.ERROR,
                    path="$",
                    message=f"ST02 {result.control_number!r} is used twice in group "
                    f"{self.group.control_number}",
                    location=SourceLocation(
                        file=self.filename, segment="ST", segment_position=1, element=2
                    ),
                )
            )
        self.group_controls.add(result.control_number)
        return ts

    def on_se(self, ts: TransactionSet, segment: list[str]) -> TransactionSet:
        ts.segments.append(segment)
        count = len(ts.segments)
        declared = _field(segment, 1)
        if count_value(declared) != count:
            ts.result.errors.append(r.SET_COUNT_MISMATCH)
            self.set_finding(
                ts,
                "envelope.se_count",
                f"SE01 says {preview(declared)} segments but the set has {count} (ST to SE)",
                1,
            )
        if _field(segment, 2) != ts.result.control_number:
            ts.result.errors.append(r.SET_CONTROL_MISMATCH)
            self.set_finding(
                ts,
                "envelope.se_control",
                f"SE02 {_field(segment, 2)!r} does not match ST02 {ts.result.control_number!r}",
                2,
            )
        return ts

    def on_ge(self, segment: list[str]) -> None:
        if self.group is None:
            raise FormatError("GE without a GS", self.where("GE"))
        declared = _field(segment, 1)
        self.group.declared_set_count = count_value(declared)
        if self.group.declared_set_count != len(self.group.sets):
            self.group.errors.append(r.GROUP_COUNT_MISMATCH)
        if _field(segment, 2) != self.group.control_number:
            self.group.errors.append(r.GROUP_CONTROL_MISMATCH)
        self.group = None

    def on_iea(self, segment: list[str]) -> None:
        if self.interchange is None or self.interchange.complete:
            raise FormatError("IEA without an ISA", self.where("IEA"))
        if self.group is not None:
            self.close_group_without_trailer()
        declared = _field(segment, 1)
        if count_value(declared) != len(self.interchange.groups):
            self.interchange.errors.append(r.ISA_GROUP_COUNT_INVALID)
        if _field(segment, 2) != self.interchange.info.control_number:
            self.interchange.errors.append(r.ISA_CONTROL_MISMATCH)
        self.interchange.complete = True

    def walk(self, segments: SegmentStream) -> Iterator[TransactionSet]:
        for segment in segments:
            self.position += 1
            tag = segment[0]
            current = self.current
            if current is not None:
                if tag == "SE":
                    self.current = None
                    yield self.on_se(current, segment)
                    continue
                if tag not in ("ST", "GE", "IEA", "GS", "ISA"):
                    current.segments.append(segment)
                    continue
                self.current = None
                yield self.close_without_trailer(current, tag)
            if tag == "ST":
                self.current = self.on_st(segment)
            elif tag == "GS":
                self.on_gs(segment)
            elif tag == "GE":
                self.on_ge(segment)
            elif tag == "IEA":
                self.on_iea(segment)
            elif tag == "ISA":
                assert segments.separators is not None
                self._check_isa(segment, segments.separators)
                self.on_isa(segment, segments.separators)
            else:
                raise FormatError(
                    f"segment {tag[:10]!r} outside a transaction set", self.where(tag[:10])
                )
        if self.interchange is None:
            raise FormatError("no ISA segment", SourceLocation(file=self.filename))
        if self.current is not None or not self.interchange.complete:
            raise FormatError(
                "the file ends inside an interchange (no IEA): truncated?",
                SourceLocation(file=self.filename, segment_position=self.position),
            )

    def _check_isa(self, segment: list[str], separators: Separators) -> None:
        """A later ISA in the same file must use the separators of the first one."""
        if self.position == 1:
            return
        joined = separators.element.join(segment) + separators.segment
        _, seps, _ = split_isa(joined, self.filename)
        if seps != separators:
            raise FormatError("a second interchange uses different separators", self.where("ISA"))


def iter_transaction_sets(
    segments: SegmentStream,
    filename: str,
    receipt: X12Receipt,
    expected_sender: str | None = None,
) -> Iterator[TransactionSet]:
    """Yield every transaction set of every interchange in the stream, envelope-checked.

    With ``expected_sender`` every ISA06 must match it (``FormatError`` naming the interchange).
    """
    return _Walker(filename, receipt, expected_sender).walk(segments)
