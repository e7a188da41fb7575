"""How big a grid a workbook's sheets would need, measured before any spreadsheet library opens it.

python-calamine allocates each sheet as a dense grid spanning its used cells: a 5 KB workbook with
one cell at ``XFD1048576`` asks for ~17 billion cells and aborts the process (a native abort,
nothing to catch). So the worksheet XML is scanned first, streaming and in bounded memory, for
the row and cell positions calamine would use (explicit ``r="B7"`` references and implicit
positions alike), and a sheet whose dense grid would exceed the cell budget is refused with the
offending cell named in Excel's terms.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from typing import Final

_CHUNK: Final = 1 << 20
_MAX_OPEN_TAG: Final = 1 << 20
_TAG: Final = re.compile(
    # Excel and LibreOffice write r="B7" first: captured directly (the fast path); any other
    # layout falls back to searching the attributes.
    rb"<(?:[A-Za-z_][\w.\-]*:)?(row|c)(?=[\s/>])"
    rb'(?:\s+r="([A-Z]{0,3})([1-9][0-9]{0,6})"(?=[\s/>]))?([^>]*)>'
)
_REF_ATTR: Final = re.compile(rb"""(?:^|\s)r\s*=\s*["']([^"']*)["']""")
_CELL_REF: Final = re.compile(rb"\$?([A-Za-z]{1,3})\$?([0-9]{1,7})")
_ROW_NUMBER: Final = re.compile(rb"[0-9]{1,7}")
MAX_EXCEL_ROW: Final = 1_048_576
MAX_EXCEL_COLUMN: Final = 16_384


class ExtentProblem(Exception):
    """The sheet cannot be measured or is too big; ``message`` is in the partner's terms."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class SheetExtent:
    """The used area of one sheet (1-based Excel rows and columns), as calamine would size it."""

    cells: int = 0
    min_row: int = 0
    max_row: int = 0
    min_col: int = 0
    max_col: int = 0

    @property
    def area(self) -> int:
        if not self.cells:
            return 0
        return (self.max_row - self.min_row + 1) * (self.max_col - self.min_col + 1)

    @property
    def far_ref(self) -> str:
        """The far corner of the used area, named as Excel does ("XFD1048576")."""
        return cell_name(self.max_row, self.max_col)


def cell_name(row: int, col: int) -> str:
    """(7, 2) -> "B7"."""
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row}"


def column_number(letters: bytes) -> int:
    """b"A" -> 1, b"XFD" -> 16384."""
    number = 0
    for byte in letters.upper():
        number = number * 26 + (byte - 64)
    return number


def measure(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> SheetExtent:
    """Stream one worksheet part and return the used area calamine would allocate for it."""
    cells = 0
    min_row = min_col = MAX_EXCEL_ROW + 1
    max_row = max_col = 0
    row, col = 0, 0
    columns: dict[bytes, int] = {}
    carry = b""
    with archive.open(info) as part:
        while True:
            chunk = part.read(_CHUNK)
            buffer = carry + chunk
            cut = len(buffer)
            if chunk:
                last = buffer.rfind(b"<")
                if last != -1 and buffer.find(b">", last) == -1:
                    cut = last
            for kind, letters, digits, attrs in _TAG.findall(buffer, 0, cut):
                if digits:
                    number = int(digits)
                    if kind == b"row":
                        row, col = _row_number(letters + digits), 0
                        continue
                    found = columns.get(letters)
                    if found is None:
                        found = column_number(letters) if letters else 0
                        if letters and found <= MAX_EXCEL_COLUMN:
                            columns[letters] = found
                    if number > MAX_EXCEL_ROW or not 1 <= found <= MAX_EXCEL_COLUMN:
                        _cell_position(letters + digits)  # raises, naming the reference
                    row, col = number, found
                else:
                    ref = _REF_ATTR.search(attrs) if b"r" in attrs else None
                    if kind == b"row":
                        row = _row_number(ref.group(1)) if ref else row + 1
                        col = 0
                        continue
                    if ref:
                        row, col = _cell_position(ref.group(1))
                    else:
                        col += 1
                if attrs.endswith(b"/"):
                    continue  # an empty <c .../> holds nothing calamine stores
                cells += 1
                if row > max_row:
                    max_row = row
                if row < min_row:
                    min_row = row
                if col > max_col:
                    max_col = col
                if col < min_col:
                    min_col = col
            carry = buffer[cut:]
            if len(carry) > _MAX_OPEN_TAG:
                raise ExtentProblem(
                    f"{info.filename} has an XML tag longer than {_MAX_OPEN_TAG} bytes"
                )
            if not chunk:
                break
    if not cells:
        return SheetExtent()
    return SheetExtent(cells, max(min_row, 1), max(max_row, 1), max(min_col, 1), max(max_col, 1))


def _row_number(text: bytes) -> int:
    if not _ROW_NUMBER.fullmatch(text.strip()):
        raise ExtentProblem(f"row number {text.decode('latin-1')[:20]!r} is not a row number")
    number = int(text)
    if not 1 <= number <= MAX_EXCEL_ROW:
        raise ExtentProblem(f"row number {number} is outside 1-{MAX_EXCEL_ROW}")
    return number


def _cell_position(text: bytes) -> tuple[int, int]:
    found = _CELL_REF.fullmatch(text.strip())
    if not found:
        raise ExtentProblem(f"cell reference {text.decode('latin-1')[:20]!r} is not a cell name")
    col = column_number(found.group(1))
    number = int(found.group(2))
    if not 1 <= number <= MAX_EXCEL_ROW or col > MAX_EXCEL_COLUMN:
        raise ExtentProblem(
            f"cell reference {text.decode('latin-1')!r} is outside the sheet "
            "(XFD1048576 is the last cell)"
        )
    return number, col
