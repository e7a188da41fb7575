"""Answering the sender: acknowledgments and result files queued in the outcome's transaction.

X12 gets a 997 per interchange (and a TA1 when its ISA/IEA envelope was rejected), EDIFACT a
CONTRL (UCI 4 whenever the interchange was rejected; never in answer to a CONTRL), CSV and JSON
a result file in their own format, spreadsheets an annotated copy of the analyst's workbook. A
file that came by e-mail is also answered by mail: an ``email_reply`` outbox item whose content
is a small JSON envelope (recipient, subject, thread, attachments) the delivery step sends by
SMTP.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection

from orderport.formats.edifact import InterchangeReport, build_contrl
from orderport.formats.edifact.envelope import SyntaxIssue
from orderport.formats.outbound import EdiParty, Envelope
from orderport.formats.results import (
    annotate_workbook,
    render_result_csv,
    render_result_json,
    render_result_text,
)
from orderport.formats.x12 import X12Receipt, build_997
from orderport.formats.x12.ta1 import build_ta1
from orderport.partners.profile import EdiIdentity
from orderport.pipeline.ingest import FileResult
from orderport.store.acks import record_outbound
from orderport.store.control_numbers import EnvelopeNumbers, envelope_numbers
from orderport.store.identities import our_party, record_addressed
from orderport.store.outbox import answer_filename, enqueue

UNSPECIFIED_ERROR = 18
"""EDIFACT 0085 code 18: unspecified error."""
EMAIL_MEDIA_TYPE = "application/vnd.orderport.email+json"
EMAIL_KIND = "email_reply"

_EXTENSION_FORMAT = {
    ".csv": "csv",
    ".txt": "csv",
    ".json": "json",
    ".jsonl": "json",
    ".ndjson": "json",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".xls": "xlsx",
}


DUPLICATE_INTERCHANGE = "025"
"""X12 TA105: duplicate interchange control number."""
DUPLICATE_DETECTED = 26
"""EDIFACT 0085 syntax error: duplicate detected."""


@dataclass
class AnswerInput:
    """Everything the answers for one processed file are made of."""

    partner_id: str
    file_id: int
    result: FileResult
    original: Path
    """The archived raw file (the annotated workbook starts from its bytes)."""
    x12_receipt: X12Receipt | None = None
    edifact_report: InterchangeReport | None = None
    email: dict[str, str] = field(default_factory=dict)
    """For e-mail drops: ``sender``, ``subject``, ``message_id`` of the message."""
    edi: EdiIdentity | None = None
    """The partner profile's EDI section (our identity for that partner, when it names one)."""
    resent: bool = False
    """Every interchange of the file was received before: answered as a duplicate interchange
    (X12 TA1 note 025, EDIFACT CONTRL syntax error 26), nothing else."""


@dataclass(frozen=True)
class Answer:
    kind: str
    content: bytes
    extension: str
    media_type: str
    envelope: Envelope | None = None
    numbers: EnvelopeNumbers | None = None
    """The control numbers of an EDI answer (recorded with the outbound interchanges)."""


def _result_answers(inp: AnswerInput) -> list[Answer]:
    fmt = inp.result.format or _EXTENSION_FORMAT.get(Path(inp.result.filename).suffix.lower())
    if fmt == "json":
        return [Answer("result_json", render_result_json(inp.result), "json", "application/json")]
    if fmt == "xlsx":
        workbook = annotate_workbook(inp.original.read_bytes(), inp.result)
        media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return [Answer("result_xlsx", workbook, "xlsx", media)]
    return [Answer("result_csv", render_result_csv(inp.result), "csv", "text/csv")]


