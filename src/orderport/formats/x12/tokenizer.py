"""X12 tokenizer: separators come from the ISA header, segments are split with str.split.

The ISA segment is fixed-width by the standard (106 characters), but real senders sometimes
trim the padding, so the separators are located by counting: the element separator is the
4th character, ISA16 (the component separator) is the character after the 16th element
separator, and the segment terminator is the character right after ISA16. Newlines (LF or
CRLF) after the terminator are allowed and dropped.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from orderport.formats.base import FormatError
from orderport.model import SourceLocation

CHUNK_SIZE = 1 << 16
_NEWLINES = "\r\n"
_ISA_SEPARATORS = 16  # one before each of ISA01..ISA16


@dataclass(frozen=True, slots=True)
class Separators:
    element: str
    component: str
    segment: str
    repetition: str | None
    """ISA11 in version 00402 and later; None in 004010 and earlier (ISA11 is then 'U')."""


def _isa_error(message: str, filename: str | None, element: int | None = None) -> FormatError:
    return FormatError(
        f"broken ISA header: {message}",
        SourceLocation(file=filename, segment="ISA", segment_position=1, element=element),
    )


def split_isa(text: str, filename: str | None = None) -> tuple[list[str], Separators, int]:
    """Parse the ISA segment at the start of ``text``.

    Returns the ISA elements (index 0 is "ISA"), the separators, and the index just after the
    segment terminator. Raises ``FormatError`` when the header is not a usable ISA.
    """
    if not text.startswith("ISA") or len(text) < 4:
        raise _isa_error("the file does not start with ISA", filename)
    element = text[3]
    if element.isalnum() or element in " \r\n":
        raise _isa_error(f"{element!r} cannot be the element separator", filename)
    pos = 3
    for _ in range(_ISA_SEPARATORS - 1):
        pos = text.find(element, pos + 1)
        if pos < 0:
            raise _isa_error("fewer than 16 elements", filename)
    if pos + 2 >= len(text):
        raise _isa_error("ISA16 or the segment terminator is missing", filename, 16)
    component = text[pos + 1]
    terminator = text[pos + 2]
    elements = text[:pos].split(element)
    elements.append(component)
    if terminator.isalnum() or terminator == " ":
        raise _isa_error(
            f"{terminator!r} after ISA16 cannot be the segment terminator", filename, 16
        )
    if component.isalnum() or component in (element, terminator, " "):
        raise _isa_error(f"{component!r} cannot be the component separator", filename, 16)
    version = elements[12]
    if len(version) != 5 or not version.isdigit():
        raise _isa_error(f"ISA12 version {version!r} is not 5 digits", filename, 12)
    control = elements[13]
    if len(control) != 9 or not control.isdigit():
        raise _isa_error(f"ISA13 control number {control!r} is not 9 digits", filename, 13)
    repetition: str | None = None
    if version >= "00402":
        rep = elements[11]
        if len(rep) != 1 or rep.isalnum() or rep in (element, component, terminator, " "):
            raise _isa_error(f"ISA11 {rep!r} cannot be the repetition separator", filename, 11)
        repetition = rep
    return elements, Separators(element, component, terminator, repetition), pos + 3


def _decoder_for(encoding: str) -> codecs.IncrementalDecoder:
    return codecs.getincrementaldecoder(encoding)(errors="strict")


def _strip_bom(text: str) -> str:
    return text[1:] if text.startswith("\ufeff") else text


def interchange_key(head: bytes) -> tuple[str, str]:
    """(sender id ISA06, control number ISA13) of the interchange at the start of ``head``.

    Two files with the same key are the same interchange sent twice.
    """
    text = _strip_bom(head.decode("latin-1").lstrip(_NEWLINES + " \t"))
    elements, _, _ = split_isa(text)
    return elements[6].strip(), elements[13]


class SegmentStream:
    """Streams segments as lists of elements (index 0 is the segment id).

    ``separators`` and ``isa`` are known once the first segment has been produced.
    """

    def __init__(self, stream: BinaryIO, filename: str, encoding: str = "utf-8") -> None:
        self.stream = stream
        self.filename = filename
        self.encoding = encoding
        self.separators: Separators | None = None
        self.bytes_read = 0

    def _read(self, decoder: codecs.IncrementalDecoder) -> str | None:
        raw = self.stream.read(CHUNK_SIZE)
        final = not raw
        try:
            text = decoder.decode(raw, final=final)
        except UnicodeDecodeError as exc:
            raise FormatError(
                f"bytes cannot be decoded as {self.encoding} near byte "
                f"{self.bytes_read + exc.start}: {exc.reason}",
                SourceLocation(file=self.filename),
            ) from exc
        self.bytes_read += len(raw)
        return None if final and not text else text

    def __iter__(self) -> Iterator[list[str]]:
        decoder = _decoder_for(self.encoding)
        buffer = ""
        while len(buffer) < 200:
            more = self._read(decoder)
            if more is None:
                break
            buffer += more
        buffer = _strip_bom(buffer).lstrip(_NEWLINES + " \t")
        if not buffer:
            raise FormatError("the file is empty", SourceLocation(file=self.filename))
        _, seps, _ = split_isa(buffer, self.filename)
        self.separators = seps
        element, terminator = seps.element, seps.segment
        trim_cr = terminator == "\n"
        while True:
            pieces = buffer.split(terminator)
            buffer = pieces.pop()
            for piece in pieces:
                if piece and piece[0] in _NEWLINES:
                    piece = piece.lstrip(_NEWLINES)
                if trim_cr and piece.endswith("\r"):
                    piece = piece[:-1]
                if not piece:
                    continue
                yield piece.split(element)
            more = self._read(decoder)
            if more is None:
                break
            buffer += more
        rest = buffer.strip(_NEWLINES + " \t\x00\x1a")
        if rest:
            raise FormatError(
                f"the file ends with an unterminated segment {rest[:40]!r}",
                SourceLocation(file=self.filename, segment=rest.split(element)[0][:3]),
            )
