"""The Summary sheet written directly as a worksheet part, for the package writer.

The Summary's words come from ``annotations.summary_sheet`` (the same as the openpyxl writer);
here they become a worksheet part: inline strings (no shared-strings rewrite), our own
formats from ``ooxml_styles``, column widths, in-workbook hyperlinks, landscape fit-to-width
printing.
"""

from __future__ import annotations

from typing import Final

from orderport.formats.results.annotations import FINDING_WIDTHS, SummarySheet
from orderport.formats.results.ooxml_styles import StyleSheet
from orderport.formats.results.ooxml_xml import (
    MAIN_NS,
    REL_NS,
    attribute,
    column_letters,
    text,
)

_DECLARATION: Final = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def summary_part(content: SummarySheet, styles: StyleSheet) -> bytes:
    """The Summary worksheet part, selected, printing landscape one page wide."""
    xf = {
        "plain": 0,
        "bold": styles.fresh(None, bold=True),
        "wrap": styles.fresh(None, wrap=True),
        "link": styles.fresh(None, wrap=True, link=True),
    }
    rows: list[bytes] = []
    links: list[bytes] = []
    last_row, last_col = 1, 1
    for number, cells in content.rows:
        out: list[bytes] = []
        for index, cell in enumerate(cells, start=1):
            ref = f"{column_letters(index)}{number}".encode()
            style = b' s="%d"' % xf[cell.style] if xf[cell.style] else b""
            if isinstance(cell.value, str) and cell.value:
                out.append(
                    b'<c r="%s"%s t="inlineStr"><is><t xml:space="preserve">%s</t></is></c>'
                    % (ref, style, text(cell.value))
                )
            elif isinstance(cell.value, int):
                out.append(b'<c r="%s"%s><v>%d</v></c>' % (ref, style, cell.value))
            elif style:
                out.append(b'<c r="%s"%s/>' % (ref, style))
            if cell.link is not None:
                links.append(b'<hyperlink ref="%s" location="%s"/>' % (ref, attribute(cell.link)))
            last_col = max(last_col, index)
        rows.append(b'<row r="%d">%s</row>' % (number, b"".join(out)))
        last_row = max(last_row, number)
    cols = b"".join(
        b'<col min="%d" max="%d" width="%d" customWidth="1"/>' % (i, i, w)
        for i, w in enumerate(FINDING_WIDTHS, start=1)
    )
    parts = [
        _DECLARATION,
        b'<worksheet xmlns="%s" xmlns:r="%s">' % (MAIN_NS.encode(), REL_NS.encode()),
        b'<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>',
        b'<dimension ref="A1:%s%d"/>' % (column_letters(last_col).encode(), last_row),
        b'<sheetViews><sheetView tabSelected="1" workbookViewId="0">'
        b'<selection activeCell="A1" sqref="A1"/></sheetView></sheetViews>',
        b'<sheetFormatPr defaultRowHeight="15"/>',
        b"<cols>%s</cols>" % cols,
        b"<sheetData>%s</sheetData>" % b"".join(rows),
        b"<hyperlinks>%s</hyperlinks>" % b"".join(links) if links else b"",
        b'<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/>',
        b'<pageSetup orientation="landscape" fitToWidth="1" fitToHeight="0"/>',
        b"</worksheet>",
    ]
    return b"".join(parts)
