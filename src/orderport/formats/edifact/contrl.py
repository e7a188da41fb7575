"""CONTRL: the syntax and service report we send back for an interchange.

Shape (UN/EDIFACT CONTRL): UNH, UCI (the interchange: 7 acknowledged / 4 rejected), then per
message outside groups UCM (+ UCS/UCD per erroneous segment/element), then per functional group
UCF with the UCMs of its messages, UNT. It travels in our own UNB/UNZ with sender and recipient
swapped, the partner's syntax identifier and service characters, and a control reference the
caller allocates (the store's ``next_control_number``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from orderport.formats.edifact.envelope import (
    ACKNOWLEDGED,
    REJECTED,
    InterchangeInfo,
    MessageResult,
    SyntaxIssue,
)
from orderport.formats.edifact.envelope_out import SegmentWriter, una, unb, unz


def contrl_identifier(syntax_version: str) -> list[str]:
    """S009 of the CONTRL message for the partner's syntax version."""
    if syntax_version == "4":
        return ["CONTRL", "4", "1", "UN"]
    return ["CONTRL", "D", "3", "UN"]


def _issue(issue: SyntaxIssue | None) -> list[str | Sequence[str]]:
    """0085, 0013 and S011 (element position[:component]) of an envelope error."""
    if issue is None:
        return []
    position: list[str] = []
    if issue.element is not None:
        position.append(str(issue.element))
        if issue.component is not None:
            position.append(str(issue.component))
    return [str(issue.code), issue.segment or "", position]


def _ucm(result: MessageResult, w: SegmentWriter) -> list[str]:
    out = [
        w.segment(
            "UCM", result.reference, result.identifier, str(result.action), *_issue(result.error)
        )
    ]
    for error in result.segment_errors:
        out.append(
            w.segment("UCS", str(error.position), "" if error.code is None else str(error.code))
        )
        for detail in error.elements:
            position = [str(detail.element)]
            if detail.component is not None:
                position.append(str(detail.component))
            out.append(w.segment("UCD", str(detail.code), position))
    return out


def build_contrl(
    interchange: InterchangeInfo,
    message_results: Sequence[MessageResult],
    *,
    control_ref: int,
    now: datetime,
    interchange_error: SyntaxIssue | None = None,
    sender: Sequence[str] | None = None,
) -> bytes:
    """The CONTRL interchange answering ``interchange``, encoded in its character set.

    With ``interchange_error`` the whole interchange is reported rejected (UCI 4) and no
    messages are listed; otherwise UCI says 7 and every message gets a UCM (7 or 4).
    ``sender`` (UNB 0004, 0007) is us; by default the recipient the partner addressed.
    """
    w = SegmentWriter(interchange.delimiters)
    control = str(control_ref)
    reference = "1"
    body = [w.segment("UNH", reference, contrl_identifier(interchange.syntax_version))]
    action = REJECTED if interchange_error is not None else ACKNOWLEDGED
    body.append(
        w.segment(
            "UCI",
            interchange.control_reference,
            interchange.sender[:2],
            interchange.recipient[:2],
            str(action),
            *_issue(interchange_error),
        )
    )
    if interchange_error is None:
        for result in message_results:
            if result.group_reference is None:
                body.extend(_ucm(result, w))
        for group in interchange.groups:
            members = [r for r in message_results if r.group_reference == group.reference]
            body.append(
                w.segment(
                    "UCF", group.reference, group.sender[:2], group.recipient[:2], str(ACKNOWLEDGED)
                )
            )
            for result in members:
                body.extend(_ucm(result, w))
    body.append(w.segment("UNT", str(len(body) + 1), reference))
    header = unb(
        w,
        syntax=[interchange.syntax_identifier, interchange.syntax_version],
        sender=list(sender) if sender is not None else interchange.recipient[:2],
        recipient=interchange.sender[:2],
        prepared=now,
        control_reference=control,
    )
    trailer = unz(w, 1, control)
    advice = una(interchange.delimiters) if interchange.delimiters.advised else ""
    return (advice + header + "".join(body) + trailer).encode(interchange.encoding)
