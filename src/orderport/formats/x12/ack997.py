"""The 997 functional acknowledgment for one inbound interchange.

One 997 transaction set per inbound functional group (AK1), one AK2..AK5 per inbound set, AK3
and AK4 for syntax errors, AK9 with the group's counts. Our envelope swaps sender and receiver
of the inbound ISA/GS, keeps its version, usage indicator and separators; the caller passes
the control numbers (kept per partner by the store).
"""

from __future__ import annotations

from datetime import datetime

from orderport.formats.x12.results import GroupResult, InterchangeResult, SetResult
from orderport.formats.x12.tokenizer import Separators

_MAX_CONTROL = 999_999_999


class _Writer:
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
        """Data copied from the inbound file must not contain our separators."""
        if any(ch in value for ch in self.forbidden):
            return "".join(" " if ch in self.forbidden else ch for ch in value).strip()
        return value

    def segment(self, *elements: str) -> None:
        values = list(elements)
        while len(values) > 1 and values[-1] == "":
            values.pop()
        self.parts.append(self.element.join(values) + self.end)
        self.count += 1


def _check_control(name: str, value: int) -> None:
    if not 1 <= value <= _MAX_CONTROL:
        raise ValueError(f"{name} must be between 1 and {_MAX_CONTROL}, got {value}")


def _gs_version(interchange: InterchangeResult) -> str:
    for group in interchange.groups:
        if len(group.version) >= 6:
            return group.version[:6]
    return interchange.info.version + "0"


def build_997(
    interchange: InterchangeResult,
    *,
    isa_control: int,
    gs_control: int,
    now: datetime,
    newline: bool = False,
) -> bytes:
    """Render the 997 for ``interchange`` (from an ``X12Receipt``) as bytes."""
    _check_control("isa_control", isa_control)
    _check_control("gs_control", gs_control)
    if not interchange.groups:
        raise ValueError("the interchange has no functional group to acknowledge")
    info = interchange.info
    seps = info.separators
    w = _Writer(seps, newline)
    five = info.version >= "00501"
    w.segment(
        "ISA",
        "00",
        " " * 10,
        "00",
        " " * 10,
        info.receiver_qualifier.ljust(2),
        info.receiver_id.ljust(15),
        info.sender_qualifier.ljust(2),
        info.sender_id.ljust(15),
        now.strftime("%y%m%d"),
        now.strftime("%H%M"),
        seps.repetition or "U",
        info.version,
        f"{isa_control:09d}",
        "0",
        info.usage or "P",
        seps.component,
    )
    first = interchange.groups[0]
    version = _gs_version(interchange)
    w.segment(
        "GS",
        "FA",
        w.clean(first.application_receiver),
        w.clean(first.application_sender),
        now.strftime("%Y%m%d"),
        now.strftime("%H%M"),
        str(gs_control),
        "X",
        version,
    )
    for number, group in enumerate(interchange.groups, start=1):
        _transaction_set(w, group, f"{number:04d}", five, version)
    w.segment("GE", str(len(interchange.groups)), str(gs_control))
    w.segment("IEA", "1", f"{isa_control:09d}")
    return "".join(w.parts).encode("ascii", errors="replace")


def _transaction_set(
    w: _Writer, group: GroupResult, control: str, five: bool, version: str
) -> None:
    start = w.count
    w.segment("ST", "997", control)
    w.segment(
        "AK1", w.clean(group.functional_id), w.clean(group.control_number), version if five else ""
    )
    for result in group.sets:
        _set_response(w, result, five)
    declared = group.declared_set_count
    w.segment(
        "AK9",
        group.status,
        str(declared if declared is not None else len(group.sets)),
        str(len(group.sets)),
        str(group.accepted_count),
        *group.errors[:5],
    )
    w.segment("SE", str(w.count - start + 1), control)


def _set_response(w: _Writer, result: SetResult, five: bool) -> None:
    w.segment(
        "AK2",
        w.clean(result.set_id),
        w.clean(result.control_number),
        w.clean(result.implementation_reference) if five else "",
    )
    for error in result.segment_errors:
        w.segment("AK3", error.segment_id, str(error.position), error.loop_id, error.code)
        for el in error.elements:
            position = str(el.position)
            if el.component is not None:
                position += w.separators.component + str(el.component)
            w.segment("AK4", position, el.reference, el.code, w.clean(el.bad_value))
    w.segment("AK5", result.status, *result.ak5_codes())
