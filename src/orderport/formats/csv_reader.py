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
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import IO, BinaryIO, Final, Protocol

from orderport.formats.base import FormatError, RawDocument, ReadSettings
from orderport.formats.tabular import (
    Cell,
    PoAssembler,
    ValueParser,
    alias_map,
    bind_header,
    match_header,
)
from orderport.formats.tabular.layout import HEADER_SCAN_ROWS, LayoutRows, locate
from orderport.formats.tabular.locale_inference import infer_locale
from orderport.formats.tabular.vocabulary import vocabulary_key
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


def sniff_table_delimiter(text: str) -> str:
    """The delimiter of the widest table in the first lines (title lines above are ignored).

    For each candidate, the most common number of fields per line is its table width; the
    candidate with the widest table wins (ties: , ; tab |).
    """
    lines = [line for line in text.splitlines() if line.strip()][:40]
    if not lines:
        return ","
    best: tuple[int, int, str] = (0, 0, ",")
    for order, delimiter in enumerate(DELIMITERS):
        try:
            widths = [len(r) for r in csv.reader(lines, delimiter=delimiter)]
        except csv.Error:
            continue
        wide = [w for w in widths if w > 1]
        if not wide:
            continue
        common = Counter(wide).most_common(1)[0][0]
        score = (common, -order, delimiter)
        if score > best:
            best = score
    return best[2] if best[0] > 1 else sniff_delimiter(lines[0])


class _Scan:
    """Result of the pre-parse pass over the bytes."""

    def __init__(
        self,
        encoding: str,
        fallback_used: bool,
        mojibake_lines: set[int],
        detected: bool = False,
    ) -> None:
        self.encoding = encoding
        self.fallback_used = fallback_used
        self.mojibake_lines = mojibake_lines
        self.detected = detected


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


class _CsvReaderLike(Protocol):
    line_num: int

    def __iter__(self) -> Iterator[list[str]]: ...


def _plain_label(index: int, text: str) -> str:
    return text


def _ignore_keys(settings: ReadSettings) -> frozenset[str]:
    return frozenset(vocabulary_key(c) for c in settings.ignore_columns) | frozenset(
        "".join(ch for ch in c.casefold() if ch.isalnum()) for c in settings.ignore_columns
    )


