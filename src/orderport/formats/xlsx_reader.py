"""XLSX reader for analysts' workbooks (Excel or LibreOffice), via python-calamine.

The header row is the row among the first ``HEADER_SCAN_ROWS`` that names the most known columns
(title rows, merged title cells and blank rows above it are skipped). Without
``ReadSettings.sheets`` the worksheet whose header names the most known columns is read (an
order sheet, not a pivot or summary sheet that repeats a few columns). When another sheet has a
po_number column too, every PO carries a ``read.sheet_chosen`` warning naming the sheet read and
each sheet skipped and why; a sheet that names more order columns than any readable one but has
no po_number column refuses the file with the alias to add (never a pivot read in its place).
Totals rows and blank rows are skipped. Row numbers and column letters are those Excel shows;
a column is labelled "C (Qty)" - letter and header text.

Spreadsheet values: numbers come back from calamine as floats (80.0) and are turned into the text
a person sees ("80"); real date cells, date serial numbers and text dates are all read in date
columns; numbers stored as text are read like typed ones. The workbook passes
``spreadsheet_safety.check_workbook`` before calamine opens it.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator, Sequence
from typing import BinaryIO, Final

import python_calamine
from rapidfuzz import process

from orderport.formats.base import FormatError, RawDocument, ReadSettings
from orderport.formats.spreadsheet_safety import (
    DEFAULT_LIMITS,
    OLE_MAGIC,
    ZIP_MAGIC,
    SafetyLimits,
    check_workbook,
)
from orderport.formats.tabular import (
    Cell,
    Header,
    PoAssembler,
    ValueParser,
    alias_map,
    bind_header,
    header_key,
    match_header,
)
from orderport.model import Finding, Severity, SourceLocation

HEADER_SCAN_ROWS: Final = 30


_Found = tuple[int, int, list[Sequence[Cell]], Iterator[Sequence[Cell]], int, int]
"""A sheet's header: first row, first column, head rows, the rest, header offset, score."""
SHEET_CHOSEN = "read.sheet_chosen"


def _sheet_note(chosen: str, skipped: list[str], filename: str) -> Finding:
    """Which sheet of a workbook with several was read, and why each other one was not."""
    others = "; ".join(skipped) if skipped else "none"
    return Finding(
        code=SHEET_CHOSEN,
        severity=Severity.WARNING,
        path="$",
        message=f"read sheet {chosen!r}; skipped: {others}",
        location=SourceLocation(file=filename, sheet=chosen),
    )


def _likely_header(
    head: list[Sequence[Cell]], aliases: dict[str, str]
) -> tuple[int, list[str], list[str]]:
    """For a sheet without a po_number column: its best header row's known and unknown cells."""
    best: tuple[int, list[str], list[str]] = (0, [], [])
    for cells in head:
        texts = [c.strip() for c in cells if isinstance(c, str) and c.strip()]
        known = [t for t in texts if match_header(t, aliases)]
        if len(known) > best[0]:
            best = (len(known), known, [t for t in texts if not match_header(t, aliases)])
    return best


def _refuse_if_order_sheet_unreadable(
    headless: dict[str, tuple[int, list[str], list[str]]], best_score: int, filename: str
) -> None:
    """A sheet that names more known columns than the sheet we could read, but has no PO number
    column, is the order sheet: refuse (suggesting the alias) rather than read a pivot/summary."""
    for name, (score, known, unknown) in headless.items():
        if score > best_score:
            suggestion = process.extractOne("po number", unknown, processor=header_key)
            hint = (
                f"; is {suggestion[0]!r} the PO number? map it with column_aliases: "
                f"{{{suggestion[0]!r}: po_number}} in the partner profile"
                if suggestion
                else "; add a po_number column or map yours with column_aliases"
            )
            raise FormatError(
                f"sheet {name!r} looks like the order sheet (it names {', '.join(known)}) but has "
                f"no po_number column{hint}; sheets with fewer order columns were not read "
                "in its place",
                SourceLocation(file=filename, sheet=name),
            )


