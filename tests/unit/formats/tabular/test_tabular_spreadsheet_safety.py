"""Workbooks refused before parsing: macros, zip bombs, OLE2 files; XML entities not expanded."""

import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from orderport.formats.base import FormatError, ReadSettings
from orderport.formats.spreadsheet_safety import DEFAULT_LIMITS, SafetyLimits, check_workbook
from orderport.formats.xlsx_reader import READER, XlsxReader


def plain_workbook():
    wb = Workbook()
    wb.active.append(["po_number", "quantity"])
    wb.active.append(["P1", 1])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def rewrite(data, change=None, extra=()):
    """Copy a workbook zip, changing entries with change(name, bytes) and adding extra ones."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for item in src.infolist():
            content = src.read(item)
            if change:
                content = change(item.filename, content)
            dst.writestr(item.filename, content)
        for name, content in extra:
            dst.writestr(name, content)
    return out.getvalue()


def refused(data, limits=DEFAULT_LIMITS):
    with pytest.raises(FormatError) as info:
        check_workbook(io.BytesIO(data), "in.xlsx", limits)
    return info.value.message


def test_plain_workbook_passes_and_stream_is_rewound():
    stream = io.BytesIO(plain_workbook())
    check_workbook(stream, "ok.xlsx")
    assert stream.tell() == 0


def test_vba_project_is_refused_whatever_the_extension():
    data = rewrite(plain_workbook(), extra=[("xl/vbaProject.bin", b"vba")])
    assert "macros" in refused(data)


def test_macro_enabled_content_type_is_refused():
    def change(name, content):
        if name == "[Content_Types].xml":
            return content.replace(b"sheet.main+xml", b"sheet.macroEnabled.main+xml")
        return content

    assert "macro-enabled" in refused(rewrite(plain_workbook(), change))


def test_ole2_file_gets_a_clear_message():
    message = refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    assert "legacy .xls" in message
    assert "encrypted" in message


def test_not_a_zip():
    assert "no zip signature" in refused(b"po_number,sku\n")


def test_zip_bomb_limits():
    bomb = rewrite(plain_workbook(), extra=[("xl/media/pad.bin", b"\0" * (2 << 20))])
    assert "compressed" in refused(bomb)
    assert "unpacks to more than" in refused(
        plain_workbook(), SafetyLimits(max_total_uncompressed=1000)
    )
    assert "entries" in refused(plain_workbook(), SafetyLimits(max_entries=3))
    check_workbook(io.BytesIO(bomb), "big.xlsx", SafetyLimits(max_ratio=10_000))


def test_reader_applies_configured_limits():
    with pytest.raises(FormatError, match="entries"):
        list(
            XlsxReader(SafetyLimits(max_entries=3)).read(
                io.BytesIO(plain_workbook()), "x", ReadSettings()
            )
        )


def test_zip_that_is_not_a_spreadsheet():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("hello.txt", "hi")
    assert "Content_Types" in refused(out.getvalue())


LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
)


def entity_workbook():
    """The PO number cell's text expands entities (a small "billion laughs")."""

    def change(name, content):
        if name != "xl/worksheets/sheet1.xml":
            return content
        if content.startswith(b"<?xml"):
            content = content.split(b"?>", 1)[1]
        assert b">P1<" in content
        return LAUGHS + content.replace(b">P1<", b">&lol3;<")

    return rewrite(plain_workbook(), change)


def test_openpyxl_uses_defusedxml_and_refuses_entities():
    import openpyxl.xml
    from defusedxml import EntitiesForbidden

    assert openpyxl.xml.DEFUSEDXML is True
    with pytest.raises(ValueError, match="Unable to read workbook") as info:
        load_workbook(io.BytesIO(entity_workbook()))
    causes = []
    error = info.value
    while error is not None:
        causes.append(error)
        error = error.__cause__ or error.__context__
    assert any(isinstance(e, EntitiesForbidden) for e in causes)


def test_calamine_does_not_expand_entities():
    with pytest.raises(FormatError, match=r"cannot be read.*entity"):
        list(READER.read(io.BytesIO(entity_workbook()), "lol.xlsx", ReadSettings()))
