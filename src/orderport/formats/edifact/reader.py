"""Stream an EDIFACT interchange: check its envelopes and yield one document per ORDERS message.

Positions: findings about a message count segments from its UNH = 1 (as CONTRL does);
``FormatError`` locations for the interchange envelope count from UNB = 1 (UNA not counted).

A document is yielded as soon as its UNT is read, but interchange-level checks (UNZ count and
reference, a truncated file) can only fail at the end and then raise ``EdifactSyntaxError``:
the caller must exhaust the iterator before it commits anything from the file.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from typing import BinaryIO

from orderport.formats.base import FormatError, RawDocument, ReadSettings
from orderport.formats.edifact.envelope import (
    COUNT_DOES_NOT_MATCH,
    INVALID_VALUE,
    MISSING,
    NOT_SUPPORTED_VALUE,
    OUTSIDE_MESSAGE,
    REFERENCES_DO_NOT_MATCH,
    EdifactSyntaxError,
    GroupInfo,
    InterchangeInfo,
    InterchangeReport,
    MessageResult,
    SyntaxIssue,
    interchange_info,
    read_unb,
)
from orderport.formats.edifact.orders import OrdersMapper
from orderport.formats.edifact.syntax import Segment, SyntaxProblem, Tokenizer
from orderport.formats.numbers import count_value, preview
from orderport.model import Finding, Severity, SourceLocation

CHUNK_SIZE = 1 << 20
FUNCTIONAL_GROUPS_MIXED = 30
INVALID_CHARACTERS = 21
SUPPORTED_MESSAGES = frozenset({"ORDERS"})


def read_interchange(
    stream: BinaryIO,
    filename: str,
    settings: ReadSettings | None = None,
    report: InterchangeReport | None = None,
) -> Iterator[RawDocument]:
    """Yield the ORDERS documents of one interchange; fill ``report`` for the CONTRL."""
    return _InterchangeReader(stream, filename, settings or ReadSettings(), report).documents()


class _InterchangeReader:
    def __init__(
        self,
        stream: BinaryIO,
        filename: str,
        settings: ReadSettings,
        report: InterchangeReport | None,
    ) -> None:
        self.stream = stream
        self.filename = filename
        self.settings = settings
        self.report = report if report is not None else InterchangeReport()
        self.group: GroupInfo | None = None
        self.group_messages = 0
        self.messages = 0
        self.documents_yielded = 0
        self.loose_messages = 0

    # -- errors -------------------------------------------------------------------------------

    def fail(
        self,
        message: str,
        code: int,
        segment: Segment | str | None = None,
        element: int | None = None,
    ) -> EdifactSyntaxError:
        tag = segment.tag if isinstance(segment, Segment) else segment
        issue = SyntaxIssue(code=code, segment=tag, element=element, message=message)
        self.report.error = issue
        location = SourceLocation(
            file=self.filename,
            segment=tag,
            segment_position=segment.position if isinstance(segment, Segment) else None,
            element=element,
        )
        return EdifactSyntaxError(message, issue, location)

    # -- reading ------------------------------------------------------------------------------

    def documents(self) -> Iterator[RawDocument]:
        head = self.stream.read(CHUNK_SIZE)
        if not head:
            raise FormatError("the file is empty", SourceLocation(file=self.filename))
        try:
            delimiters, start, unb = read_unb(head.decode("latin-1"))
            info = interchange_info(unb, delimiters)
        except SyntaxProblem as exc:
            raise self.fail(exc.message, exc.code, exc.segment) from exc
        self.report.interchange = info
        expected = self.settings.expected_sender
        if expected is not None and info.sender_id.strip() != expected.strip():
            raise FormatError(
                f"interchange {info.control_reference} comes from sender {info.sender_id!r}, "
                f"not the partner's id {expected.strip()!r}; a partner may only send its own "
                "interchanges",
                SourceLocation(file=self.filename, segment="UNB", segment_position=1, element=2),
            )
        tokenizer = Tokenizer(delimiters)
        decoder = codecs.getincrementaldecoder(info.encoding)("strict")
        consumed = start
        chunk = head[start:]
        message: list[Segment] | None = None
        finished = False
        while True:
            final = not chunk
            try:
                text = decoder.decode(chunk, final=final)
            except UnicodeDecodeError as exc:
                offset = consumed + exc.start
                raise self.fail(
                    f"byte 0x{chunk[exc.start]:02X} at offset {offset} is not valid in character"
                    f" set {info.syntax_identifier} ({info.encoding})",
                    INVALID_CHARACTERS,
                ) from exc
            consumed += len(chunk)
            try:
                segments = tokenizer.feed(text) if text else []
                if final:
                    tokenizer.finish()
            except SyntaxProblem as exc:
                raise self.fail(exc.message, exc.code, exc.segment or "UNZ") from exc
            for seg in segments:
                if finished:
                    if seg.tag == "UNB":
                        raise self.fail(
                            "a second interchange follows UNZ; send one interchange per file",
                            OUTSIDE_MESSAGE,
                            seg,
                        )
                    raise self.fail(f"segment {seg.tag} follows UNZ", OUTSIDE_MESSAGE, seg)
                if message is not None:
                    if seg.tag == "UNT":
                        message.append(seg)
                        yield from self.finish_message(message, info)
                        message = None
                        continue
                    if seg.tag not in ("UNH", "UNG", "UNE", "UNZ", "UNB"):
                        message.append(seg)
                        continue
                    yield from self.finish_message(message, info, missing_trailer=True)
                    message = None
                tag = seg.tag
                if tag == "UNH":
                    message = [seg]
                    self.start_message(seg)
                elif tag == "UNB" and seg.position == 1:
                    continue
                elif tag == "UNG":
                    self.start_group(seg, info)
                elif tag == "UNE":
                    self.end_group(seg)
                elif tag == "UNZ":
                    self.end_interchange(seg, info)
                    finished = True
                else:
                    raise self.fail(
                        f"segment {tag} (segment {seg.position}) is outside any message",
                        OUTSIDE_MESSAGE,
                        seg,
                    )
            if final:
                break
            chunk = self.stream.read(CHUNK_SIZE)
        if message is not None:
            yield from self.finish_message(message, info, missing_trailer=True)
        if not finished:
            raise self.fail("the interchange has no UNZ trailer; it is truncated", MISSING, "UNZ")
        self.report.complete = True

    # -- envelopes ----------------------------------------------------------------------------

    def start_message(self, unh: Segment) -> None:
        self.messages += 1
        if self.group is not None:
            self.group_messages += 1
        else:
            self.loose_messages += 1
            if self.report.interchange and self.report.interchange.groups:
                raise self.fail(
                    "messages outside functional groups are mixed with UNG groups",
                    FUNCTIONAL_GROUPS_MIXED,
                    unh,
                )

    def start_group(self, ung: Segment, info: InterchangeInfo) -> None:
        if self.group is not None:
            raise self.fail("UNG opens a group before the previous UNE", MISSING, ung)
        if self.loose_messages:
            raise self.fail(
                "a UNG group follows messages outside groups", FUNCTIONAL_GROUPS_MIXED, ung
            )
        self.group = GroupInfo(
            reference=ung.value(5),
            group_id=ung.value(1),
            sender=ung.components(2),
            recipient=ung.components(3),
        )
        info.groups.append(self.group)
        self.group_messages = 0

    def end_group(self, une: Segment) -> None:
        group = self.group
        if group is None:
            raise self.fail("UNE without a UNG", OUTSIDE_MESSAGE, une)
        self._check_count(une, self.group_messages, "messages in the group", "UNE")
        if une.value(2) != group.reference:
            raise self.fail(
                f"UNE reference {une.value(2)!r} does not match UNG reference {group.reference!r}",
                REFERENCES_DO_NOT_MATCH,
                une,
                2,
            )
        self.group = None

    def end_interchange(self, unz: Segment, info: InterchangeInfo) -> None:
        if self.group is not None:
            raise self.fail("UNZ before the UNE that closes the open group", MISSING, unz)
        if info.groups:
            self._check_count(unz, len(info.groups), "functional groups", "UNZ")
        else:
            self._check_count(unz, self.messages, "messages", "UNZ")
        if unz.value(2) != info.control_reference:
            raise self.fail(
                f"UNZ reference {unz.value(2)!r} does not match UNB control reference"
                f" {info.control_reference!r}",
                REFERENCES_DO_NOT_MATCH,
                unz,
                2,
            )

    def _check_count(self, seg: Segment, actual: int, what: str, tag: str) -> None:
        raw = seg.value(1)
        declared = count_value(raw)
        if declared is None:
            raise self.fail(
                f"{tag} control count {preview(raw)} is not a number", INVALID_VALUE, seg, 1
            )
        if declared != actual:
            raise self.fail(
                f"{tag} declares {declared} {what} but the interchange has {actual}",
                COUNT_DOES_NOT_MATCH,
                seg,
                1,
            )

    def finish_message(
        self, segments: list[Segment], info: InterchangeInfo, *, missing_trailer: bool = False
    ) -> Iterator[RawDocument]:
        unh = segments[0]
        reference = unh.value(1)
        identifier = unh.components(2)
        result = MessageResult(
            reference=reference,
            identifier=identifier,
            group_reference=self.group.reference if self.group is not None else None,
        )
        self.report.messages.append(result)
        envelope: list[Finding] = []

        def reject(
            code: int, seg: Segment, tag: str, element: int | None, component: int | None, text: str
        ) -> None:
            if result.error is None:
                result.error = SyntaxIssue(code, tag, element, component, text)
            envelope.append(
                Finding(
                    code="read.syntax",
                    severity=Severity.ERROR,
                    path="$",
                    message=text,
                    location=SourceLocation(
                        file=self.filename,
                        segment=tag,
                        segment_position=seg.position - unh.position + 1,
                        element=element,
                        component=component,
                    ),
                )
            )

        message_type = identifier[0] if identifier else ""
        if message_type not in SUPPORTED_MESSAGES:
            reject(
                NOT_SUPPORTED_VALUE,
                unh,
                "UNH",
                2,
                1,
                f"message type {message_type!r} (UNH {reference}) is not supported; send ORDERS",
            )
            return
        if len(identifier) < 2 or identifier[1] != "D":
            reject(
                NOT_SUPPORTED_VALUE,
                unh,
                "UNH",
                2,
                2,
                f"ORDERS version {':'.join(identifier[1:3])!r} is not supported; use directory D"
                " (e.g. D:96A or D:01B)",
            )
        if missing_trailer:
            last = segments[-1]
            trailer = Segment("UNT", [], last.position + 1)
            reject(MISSING, trailer, "UNT", None, None, f"message {reference!r} has no UNT trailer")
            segments = [*segments, trailer]
        else:
            unt = segments[-1]
            count = unt.value(1)
            if count_value(count) != len(segments):
                reject(
                    COUNT_DOES_NOT_MATCH,
                    unt,
                    "UNT",
                    1,
                    None,
                    f"UNT declares {count!r} segments but message {reference!r} has"
                    f" {len(segments)} (UNH to UNT)",
                )
            if unt.value(2) != reference:
                reject(
                    REFERENCES_DO_NOT_MATCH,
                    unt,
                    "UNT",
                    2,
                    None,
                    f"UNT reference {unt.value(2)!r} does not match UNH reference {reference!r}",
                )
        mapper = OrdersMapper(self.filename, self.settings.defaults)
        data = mapper.run(segments)
        result.segment_errors = mapper.segment_errors
        result.document_index = self.documents_yielded
        self.documents_yielded += 1
        yield RawDocument(
            data=data,
            provenance=mapper.provenance,
            findings=envelope + mapper.findings,
            reference=reference,
        )


def sniff_edifact(head: bytes) -> bool:
    """True when ``head`` starts (after a BOM or blanks) with UNA + six characters + UNB, or UNB."""
    text = head[:4096].lstrip(b"\xef\xbb\xbf \r\n\t")
    if text.startswith(b"UNA"):
        return len(text) >= 12 and text[9:].lstrip(b" \r\n\t").startswith(b"UNB")
    return len(text) > 4 and text.startswith(b"UNB") and not text[3:4].isalnum()


class EdifactOrdersReader:
    """EDIFACT ORDERS intake. For the CONTRL, call ``read_interchange`` with a report instead."""

    name = "edifact"

    def sniff(self, head: bytes, filename: str) -> bool:
        return sniff_edifact(head)

    def read(
        self, stream: BinaryIO, filename: str, settings: ReadSettings
    ) -> Iterator[RawDocument]:
        return read_interchange(stream, filename, settings)


READER = EdifactOrdersReader()
