"""Shared machinery of the tabular readers (CSV, XLSX): columns, header matching, rows -> POs.

- ``columns``: the canonical column table and header matching (aliases, ``bind_header``)
- ``values``: cell values -> canonical values (``ValueParser``, ``cell_text``)
- ``provenance``: ``CellProvenance``, row/column locations built lazily
- ``paths``: nested-dict helpers for building documents by column path
- ``assembler``: ``PoAssembler``, turning rows into one RawDocument per PO
"""

from orderport.formats.tabular.assembler import PoAssembler
from orderport.formats.tabular.columns import (
    COLUMNS,
    Cell,
    Header,
    alias_map,
    bind_header,
    header_key,
    match_header,
)
from orderport.formats.tabular.provenance import CellProvenance
from orderport.formats.tabular.values import ValueParser, ValueProblem, cell_text

__all__ = [
    "COLUMNS",
    "Cell",
    "CellProvenance",
    "Header",
    "PoAssembler",
    "ValueParser",
    "ValueProblem",
    "alias_map",
    "bind_header",
    "cell_text",
    "header_key",
    "match_header",
]
