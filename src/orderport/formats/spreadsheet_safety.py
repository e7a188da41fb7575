"""Refuse dangerous or unreadable workbooks before any spreadsheet library parses them.

Checks are by content, never by file extension: an OLE2 compound file (legacy .xls, or an
encrypted / password-protected .xlsx, which Excel stores as OLE2) is refused with a clear
message; a zip with a VBA project or a macro-enabled content type is refused; zip bombs are
refused by entry count, total uncompressed size and compression ratio, taken from the zip's
central directory. XML entity expansion is handled by the parsers: python-calamine's XML parser
does not expand custom entities, and openpyxl parses through defusedxml when it is installed.
"""

from __future__ import annotations

import zipfile
import zlib
from dataclasses import dataclass
from typing import IO, Final

from orderport.formats.base import FormatError
from orderport.formats.sheet_extent import ExtentProblem, measure
from orderport.model import SourceLocation

OLE_MAGIC: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC: Final = b"PK\x03\x04"
_MACRO_CONTENT_TYPES: Final = (
    b"macroenabled",  # application/vnd.ms-excel.sheet.macroEnabled.main+xml and friends
    b"vbaproject",
    b"ms-office.vbaproject",
    b"ms-excel.intl-macrosheet",
    b"ms-excel.macrosheet",
)


@dataclass(frozen=True)
class SafetyLimits:
    """Limits for a workbook zip; a partner profile may raise them for known big files."""

    max_entries: int = 10_000
    max_total_uncompressed: int = 512 * 1024 * 1024
    max_ratio: float = 200.0
    """Largest uncompressed/compressed ratio for one entry (real sheets stay well under 100)."""
    ratio_floor: int = 1024 * 1024
    """Entries smaller than this uncompressed are not ratio-checked (tiny, highly regular XML)."""
    max_cells: int = 4_000_000
    """Largest dense grid (rows x columns between the first and last used cell) of one sheet;
    the spreadsheet library allocates that whole grid, so this bounds a workbook's memory."""


DEFAULT_LIMITS: Final = SafetyLimits()


def check_workbook(stream: IO[bytes], filename: str, limits: SafetyLimits = DEFAULT_LIMITS) -> None:
    """Raise FormatError unless ``stream`` (seekable) is a plain, macro-free, sane OOXML zip."""
    start = stream.tell()
    magic = stream.read(8)
    stream.seek(start)
    where = SourceLocation(file=filename)
    if magic.startswith(OLE_MAGIC):
        raise FormatError(
            "this is an OLE2 compound file: a legacy .xls workbook or a password-protected "
            "(encrypted) workbook; save it unencrypted as .xlsx and send it again",
            where,
        )
    if not magic.startswith(ZIP_MAGIC):
        raise FormatError("this is not an .xlsx workbook (no zip signature)", where)
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, ValueError, UnicodeDecodeError, EOFError) as err:
        raise FormatError(
            "the workbook is not a readable zip file (its directory is damaged or truncated)",
            where,
        ) from err
    try:
        _check_entries(archive, limits, where)
        _check_content_types(archive, where)
        _check_extents(archive, limits, where)
    finally:
        archive.close()
        stream.seek(start)


def _check_entries(archive: zipfile.ZipFile, limits: SafetyLimits, where: SourceLocation) -> None:
    entries = archive.infolist()
    if len(entries) > limits.max_entries:
        raise FormatError(
            f"the workbook zip has {len(entries)} entries (limit {limits.max_entries}); "
            "refused as a possible zip bomb",
            where,
        )
    total = 0
    for info in entries:
        name = info.filename.lower()
        if name.rsplit("/", 1)[-1] in ("vbaproject.bin", "vbaprojectsignature.bin"):
            raise FormatError(
                f"the workbook contains macros ({info.filename}); macro workbooks are refused, "
                "save it as a plain .xlsx without macros",
                where,
            )
        if info.flag_bits & 0x1:
            raise FormatError(f"the workbook zip entry {info.filename} is encrypted", where)
        total += info.file_size
        if total > limits.max_total_uncompressed:
            raise FormatError(
                f"the workbook unpacks to more than {limits.max_total_uncompressed} bytes; "
                "refused as a possible zip bomb",
                where,
            )
        if info.file_size >= limits.ratio_floor:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > limits.max_ratio:
                raise FormatError(
                    f"the workbook zip entry {info.filename} is compressed {ratio:.0f}:1 "
                    f"(limit {limits.max_ratio:.0f}:1); refused as a possible zip bomb",
                    where,
                )


def _check_content_types(archive: zipfile.ZipFile, where: SourceLocation) -> None:
    try:
        info = archive.getinfo("[Content_Types].xml")
    except KeyError:
        raise FormatError(
            "the zip has no [Content_Types].xml, so it is not an Office Open XML workbook", where
        ) from None
    if info.file_size > 1024 * 1024:
        raise FormatError("the workbook's [Content_Types].xml is implausibly large", where)
    try:
        content = archive.read(info).lower()
    except ZIP_ERRORS:
        raise FormatError(
            "the workbook's [Content_Types].xml is damaged and cannot be unpacked", where
        ) from None
    if any(marker in content for marker in _MACRO_CONTENT_TYPES):
        raise FormatError(
            "the workbook is macro-enabled (its content types declare macros); macro "
            "workbooks are refused, save it as a plain .xlsx without macros",
            where,
        )
    if b"spreadsheetml" not in content:
        raise FormatError(
            "the zip is an Office document but not a spreadsheet (no SpreadsheetML part)", where
        )


_NOT_SHEETS: Final = ("docprops/", "[content_types].xml", "xl/sharedstrings.xml", "xl/styles.xml")
ZIP_ERRORS: Final = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    NotImplementedError,
    UnicodeDecodeError,
    ValueError,
    OSError,
)
"""What reading a corrupt zip entry raises (bad CRC, broken deflate stream, unknown method)."""


def _check_extents(archive: zipfile.ZipFile, limits: SafetyLimits, where: SourceLocation) -> None:
    """Refuse a sheet whose dense grid is over ``max_cells`` before calamine allocates it."""
    for info in archive.infolist():
        name = info.filename.lower()
        if not name.endswith(".xml") or name.startswith(_NOT_SHEETS) or "/theme/" in name:
            continue
        if "_rels/" in name:
            continue
        try:
            extent = measure(archive, info)
        except ExtentProblem as problem:
            raise FormatError(f"{info.filename}: {problem.message}", where) from None
        except ZIP_ERRORS:
            raise FormatError(
                f"the workbook zip entry {info.filename} is damaged and cannot be unpacked; "
                "save the workbook again and resend it",
                where,
            ) from None
        if extent.area > limits.max_cells:
            raise FormatError(
                f"{info.filename}: the used area reaches cell {extent.far_ref} "
                f"({extent.max_row - extent.min_row + 1} rows x "
                f"{extent.max_col - extent.min_col + 1} columns = {extent.area} cells, limit "
                f"{limits.max_cells}); remove the stray cell or split the workbook",
                where,
            )
