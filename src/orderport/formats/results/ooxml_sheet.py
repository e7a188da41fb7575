"""One worksheet part, indexed by byte offsets and spliced only where the answer changes it.

The index (rows' spans, the used area, merged ranges) comes from C-speed regular expressions
over the inflated XML, never from a tree of every cell; the splice rewrites the start tags of
marked cells and the rows that get a findings cell, and leaves every other byte as it was.

The used area follows openpyxl's rules, so both writers put the findings column in the same
place: every ``<c>`` element counts (a styled empty cell too), and so does every cell of a
merged range. A cell "has a value" when it has a non-empty ``<v>``, a formula or an inline
string; a cell hidden under a merged range has none.

A sheet is refused (``Unsupported``) when a cell or row has no leading ``r`` reference, the
root is prefixed or not SpreadsheetML, the part holds XML comments or CDATA, or (when it gets
marks) it has ``mc:AlternateContent`` or a legacy drawing its relationships do not explain.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from typing import Final, Protocol

from orderport.formats.results.ooxml_styles import Kind
from orderport.formats.results.ooxml_xml import (
    MAIN_NS,
    REL_NS,
    Unsupported,
    attribute,
    column_index,
    column_letters,
    get_attribute,
    prefix_for,
    remove_attribute,
    set_attribute,
    text,
)

_ROOT: Final = re.compile(rb"<worksheet\b[^>]*>")
_SHEET_DATA: Final = re.compile(rb"<sheetData\b[^>]*?(/?)>")
_ROW: Final = re.compile(rb"<row\b[^>]*>")
_ROW_NUMBER: Final = re.compile(rb'\sr="(\d+)"')
_CELL_REF: Final = re.compile(rb'<c r="([A-Z]{1,3})(\d+)"')
_CELL_LETTERS: Final = re.compile(rb'<c[\s/>](?:r="([A-Z]{1,3})\d)?')
_CELL: Final = re.compile(rb'<c r="([A-Z]{1,3})(\d+)"[^>]*>')
_CELL_ELEMENT: Final = re.compile(rb'<c r="([A-Z]{1,3})\d+"[^>]*?(?:/>|>(.*?)</c>)', re.DOTALL)
_HAS_VALUE: Final = re.compile(rb"<v>[^<]|<v [^>]*>[^<]|<f[\s>/]|<is[\s>]")
_MERGE: Final = re.compile(rb'<mergeCell\b[^>]*?\bref="([A-Z]{1,3})(\d+)(?::([A-Z]{1,3})(\d+))?"')
_LEGACY: Final = re.compile(rb"<legacyDrawing\s[^>]*>")
_SHEET_VIEW: Final = re.compile(rb"<sheetView\b[^>]*>")
_DIMENSION: Final = re.compile(
    rb'<dimension\b[^>]*?\bref="([A-Z]{1,3})(\d+)(?::([A-Z]{1,3})(\d+))?"[^>]*>'
)
_COLS: Final = re.compile(rb"<cols\b[^>]*>(.*?)</cols>", re.DOTALL)
_COL: Final = re.compile(rb"<col\b[^>]*/>")
_AFTER_LEGACY: Final = (
    b"<legacyDrawingHF",
    b"<drawingHF",
    b"<picture",
    b"<oleObjects",
    b"<controls",
    b"<webPublishItems",
    b"<tableParts",
    b"<extLst",
    b"</worksheet>",
)


@dataclass(frozen=True, slots=True)
class Merged:
    min_row: int
    min_col: int
    max_row: int
    max_col: int

    def __contains__(self, cell: tuple[int, int]) -> bool:
        return self.min_row <= cell[0] <= self.max_row and self.min_col <= cell[1] <= self.max_col


class Restyle(Protocol):
    def __call__(self, base: int, kind: Kind) -> int: ...


@dataclass(frozen=True, slots=True)
class FindingsCell:
    """The findings column's cell on one row: its text and its ``xf`` id."""

    value: str
    xf: int