def column_letter(index: int) -> str:
    """0 -> "A", 25 -> "Z", 26 -> "AA"."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _score(cells: Sequence[Cell], aliases: dict[str, str]) -> tuple[int, bool]:
    names = {match_header(c, aliases) for c in cells if isinstance(c, str)}
    names.discard(None)
    return len(names), "po_number" in names


class XlsxReader:
    """Reads the first recognisable sheet (or the configured sheets) of an .xlsx workbook."""

    name = "xlsx"

    def __init__(self, limits: SafetyLimits = DEFAULT_LIMITS) -> None:
        self.limits = limits

    def sniff(self, head: bytes, filename: str) -> bool:
        if head.startswith(OLE_MAGIC):
            # Legacy .xls or an encrypted workbook: claim it so the partner gets a clear refusal.
            return True
        if not head.startswith(ZIP_MAGIC):
            return False
        if b"word/" in head or b"ppt/" in head or b"mimetypeapplication/vnd.oasis" in head:
            return False
        return b"xl/" in head or b"[Content_Types].xml" in head

    def read(
        self, stream: BinaryIO, filename: str, settings: ReadSettings
    ) -> Iterator[RawDocument]:
        with tempfile.SpooledTemporaryFile(max_size=64 << 20) as spool:
            shutil.copyfileobj(stream, spool, 1 << 20)
            spool.seek(0)
            check_workbook(spool, filename, self.limits)
            try:
                workbook = python_calamine.CalamineWorkbook.from_filelike(spool)
            except Exception as err:  # calamine raises several unrelated exception types
                raise FormatError(
                    f"the workbook cannot be read: {err}", SourceLocation(file=filename)
                ) from None
            with workbook:
                yield from self._read_workbook(workbook, filename, settings)

    def _read_workbook(
        self, workbook: python_calamine.CalamineWorkbook, filename: str, settings: ReadSettings
    ) -> Iterator[RawDocument]:
        aliases = alias_map(settings.column_aliases)
        names = [
            sheet.name
            for sheet in workbook.sheets_metadata
            if sheet.typ == python_calamine.SheetTypeEnum.WorkSheet
        ]
        if settings.sheets:
            missing = [s for s in settings.sheets if s not in names]
            if missing:
                raise FormatError(
                    f"sheet(s) {', '.join(map(repr, missing))} not found; the workbook has "
                    f"{', '.join(map(repr, names))}",
                    SourceLocation(file=filename),
                )
            for name in settings.sheets:
                found = self._open_sheet(workbook, name, aliases)
                if found is None:
                    raise FormatError(
                        f"sheet {name!r} has no header row with a po_number column in its first "
                        f"{HEADER_SCAN_ROWS} rows",
                        SourceLocation(file=filename),
                    )
                yield from self._read_sheet(found, name, filename, settings, aliases)
            return
        candidates: list[tuple[int, str, _Found]] = []
        skipped: list[str] = []
        headless: dict[str, tuple[int, list[str], list[str]]] = {}
        for name in names:
            found = self._open_sheet(workbook, name, aliases, headless)
            if found is None:
                skipped.append(f"{name!r} (no header row with a po_number column)")
            else:
                candidates.append((found[5], name, found))
        if candidates:
            # The sheet whose header names the most known columns: an order sheet beats a
            # pivot or summary sheet that repeats a few of its columns, wherever it sits.
            best = max(candidates, key=lambda c: c[0])
            _refuse_if_order_sheet_unreadable(headless, best[0], filename)
            for score, name, _ in candidates:
                if name != best[1]:
                    skipped.append(
                        f"{name!r} (its header names {score} known column(s), "
                        f"{best[1]!r} names {best[0]})"
                    )
            # Said whenever another sheet could have been read too (it has a po_number column).
            note = _sheet_note(best[1], skipped, filename) if len(candidates) > 1 else None
            for doc in self._read_sheet(best[2], best[1], filename, settings, aliases):
                if note is not None:
                    doc.findings.insert(0, note.model_copy())
                yield doc
            return
        raise FormatError(
            f"no sheet has a header row with a po_number column in its first {HEADER_SCAN_ROWS} "
            f"rows (sheets: {', '.join(map(repr, names))})",
            SourceLocation(file=filename),
        )

    def _open_sheet(
        self,
        workbook: python_calamine.CalamineWorkbook,
        name: str,
        aliases: dict[str, str],
        headless: dict[str, tuple[int, list[str], list[str]]] | None = None,
    ) -> _Found | None:
        """Locate the header: (first row number, first column, head rows, rest, header offset)."""
        try:
            sheet = workbook.get_sheet_by_name(name)
        except Exception as err:  # calamine's XML, zip and cell errors share no base class
            raise FormatError(f"sheet {name!r} cannot be read: {err}") from None
        start = sheet.start
        if start is None:
            return None
        # iter_rows() starts at sheet row 1 but at the first used column (calamine 0.9).
        first_row, first_col = 1, start[1]
        rows: Iterator[Sequence[Cell]] = iter(sheet.iter_rows())
        head: list[Sequence[Cell]] = []
        for cells in rows:
            head.append(cells)
            if len(head) >= HEADER_SCAN_ROWS:
                break
        best: tuple[int, int] | None = None
        for offset, cells in enumerate(head):
            score, has_po = _score(cells, aliases)
            if has_po and (best is None or score > best[0]):
                best = (score, offset)
        if best is None:
            if headless is not None:
                headless[name] = _likely_header(head, aliases)
            return None
        return first_row, first_col, head, rows, best[1], best[0]

    def _read_sheet(
        self,
        found: _Found,
        sheet: str,
        filename: str,
        settings: ReadSettings,
        aliases: dict[str, str],
    ) -> Iterator[RawDocument]:
        first_row, first_col, head, rest, header_offset, _ = found
        header_cells = head[header_offset]

        def label(index: int, text: str) -> str:
            return f"{column_letter(first_col + index)} ({text})"

        header: Header = bind_header(
            header_cells, first_row + header_offset, aliases, label, filename
        )
        assembler = PoAssembler(
            header, settings, filename, ValueParser(settings, excel_serials=True), sheet
        )
        row = first_row + header_offset
        for cells in head[header_offset + 1 :]:
            row += 1
            yield from assembler.add_row(row, cells)
        for cells in rest:
            row += 1
            yield from assembler.add_row(row, cells)
        yield from assembler.finish()


READER: Final = XlsxReader()
