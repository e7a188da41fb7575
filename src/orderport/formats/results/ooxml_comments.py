"""A marked sheet's comments part and its VML drawing, merged with the analyst's own comments.

The comments part is written by openpyxl's own serialiser (``CommentSheet``), fed the sheet's
existing comments (as plain text, as openpyxl reads them) and ours; a cell that already has a
comment keeps it, with ours below (``annotations.comment_text``). The VML drawing, which Excel
needs to show a comment, is written here: one hidden note shape per comment, in a shape-id block
(``o:idmap``) no other drawing of the workbook uses, so two sheets' shapes never share ids.

A sheet whose legacy drawing holds anything but notes (form controls, buttons) or which has
threaded comments is ``Unsupported``: rewriting its drawing would lose those.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from defusedxml import ElementTree as defused
from openpyxl.comments.comment_sheet import CommentRecord, CommentSheet
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.xml.functions import tostring

from orderport.formats.results.annotations import COMMENT_AUTHOR, COMMENT_WIDTH, comment_height
from orderport.formats.results.ooxml_xml import Unsupported, attribute, clean

_DECLARATION: Final = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_OBJECT_TYPE: Final = re.compile(rb'ObjectType\s*=\s*"([^"]*)"')
_IDMAP: Final = re.compile(rb'<(?:[\w.-]+:)?idmap\b[^>]*?\sdata\s*=\s*"([\d,\s]*)"')
"""Any prefix: openpyxl writes ``ns0:idmap``, Excel ``o:idmap``."""
_BLOCK: Final = 1024
_DEFAULT_SIZE: Final = (79, 144)
"""Height and width openpyxl gives a comment it read (it does not read the drawing's sizes)."""


@dataclass(frozen=True, slots=True)
class Note:
    """One comment: its text, author and box size."""

    text: str
    author: str
    height: int
    width: int


def read_comments(part: bytes) -> dict[str, Note]:
    """An existing comments part, cell -> note, as openpyxl reads it (plain text)."""
    sheet = CommentSheet.from_tree(defused.fromstring(part))
    if sheet is None:
        raise Unsupported("the comments part cannot be read")
    authors = sheet.authors.author
    notes: dict[str, Note] = {}
    for record in sheet.commentList:
        author = authors[record.authorId] if 0 <= record.authorId < len(authors) else ""
        notes[record.ref] = Note(record.content, author, *_DEFAULT_SIZE)
    return notes


def check_drawing(vml: bytes) -> None:
    """Refuse a legacy drawing that holds more than comment notes."""
    kinds = set(_OBJECT_TYPE.findall(vml))
    if kinds - {b"Note"}:
        raise Unsupported("the sheet's legacy drawing holds form controls, not only notes")


def used_blocks(vml: bytes) -> set[int]:
    """Shape-id blocks (``o:idmap data``) a VML drawing claims."""
    blocks: set[int] = set()
    for data in _IDMAP.findall(vml):
        blocks.update(int(n) for n in re.findall(rb"\d+", data))
    return blocks


def our_note(text: str) -> Note:
    """A note of ours, sized to its text."""
    return Note(text, COMMENT_AUTHOR, comment_height(text), COMMENT_WIDTH)


def comments_part(notes: dict[str, Note]) -> bytes:
    """The comments part for ``notes`` (openpyxl's serialiser)."""
    records = []
    for ref, note in notes.items():
        record = CommentRecord(ref=ref, author=note.author, height=note.height, width=note.width)
        record.text.t = clean(note.text)
        records.append(record)
    sheet = CommentSheet.from_comments(records)  # type: ignore[no-untyped-call]
    body: bytes = tostring(sheet.to_tree())
    return _DECLARATION + body


def blocks_for(count: int) -> int:
    """How many shape-id blocks ``count`` shapes need (ids run from block * 1024 + 1)."""
    return count // _BLOCK + 1


def drawing_part(notes: dict[str, Note], first: int) -> bytes:
    """The VML drawing for ``notes``: hidden note shapes in the blocks from ``first`` on."""
    blocks = list(range(first, first + blocks_for(len(notes))))
    shapes = []
    for number, (ref, note) in enumerate(notes.items()):
        row, column = coordinate_to_tuple(ref)
        shape_id = first * _BLOCK + 1 + number
        style = (
            "position:absolute;margin-left:59.25pt;margin-top:1.5pt;"
            f"width:{note.width}px;height:{note.height}px;z-index:{number + 1};visibility:hidden"
        )
        shapes.append(
            b'<v:shape id="_x0000_s%d" type="#_x0000_t202" style="%s" fillcolor="#ffffe1" '
            b'o:insetmode="auto"><v:fill color2="#ffffe1"/>'
            b'<v:shadow color="black" obscured="t"/><v:path o:connecttype="none"/>'
            b'<v:textbox style="mso-direction-alt:auto"><div style="text-align:left"/></v:textbox>'
            b'<x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/>'
            b"<x:AutoFill>False</x:AutoFill><x:Row>%d</x:Row><x:Column>%d</x:Column>"
            b"</x:ClientData></v:shape>" % (shape_id, attribute(style), row - 1, column - 1)
        )
    return (
        b'<xml xmlns:v="urn:schemas-microsoft-com:vml" '
        b'xmlns:o="urn:schemas-microsoft-com:office:office" '
        b'xmlns:x="urn:schemas-microsoft-com:office:excel">'
        b'<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="%s"/></o:shapelayout>'
        b'<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" '
        b'path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/>'
        b'<v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>'
        b"%s</xml>" % (",".join(map(str, blocks)).encode(), b"".join(shapes))
    )