def is_deselected(head: bytes) -> bool:
    """Whether a sheet part's start (before its cells) says its tab is not selected."""
    views = _SHEET_VIEW.findall(head.split(b"<sheetData", 1)[0])
    return bool(views) and all(
        get_attribute(tag, b"tabSelected") in (b"0", b"false") for tag in views
    )


def _deselect_views(head: bytes) -> bytes:
    return _SHEET_VIEW.sub(lambda m: set_attribute(m.group(0), b"tabSelected", b"0"), head)


def deselect_tab(data: bytes) -> bytes:
    """The sheet part with ``tabSelected="0"`` on its sheet views (as openpyxl writes them)."""
    cut = data.find(b"<sheetData")
    if cut < 0:
        raise Unsupported("the sheet has no sheetData")
    return _deselect_views(data[:cut]) + data[cut:]


class SheetXml:
    """A worksheet part's bytes with the offsets of its rows and the extent of its cells."""

    def __init__(self, data: bytes) -> None:
        if b"<!--" in data or b"<![CDATA[" in data:
            raise Unsupported("the sheet holds XML comments or CDATA")
        root = _ROOT.search(data)
        if root is None or get_attribute(root.group(0), b"xmlns") != MAIN_NS.encode():
            raise Unsupported(
                "the sheet is not transitional SpreadsheetML with a default namespace"
            )
        opening = _SHEET_DATA.search(data, root.end())
        if opening is None:
            raise Unsupported("the sheet has no sheetData")
        self.data = data
        self.root = root
        self.open_start, self.body_start = opening.start(), opening.end()
        self.empty = bool(opening.group(1))
        self.body_end = self.body_start if self.empty else data.find(b"</sheetData>", opening.end())
        if self.body_end < 0:
            raise Unsupported("sheetData is not closed")
        body = data[self.body_start : self.body_end]
        self.rows: list[int] = []
        self.spans: list[tuple[int, int]] = []
        for match in _ROW.finditer(data, self.body_start, self.body_end):
            number = _ROW_NUMBER.search(match.group(0))
            if number is None:
                raise Unsupported("a row has no r attribute")
            if match.group(0).endswith(b"/>"):
                end = match.end()
            else:
                end = data.find(b"</row>", match.end(), self.body_end) + len(b"</row>")
            self.rows.append(int(number.group(1)))
            self.spans.append((match.start(), end))
        if body.count(b"<row") != len(self.rows) or self.rows != sorted(set(self.rows)):
            raise Unsupported("rows out of order, repeated or without a reference")
        # One pass over every cell start; b"" stands for a cell whose first attribute is not r.
        letters = set(_CELL_LETTERS.findall(body))
        if b"" in letters:
            raise Unsupported("a cell has no leading r attribute")
        first = _CELL_REF.search(body)
        tail = data[self.body_end :]
        self.merged = [
            Merged(
                int(m.group(2)),
                column_index(m.group(1)),
                int(m.group(4) or m.group(2)),
                column_index(m.group(3) or m.group(1)),
            )
            for m in _MERGE.finditer(tail)
        ]
        columns = [column_index(letter) for letter in letters]
        columns += [m.min_col for m in self.merged] + [m.max_col for m in self.merged]
        row_numbers = [int(first.group(2))] if first else []
        row_numbers += [m.min_row for m in self.merged]
        self.has_cells = bool(columns)
        """Whether openpyxl would see any cell (else its extent is A1 until marks add cells)."""
        if not columns:
            self.min_row = self.min_col = self.max_col = 1
        else:
            # Rows are in order (checked above) and cells sit in their rows: the first cell has
            # the smallest row that has a cell.
            self.min_row = min(row_numbers)
            self.min_col, self.max_col = min(columns), max(columns)
        self.tail = tail

    def top_left(self, row: int, column: int) -> tuple[int, int]:
        """The cell a reference lands on: itself, or the top-left cell of its merged range."""
        for merged in self.merged:
            if (row, column) in merged:
                return merged.min_row, merged.min_col
        return row, column

    def _fragment(self, row: int) -> bytes | None:
        at = bisect_left(self.rows, row)
        if at < len(self.rows) and self.rows[at] == row:
            start, end = self.spans[at]
            return self.data[start:end]
        return None

    def value_count(self, row: int) -> int:
        """How many cells of ``row`` openpyxl would read with a value."""
        fragment = self._fragment(row)
        if fragment is None:
            return 0
        count = 0
        for cell in _CELL_ELEMENT.finditer(fragment):
            inner = cell.group(2)
            if not inner or not _HAS_VALUE.search(inner):
                continue
            column = column_index(cell.group(1))
            if self.top_left(row, column) == (row, column):
                count += 1
        return count

    def header_row(self, first_marked: int, min_row: int) -> int:
        """The column headings' row: the first with two or more values (a title row has one).

        ``min_row`` is the sheet's first used row counting the marked cells (openpyxl's).
        """
        for row in range(min_row, max(min_row, first_marked - 1) + 1):
            if self.value_count(row) >= 2:
                return row
        return min_row

    def splice(
        self,
        marks: dict[int, dict[int, Kind]],
        findings: dict[int, FindingsCell],
        column: int,
        restyle: Restyle,
        legacy_rel: str,
        legacy_exists: bool,
    ) -> bytes:
        """The sheet with ``marks`` restyled, ``findings`` in ``column``, its legacy drawing.

        ``legacy_rel`` is the relationship id of the comments' VML drawing: added to the sheet,
        or (``legacy_exists``) the one its ``<legacyDrawing>`` already names.
        """
        if b"AlternateContent" in self.data:
            raise Unsupported("the sheet has alternate content")
        rel_id = (prefix_for(self.root.group(0), REL_NS) or b"r") + b":id"
        found = [get_attribute(tag, rel_id) for tag in _LEGACY.findall(self.tail)]
        if found != ([legacy_rel.encode()] if legacy_exists else []):
            raise Unsupported("the sheet's legacy drawing does not match its relationships")
        letter = column_letters(column).encode()
        pieces: list[bytes] = []
        pos = self.body_start
        for row in sorted(set(marks) | set(findings)):
            extra = None
            if row in findings:
                cell = findings[row]
                extra = (
                    b'<c r="%s%d" s="%d" t="inlineStr"><is><t xml:space="preserve">%s</t></is></c>'
                    % (letter, row, cell.xf, text(cell.value))
                )
            at = bisect_left(self.rows, row)
            if at < len(self.rows) and self.rows[at] == row:
                start, end = self.spans[at]
                pieces.append(self.data[pos:start])
                pieces.append(
                    _edit_row(self.data[start:end], row, marks.get(row, {}), extra, restyle)
                )
                pos = end
            else:
                where = self.spans[at][0] if at < len(self.rows) else self.body_end
                pieces.append(self.data[pos:where])
                pieces.append(
                    _edit_row(b'<row r="%d"/>' % row, row, marks.get(row, {}), extra, restyle)
                )
                pos = where
        pieces.append(self.data[pos : self.body_end])
        body = b"".join(pieces)
        rows = sorted(set(marks) | set(findings))
        head = self._head(column, rows[0] if rows else 1, rows[-1] if rows else 1)
        if self.empty:
            head = head[: -len(self.data[self.open_start : self.body_start])] + b"<sheetData>"
            body += b"</sheetData>"
        return head + body + (self.tail if legacy_exists else self._tail(legacy_rel))

    def _head(self, column: int, first_row: int, last_row: int) -> bytes:
        head = self.data[: self.body_start]
        root = self.root.group(0)
        prefix = prefix_for(root, REL_NS)
        if prefix is None:
            new_root = root[:-1] + (b' xmlns:r="%s">' % REL_NS.encode())
            if b"xmlns:r=" in root:
                raise Unsupported("the sheet binds the r prefix to another namespace")
            head = head[: self.root.start()] + new_root + head[self.root.end() :]
        head = _deselect_views(head)
        head = _DIMENSION.sub(lambda m: _dimension(m, column, first_row, last_row), head, count=1)
        cols = _COLS.search(head)
        width = b'width="60" customWidth="1"'
        if cols is None:
            at = head.rfind(b"<sheetData")
            new_cols = b'<cols><col min="%d" max="%d" %s/></cols>' % (column, column, width)
            return head[:at] + new_cols + head[at:]
        return (
            head[: cols.start(1)] + _split_cols(cols.group(1), column, width) + head[cols.end(1) :]
        )

    def _tail(self, legacy_rel: str) -> bytes:
        tail = self.tail
        root = self.root.group(0)
        prefix = prefix_for(root, REL_NS) or b"r"
        element = b'<legacyDrawing %s:id="%s"/>' % (prefix, attribute(legacy_rel))
        at = min(i for i in (tail.find(marker) for marker in _AFTER_LEGACY) if i >= 0)
        return tail[:at] + element + tail[at:]


