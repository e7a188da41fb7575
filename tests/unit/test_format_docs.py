"""Issue 13: the format reference pages are generated from, or tested against, the code."""

import re
from pathlib import Path

from orderport.formats.edifact.values import SUPPORTED_DATE_FORMATS, parse_edi_date
from orderport.formats.tabular import docs as tabular_docs

DOCS = Path(__file__).resolve().parents[2] / "docs" / "formats"


def test_tabular_page_generated_sections_are_current() -> None:
    text = tabular_docs.DOC.read_text(encoding="utf-8")
    for name in tabular_docs.SECTIONS:
        assert tabular_docs.documented(text, name) == tabular_docs.render(name), name


def test_edifact_page_lists_exactly_the_supported_dtm_formats() -> None:
    text = (DOCS / "edifact-orders.md").read_text(encoding="utf-8")
    section = text[text.index("edifact-dates:start") : text.index("edifact-dates:end")]
    listed = re.findall(r"^\| (\d+) \|", section, flags=re.MULTILINE)
    assert sorted(listed, key=int) == sorted(SUPPORTED_DATE_FORMATS, key=int)
    for code in listed:
        assert "not supported" not in (parse_edi_date("0", code)[1] or "")


def test_json_shapes_page_is_generated_from_the_mappings() -> None:
    from orderport.formats.json_shapes import docs as json_docs

    assert json_docs.DOC.read_text(encoding="utf-8") == json_docs.render()


def test_x12_page_is_generated_from_the_reader_tables() -> None:
    from orderport.formats.x12 import docs as x12_docs

    assert x12_docs.DOC.read_text(encoding="utf-8") == x12_docs.render()
