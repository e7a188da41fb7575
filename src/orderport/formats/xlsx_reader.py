"""XLSX reader for analysts' workbooks (Excel or LibreOffice), via python-calamine.

The header row is the row among the first ``HEADER_SCAN_ROWS`` that names the most known columns
(title rows, merged title cells and blank rows above it are skipped). Without
``ReadSettings.sheets`` the first worksheet with such a header is read; other sheets are ignored.
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
from dataclasses import replace
from typing import BinaryIO, Final

import python_calamine

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
    header_key,
)
from orderport.formats.tabular.layout import HEADER_SCAN_ROWS, LayoutRows, Located, locate
from orderport.formats.tabular.locale_inference import infer_locale
from orderport.formats.tabular.vocabulary import vocabulary_key
from orderport.model import SourceLocation

__all__ = ["HEADER_SCAN_ROWS", "READER", "XlsxReader", "column_letter"]


def column_letter(index: int) -> str:
    """0 -> "A", 25 -> "Z", 26 -> "AA"."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


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
                found = self._open_sheet(workbook, name, aliases, settings, filename)
                if found is None:
                    raise FormatError(
                        f"sheet {name!r} has no header row with a po_number column in its first "
                        f"{HEADER_SCAN_ROWS} rows",
                        SourceLocation(file=filename),
                    )
                yield from self._read_sheet(found, name, filename, settings, aliases)
            return
        for name in names:
            found = self._open_sheet(workbook, name, aliases, settings, filename)
            if found is not None:
                yield from self._read_sheet(found, name, filename, settings, aliases)
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
        settings: ReadSettings,
        filename: str,
    ) -> tuple[Located, Iterator[tuple[int, Sequence[Cell]]], int] | None:
        """Locate the header: (what was found, the rows after the head, first column)."""
        try:
            sheet = workbook.get_sheet_by_name(name)
        except Exception as err:  # calamine's XML, zip and cell errors share no base class
            raise FormatError(f"sheet {name!r} cannot be read: {err}") from None
        start = sheet.start
        if start is None:
            return None
        # iter_rows() starts at sheet row 1 but at the first used column (calamine 0.9).
        first_col = start[1]
        rows = ((number, cells) for number, cells in enumerate(sheet.iter_rows(), start=1))
        head: list[tuple[int, Sequence[Cell]]] = []
        for row, cells in rows:
            head.append((row, cells))
            if len(head) >= HEADER_SCAN_ROWS:
                break

        def label(index: int, text: str) -> str:
            return f"{column_letter(first_col + index)} ({text})"

        located = locate(head, aliases, label, filename, _ignore_keys(settings))
        if located is None:
            return None
        return located, rows, first_col

    def _read_sheet(
        self,
        found: tuple[Located, Iterator[tuple[int, Sequence[Cell]]], int],
        sheet: str,
        filename: str,
        settings: ReadSettings,
        aliases: dict[str, str],
    ) -> Iterator[RawDocument]:
        located, rest, first_col = found

        def label(index: int, text: str) -> str:
            return f"{column_letter(first_col + index)} ({text})"

        header: Header = located.header
        if settings.sheet_date_formats:
            settings = replace(settings, date_formats=settings.sheet_date_formats)
        parser = ValueParser(settings, excel_serials=True)
        layout = LayoutRows(located, aliases, label)
        rows = layout.rows(rest)
        labels = "".join(b.label for b in header.columns)
        sample, findings = infer_locale(
            header, rows, parser, filename, sheet, day_first_hint=not labels.isascii()
        )
        assembler = PoAssembler(header, settings, filename, parser, sheet)
        for finding in findings:
            assembler.note_file(finding)
        for row, cells in sample:
            yield from assembler.add_row(row, cells)
        for row, cells in rows:
            yield from assembler.add_row(row, cells)
        yield from assembler.finish()


def _ignore_keys(settings: ReadSettings) -> frozenset[str]:
    return frozenset(vocabulary_key(c) for c in settings.ignore_columns) | frozenset(
        header_key(c) for c in settings.ignore_columns
    )


READER: Final = XlsxReader()
