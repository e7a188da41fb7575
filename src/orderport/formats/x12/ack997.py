"""The 997 functional acknowledgment for one inbound interchange.

One 997 transaction set per inbound functional group (AK1), one AK2..AK5 per inbound set, AK3
and AK4 for syntax errors, AK9 with the group's counts. Our envelope swaps sender and receiver
of the inbound ISA/GS, keeps its version, usage indicator and separators; the caller passes
the control numbers (kept per partner by the store).
"""

from __future__ import annotations

from datetime import datetime

from orderport.formats.x12.envelope_out import (
    IsaHeader,
    SegmentWriter,
    check_control,
    write_ge,
    write_gs,
    write_iea,
    write_isa,
)
from orderport.formats.x12.results import GroupResult, InterchangeResult, SetResult


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
    check_control("isa_control", isa_control)
    check_control("gs_control", gs_control)
    if not interchange.groups:
        raise ValueError("the interchange has no functional group to acknowledge")
    info = interchange.info
    seps = info.separators
    w = SegmentWriter(seps, newline)
    five = info.version >= "00501"
    write_isa(
        w,
        IsaHeader(
            sender_qualifier=info.receiver_qualifier,
            sender_id=info.receiver_id,
            receiver_qualifier=info.sender_qualifier,
            receiver_id=info.sender_id,
            version=info.version,
            control=isa_control,
            usage=info.usage or "P",
        ),
        now,
    )
    first = interchange.groups[0]
    version = _gs_version(interchange)
    write_gs(
        w,
        "FA",
        w.clean(first.application_receiver),
        w.clean(first.application_sender),
        now,
        gs_control,
        version,
    )
    for number, group in enumerate(interchange.groups, start=1):
        _transaction_set(w, group, f"{number:04d}", five, version)
    write_ge(w, len(interchange.groups), gs_control)
    write_iea(w, 1, isa_control)
    return w.text().encode("ascii", errors="replace")


def _transaction_set(
    w: SegmentWriter, group: GroupResult, control: str, five: bool, version: str
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


def _set_response(w: SegmentWriter, result: SetResult, five: bool) -> None:
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