def _dimension(match: re.Match[bytes], column: int, first_row: int, last_row: int) -> bytes:
    min_col = column_index(match.group(1))
    min_row = int(match.group(2))
    max_col = column_index(match.group(3) or match.group(1))
    max_row = int(match.group(4) or match.group(2))
    first = f"{column_letters(min(min_col, column))}{min(min_row, first_row)}"
    ref = f"{first}:{column_letters(max(max_col, column))}{max(max_row, last_row)}"
    return set_attribute(match.group(0), b"ref", ref.encode())


def _split_cols(cols: bytes, column: int, width: bytes) -> bytes:
    """``<col>`` entries with ``column`` given its own entry at our width (ranges split)."""
    out: list[tuple[int, bytes]] = []
    placed = False
    for match in _COL.finditer(cols):
        tag = match.group(0)
        low = int(get_attribute(tag, b"min") or 0)
        high = int(get_attribute(tag, b"max") or 0)
        if not low <= column <= high:
            out.append((low, tag))
            continue
        if low < column:
            out.append((low, set_attribute(tag, b"max", b"%d" % (column - 1))))
        if column < high:
            out.append((column + 1, set_attribute(tag, b"min", b"%d" % (column + 1))))
        ours = set_attribute(set_attribute(tag, b"min", b"%d" % column), b"max", b"%d" % column)
        ours = set_attribute(set_attribute(ours, b"width", b"60"), b"customWidth", b"1")
        out.append((column, ours))
        placed = True
    if not placed:
        out.append((column, b'<col min="%d" max="%d" %s/>' % (column, column, width)))
    return b"".join(tag for _, tag in sorted(out, key=lambda item: item[0]))


