"""The answer workbook at the zip level: the analyst's parts copied, only what changes written.

openpyxl reads every cell of every sheet into objects and writes them all back: the answer
cost grew with the workbook (3 of the 4.7 s of a 2,000-line intake). Here the package is
edited instead. Every part is copied compressed as it is (``ooxml_zip``); a sheet that gets
marks is inflated, indexed and spliced (``ooxml_sheet``): its marked cells get a copy of their
own format with our fill, its rows with findings get the findings column's cell, and its
comments part and VML drawing are written with the analyst's own comments kept and ours added
(``ooxml_comments``). styles.xml gets our fills, fonts and formats appended (``ooxml_styles``),
and the Summary goes in as a new last sheet, selected and active (``ooxml_summary``), with
workbook.xml, its relationships and [Content_Types].xml spliced to match. Every other sheet
is told it is not the selected tab (the one edit that inflates and deflates an unmarked sheet).

Which cell a finding marks, where the findings column goes and what every text says follow
the openpyxl writer's rules (``annotations`` holds the words for both). What cannot be spliced
soundly raises ``Unsupported`` before anything is returned, and ``annotate_package`` returns
None: the caller then takes the openpyxl path. That is: strict OOXML; parts with prefixed
roots, XML comments or CDATA; cells or rows without a leading reference; a marked sheet with
threaded comments, form controls in its legacy drawing, or ``mc:AlternateContent``; a styles
part without a default font, border or format; entries that would need ZIP64.
"""

from __future__ import annotations

import io
import logging
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from typing import Final
from xml.etree import ElementTree

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as defused
from openpyxl.utils.cell import column_index_from_string, quote_sheetname

from orderport.formats.results.annotations import (
    FINDINGS_HEADER,
    INFO_CODES,
    MAX_ROW,
    Mark,
    column_of,
    comment_text,
    findings_text,
    free_title,
    summary_sheet,
)
from orderport.formats.results.ooxml_comments import (
    Note,
    blocks_for,
    check_drawing,
    drawing_part,
    our_note,
    read_comments,
    used_blocks,
)
from orderport.formats.results.ooxml_comments import comments_part as comments_part_xml
from orderport.formats.results.ooxml_sheet import (
    FindingsCell,
    SheetXml,
    deselect_tab,
    is_deselected,
)
from orderport.formats.results.ooxml_styles import Kind, StyleSheet
from orderport.formats.results.ooxml_summary import summary_part
from orderport.formats.results.ooxml_xml import (
    MAIN_NS,
    PKG_REL_NS,
    REL_NS,
    Unsupported,
    attribute,
    column_letters,
    get_attribute,
    prefix_for,
    set_attribute,
    text,
)
from orderport.formats.results.ooxml_zip import ZipCopier, ZipCopyError
from orderport.formats.results.rows import ResultRow
from orderport.model import Finding
from orderport.pipeline.ingest import FileResult

log = logging.getLogger(__name__)

_WORKSHEET: Final = REL_NS + "/worksheet"
_STYLES: Final = REL_NS + "/styles"
_OFFICE_DOCUMENT: Final = REL_NS + "/officeDocument"
_COMMENTS: Final = REL_NS + "/comments"
_VML: Final = REL_NS + "/vmlDrawing"
_CT_SHEET: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_CT_COMMENTS: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
_CT_VML: Final = "application/vnd.openxmlformats-officedocument.vmlDrawing"
_AFTER_DEFINED_NAMES: Final = (
    b"<calcPr",
    b"<oleSize",
    b"<customWorkbookViews",
    b"<pivotCaches",
    b"<smartTagPr",
    b"<smartTagTypes",
    b"<webPublishing",
    b"<fileRecoveryPr",
    b"<webPublishObjects",
    b"<extLst",
    b"</workbook>",
)
_HEAD_PEEK: Final = 64 * 1024


def _column(label: str | None) -> int | None:
    letter = column_of(label)
    return column_index_from_string(letter) if letter else None


