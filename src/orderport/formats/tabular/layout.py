"""Where the table is on a sheet: header row, form fields above it, repeated blocks.

Real workbooks and exports rarely start with the header on row 1: titles, logos, merged title
cells and blank rows come first, and hand-made templates carry the PO-level values as a form
("PO Number: 4500012345", "Order Date | 05.04.2024") above a lines table that has no PO column.
Several POs on one sheet repeat that block. ``locate`` finds the header among the first rows;
``LayoutRows`` then feeds the assembler, turning form values into extra (virtual) columns of every
line below them, and skipping repeated header rows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Final

from orderport.formats.base import FormatError
from orderport.formats.tabular.columns import (
    COLUMNS,
    BoundColumn,
    Cell,
    Header,
    bind_header,
    classify_header,
)
from orderport.formats.tabular.values import cell_text
from orderport.formats.tabular.vocabulary import IGNORE
from orderport.model import SourceLocation

HEADER_SCAN_ROWS: Final = 30
_LABEL_VALUE = re.compile(r"^\s*([^:]{1,60}?)\s*:\s*(\S.*?)\s*$")

Row = tuple[int, Sequence[Cell]]


@dataclass(frozen=True, slots=True)
class FormField:
    """A PO-level value written as "label: value" or label and value side by side."""

    column: str
    value: Cell
    row: int
    label: str


def _columns_named(cells: Sequence[Cell], aliases: dict[str, str]) -> set[str]:
    names: set[str] = set()
    for cell in cells:
        found = classify_header(cell, aliases)
        if found is None or found[1] == IGNORE:
            continue
        names.update(found[1].split("|"))
    return names


def form_fields(
    row: int,
    cells: Sequence[Cell],
    aliases: dict[str, str],
    label_for: Callable[[int, str], str],
) -> dict[str, FormField]:
    """PO-level "label: value" pairs on one row (line columns are never form fields)."""
    out: dict[str, FormField] = {}
    count = len(cells)
    for index, cell in enumerate(cells):
        if not isinstance(cell, str) or not cell.strip():
            continue
        text = cell.strip()
        value: Cell = None
        match = _LABEL_VALUE.match(text)
        if match is not None and classify_header(match.group(1), aliases) is not None:
            label_text, value = match.group(1), match.group(2)
        else:
            label_text = text.rstrip(":").strip()
            for right in range(index + 1, min(index + 4, count)):
                candidate = cells[right]
                if candidate is None or cell_text(candidate) == "":
                    continue
                if isinstance(candidate, str) and classify_header(candidate, aliases):
                    break
                value = candidate
                break
        if value is None:
            continue
        found = classify_header(label_text, aliases)
        if found is None:
            continue
        name = found[1].split("|")[0]
        column = COLUMNS.get(name)
        if column is None or column.line or name in out:
            continue
        out[name] = FormField(name, value, row, label_for(index, label_text))
    return out


def _is_form_row(cells: Sequence[Cell], aliases: dict[str, str]) -> bool:
    """Labels ending in ':' with values after them ("PO Number: | 4711 | Date: | ...")."""
    labels = [c for c in cells if isinstance(c, str) and c.strip().endswith(":")]
    return len(labels) >= 1 and len(labels) * 2 >= len([c for c in cells if c not in (None, "")])


@dataclass
class Located:
    """The header and everything found above it."""

    header: Header
    form: dict[str, FormField]
    consumed: list[Row]
    """Rows read after the header while looking for it (to be fed before the rest)."""
    virtual_start: int
    """Index of the first form-value column appended to every data row."""


def locate(
    head: list[Row],
    aliases: dict[str, str],
    label_for: Callable[[int, str], str],
    filename: str | None,
    ignore: frozenset[str] = frozenset(),
) -> Located | None:
    """Find the header among ``head`` (the first rows of a sheet); None when there is none.

    The header is the row naming the most known columns (at least two), with a po_number
    column or a PO number given as a form field above it.
    """
    best: tuple[int, int] | None = None
    form_above: dict[str, FormField] = {}
    chosen_form: dict[str, FormField] = {}
    for offset, (row, cells) in enumerate(head):
        names = _columns_named(cells, aliases)
        line_names = {n for n in names if n in COLUMNS and COLUMNS[n].line}
        has_po = "po_number" in names or "po_number" in form_above
        all_text = all(c is None or isinstance(c, str) for c in cells)
        if (
            all_text
            and len(names) >= 2
            and has_po
            and (line_names or len(names) >= 3)
            and not _is_form_row(cells, aliases)
        ):
            score = len(names)
            if best is None or score > best[0]:
                best = (score, offset)
                chosen_form = dict(form_above)
        if best is None:
            for name, found in form_fields(row, cells, aliases, label_for).items():
                form_above.setdefault(name, found)
    if best is None:
        # A bare canonical header ("po_number" alone) still counts.
        bare = next(
            (
                i
                for i, (_, cells) in enumerate(head)
                if "po_number" in _columns_named(cells, aliases)
            ),
            None,
        )
        if bare is None:
            return None
        best = (1, bare)
    offset = best[1]
    row, cells = head[offset]
    header = bind_header(
        cells,
        row,
        aliases,
        label_for,
        filename,
        ignore=ignore,
        require_po_number="po_number" not in chosen_form,
    )
    bound = {b.column.name for b in header.columns}
    width = max((b.index for b in header.columns), default=-1) + 1
    width = max(width, len(cells))
    form = {name: f for name, f in chosen_form.items() if name not in bound}
    if "po_number" not in bound and "po_number" not in form:
        raise FormatError(
            "no po_number column in the header (name one 'po_number') and no PO number above it",
            SourceLocation(file=filename, row=row),
        )
    virtual = [
        BoundColumn(width + k, COLUMNS[name], found.label)
        for k, (name, found) in enumerate(form.items())
    ]
    header = Header(
        sorted([*header.columns, *virtual], key=lambda b: b.index),
        header.unknown,
        header.row,
        header.inferred,
        header.ignored,
        virtual_start=width,
    )
    return Located(header, form, head[offset + 1 :], width)


class LayoutRows:
    """Data rows for the assembler: form values appended, repeated headers and form rows removed."""

    def __init__(
        self,
        located: Located,
        aliases: dict[str, str],
        label_for: Callable[[int, str], str],
    ) -> None:
        header = located.header
        self.aliases = aliases
        self.label_for = label_for
        self.form_names = list(located.form)
        self.values: list[Cell] = [f.value for f in located.form.values()]
        real = [b for b in header.columns if b.index < located.virtual_start]
        self.real_width = located.virtual_start
        self.header_names = {b.column.name for b in real}
        quantity = [b.index for b in real if b.column.name == "quantity"]
        self.quantity_index = quantity[0] if quantity else None
        self.consumed = located.consumed

    def _is_repeated_header(self, cells: Sequence[Cell]) -> bool:
        names = _columns_named(cells, self.aliases)
        return len(names) >= 2 and len(names & self.header_names) >= max(
            2, len(self.header_names) // 2
        )

    def rows(self, rest: Iterable[Row]) -> Iterator[Row]:
        quantity = self.quantity_index
        for row, cells in _chain(self.consumed, rest):
            if self.form_names and any(
                isinstance(c, str) and c.rstrip().endswith(":") for c in cells
            ):
                found = form_fields(row, cells, self.aliases, self.label_for)
                if found and self._update_form(found):
                    continue
            if not any(c is not None and cell_text(c) != "" for c in cells):
                yield row, cells  # blank: no form values, so it stays blank
                continue
            value = cells[quantity] if quantity is not None and quantity < len(cells) else None
            if value is None or (isinstance(value, str) and not value.strip()[:1].isdigit()):
                if self._is_repeated_header(cells):
                    continue
                if self.form_names:
                    found = form_fields(row, cells, self.aliases, self.label_for)
                    if found and self._update_form(found):
                        continue
            if self.form_names:
                cells = [*cells, *([None] * (self.real_width - len(cells)))][: self.real_width]
                cells.extend(self.values)
            yield row, cells

    def _update_form(self, found: dict[str, FormField]) -> bool:
        updated = False
        if "po_number" in found:
            self.values = [None] * len(self.form_names)
        for slot, name in enumerate(self.form_names):
            field = found.get(name)
            if field is not None:
                self.values[slot] = field.value
                updated = True
        return updated or bool(found)


def _chain(first: list[Row], rest: Iterable[Row]) -> Iterator[Row]:
    yield from first
    yield from rest
