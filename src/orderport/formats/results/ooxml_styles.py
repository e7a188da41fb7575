"""Append our fills, fonts and cell formats to a workbook's styles.xml, by splicing bytes.

Existing ids stay as they are: new fills, fonts and ``cellXfs`` entries go after the last
existing one, and every cell the analyst did not get marked keeps its ``s`` attribute. A marked
cell gets a copy of its own format with our fill (its font, border, number format and alignment
are kept, so a date stays a date). The part is spliced, not parsed and written again, so
namespace prefixes and extension lists (``mc:Ignorable="x14ac"``...) stay valid.
"""

from __future__ import annotations

import re
from typing import Final, Literal

from orderport.formats.results.ooxml_xml import Unsupported, set_attribute

Kind = Literal["error", "warning"]
FILL_COLOURS: Final = {"error": "FFFFC7CE", "warning": "FFFFEB9C"}
LINK_COLOUR: Final = "FF0563C1"
_FILL: Final = (
    '<fill><patternFill patternType="solid"><fgColor rgb="{0}"/><bgColor rgb="{0}"/>'
    "</patternFill></fill>"
)
_BOLD: Final = b'<font><b val="1"/></font>'
_LINK: Final = f'<font><u val="single"/><color rgb="{LINK_COLOUR}"/></font>'.encode()
_WRAP: Final = '<alignment vertical="top" wrapText="1"/>'
_XF: Final = re.compile(rb"<xf\b[^>]*?(?:/>|>.*?</xf>)", re.DOTALL)
_ROOT: Final = re.compile(rb"<styleSheet\b")


def _section(data: bytes, name: bytes) -> tuple[int, int]:
    """(start of the first child, start of the closing tag) of the ``<name>`` section."""
    opening = re.search(rb"<" + name + rb"\b[^>]*?(/?)>", data)
    if opening is None or opening.group(1):
        raise Unsupported(f"styles.xml has no {name.decode()} entries")
    end = data.find(b"</" + name + b">", opening.end())
    if end < 0:
        raise Unsupported(f"styles.xml: {name.decode()} is not closed")
    return opening.end(), end


def _children(data: bytes, name: bytes, child: bytes) -> int:
    start, end = _section(data, name)
    return len(re.findall(rb"<" + child + rb"[\s/>]", data[start:end]))


class StyleSheet:
    """styles.xml with our additions; ``xf`` ids are handed out as cells need them."""

    def __init__(self, data: bytes) -> None:
        if _ROOT.search(data) is None or b"<x:styleSheet" in data:
            raise Unsupported("styles.xml is not a plain SpreadsheetML style sheet")
        self._data = data
        start, end = _section(data, b"cellXfs")
        self._xfs = [m.group(0) for m in _XF.finditer(data, start, end)]
        fills = _children(data, b"fills", b"fill")
        fonts = _children(data, b"fonts", b"font")
        if not self._xfs or fonts == 0 or _children(data, b"borders", b"border") == 0:
            raise Unsupported("styles.xml lacks a default font, border or cell format")
        self._fill_ids: dict[Kind, int] = {"error": fills, "warning": fills + 1}
        self._bold, self._link = fonts, fonts + 1
        self._new_xfs: list[bytes] = []
        self._cache: dict[tuple[object, ...], int] = {}

    def _add(self, key: tuple[object, ...], xf: bytes) -> int:
        if key not in self._cache:
            self._cache[key] = len(self._xfs) + len(self._new_xfs)
            self._new_xfs.append(xf)
        return self._cache[key]

    def marked(self, base: int, kind: Kind) -> int:
        """The analyst's format ``base`` with our fill (a marked cell)."""
        if not 0 <= base < len(self._xfs):
            base = 0
        xf = self._xfs[base]
        end = xf.index(b">") + 1
        tag = xf[:end]
        tag = set_attribute(tag, b"fillId", str(self._fill_ids[kind]).encode())
        tag = set_attribute(tag, b"applyFill", b"1")
        return self._add(("mark", base, kind), tag + xf[end:])

    def fresh(
        self, kind: Kind | None, bold: bool = False, wrap: bool = False, link: bool = False
    ) -> int:
        """A format of our own: optional fill, bold or link font, wrapped top-aligned text."""
        font = self._bold if bold else self._link if link else 0
        fill = self._fill_ids[kind] if kind is not None else 0
        attrs = f'numFmtId="0" fontId="{font}" fillId="{fill}" borderId="0" xfId="0"'
        if font:
            attrs += ' applyFont="1"'
        if fill:
            attrs += ' applyFill="1"'
        xf = f'<xf {attrs} applyAlignment="1">{_WRAP}</xf>' if wrap else f"<xf {attrs}/>"
        return self._add(("fresh", kind, bold, wrap, link), xf.encode())

    def render(self) -> bytes:
        """styles.xml with our fills, fonts and formats appended."""
        data = self._data
        fills = "".join(_FILL.format(FILL_COLOURS[k]) for k in ("error", "warning")).encode()
        data = _append(data, b"fills", fills, 2)
        data = _append(data, b"fonts", _BOLD + _LINK, 2)
        return _append(data, b"cellXfs", b"".join(self._new_xfs), len(self._new_xfs))


def _append(data: bytes, name: bytes, children: bytes, added: int) -> bytes:
    """``children`` at the end of section ``name``, its ``count`` attribute raised by ``added``."""
    opening = re.search(rb"<" + name + rb"\b[^>]*>", data)
    assert opening is not None  # checked when the sheet was read
    end = data.find(b"</" + name + b">", opening.end())
    tag = opening.group(0)
    count = re.search(rb'\bcount="(\d+)"', tag)
    if count is not None:
        tag = set_attribute(tag, b"count", str(int(count.group(1)) + added).encode())
    return data[: opening.start()] + tag + data[opening.end() : end] + children + data[end:]