def _rels_path(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


@dataclass(frozen=True, slots=True)
class _Rel:
    id: str
    type: str
    part: str


@dataclass
class _Sheet:
    name: str
    part: str
    is_worksheet: bool
    xml: SheetXml | None = None
    marks: dict[tuple[int, int], Mark] = field(default_factory=dict)


class Package:
    """An .xlsx opened for splicing: its parts' names, the workbook's sheets, styles."""

    def __init__(self, original: bytes) -> None:
        self.raw = original
        self.zip = zipfile.ZipFile(io.BytesIO(original))
        self.names = {info.filename.lower(): info for info in self.zip.infolist()}
        root_rels = self.rels("_rels/.rels", "")
        office = [r for r in root_rels.values() if r.type == _OFFICE_DOCUMENT]
        if len(office) != 1:
            raise Unsupported("no transitional officeDocument relationship")
        self.workbook_part = office[0].part
        self.workbook = self.read(self.workbook_part)
        root = re.search(rb"<workbook\b[^>]*>", self.workbook)
        if root is None or get_attribute(root.group(0), b"xmlns") != MAIN_NS.encode():
            raise Unsupported("workbook.xml is not transitional SpreadsheetML")
        self.rel_prefix = prefix_for(root.group(0), REL_NS)
        if self.rel_prefix is None:
            raise Unsupported("workbook.xml does not bind the relationships namespace")
        self.workbook_rels = self.rels(
            _rels_path(self.workbook_part), posixpath.dirname(self.workbook_part)
        )
        tree = defused.fromstring(self.workbook)
        self.sheets: list[_Sheet] = []
        for element in tree.iter(f"{{{MAIN_NS}}}sheet"):
            rel = self.workbook_rels.get(element.get(f"{{{REL_NS}}}id") or "")
            if rel is None:
                raise Unsupported("a sheet without its relationship")
            is_worksheet = rel.type == _WORKSHEET
            if is_worksheet and rel.part.lower() not in self.names:
                raise Unsupported("a worksheet part is missing")
            self.sheets.append(_Sheet(element.get("name") or "", rel.part, is_worksheet))
        styles = [r for r in self.workbook_rels.values() if r.type == _STYLES]
        if len(styles) != 1:
            raise Unsupported("no styles part")
        self.styles_part = styles[0].part

    def read(self, part: str) -> bytes:
        info = self.names.get(part.lower())
        if info is None:
            raise Unsupported(f"part {part} is missing")
        return self.zip.read(info)

    def rels(self, path: str, base: str) -> dict[str, _Rel]:
        tree = defused.fromstring(self.read(path))
        if tree.tag != f"{{{PKG_REL_NS}}}Relationships":
            raise Unsupported(f"{path} is not a relationships part")
        rels: dict[str, _Rel] = {}
        for element in tree:
            target = element.get("Target") or ""
            if element.get("TargetMode") == "External":
                part = target
            elif target.startswith("/"):
                part = target[1:]
            else:
                part = posixpath.normpath(posixpath.join(base, target))
            rels[element.get("Id") or ""] = _Rel(
                element.get("Id") or "", element.get("Type") or "", part
            )
        return rels

    def worksheet(self, name: str | None) -> _Sheet | None:
        """The sheet a finding names (or the only worksheet), indexed on first use."""
        worksheets = [s for s in self.sheets if s.is_worksheet]
        if name is not None:
            sheet = next((s for s in worksheets if s.name == name), None)
        else:
            sheet = worksheets[0] if len(worksheets) == 1 else None
        if sheet is not None and sheet.xml is None:
            sheet.xml = SheetXml(self.read(sheet.part))
        return sheet


def _place(package: Package, rows: list[ResultRow]) -> dict[int, tuple[str, str]]:
    """Attach each located finding to its cell (as ``workbook._annotate`` does)."""
    placed: dict[int, tuple[str, str]] = {}
    for index, row in enumerate(rows):
        finding = row.finding
        if finding is None or finding.code in INFO_CODES:
            continue
        sheet = package.worksheet(row.sheet)
        loc = finding.location
        if sheet is None or sheet.xml is None or loc is None or loc.row is None:
            continue
        if not 1 <= loc.row <= MAX_ROW:
            continue
        # openpyxl's min_column also counts the cells earlier marks created.
        created = [c for _, c in sheet.marks]
        if sheet.xml.has_cells:
            first = min([sheet.xml.min_col, *created])
        else:
            first = min(created, default=1)
        column = _column(loc.column) or first
        cell = sheet.xml.top_left(loc.row, column)
        sheet.marks.setdefault(cell, Mark()).findings.append(finding)
        placed[index] = (sheet.name, f"{column_letters(cell[1])}{cell[0]}")
    return placed


class _Names:
    """Fresh part names and relationship ids, never one already in the package."""

    def __init__(self, taken: set[str]) -> None:
        self._taken = taken

    def part(self, pattern: str) -> str:
        number = 1
        while pattern.format(number).lower() in self._taken:
            number += 1
        name = pattern.format(number)
        self._taken.add(name.lower())
        return name


def _fresh_id(taken: set[str]) -> str:
    number = len(taken) + 1
    while f"rId{number}" in taken:
        number += 1
    taken.add(f"rId{number}")
    return f"rId{number}"


def _insert_before(data: bytes, marker: bytes, insertion: bytes) -> bytes:
    at = data.rfind(marker)
    if at < 0:
        raise Unsupported(f"no {marker.decode()} to insert before")
    return data[:at] + insertion + data[at:]


def _relationship(rel_id: str, rel_type: str, target: str) -> bytes:
    return b'<Relationship Id="%s" Type="%s" Target="%s"/>' % (
        attribute(rel_id),
        attribute(rel_type),
        attribute(target),
    )


class _Writer:
    """Collects changed and new parts, then writes the zip."""

    def __init__(self, package: Package) -> None:
        self.package = package
        self.names = _Names(set(package.names))
        self.styles = StyleSheet(package.read(package.styles_part))
        self.changed: dict[str, bytes] = {}
        self.added: list[tuple[str, bytes]] = []
        self.overrides: list[tuple[str, str]] = []
        self.vml_added = False
        self.vml_blocks: dict[str, set[int]] | None = None

    def put(self, part: str, data: bytes) -> None:
        """Part ``part`` (existing or new) gets ``data``."""
        if part.lower() in self.package.names:
            self.changed[self.package.names[part.lower()].filename] = data
            return
        self.added = [(name, old) for name, old in self.added if name.lower() != part.lower()]
        self.added.append((part, data))

    def current(self, part: str) -> bytes | None:
        """Part ``part`` as written so far (or as in the package), None if there is none."""
        info = self.package.names.get(part.lower())
        if info is not None:
            return self.changed.get(info.filename) or self.package.read(part)
        return next((data for name, data in self.added if name.lower() == part.lower()), None)

    def add_rels(self, owner: str, rels: list[tuple[str, str]]) -> list[str]:
        """Relationships from part ``owner`` to parts (type, part); returns their ids."""
        path = _rels_path(owner)
        base = posixpath.dirname(owner)
        data = self.current(path) or (
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            b'<Relationships xmlns="%s"></Relationships>' % PKG_REL_NS.encode()
        )
        taken = {i.decode() for i in re.findall(rb'\sId\s*=\s*"([^"]*)"', data)}
        ids = []
        new = []
        for rel_type, part in rels:
            rel_id = _fresh_id(taken)
            ids.append(rel_id)
            new.append(_relationship(rel_id, rel_type, posixpath.relpath(part, base or ".")))
        self.put(path, _insert_before(data, b"</Relationships>", b"".join(new)))
        return ids

    def annotate(self, sheet: _Sheet) -> None:
        xml = sheet.xml
        assert xml is not None
        marks: dict[int, dict[int, Kind]] = {}
        by_row: dict[int, list[tuple[str, Finding]]] = {}
        for (row, column), mark in sheet.marks.items():
            marks.setdefault(row, {})[column] = "error" if mark.is_error else "warning"
            by_row.setdefault(row, []).extend((column_letters(column), f) for f in mark.findings)
        column = max(xml.max_col, max(c for _, c in sheet.marks)) + 1
        first_row = min(xml.min_row, min(by_row)) if xml.has_cells else min(by_row)
        header = xml.header_row(min(by_row), first_row)
        findings: dict[int, FindingsCell] = {}
        for row, found in by_row.items():
            kind: Kind = "error" if any(f.is_error for _, f in found) else "warning"
            xf = self.styles.fresh(kind, bold=row == header, wrap=True)
            findings[row] = FindingsCell(findings_text(found), xf)
        if header not in findings:
            findings[header] = FindingsCell(FINDINGS_HEADER, self.styles.fresh(None, bold=True))
        notes, comments_part, drawing = self._comments(sheet)
        for (row, col), mark in sorted(sheet.marks.items()):
            ref = f"{column_letters(col)}{row}"
            prior = notes[ref].text if ref in notes else None
            notes[ref] = our_note(comment_text(mark.findings, prior))
        if comments_part is None:
            comments_part = self.names.part("xl/comments{}.xml")
            self.add_rels(sheet.part, [(_COMMENTS, comments_part)])
            self.overrides.append((comments_part, _CT_COMMENTS))
        if drawing is None:
            vml_part = self.names.part("xl/drawings/vmlDrawing{}.vml")
            (vml_id,) = self.add_rels(sheet.part, [(_VML, vml_part)])
            self.vml_added = True
        else:
            vml_part, vml_id = drawing
        spliced = xml.splice(
            marks, findings, column, self.styles.marked, vml_id, legacy_exists=drawing is not None
        )
        self.put(sheet.part, spliced)
        self.put(comments_part, comments_part_xml(notes))
        self.put(vml_part, drawing_part(notes, self._first_block(vml_part, len(notes))))

    def _comments(
        self, sheet: _Sheet
    ) -> tuple[dict[str, Note], str | None, tuple[str, str] | None]:
        """The sheet's own comments, its comments part and (VML part, relationship id)."""
        path = _rels_path(sheet.part)
        if path.lower() not in self.package.names:
            return {}, None, None
        rels = self.package.rels(path, posixpath.dirname(sheet.part)).values()
        if any("threadedcomment" in r.type.lower() for r in rels):
            raise Unsupported("the sheet has threaded comments")
        comments = [r for r in rels if r.type == _COMMENTS]
        drawings = [r for r in rels if r.type == _VML]
        if len(comments) > 1 or len(drawings) > 1 or (drawings and not comments):
            raise Unsupported("the sheet's legacy drawing is not (only) its comments")
        notes = read_comments(self.package.read(comments[0].part)) if comments else {}
        if not drawings:
            return notes, comments[0].part if comments else None, None
        check_drawing(self.package.read(drawings[0].part))
        return notes, comments[0].part, (drawings[0].part, drawings[0].id)

    def _first_block(self, replacing: str, count: int) -> int:
        """The first shape-id block for ``count`` shapes that no other VML drawing uses."""
        if self.vml_blocks is None:
            self.vml_blocks = {
                info.filename.lower(): used_blocks(self.package.zip.read(info))
                for info in self.package.zip.infolist()
                if info.filename.lower().endswith(".vml")
            }
        others = [b for name, b in self.vml_blocks.items() if name != replacing.lower()]
        first = max(set().union(*others), default=0) + 1
        self.vml_blocks[replacing.lower()] = set(range(first, first + blocks_for(count)))
        return first

    def deselect(self, sheet: _Sheet) -> None:
        """``tabSelected="0"`` on a sheet without marks, unless its head already says so.

        Only the Summary is selected; each other sheet says so explicitly, as openpyxl writes
        it. This is the one edit that makes a clean workbook's sheets inflate and deflate again.
        """
        info = self.package.names[sheet.part.lower()]
        with self.package.zip.open(info) as stream:
            head = stream.read(_HEAD_PEEK)
        if not is_deselected(head):
            self.put(sheet.part, deselect_tab(self.package.read(sheet.part)))

    def summary(
        self, result: FileResult, rows: list[ResultRow], placed: dict[int, tuple[str, str]]
    ) -> None:
        package = self.package
        title = free_title([s.name for s in package.sheets])
        index = len(package.sheets)
        content = summary_sheet(result, rows, placed)
        part = self.names.part("xl/worksheets/sheet{}.xml")
        self.put(part, summary_part(content, self.styles))
        self.overrides.append((part, _CT_SHEET))
        (rel_id,) = self.add_rels(package.workbook_part, [(_WORKSHEET, part)])
        ids = [int(i) for i in re.findall(rb'<sheet\b[^>]*?\ssheetId="(\d+)"', package.workbook)]
        prefix = package.rel_prefix or b"r"
        sheet = b'<sheet name="%s" sheetId="%d" %s:id="%s"/>' % (
            attribute(title),
            max(ids, default=0) + 1,
            prefix,
            attribute(rel_id),
        )
        data = _insert_before(package.workbook, b"</sheets>", sheet)
        data = _activate(data, index)
        row = content.header_row
        titles = f"{quote_sheetname(title)}!${row}:${row}"
        name = b'<definedName name="_xlnm.Print_Titles" localSheetId="%d">%s</definedName>' % (
            index,
            text(titles),
        )
        empty = re.search(rb"<definedNames\s*/>", data)
        if empty is not None:
            data = (
                data[: empty.start()]
                + b"<definedNames>"
                + name
                + b"</definedNames>"
                + data[empty.end() :]
            )
        elif b"</definedNames>" in data:
            data = _insert_before(data, b"</definedNames>", name)
        else:
            after = data.find(b"</sheets>")
            at = min(i for i in (data.find(m, after) for m in _AFTER_DEFINED_NAMES) if i >= 0)
            data = data[:at] + b"<definedNames>" + name + b"</definedNames>" + data[at:]
        self.put(package.workbook_part, data)

    def content_types(self) -> None:
        data = self.package.read("[Content_Types].xml")
        extra = [
            b'<Override PartName="/%s" ContentType="%s"/>' % (attribute(p), attribute(t))
            for p, t in self.overrides
        ]
        if self.vml_added and not re.search(
            rb'<Default\b[^>]*\bExtension="vml"', data, re.IGNORECASE
        ):
            extra.insert(0, b'<Default Extension="vml" ContentType="%s"/>' % _CT_VML.encode())
        self.put("[Content_Types].xml", _insert_before(data, b"</Types>", b"".join(extra)))

    def write(self) -> bytes:
        self.put(self.package.styles_part, self.styles.render())
        out = io.BytesIO()
        copier = ZipCopier(self.package.zip, self.package.raw, out)
        for info in self.package.zip.infolist():
            if info.filename in self.changed:
                copier.write(info.filename, self.changed[info.filename], info)
            else:
                copier.copy(info)
        for name, data in self.added:
            copier.write(name, data)
        copier.close()
        return out.getvalue()


def _activate(workbook: bytes, index: int) -> bytes:
    """workbook.xml opening on sheet ``index``."""
    views = list(re.finditer(rb"<workbookView\b[^>]*>", workbook))
    if not views:
        return _insert_before(
            workbook, b"<sheets", b'<bookViews><workbookView activeTab="%d"/></bookViews>' % index
        )
    out, pos = [], 0
    for view in views:
        out += [
            workbook[pos : view.start()],
            set_attribute(view.group(0), b"activeTab", b"%d" % index),
        ]
        pos = view.end()
    return b"".join(out) + workbook[pos:]


def annotate_package(original: bytes, result: FileResult, rows: list[ResultRow]) -> bytes | None:
    """The answer workbook spliced at the zip level, or None when only openpyxl can do it.

    ``original`` must have passed ``check_workbook``.
    """
    try:
        package = Package(original)
        placed = _place(package, rows)
        writer = _Writer(package)
        for sheet in package.sheets:
            if sheet.marks:
                writer.annotate(sheet)
            elif sheet.is_worksheet:
                writer.deselect(sheet)
        writer.summary(result, rows, placed)
        writer.content_types()
        return writer.write()
    except (
        Unsupported,
        ZipCopyError,
        ElementTree.ParseError,
        DefusedXmlException,
        zipfile.BadZipFile,
        KeyError,
    ) as why:
        log.info("answer workbook for %s through openpyxl: %s", result.filename, why)
        return None
    except Exception:  # a layout the checks above did not foresee: openpyxl still answers
        log.warning(
            "answer workbook for %s: the zip-level writer failed, using openpyxl",
            result.filename,
            exc_info=True,
        )
        return None