def _edit_row(
    fragment: bytes, row: int, marks: dict[int, Kind], extra: bytes | None, restyle: Restyle
) -> bytes:
    """One ``<row>`` element with marked cells restyled (or added) and ``extra`` appended."""
    tag_match = _ROW.match(fragment)
    if tag_match is None:
        raise Unsupported("a row fragment does not start with its tag")
    tag = remove_attribute(tag_match.group(0), b"spans")
    if tag.endswith(b"/>"):
        tag = tag[:-2].rstrip() + b">"
        body = b""
    else:
        body = fragment[tag_match.end() : -len(b"</row>")]
    cells = [(column_index(m.group(1)), m) for m in _CELL.finditer(body)]
    edits: list[tuple[int, int, bytes]] = []
    for column, kind in sorted(marks.items()):
        found = next((m for c, m in cells if c == column), None)
        if found is not None:
            base = int(get_attribute(found.group(0), b"s") or 0)
            new = set_attribute(found.group(0), b"s", b"%d" % restyle(base, kind))
            edits.append((found.start(), found.end(), new))
            continue
        at = next((m.start() for c, m in cells if c > column), len(body))
        coordinate = column_letters(column).encode() + b"%d" % row
        edits.append((at, at, b'<c r="%s" s="%d"/>' % (coordinate, restyle(0, kind))))
    if extra is not None:
        edits.append((len(body), len(body), extra))
    out: list[bytes] = []
    pos = 0
    for start, end, new in sorted(edits, key=lambda e: e[0]):
        out.append(body[pos:start])
        out.append(new)
        pos = end
    out.append(body[pos:])
    return tag + b"".join(out) + b"</row>"
