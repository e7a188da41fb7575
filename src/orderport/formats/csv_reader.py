"""CSV reader: the canonical template (Quick Deploy) and partner CSVs with aliases.

Row numbers are PHYSICAL LINE NUMBERS of the line where a record starts (a quoted field with
embedded newlines spans several lines), so a partner opening the file in a text editor finds it;
the header is line 1 when the file starts with it.

Before parsing, the bytes are checked in one streaming pass: not valid in the configured encoding
and no ``fallback_encoding`` -> FormatError with the byte offset and line; valid UTF-8 that looks
like double-encoded text ("Ã©") -> a warning on the PO of that line. Memory stays bounded: the
file is read in chunks (a non-seekable stream is spooled to a temporary file first).
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
import shutil
import tempfile
from collections.abc import Iterator
from typing import IO, BinaryIO, Final

from orderport.formats.base import FormatError, RawDocument, ReadSettings
from orderport.formats.tabular import (
    PoAssembler,
    ValueParser,
    alias_map,
    bind_header,
    match_header,
)
from orderport.model import Finding, Severity, SourceLocation

DELIMITERS: Final = (",", ";", "\t", "|")
_CHUNK: Final = 1 << 20
_MOJIBAKE = re.compile("[\u00c2\u00c3][\u0080-\u00bf]|\u00e2\u20ac")
_MAX_MOJIBAKE_LINES: Final = 1000
_NOT_CSV_PREFIXES: Final = (
    b"PK\x03\x04",
    b"\xd0\xcf\x11\xe0",
    b"{",
    b"[",
    b"<",
    b"ISA",
    b"UNA",
    b"UNB",
)


def sniff_delimiter(first_line: str) -> str:
    """The candidate delimiter that occurs most often in the header line (ties: , ; tab |)."""
    counts = [(first_line.count(d), -i, d) for i, d in enumerate(DELIMITERS)]
    best = max(counts)
    return best[2] if best[0] > 0 else ","


class _Scan:
    """Result of the pre-parse pass over the bytes."""

    def __init__(self, encoding: str, fallback_used: bool, mojibake_lines: set[int]) -> None:
        self.encoding = encoding
        self.fallback_used = fallback_used
        self.mojibake_lines = mojibake_lines


def _scan(stream: IO[bytes], encoding: str) -> tuple[int, int] | set[int]:
    """Decode the stream in chunks: the mojibake lines, or (byte offset, line) of a bad byte."""
    decoder = codecs.getincrementaldecoder(encoding)()
    consumed = 0
    lines = 0  # complete lines before the current chunk
    mojibake: set[int] = set()
    check_mojibake = codecs.lookup(encoding).name == "utf-8"
    while True:
        chunk = stream.read(_CHUNK)
        final = not chunk
        pending = decoder.getstate()[0]
        try:
            text = decoder.decode(chunk, final)
        except UnicodeDecodeError as err:
            buffer = pending + chunk
            offset = consumed - len(pending) + err.start
            line = lines + buffer[: err.start].count(b"\n") + 1
            return offset, line
        if check_mojibake and len(mojibake) < _MAX_MOJIBAKE_LINES and not text.isascii():
            for match in _MOJIBAKE.finditer(text):
                mojibake.add(lines + text.count("\n", 0, match.start()) + 1)
        lines += text.count("\n")
        consumed += len(chunk)
        if final:
            return mojibake


def _seekable(stream: BinaryIO) -> IO[bytes]:
    if stream.seekable():
        return stream
    spool = tempfile.SpooledTemporaryFile(max_size=32 << 20)  # noqa: SIM115 - returned
    shutil.copyfileobj(stream, spool, _CHUNK)
    spool.seek(0)
    return spool


class CsvReader:
    """Reads delimited text: one row per PO line, PO columns repeated per row."""

    name = "csv"

    def sniff(self, head: bytes, filename: str) -> bool:
        if not head or b"\x00" in head:
            return False
        body = head.removeprefix(codecs.BOM_UTF8).lstrip()
        if body.startswith(_NOT_CSV_PREFIXES):
            return False
        text = body.decode("utf-8", "replace")
        delimiter = sniff_delimiter(text.split("\n", 1)[0])
        try:
            records = list(itertools.islice(csv.reader(io.StringIO(text), delimiter=delimiter), 2))
        except csv.Error:
            return False
        if not records or len(records[0]) < 2:
            return False
        if any(match_header(field, {}) for field in records[0]):
            return True
        # Partner headers (aliases) are unknown here: a table shape is enough.
        return len(records) >= 2 and len(records[1]) == len(records[0])

    def read(
        self, stream: BinaryIO, filename: str, settings: ReadSettings
    ) -> Iterator[RawDocument]:
        source = _seekable(stream)
        start = source.tell()
        scan = self._choose_encoding(source, filename, settings)
        source.seek(start)
        encoding = "utf-8-sig" if codecs.lookup(scan.encoding).name == "utf-8" else scan.encoding
        text = io.TextIOWrapper(source, encoding=encoding, newline="")
        try:
            yield from self._read_text(text, filename, settings, scan)
        finally:
            text.detach()

    def _choose_encoding(self, source: IO[bytes], filename: str, settings: ReadSettings) -> _Scan:
        start = source.tell()
        result = _scan(source, settings.encoding)
        if isinstance(result, set):
            return _Scan(settings.encoding, False, result)
        offset, line = result
        if settings.fallback_encoding is None:
            raise FormatError(
                f"the file is not valid {settings.encoding} (first bad byte at offset {offset}); "
                "save it as UTF-8 or configure the partner's fallback encoding (e.g. cp1252)",
                SourceLocation(file=filename, row=line),
            )
        source.seek(start)
        fallback = _scan(source, settings.fallback_encoding)
        if not isinstance(fallback, set):
            raise FormatError(
                f"the file is neither valid {settings.encoding} (byte offset {offset}) nor "
                f"{settings.fallback_encoding} (byte offset {fallback[0]})",
                SourceLocation(file=filename, row=fallback[1]),
            )
        return _Scan(settings.fallback_encoding, True, set())

    def _read_text(
        self, text: io.TextIOWrapper, filename: str, settings: ReadSettings, scan: _Scan
    ) -> Iterator[RawDocument]:
        cookie = text.tell()
        first = text.readline()
        delimiter = settings.delimiter or sniff_delimiter(first)
        text.seek(cookie)
        reader = csv.reader(text, delimiter=delimiter, strict=False)
        aliases = alias_map(settings.column_aliases)
        previous_end = 0
        header_cells: list[str] | None = None
        try:
            for record in reader:
                row = previous_end + 1
                previous_end = reader.line_num
                if any(f.strip() for f in record):
                    header_cells = record
                    break
            if header_cells is None:
                raise FormatError(
                    "the file is empty (no header row)", SourceLocation(file=filename)
                )
            header = bind_header(header_cells, row, aliases, filename=filename)
            assembler = PoAssembler(header, settings, filename, ValueParser(settings))
            if scan.fallback_used:
                assembler.note(
                    Finding(
                        code="read.encoding_fallback",
                        severity=Severity.WARNING,
                        path="$",
                        message=(
                            f"the file is not UTF-8; it was read as {scan.encoding} as "
                            "configured for this partner"
                        ),
                        location=SourceLocation(file=filename),
                    )
                )
            mojibake = scan.mojibake_lines
            for record in reader:
                row = previous_end + 1
                previous_end = reader.line_num
                yield from assembler.add_row(row, record)
                if mojibake and not mojibake.isdisjoint(range(row, previous_end + 1)):
                    self._note_mojibake(assembler, row, record, header_cells)
            yield from assembler.finish()
        except csv.Error as err:
            raise FormatError(
                f"CSV syntax error: {err}", SourceLocation(file=filename, row=reader.line_num)
            ) from None

    @staticmethod
    def _note_mojibake(
        assembler: PoAssembler, row: int, record: list[str], header: list[str]
    ) -> None:
        for index, value in enumerate(record):
            match = _MOJIBAKE.search(value)
            if match is None:
                continue
            label = header[index].strip() if index < len(header) else f"#{index + 1}"
            assembler.note(
                Finding(
                    code="read.mojibake",
                    severity=Severity.WARNING,
                    path=assembler.path_for(index),
                    message=(
                        f"{value!r} looks double-encoded ({match.group()!r} is how UTF-8 "
                        "text shows when it was read as cp1252/latin-1 and saved again)"
                    ),
                    location=SourceLocation(file=assembler.filename, row=row, column=label),
                )
            )


READER: Final = CsvReader()
