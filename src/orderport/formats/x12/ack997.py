"""The 997 functional acknowledgment for one inbound interchange.

One 997 transaction set per inbound functional group (AK1), one AK2..AK5 per inbound set, AK3
and AK4 for syntax errors, AK9 with the group's counts. Our envelope swaps sender and receiver
of the inbound ISA/GS (or sends as ``sender``, our identity for that partner), keeps its
version and usage indicator, and its separators when they belong to the version's character
set (a ``^`` in a 004010 ISA16 is not: we then use ``*`` ``>`` ``~``); the caller passes the
control numbers (the partner's X12 envelope sequences in the store).
"""

from __future__ import annotations

from datetime import datetime

from orderport.formats.outbound import EdiParty
from orderport.formats.x12.envelope_out import (
    IsaHeader,
    SegmentWriter,
    check_control,
    write_ge,
    write_gs,
    write_iea,
    write_isa,
)
from orderport.formats.x12.results import GroupResult, InterchangeInfo, InterchangeResult, SetResult
from orderport.formats.x12.tokenizer import Separators

_BASIC = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 !\"&'()*+,-./:;?=")
_EXTENDED = frozenset("abcdefghijklmnopqrstuvwxyz%@[]_{}\\|<>~#$")
_CHARSET_4010 = _BASIC | _EXTENDED
_CHARSET_5010 = _CHARSET_4010 | {"^"}
"""X12 basic + extended character sets; 005010 adds ``^`` (the repetition separator)."""


def _in_charset(value: str, five: bool) -> str:
    """A partner's bad value as AK4 04 can carry it: outside the version's set becomes ``?``."""
    allowed = _CHARSET_5010 if five else _CHARSET_4010
    return "".join(ch if ch in allowed else "?" for ch in value)


def answer_isa_header(info: InterchangeInfo, us: EdiParty, control: int) -> IsaHeader:
    """The ISA of an answer (997, TA1) to ``info``: from us back to its sender, same version
    and usage indicator."""
    return IsaHeader(
        sender_qualifier=us.qualifier,
        sender_id=us.interchange_id,
        receiver_qualifier=info.sender_qualifier,
        receiver_id=info.sender_id,
        version=info.version,
        control=control,
        usage=info.usage or "P",
    )


def answer_separators(inbound: Separators, isa_version: str) -> Separators:
    """The inbound separators when the version's character set has them, else the defaults.

    Separators are never letters or digits, and one character serves one role only.
    """
    five = isa_version >= "00501"
    allowed = _CHARSET_5010 if five else _CHARSET_4010
    chosen = [inbound.element, inbound.component]
    if inbound.repetition and five:
        chosen.append(inbound.repetition)
    usable = all(ch in allowed and not ch.isalnum() and ch != " " for ch in chosen)
    if usable and len({*chosen, inbound.segment}) == len(chosen) + 1:
        return Separators(
            element=inbound.element,
            component=inbound.component,
            segment=inbound.segment,
            repetition=inbound.repetition if five else None,
        )
    return Separators(element="*", component=">", segment="~", repetition="^" if five else None)


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
    sender: EdiParty | None = None,
) -> bytes:
    """Render the 997 for ``interchange`` (from an ``X12Receipt``) as bytes.

    ``sender`` is us (ISA05/06, GS02); by default the identity the partner addressed.
    """
    check_control("isa_control", isa_control)
    check_control("gs_control", gs_control)
    if not interchange.groups:
        raise ValueError("the interchange has no functional group to acknowledge")
    info = interchange.info
    seps = answer_separators(info.separators, info.version)
    w = SegmentWriter(seps, newline)
    five = info.version >= "00501"
    first = interchange.groups[0]
    us = sender or EdiParty(info.receiver_id, info.receiver_qualifier, first.application_receiver)
    write_isa(w, answer_isa_header(info, us, isa_control), now)
    version = _gs_version(interchange)
    write_gs(
        w,
        "FA",
        w.clean(us.application_id or us.interchange_id),
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
            w.segment(
                "AK4", position, el.reference, el.code, _in_charset(w.clean(el.bad_value), five)
            )
    w.segment("AK5", result.status, *result.ak5_codes())