def _edi_answers(conn: Connection, inp: AnswerInput, now: datetime) -> list[Answer] | None:
    """997s / CONTRL, or None when the file is not EDI (or too broken to address an answer)."""
    if inp.result.format == "x12":
        answers = []
        for interchange in inp.x12_receipt.interchanges if inp.x12_receipt else []:
            if inp.resent:
                interchange = replace(interchange, errors=[DUPLICATE_INTERCHANGE])
            if interchange.errors:
                # The ISA/IEA envelope was rejected: a TA1 says so (the 997 rejects the groups).
                us = our_party(conn, inp.partner_id, inp.edi, Envelope.X12)
                ta1_numbers = envelope_numbers(conn, inp.partner_id, Envelope.X12, group=False)
                ta1 = build_ta1(
                    interchange, isa_control=ta1_numbers.interchange, now=now, sender=us
                )
                answers.append(
                    Answer("ack_ta1", ta1, "x12", "application/edi-x12", Envelope.X12, ta1_numbers)
                )
            if not interchange.groups or inp.resent:
                continue
            info = interchange.info
            addressed = EdiParty(
                info.receiver_id,
                info.receiver_qualifier,
                interchange.groups[0].application_receiver or None,
            )
            record_addressed(conn, inp.partner_id, Envelope.X12, addressed, now)
            us = our_party(conn, inp.partner_id, inp.edi, Envelope.X12)
            numbers = envelope_numbers(conn, inp.partner_id, Envelope.X12)
            assert numbers.group is not None
            content = build_997(
                interchange,
                isa_control=numbers.interchange,
                gs_control=numbers.group,
                now=now,
                sender=us,
            )
            answers.append(
                Answer("ack_997", content, "x12", "application/edi-x12", Envelope.X12, numbers)
            )
        return answers
    if inp.result.format == "edifact":
        report = inp.edifact_report
        if report is None or report.interchange is None:
            return []
        if any(m.identifier[:1] == ["CONTRL"] for m in report.messages):
            return []  # a CONTRL is never answered with a CONTRL
        recipient = report.interchange.recipient
        if recipient and recipient[0]:
            party = EdiParty(recipient[0], recipient[1] if len(recipient) > 1 else "")
            record_addressed(conn, inp.partner_id, Envelope.EDIFACT, party, now)
        us = our_party(conn, inp.partner_id, inp.edi, Envelope.EDIFACT)
        numbers = envelope_numbers(conn, inp.partner_id, Envelope.EDIFACT)
        issue = report.error
        if inp.resent:
            issue = SyntaxIssue(code=DUPLICATE_DETECTED, message="duplicate interchange")
        elif issue is None and inp.result.error is not None:
            # Rejected for a reason outside the syntax (e.g. a resent set): never "acknowledged".
            issue = SyntaxIssue(code=UNSPECIFIED_ERROR, message=inp.result.error.message)
        content = build_contrl(
            report.interchange,
            report.messages,
            control_ref=numbers.interchange,
            now=now,
            interchange_error=issue,
            sender=[us.interchange_id, us.qualifier] if us.qualifier else [us.interchange_id],
        )
        return [Answer("contrl", content, "edi", "application/edifact", Envelope.EDIFACT, numbers)]
    return None


def _email_envelope(inp: AnswerInput, answers: list[Answer]) -> bytes:
    subject = inp.email.get("subject", "")
    if not subject.lower().startswith("re:"):
        subject = f"Re: {subject}".strip()
    attachments = [
        {
            "name": (
                answer_filename(inp.result.filename, a.extension)
                if a.kind.startswith("result_")
                else None
            )
            or f"{a.kind}_{inp.file_id}.{a.extension}",
            "content_type": a.media_type,
            "data": base64.b64encode(a.content).decode("ascii"),
        }
        for a in answers
    ]
    envelope = {
        "to": inp.email["sender"],
        "subject": subject,
        "in_reply_to": inp.email.get("message_id") or None,
        "body": render_result_text(inp.result),
        "attachments": attachments,
    }
    return json.dumps(envelope).encode("utf-8")


def queue_answers(conn: Connection, inp: AnswerInput, *, now: datetime) -> list[int]:
    """Render and enqueue the answers to one file on ``conn``; returns the outbox ids.

    Files from a mailbox are answered by mail only; files from folders and SFTP get their
    answers delivered to the partner's outbox.
    """
    answers = _edi_answers(conn, inp, now)
    if answers is None:
        answers = _result_answers(inp)
    if inp.email.get("sender"):
        if not answers:
            return []
        content = _email_envelope(inp, answers)
        return [
            enqueue(
                conn,
                inp.partner_id,
                EMAIL_KIND,
                content,
                extension="json",
                media_type=EMAIL_MEDIA_TYPE,
                inbound_file_id=inp.file_id,
            )
        ]
    ids = []
    for a in answers:
        outbox_id = enqueue(
            conn,
            inp.partner_id,
            a.kind,
            a.content,
            extension=a.extension,
            media_type=a.media_type,
            inbound_file_id=inp.file_id,
            answers=inp.result.filename if a.kind.startswith("result_") else None,
        )
        if a.envelope is not None and a.numbers is not None:
            record_outbound(
                conn,
                outbox_id=outbox_id,
                partner_id=inp.partner_id,
                envelope=a.envelope,
                document="997" if a.envelope is Envelope.X12 else "CONTRL",
                interchange_control=a.numbers.interchange,
                group_control=a.numbers.group,
                expects_ack=False,
                now=now,
            )
        ids.append(outbox_id)
    return ids


@dataclass(frozen=True)
class EmailAttachment:
    name: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class EmailReply:
    to: str
    subject: str
    in_reply_to: str | None
    body: str
    attachments: list[EmailAttachment]


def parse_email_envelope(content: bytes) -> EmailReply:
    """The ``email_reply`` outbox content back as a reply to send."""
    raw = json.loads(content)
    return EmailReply(
        to=str(raw["to"]),
        subject=str(raw["subject"]),
        in_reply_to=raw.get("in_reply_to"),
        body=str(raw.get("body", "")),
        attachments=[
            EmailAttachment(str(a["name"]), str(a["content_type"]), base64.b64decode(a["data"]))
            for a in raw.get("attachments", [])
        ],
    )
