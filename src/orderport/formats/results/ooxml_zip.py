"""Copy a zip entry by entry, unchanged entries as their compressed bytes, without inflating them.

``zipfile`` can only write an entry by compressing it again; for the answer workbook that means
deflating every sheet of the analyst's workbook although only the marked ones change. Here an
unchanged entry's compressed bytes are copied as they are (with a fresh local header carrying
its CRC and sizes), and only new or changed parts are deflated. No ZIP64: the workbook passed
``spreadsheet_safety`` (at most 10,000 entries, 512 MB unpacked), so every size and offset fits
the classic 32-bit fields; anything else raises ``ZipCopyError`` and the caller falls back.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from typing import BinaryIO, Final

_LOCAL: Final = struct.Struct("<4sHHHHHIIIHH")
_CENTRAL: Final = struct.Struct("<4sHHHHHHIIIHHHHHII")
_END: Final = struct.Struct("<4sHHHHIIH")
_LIMIT: Final = 0xFFFFFFFF
_UTF8: Final = 0x800
LEVEL: Final = 6
FAST_LEVEL: Final = 1
FAST_ABOVE: Final = 1 << 20
"""Parts bigger than this (a rewritten sheet) are deflated at level 1: a third of the CPU of
level 6 for about 12% more bytes on sheet XML."""


class ZipCopyError(Exception):
    """The zip cannot be copied raw (ZIP64, a method or layout this writer does not handle)."""


class ZipCopier:
    """Writes a new zip to ``out``: entries raw-copied from ``source`` or freshly deflated."""

    def __init__(self, source: zipfile.ZipFile, raw: bytes, out: BinaryIO) -> None:
        self._source = source
        self._raw = raw
        self._out = out
        self._central: list[bytes] = []

    def copy(self, info: zipfile.ZipInfo) -> None:
        """``info``'s entry as it is in the source: its compressed bytes, not inflated."""
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise ZipCopyError(f"{info.filename}: compression method {info.compress_type}")
        start = info.header_offset
        head = self._raw[start : start + _LOCAL.size]
        if len(head) < _LOCAL.size or head[:4] != b"PK\x03\x04":
            raise ZipCopyError(f"{info.filename}: no local header")
        fields = _LOCAL.unpack(head)
        data_at = start + _LOCAL.size + fields[9] + fields[10]
        data = self._raw[data_at : data_at + info.compress_size]
        if len(data) != info.compress_size:
            raise ZipCopyError(f"{info.filename}: truncated")
        self._entry(info.filename, info.compress_type, info.CRC, data, info.file_size, info)

    def write(self, name: str, content: bytes, like: zipfile.ZipInfo | None = None) -> None:
        """A new or changed part, deflated (``like``: the entry it replaces, for its date)."""
        level = FAST_LEVEL if len(content) > FAST_ABOVE else LEVEL
        packer = zlib.compressobj(level, zlib.DEFLATED, -15)
        data = packer.compress(content) + packer.flush()
        crc = zlib.crc32(content)
        self._entry(name, zipfile.ZIP_DEFLATED, crc, data, len(content), like)

    def _entry(
        self,
        name: str,
        method: int,
        crc: int,
        data: bytes,
        size: int,
        like: zipfile.ZipInfo | None,
    ) -> None:
        offset = self._out.tell()
        if max(offset, len(data), size) >= _LIMIT or len(self._central) >= 0xFFFF:
            raise ZipCopyError(f"{name}: would need ZIP64")
        encoded = name.encode("utf-8")
        flags = _UTF8 if not name.isascii() else 0
        date_time = like.date_time if like is not None else (1980, 1, 1, 0, 0, 0)
        dos_time = (date_time[3] << 11) | (date_time[4] << 5) | (date_time[5] // 2)
        dos_date = ((date_time[0] - 1980) << 9) | (date_time[1] << 5) | date_time[2]
        version = 20
        self._out.write(
            _LOCAL.pack(
                b"PK\x03\x04",
                version,
                flags,
                method,
                dos_time,
                dos_date,
                crc,
                len(data),
                size,
                len(encoded),
                0,
            )
        )
        self._out.write(encoded)
        self._out.write(data)
        external = like.external_attr if like is not None else 0
        self._central.append(
            _CENTRAL.pack(
                b"PK\x01\x02",
                version,
                version,
                flags,
                method,
                dos_time,
                dos_date,
                crc,
                len(data),
                size,
                len(encoded),
                0,
                0,
                0,
                0,
                external,
                offset,
            )
            + encoded
        )

    def close(self) -> None:
        """The central directory and its end record."""
        start = self._out.tell()
        for record in self._central:
            self._out.write(record)
        size = self._out.tell() - start
        count = len(self._central)
        if start >= _LIMIT:
            raise ZipCopyError("the central directory would need ZIP64")
        self._out.write(_END.pack(b"PK\x05\x06", 0, 0, count, count, size, start, 0))
