"""Rows -> POs: one row is one PO line; PO-level columns repeat on every row of the PO.

Rows of one PO must be contiguous so a file streams in bounded memory: a PO is yielded as soon
as the next PO starts. Every value put into the canonical document is recorded in the
provenance with the row number and column label the partner sees in their own file.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any, Final

from orderport.formats.base import FormatError, RawDocument, ReadSettings
from orderport.formats.tabular.columns import COLUMNS, TEXT, Cell, Column, Header
from orderport.formats.tabular.paths import (
    deep_merge_missing,
    has_path,
    path_text,
    plain,
    set_path,
)
from orderport.formats.tabular.provenance import CellProvenance
from orderport.formats.tabular.row_kinds import RowKinds
from orderport.formats.tabular.values import (
    ValueParser,
    ValueProblem,
    cell_text,
    identifier_text,
)
from orderport.model import Finding, Severity, SourceLocation

# Top-level PO fields that ReadSettings.defaults may supply as whole values (deep-merged).
_DEFAULTABLE_FIELDS: Final = frozenset(
    {
        "purpose",
        "po_type",
        "po_source",
        "currency",
        "organisations",
        "ship_to",
        "bill_to",
        "options",
        "shipment_terms",
        "notes",
        "delivery_window",
        "ship_window",
        "total_quantity_uom",
        "additional_attributes",
        "event_name",
    }
)

_QUANTITY: Final = ("quantity",)

_ITEM_COLUMNS: Final = frozenset({"sku", "buyer_sku", "vendor_sku", "gtin", "style_id"})
_FREE_TEXT_COLUMNS: Final = frozenset({"description", "style_name", "notes", "product_category"})

MAX_LINES: Final = 10_000
"""Lines kept per PO (the canonical model's limit): rows beyond it are counted, not kept, so
one absurd PO cannot exhaust memory before validation sees it."""


@dataclass
class _Pending:
    """A PO being collected."""

    po_number: str
    first_row: int
    last_row: int
    po_cells: dict[int, tuple[str, Cell, int]]  # bound index -> (text, raw value, row)
    lines: list[dict[str, Any]]
    provenance: CellProvenance
    findings: list[Finding]
    dropped: int = 0
    """Rows past ``MAX_LINES`` (counted, not kept)."""


class PoAssembler:
    """Turns a stream of (row number, cells) into RawDocuments, one per contiguous PO.

    Remembers the rows of the last ``memory`` POs to report a PO number that reappears later;
    that bound keeps memory flat on very large files.
    """

    memory: int = 200_000

    def __init__(
        self,
        header: Header,
        settings: ReadSettings,
        filename: str,
        parser: ValueParser,
        sheet: str | None = None,
    ) -> None:
        self.header = header
        self.filename = filename
        self.parser = parser
        self.sheet = sheet
        self.po_index = next(
            i for i, b in enumerate(header.columns) if b.column.name == "po_number"
        )
        self.po_cols = [(i, b) for i, b in enumerate(header.columns) if not b.column.line]
        # Per PO column: its canonical path and its parents' paths, worked out once per file.
        self._po_specs = [
            (
                slot,
                bound,
                "$" + path_text(bound.column.path),
                tuple(
                    "$" + path_text(bound.column.path[:depth])
                    for depth in range(1, len(bound.column.path))
                ),
            )
            for slot, bound in self.po_cols
        ]
        self.line_cols = [b for b in header.columns if b.column.line]
        po_positions = [b.index for _, b in self.po_cols]
        self._po_getter = _getter(po_positions)
        self._line_specs = [
            (
                b.index,
                None
                if b.column.kind is TEXT and len(b.column.path) == 1
                else parser.converter(b.column.kind),
                b.column.path,
                path_text(b.column.path),
                b.label,
            )
            for b in self.line_cols
        ]
        self._has_line_number = any(b.column.name == "line_number" for b in self.line_cols)
        self._po_number_pos = header.columns[self.po_index].index
        self._real_po_column = (
            header.virtual_start is None or self._po_number_pos < header.virtual_start
        )
        self._width = max(b.index for b in header.columns) + 1
        self._seen: OrderedDict[str, tuple[int, int]] = OrderedDict()
        self._pending: _Pending | None = None
        self._last_po_tuple: tuple[Any, ...] | None = None
        self._file_findings: list[Finding] = [
            Finding(
                code="read.unknown_column",
                severity=Severity.WARNING,
                path="$",
                message=f"column {label!r} is not a known column and was ignored",
                location=SourceLocation(file=filename, sheet=sheet, row=header.row, column=label),
            )
            for _, label in header.unknown
        ]
        self._file_findings.extend(
            Finding(
                code="read.column_matched",
                severity=Severity.INFO,
                path="$",
                message=(
                    f"column {found.label!r} was read as {found.column} (header vocabulary: "
                    f"{found.wording!r}); pin it with mapping.column_aliases if that is wrong"
                ),
                location=SourceLocation(
                    file=filename, sheet=sheet, row=header.row, column=found.label
                ),
            )
            for found in header.inferred
        )
        self._file_findings.extend(
            Finding(
                code="read.column_ignored",
                severity=Severity.INFO,
                path="$",
                message=f"column {label!r} is recognised but not read (not a PO field)",
                location=SourceLocation(file=filename, sheet=sheet, row=header.row, column=label),
            )
            for _, label in header.ignored
        )
        self.kinds = RowKinds(settings.totals_labels)
        self._item_positions = [b.index for b in header.columns if b.column.name in _ITEM_COLUMNS]
        quantity = [b.index for b in header.columns if b.column.name == "quantity"]
        self._quantity_pos = quantity[0] if quantity else None
        real = header.virtual_start
        self._text_positions = sorted(
            {b.index for b in header.columns if real is None or b.index < real}
            | {i for i, _ in header.unknown}
        )
        self._free_text = frozenset(
            b.index for b in header.columns if b.column.name in _FREE_TEXT_COLUMNS
        )
        self._orphans: list[Finding] = []
        self._column_defaults, self._field_defaults = self._split_defaults(settings.defaults)

    # -- defaults -------------------------------------------------------------------------

    def _split_defaults(
        self, defaults: dict[str, Any]
    ) -> tuple[list[tuple[Column, Any]], dict[str, Any]]:
        column_defaults: list[tuple[Column, Any]] = []
        field_defaults: dict[str, Any] = {}
        for key, value in defaults.items():
            column = COLUMNS.get(key)
            if column is not None:
                column_defaults.append((column, plain(value)))
            elif key in _DEFAULTABLE_FIELDS:
                field_defaults[key] = value
            else:
                raise FormatError(
                    f"settings: default for {key!r} names neither a canonical column "
                    "nor a PO field that can be defaulted"
                )
        return column_defaults, field_defaults

    # -- rows -----------------------------------------------------------------------------

    def location(self, row: int, label: str | None = None) -> SourceLocation:
        return SourceLocation(file=self.filename, sheet=self.sheet, row=row, column=label)

    def add_row(self, row: int, cells: Sequence[Cell]) -> Iterator[RawDocument]:
        """Feed one data row; yields the previous PO when this row starts a new one."""
        if len(cells) < self._width:
            cells = [*cells, *([None] * (self._width - len(cells)))]
        first = cells[self._po_number_pos]
        po_number = first.strip() if first.__class__ is str else cell_text(first)
        if po_number.endswith(".0"):
            po_number = _identifier_or_text(po_number)
        pending = self._pending
        has_item = any(cells[i] is not None and cell_text(cells[i]) for i in self._item_positions)
        if not has_item and self._is_totals_or_note(row, cells, po_number):
            return
        if pending is None or pending.po_number != po_number:
            if po_number and self.kinds.is_total_label(po_number):
                return  # "TOTAL UNITS" in the PO column
            if not po_number:
                self._row_without_po(row, cells)
                return
            if pending is not None:
                yield self._finish(pending)
            pending = self._pending = self._start(row, po_number)
        pending.last_row = row
        if len(pending.lines) >= MAX_LINES:
            pending.dropped += 1
            return
        po_tuple = self._po_getter(cells)
        if po_tuple != self._last_po_tuple:
            self._collect_po_cells(pending, row, po_tuple)
            self._last_po_tuple = po_tuple
        self._add_line(pending, row, cells)

    def note(self, finding: Finding) -> None:
        """Attach a finding to the PO of the row just added."""
        if self._pending is not None:
            self._pending.findings.append(finding)
        else:
            self._orphans.append(finding)

    def path_for(self, index: int) -> str:
        """The canonical path of file column ``index`` on the row just added."""
        for bound in self.header.columns:
            if bound.index == index:
                if bound.column.line and self._pending is not None:
                    line = len(self._pending.lines) - 1
                    return f"$.lines[{line}]" + path_text(bound.column.path)
                return "$" + path_text(bound.column.path)
        return "$"

    def finish(self) -> Iterator[RawDocument]:
        """Yield the last PO (call once after the last row)."""
        if self._pending is not None:
            yield self._finish(self._pending)
            self._pending = None
        elif self._file_findings or self._orphans:
            raise FormatError(
                "the file has a header but no rows with a po_number",
                SourceLocation(file=self.filename, sheet=self.sheet, row=self.header.row),
            )

    def _is_totals_or_note(self, row: int, cells: Sequence[Cell], po_number: str) -> bool:
        """A row with no item: totals ("Total", "Summe", ...) or a note; never a line."""
        texts: list[str] = []
        kinds = self.kinds
        for i in self._text_positions:
            cell = cells[i] if i < len(cells) else None
            if not isinstance(cell, str) or not cell.strip():
                continue
            text = cell.strip()
            if kinds.is_short_total(text) if i in self._free_text else kinds.is_total_label(text):
                return True
            texts.append(text)
        quantity = self._quantity_pos
        has_quantity = (
            quantity is not None and cells[quantity] is not None and cell_text(cells[quantity])
        )
        if has_quantity or not texts:
            return False
        if self._real_po_column and po_number:
            is_note = self.kinds.is_note(po_number)  # "Please confirm ..." in the PO column
        else:
            is_note = len(texts) <= 2 or self.kinds.is_note(texts[0])
        if is_note:
            self.note(
                Finding(
                    code="read.note_row",
                    severity=Severity.INFO,
                    path="$",
                    message=f"row {row} is a note, not a line: {texts[0][:80]!r}",
                    location=self.location(row),
                )
            )
            return True
        return False

    def note_file(self, finding: Finding) -> None:
        """A finding about the whole file: given to the first PO."""
        if self._pending is not None:
            self._pending.findings.append(finding)
        else:
            self._file_findings.append(finding)

    def _row_without_po(self, row: int, cells: Sequence[Cell]) -> None:
        values = [c for c in cells if c is not None and cell_text(c) != ""]
        if not values:
            return  # blank row
        if any(isinstance(c, str) and self.kinds.is_total_label(c) for c in values) or all(
            _is_number(c) for c in values
        ):
            return  # totals row
        finding = Finding(
            code="read.missing_po_number",
            severity=Severity.ERROR,
            path="$.po_number",
            message=f"row {row} has values but no po_number; the row was not read",
            location=self.location(row, self.header.columns[self.po_index].label),
        )
        if self._pending is not None:
            self._pending.findings.append(finding)
        else:
            self._orphans.append(finding)

    def _start(self, row: int, po_number: str) -> _Pending:
        provenance = CellProvenance(self.filename, self.sheet)
        findings: list[Finding] = []
        if self._file_findings:
            findings.extend(self._file_findings)
            self._file_findings = []
        if self._orphans:
            findings.extend(self._orphans)
            self._orphans = []
        earlier = self._seen.get(po_number)
        if earlier is not None:
            findings.append(
                Finding(
                    code="read.po_not_contiguous",
                    severity=Severity.ERROR,
                    path="$.po_number",
                    message=(
                        f"PO {po_number} appears again at row {row} after other POs "
                        f"(earlier rows {_rows(*earlier)}); all rows of one PO must be together"
                    ),
                    location=self.location(row, self.header.columns[self.po_index].label),
                )
            )
        self._last_po_tuple = None
        return _Pending(po_number, row, row, {}, [], provenance, findings)

    def _collect_po_cells(self, pending: _Pending, row: int, values: tuple[Any, ...]) -> None:
        cells = pending.po_cells
        for (slot, bound), raw in zip(self.po_cols, values, strict=True):
            text = cell_text(raw)
            if not text:
                continue
            known = cells.get(slot)
            if known is None:
                cells[slot] = (text, raw, row)
            elif known[0] != text and not self._same_value(bound.column.kind, known[1], raw):
                pending.findings.append(
                    Finding(
                        code="read.inconsistent_po_value",
                        severity=Severity.ERROR,
                        path="$" + path_text(bound.column.path),
                        message=(
                            f"{bound.column.name} is {known[0]!r} on row {known[2]} but "
                            f"{text!r} on row {row}; PO-level columns must be the same on "
                            "every row of a PO"
                        ),
                        location=self.location(row, bound.label),
                    )
                )

    def _same_value(self, kind: str, first: Cell, other: Cell) -> bool:
        """Differently written equal values (a date cell and its serial, 80 and 80.0)."""
        try:
            return bool(self.parser.parse(kind, first) == self.parser.parse(kind, other))
        except ValueProblem:
            return False

    def _add_line(self, pending: _Pending, row: int, cells: Sequence[Cell]) -> None:
        index = len(pending.lines)
        base = f"$.lines[{index}]"
        line: dict[str, Any] = {}
        record = pending.provenance.cells
        record[base] = (row, None)
        for pos, convert, path, suffix, label in self._line_specs:
            raw = cells[pos]
            if raw is None:
                continue
            if raw.__class__ is str:
                raw = raw.strip()
                if not raw:
                    continue
                if convert is None:
                    value: Any = raw
                    line[path[0]] = value
                    record[base + suffix] = (row, label)
                    continue
            try:
                value = convert(raw) if convert is not None else cell_text(raw)
            except ValueProblem as problem:
                if path == _QUANTITY:
                    # Required: keep the text so validation reports it once, as a bad value.
                    line["quantity"] = cell_text(raw)
                    record[base + suffix] = (row, label)
                    continue
                pending.findings.append(
                    Finding(
                        code=f"read.{problem.code}",
                        severity=problem.severity,
                        path=base + suffix,
                        message=problem.message,
                        location=self.location(row, label),
                    )
                )
                continue
            if value == "":
                continue
            if len(path) == 1:
                line[path[0]] = value
            else:
                set_path(line, path, value)
                record.setdefault(f"{base}.{path[0]}", (row, None))
            record[base + suffix] = (row, label)
        if "line_number" not in line:
            line["line_number"] = index + 1
        pending.lines.append(line)

    _provenance_of_finishing: CellProvenance

    def _finish(self, pending: _Pending) -> RawDocument:
        if pending.dropped:
            pending.findings.append(
                Finding(
                    code="read.too_many_lines",
                    severity=Severity.ERROR,
                    path="$.lines",
                    message=(
                        f"PO {pending.po_number} has {MAX_LINES + pending.dropped} lines (rows "
                        f"{_rows(pending.first_row, pending.last_row)}); at most {MAX_LINES} "
                        "lines per PO are accepted, split it into several POs"
                    ),
                    location=self.location(pending.first_row),
                )
            )
        data: dict[str, Any] = {}
        record = pending.provenance.cells
        parse = self.parser.parse
        for slot, bound, json_path, parents in self._po_specs:
            found = pending.po_cells.get(slot)
            if found is None:
                continue
            _text, raw, row = found
            path = bound.column.path
            try:
                value = parse(bound.column.kind, raw)
            except ValueProblem as problem:
                pending.findings.append(
                    Finding(
                        code=f"read.{problem.code}",
                        severity=problem.severity,
                        path=json_path,
                        message=problem.message,
                        location=self.location(row, bound.label),
                    )
                )
                continue
            set_path(data, path, value)
            for parent in parents:
                record.setdefault(parent, (row, None))
            record[json_path] = (row, bound.label)
        data["lines"] = pending.lines
        self._provenance_of_finishing = pending.provenance
        created = data.get("created_at")
        if "order_date" not in data and isinstance(created, str) and len(created) >= 10:
            data["order_date"] = created[:10]  # an export's "Created at" is the order date
            if "$.created_at" in record:
                record["$.order_date"] = record["$.created_at"]
        self._apply_defaults(data)
        self._inherit_currency(data)
        self._remember(pending)
        record.setdefault("$.lines", (pending.first_row, None))
        reference = f"rows {_rows(pending.first_row, pending.last_row)}"
        if self.sheet is not None:
            reference = f"sheet {self.sheet}, {reference}"
        return RawDocument(
            data=data,
            provenance=pending.provenance,
            findings=pending.findings,
            reference=reference,
        )

    def _apply_defaults(self, data: dict[str, Any]) -> None:
        for column, value in self._column_defaults:
            if column.line:
                for line in data["lines"]:
                    if not has_path(line, column.path):
                        set_path(line, column.path, value)
            elif not has_path(data, column.path):
                set_path(data, column.path, value)
        if self._field_defaults:
            deep_merge_missing(data, self._field_defaults)

    def _inherit_currency(self, data: dict[str, Any]) -> None:
        """unit_cost_currency and total_cost_currency default to the PO currency.

        Without a PO currency, the one every line's unit cost names becomes the PO's.
        """
        currency = data.get("currency")
        if currency is None:
            lines = data["lines"]
            found = {(line.get("unit_cost") or {}).get("currency") for line in lines}
            if lines and len(found) == 1 and None not in found:
                data["currency"] = found.pop()
                cells = self._provenance_of_finishing.cells
                where = cells.get("$.lines[0].unit_cost.currency")
                if where is not None:
                    cells["$.currency"] = where
            return
        for line in data["lines"]:
            cost = line.get("unit_cost")
            if cost is not None and "currency" not in cost:
                cost["currency"] = currency
        total = data.get("total_cost")
        if total is not None and "currency" not in total:
            total["currency"] = currency

    def _remember(self, pending: _Pending) -> None:
        seen = self._seen
        earlier = seen.get(pending.po_number)
        first = earlier[0] if earlier else pending.first_row
        seen[pending.po_number] = (first, pending.last_row)
        seen.move_to_end(pending.po_number)
        if len(seen) > self.memory:
            seen.popitem(last=False)


def _identifier_or_text(text: str) -> str:
    try:
        return identifier_text(text)
    except ValueProblem:
        return text


def _rows(first: int, last: int) -> str:
    return str(first) if first == last else f"{first}-{last}"


def _is_number(value: Cell) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return True
    text = cell_text(value).replace(",", "").replace(".", "").lstrip("-")
    return text.isdigit()


def _getter(positions: list[int]) -> Callable[[Sequence[Cell]], tuple[Cell, ...]]:
    """A fast tuple-of-cells getter (itemgetter with one index returns a bare value)."""
    if not positions:
        return lambda cells: ()
    if len(positions) == 1:
        only = positions[0]
        return lambda cells: (cells[only],)
    return itemgetter(*positions)


def read_rows(
    rows: Iterable[tuple[int, Sequence[Cell]]], assembler: PoAssembler
) -> Iterator[RawDocument]:
    """Drive an assembler over (row number, cells) pairs."""
    for row, cells in rows:
        yield from assembler.add_row(row, cells)
    yield from assembler.finish()