class CsvReader:
    """Reads delimited text: one row per PO line, PO columns repeated per row."""

    name = "csv"

    def sniff(self, head: bytes, filename: str) -> bool:
        if not head:
            return False
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            # Excel's "Unicode text" export: UTF-16 with tabs.
            usable = len(head) - (len(head) % 2)
            head = head[:usable].decode("utf-16", "replace").encode("utf-8")
        if b"\x00" in head:
            return False
        body = head.removeprefix(codecs.BOM_UTF8).lstrip()
        if body.startswith(_NOT_CSV_PREFIXES):
            return False
        text = body.decode("utf-8", "replace")
        delimiter = sniff_table_delimiter(text)
        try:
            records = list(itertools.islice(csv.reader(io.StringIO(text), delimiter=delimiter), 12))
        except csv.Error:
            return False
        records = [r for r in records if any(f.strip() for f in r)]
        if not records:
            return False
        if any(len(r) >= 2 and any(match_header(f, {}) for f in r) for r in records):
            return True
        # Partner headers (aliases) are unknown here: a table shape is enough.
        wide = [r for r in records if len(r) >= 2]
        return len(wide) >= 2 and len(wide[1]) == len(wide[0])

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
        if settings.encoding is None and settings.fallback_encoding is None:
            return self._detect_encoding(source, filename)
        expected = settings.encoding or "utf-8"
        result = _scan(source, expected)
        if isinstance(result, set):
            return _Scan(expected, False, result)
        offset, line = result
        if settings.fallback_encoding is None:
            raise FormatError(
                f"the file is not valid {expected} (first bad byte at offset {offset}); "
                "save it as UTF-8 or configure the partner's fallback encoding (e.g. cp1252)",
                SourceLocation(file=filename, row=line),
            )
        source.seek(start)
        fallback = _scan(source, settings.fallback_encoding)
        if not isinstance(fallback, set):
            raise FormatError(
                f"the file is neither valid {expected} (byte offset {offset}) nor "
                f"{settings.fallback_encoding} (byte offset {fallback[0]})",
                SourceLocation(file=filename, row=fallback[1]),
            )
        return _Scan(settings.fallback_encoding, True, set())

    def _detect_encoding(self, source: IO[bytes], filename: str) -> _Scan:
        """BOM, else UTF-8, else cp1252, else latin-1 (which reads any byte)."""
        start = source.tell()
        head = source.read(4)
        source.seek(start)
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            result = _scan(source, "utf-16")
            if isinstance(result, set):
                return _Scan("utf-16", False, set())
            raise FormatError(
                f"the file starts with a UTF-16 byte order mark but is not valid UTF-16 "
                f"(byte offset {result[0]})",
                SourceLocation(file=filename, row=result[1]),
            )
        result = _scan(source, "utf-8")
        if isinstance(result, set):
            return _Scan("utf-8", False, result)
        for candidate in ("cp1252", "latin-1"):
            source.seek(start)
            if isinstance(_scan(source, candidate), set):
                return _Scan(candidate, True, set(), detected=True)
        raise AssertionError("latin-1 decodes every byte")  # pragma: no cover

    def _records(
        self, reader: _CsvReaderLike, ends: dict[int, int] | None
    ) -> Iterator[tuple[int, list[str]]]:
        """(physical line where the record starts, fields)."""
        previous_end = 0
        for record in reader:
            row = previous_end + 1
            previous_end = reader.line_num
            if ends is not None:
                ends[row] = previous_end
            yield row, record

    def _read_text(
        self, text: io.TextIOWrapper, filename: str, settings: ReadSettings, scan: _Scan
    ) -> Iterator[RawDocument]:
        cookie = text.tell()
        head_text = "".join(itertools.islice(text, 40))
        delimiter = settings.delimiter or sniff_table_delimiter(head_text)
        text.seek(cookie)
        reader = csv.reader(text, delimiter=delimiter, strict=False)
        aliases = alias_map(settings.column_aliases)
        mojibake = scan.mojibake_lines
        ends: dict[int, int] | None = {} if mojibake else None
        records = self._records(reader, ends)
        try:
            head: list[tuple[int, Sequence[Cell]]] = []
            for row, record in records:
                if any(f.strip() for f in record):
                    head.append((row, record))
                if len(head) >= HEADER_SCAN_ROWS:
                    break
            if not head:
                raise FormatError(
                    "the file is empty (no header row)", SourceLocation(file=filename)
                )
            located = locate(head, aliases, _plain_label, filename, _ignore_keys(settings))
            if located is None:
                # The first row is the header: say what it lacks.
                bind_header(head[0][1], head[0][0], aliases, filename=filename)
                raise FormatError(
                    "no header row with a po_number column found", SourceLocation(file=filename)
                )
            header = located.header
            header_cells = [str(c) for c in head[[r for r, _ in head].index(header.row)][1]]
            parser = ValueParser(settings)
            layout = LayoutRows(located, aliases, _plain_label)
            rows = layout.rows(records)
            sample, locale_findings = infer_locale(
                header,
                rows,
                parser,
                filename,
                day_first_hint=delimiter == ";" or not "".join(header_cells).isascii(),
            )
            assembler = PoAssembler(header, settings, filename, parser)
            for finding in locale_findings:
                assembler.note_file(finding)
            if scan.fallback_used:
                assembler.note_file(self._encoding_finding(scan, filename))
            for row, cells in itertools.chain(sample, rows):
                yield from assembler.add_row(row, cells)
                if ends is not None:
                    end = ends.get(row, row)
                    if not mojibake.isdisjoint(range(row, end + 1)):
                        self._note_mojibake(assembler, row, [str(c) for c in cells], header_cells)
            yield from assembler.finish()
        except csv.Error as err:
            raise FormatError(
                f"CSV syntax error: {err}", SourceLocation(file=filename, row=reader.line_num)
            ) from None

    @staticmethod
    def _encoding_finding(scan: _Scan, filename: str) -> Finding:
        if scan.detected:
            return Finding(
                code="read.encoding_detected",
                severity=Severity.INFO,
                path="$",
                message=(
                    f"the file is not UTF-8; it was read as {scan.encoding} (set "
                    "formats.csv.encoding to pin it)"
                ),
                location=SourceLocation(file=filename),
            )
        return Finding(
            code="read.encoding_fallback",
            severity=Severity.WARNING,
            path="$",
            message=(
                f"the file is not UTF-8; it was read as {scan.encoding} as "
                "configured for this partner"
            ),
            location=SourceLocation(file=filename),
        )

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
