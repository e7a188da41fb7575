"""Shared machinery of the tabular readers (CSV, XLSX): columns, header matching, rows -> POs.

One row is one PO line; PO-level columns repeat on every row of the PO. Rows of one PO must be
contiguous so a file streams in bounded memory: a PO is yielded as soon as the next PO starts.

Cell values arrive as text (CSV) or as spreadsheet values (XLSX: str, int, float, bool, date,
datetime). Every value put into the canonical document is recorded in the provenance with the
row number and column label the partner sees in their own file.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from operator import itemgetter
from typing import Any, Final

from orderport.formats.base import FormatError, RawDocument, ReadSettings
from orderport.model import Finding, Provenance, Severity, SourceLocation
from orderport.model.provenance import ancestors

Cell = str | int | float | bool | date | datetime | time | timedelta | None

# Kinds of column values.
TEXT: Final = "text"
LOWER: Final = "lower"  # enum codes written in lower case (purpose, entity_type, ...)
UPPER: Final = "upper"  # ISO codes and incoterms (currency, country, shipment terms)
DECIMAL: Final = "decimal"
INTEGER: Final = "integer"
BOOLEAN: Final = "boolean"
DATE: Final = "date"
TIMESTAMP: Final = "timestamp"
GTIN: Final = "gtin"


@dataclass(frozen=True, slots=True)
class Column:
    """A canonical template column and where its value goes in the canonical document."""

    name: str
    path: tuple[str, ...]
    kind: str
    line: bool


def _address_columns(prefix: str) -> list[tuple[str, tuple[str, ...], str]]:
    fields = ("name", "line1", "line2", "city", "province", "postal_code")
    cols: list[tuple[str, tuple[str, ...], str]] = [
        (f"{prefix}_{f}", (prefix, f), TEXT) for f in fields
    ]
    cols.append((f"{prefix}_country", (prefix, "country"), UPPER))
    cols.append((f"{prefix}_country_name", (prefix, "country_name"), TEXT))
    cols.append((f"{prefix}_location_id", (prefix, "location_id"), TEXT))
    return cols


def _party_columns(role: str) -> list[tuple[str, tuple[str, ...], str]]:
    return [
        (f"{role}_id", ("organisations", role, "id"), TEXT),
        (f"{role}_name", ("organisations", role, "name"), TEXT),
    ]


_PO_COLUMNS: list[tuple[str, tuple[str, ...], str]] = [
    ("po_number", ("po_number",), TEXT),
    ("purpose", ("purpose",), LOWER),
    ("external_id", ("external_id",), TEXT),
    ("original_po_number", ("original_po_number",), TEXT),
    ("uid", ("uid",), TEXT),
    ("customer_reference", ("customer_reference",), TEXT),
    ("po_type", ("po_type",), TEXT),
    ("po_source", ("po_source",), LOWER),
    ("order_date", ("order_date",), DATE),
    ("created_at", ("created_at",), TIMESTAMP),
    ("updated_at", ("updated_at",), TIMESTAMP),
    ("currency", ("currency",), UPPER),
    ("delivery_start", ("delivery_window", "start"), DATE),
    ("delivery_end", ("delivery_window", "end"), DATE),
    ("ship_start", ("ship_window", "start"), DATE),
    ("ship_end", ("ship_window", "end"), DATE),
    ("in_store_date", ("in_store_date",), DATE),
    *_party_columns("buyer"),
    *_party_columns("vendor"),
    *_party_columns("factory"),
    *_party_columns("material_supplier"),
    *_party_columns("data_provider"),
    *_address_columns("ship_to"),
    *_address_columns("bill_to"),
    ("is_approved", ("options", "is_approved"), BOOLEAN),
    ("can_split", ("options", "can_split"), BOOLEAN),
    ("on_errors", ("options", "on_errors"), LOWER),
    ("total_quantity", ("total_quantity",), DECIMAL),
    ("total_quantity_uom", ("total_quantity_uom",), TEXT),
    ("total_cost", ("total_cost", "amount"), DECIMAL),
    ("total_cost_currency", ("total_cost", "currency"), UPPER),
    ("shipment_terms", ("shipment_terms",), UPPER),
    ("event_name", ("event_name",), TEXT),
    ("commit_id", ("commit_id",), TEXT),
    ("commit_sequence", ("commit_sequence",), TEXT),
    ("notes", ("notes",), TEXT),
]

_LINE_COLUMNS: list[tuple[str, tuple[str, ...], str]] = [
    ("line_number", ("line_number",), INTEGER),
    ("sku", ("sku",), TEXT),
    ("buyer_sku", ("buyer_sku",), TEXT),
    ("vendor_sku", ("vendor_sku",), TEXT),
    ("gtin", ("gtin",), GTIN),
    ("atelier_code", ("atelier_code",), INTEGER),
    ("description", ("description",), TEXT),
    ("style_id", ("style_id",), TEXT),
    ("style_name", ("style_name",), TEXT),
    ("color", ("color",), TEXT),
    ("size", ("size",), TEXT),
    ("brand", ("brand",), TEXT),
    ("product_category", ("product_category",), TEXT),
    ("product_line", ("product_line",), TEXT),
    ("department", ("department",), TEXT),
    ("product_class", ("product_class",), TEXT),
    ("entity_type", ("entity_type",), LOWER),
    ("quantity", ("quantity",), DECIMAL),
    ("uom", ("uom",), TEXT),
    ("unit_cost", ("unit_cost", "amount"), DECIMAL),
    ("unit_cost_currency", ("unit_cost", "currency"), UPPER),
    ("line_shipment_terms", ("shipment_terms",), UPPER),
    ("requested_ship_date", ("requested_ship_date",), DATE),
    ("requested_delivery_date", ("requested_delivery_date",), DATE),
    ("pack_size", ("pack_size",), INTEGER),
]

COLUMNS: Final[dict[str, Column]] = {
    **{n: Column(n, p, k, False) for n, p, k in _PO_COLUMNS},
    **{n: Column(n, p, k, True) for n, p, k in _LINE_COLUMNS},
}
"""Every column of the canonical CSV template, in template order."""

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
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def header_key(text: str) -> str:
    """Case-, space- and punctuation-insensitive key: "Ship-To City" -> "shiptocity"."""
    return _NON_ALNUM.sub("", text.casefold())


_CANONICAL_KEYS: Final[dict[str, str]] = {header_key(name): name for name in COLUMNS}


def alias_map(aliases: dict[str, str]) -> dict[str, str]:
    """Partner header key -> canonical column; an alias to an unknown column is a settings error."""
    out: dict[str, str] = {}
    for partner, canonical in aliases.items():
        target = _CANONICAL_KEYS.get(header_key(canonical))
        if target is None:
            raise FormatError(
                f"settings: column alias {partner!r} points to {canonical!r}, "
                "which is not a canonical column"
            )
        out[header_key(partner)] = target
    return out


def match_header(cell: Cell, aliases: dict[str, str]) -> str | None:
    """The canonical column a header cell names, or None."""
    if not isinstance(cell, str):
        return None
    key = header_key(cell)
    if not key:
        return None
    return aliases.get(key) or _CANONICAL_KEYS.get(key)


@dataclass(frozen=True, slots=True)
class BoundColumn:
    """A canonical column found in the file at ``index`` under the partner's ``label``."""

    index: int
    column: Column
    label: str


@dataclass(frozen=True, slots=True)
class Header:
    columns: list[BoundColumn]
    unknown: list[tuple[int, str]]
    row: int


def bind_header(
    cells: Sequence[Cell],
    row: int,
    aliases: dict[str, str],
    label_for: Callable[[int, str], str] | None = None,
    filename: str | None = None,
) -> Header:
    """Map the header cells to canonical columns.

    ``label_for(index, text)`` gives the column label shown to partners (XLSX: "C (Qty)");
    by default it is the header text itself.
    """
    bound: list[BoundColumn] = []
    unknown: list[tuple[int, str]] = []
    seen: dict[str, BoundColumn] = {}
    for index, cell in enumerate(cells):
        text = "" if cell is None else str(cell).strip()
        if not text:
            continue
        label = label_for(index, text) if label_for else text
        name = match_header(text, aliases)
        if name is None:
            unknown.append((index, label))
            continue
        if name in seen:
            raise FormatError(
                f"columns {seen[name].label!r} and {label!r} both map to {name!r}; "
                "remove one or fix the column aliases",
                SourceLocation(file=filename, row=row, column=label),
            )
        col = BoundColumn(index, COLUMNS[name], label)
        seen[name] = col
        bound.append(col)
    if "po_number" not in seen:
        raise FormatError(
            "no po_number column in the header (name one 'po_number' or add a column alias)",
            SourceLocation(file=filename, row=row),
        )
    return Header(bound, unknown, row)


# ----------------------------------------------------------------------------------------
# Value parsing


_PLAIN_DECIMAL = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_PLAIN_DECIMAL_COMMA = re.compile(r"-?[0-9]+(?:,[0-9]+)?")
_GROUPED_POINT = re.compile(r"-?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?")
_GROUPED_COMMA = re.compile(r"-?[0-9]{1,3}(?:[.\u00a0\u202f ][0-9]{3})+(?:,[0-9]+)?")
_GROUPED_SPACE = re.compile(r"-?[0-9]{1,3}(?:[\u00a0\u202f ][0-9]{3})+(?:\.[0-9]+)?")
_BOOLEANS: Final = {
    "true": True,
    "yes": True,
    "y": True,
    "1": True,
    "false": False,
    "no": False,
    "n": False,
    "0": False,
}
_EXCEL_EPOCH: Final = date(1899, 12, 30)


class ValueProblem(Exception):
    """A cell value that cannot be read; becomes a ``read.<code>`` finding."""

    def __init__(self, code: str, message: str, severity: Severity = Severity.ERROR) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.severity = severity


def cell_text(value: Cell) -> str:
    """Text of a cell as a partner reads it; numbers from spreadsheets without float noise."""
    if isinstance(value, str):
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        # Excel keeps 15 significant digits; this drops binary noise like 12.499999999999998.
        return format(Decimal(f"{value:.15g}"), "f")
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


class ValueParser:
    """Per-file value parsing with the partner's settings; caches repeated date texts."""

    def __init__(self, settings: ReadSettings, excel_serials: bool = False) -> None:
        self.decimal_comma = settings.decimal_comma
        self.date_formats = settings.date_formats
        self.excel_serials = excel_serials
        self._dates: dict[str, str] = {}

    def converter(self, kind: str) -> Callable[[Cell], Any]:
        """The parsing function for a kind of column."""
        return {
            TEXT: cell_text,
            DECIMAL: self.decimal,
            DATE: self.date,
            INTEGER: self.integer,
            LOWER: _lower,
            UPPER: _upper,
            BOOLEAN: self.boolean,
            GTIN: self.gtin,
            TIMESTAMP: self.timestamp,
        }[kind]

    def parse(self, kind: str, value: Cell) -> object:
        if kind is TEXT:
            return cell_text(value)
        if kind is DECIMAL:
            return self.decimal(value)
        if kind is DATE:
            return self.date(value)
        if kind is INTEGER:
            return self.integer(value)
        if kind is LOWER:
            return cell_text(value).lower()
        if kind is UPPER:
            return cell_text(value).upper()
        if kind is BOOLEAN:
            return self.boolean(value)
        if kind is GTIN:
            return self.gtin(value)
        if kind is TIMESTAMP:
            return self.timestamp(value)
        raise AssertionError(kind)

    def decimal(self, value: Cell) -> str:
        if value.__class__ is str and not self.decimal_comma and _PLAIN_DECIMAL.fullmatch(value):
            return value
        if isinstance(value, bool):
            raise ValueProblem("decimal", f"{value} is not a number")
        if isinstance(value, int | float):
            return cell_text(value)
        text = cell_text(value)
        if self.decimal_comma:
            if _PLAIN_DECIMAL_COMMA.fullmatch(text):
                return text.replace(",", ".")
            if _GROUPED_COMMA.fullmatch(text):
                return re.sub(r"[.\u00a0\u202f ]", "", text).replace(",", ".")
        else:
            if _PLAIN_DECIMAL.fullmatch(text):
                return text
            if _GROUPED_POINT.fullmatch(text):
                return text.replace(",", "")
            if _GROUPED_SPACE.fullmatch(text):
                return re.sub(r"[\u00a0\u202f ]", "", text)
        try:
            number = Decimal(text.lstrip("+"))
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite() or "," in text:
            hint = (
                ""
                if self.decimal_comma or "," not in text
                else " (decimal commas are read only when the partner's settings say decimal_comma)"
            )
            raise ValueProblem("decimal", f"{text!r} is not a number{hint}")
        return format(number, "f")

    def integer(self, value: Cell) -> int:
        if value.__class__ is str and value.isdigit() and value.isascii():
            return int(value)
        if isinstance(value, bool):
            raise ValueProblem("integer", f"{value} is not a whole number")
        if isinstance(value, int):
            return value
        text = cell_text(value)
        if text.isascii() and text.isdigit():
            return int(text)
        try:
            number = Decimal(self.decimal(text))
        except ValueProblem:
            number = None
        if number is None or number != number.to_integral_value():
            raise ValueProblem("integer", f"{text!r} is not a whole number")
        return int(number)

    def boolean(self, value: Cell) -> bool:
        if isinstance(value, bool):
            return value
        text = cell_text(value)
        found = _BOOLEANS.get(text.lower())
        if found is None:
            raise ValueProblem("boolean", f"{text!r} is not true/false, yes/no, 1/0 or Y/N")
        return found

    def date(self, value: Cell) -> str:
        if isinstance(value, datetime):
            return value.date().isoformat()
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, int | float) and not isinstance(value, bool):
            return self._serial(value, str(value))
        text = cell_text(value)
        cached = self._dates.get(text)
        if cached is not None:
            return cached
        parsed: str | None = None
        for fmt in self.date_formats:
            try:
                parsed = datetime.strptime(text, fmt).date().isoformat()
                break
            except ValueError:
                continue
        if parsed is None:
            if self.excel_serials and text.isascii() and text.isdigit():
                return self._serial(int(text), text)
            raise ValueProblem(
                "date",
                f"{text!r} is not a date in the expected format "
                f"({', '.join(_fmt_hint(f) for f in self.date_formats)})",
            )
        if len(self._dates) > 4096:
            self._dates.clear()
        self._dates[text] = parsed
        return parsed

    def _serial(self, number: float, text: str) -> str:
        if not self.excel_serials:
            raise ValueProblem("date", f"{text!r} is not a date")
        if not 1 <= number < 2958466:  # 9999-12-31
            raise ValueProblem("date", f"{text!r} is not a date serial number Excel knows")
        return (_EXCEL_EPOCH + timedelta(days=int(number))).isoformat()

    def timestamp(self, value: Cell) -> str:
        if isinstance(value, datetime):
            stamp = value
        else:
            text = cell_text(value)
            try:
                stamp = datetime.fromisoformat(text)
            except ValueError:
                raise ValueProblem(
                    "timestamp", f"{text!r} is not a timestamp like 2026-03-01T08:30:00Z"
                ) from None
        if stamp.tzinfo is None:
            raise ValueProblem(
                "timestamp", f"{stamp.isoformat()!r} has no time zone (add Z or +01:00)"
            )
        return stamp.isoformat().replace("+00:00", "Z")

    def gtin(self, value: Cell) -> str:
        text = cell_text(value)
        if isinstance(value, int | float) and not isinstance(value, bool) and len(text) < 12:
            # A UPC typed into a number cell loses its leading zeros; zeros never change the
            # GS1 check digit, so padding back to 12 digits is safe.
            return text.rjust(12, "0")
        return text


def _lower(value: Cell) -> str:
    return cell_text(value).lower()


def _upper(value: Cell) -> str:
    return cell_text(value).upper()


def _fmt_hint(fmt: str) -> str:
    return (
        fmt.replace("%Y", "YYYY")
        .replace("%m", "MM")
        .replace("%d", "DD")
        .replace("%y", "YY")
        .replace("%b", "Mon")
        .replace("%H", "hh")
        .replace("%M", "mm")
        .replace("%S", "ss")
    )


# ----------------------------------------------------------------------------------------
# Rows -> POs


_TOTAL_WORDS: Final = ("total", "grandtotal", "subtotal", "sum", "totals", "gesamt", "summe")


def _set_path(target: dict[str, Any], path: tuple[str, ...], value: object) -> None:
    for key in path[:-1]:
        child = target.get(key)
        if child is None:
            child = target[key] = {}
        target = child
    target[path[-1]] = value


def _has_path(target: dict[str, Any], path: tuple[str, ...]) -> bool:
    for key in path:
        if not isinstance(target, dict) or key not in target:
            return False
        target = target[key]
    return True


def _deep_merge_missing(target: dict[str, Any], source: dict[str, Any]) -> None:
    for key, value in source.items():
        if key not in target:
            target[key] = _plain(value)
        elif isinstance(target[key], dict) and isinstance(value, dict):
            _deep_merge_missing(target[key], value)


def _plain(value: object) -> object:
    """Defaults in canonical JSON form: Decimals as strings, containers copied."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def _path_text(path: tuple[str, ...]) -> str:
    return "." + ".".join(path)


class CellProvenance(Provenance):
    """Provenance that keeps (row, column) pairs and builds SourceLocations only when asked.

    A million-line file records ~10 million locations; building a pydantic model for each
    would dominate reading time, while only the few that findings point to are ever looked at.
    ``locations`` still returns a complete, ordinary dict (built once, on first access).
    """

    def __init__(self, file: str | None, sheet: str | None = None) -> None:
        self.sheet = sheet
        self.cells: dict[str, tuple[int, str | None]] = {}
        self._built: dict[str, SourceLocation] | None = None
        super().__init__(file=file)

    @property
    def locations(self) -> dict[str, SourceLocation]:
        if self._built is None:
            self._built = {path: self._make(*cell) for path, cell in self.cells.items()}
        return self._built

    @locations.setter
    def locations(self, value: dict[str, SourceLocation]) -> None:
        self._built = None
        self.cells = {}
        for path, location in value.items():
            self.record(path, location)

    def record(self, path: str, location: SourceLocation) -> None:
        super().record(path, location)

    def locate(self, path: str) -> SourceLocation | None:
        if self._built is not None:
            return super().locate(path)
        cells = self.cells
        for probe in ancestors(path):
            found = cells.get(probe)
            if found is not None:
                return self._make(*found)
        return SourceLocation(file=self.file) if self.file else None

    def _make(self, row: int, column: str | None) -> SourceLocation:
        return SourceLocation(file=self.file, sheet=self.sheet, row=row, column=column)


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
                "$" + _path_text(bound.column.path),
                tuple(
                    "$" + _path_text(bound.column.path[:depth])
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
                _path_text(b.column.path),
                b.label,
            )
            for b in self.line_cols
        ]
        self._has_line_number = any(b.column.name == "line_number" for b in self.line_cols)
        self._po_number_pos = header.columns[self.po_index].index
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
                column_defaults.append((column, _plain(value)))
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
        pending = self._pending
        if pending is None or pending.po_number != po_number:
            if not po_number or header_key(po_number) in _TOTAL_WORDS:
                self._row_without_po(row, cells)
                return
            if pending is not None:
                yield self._finish(pending)
            pending = self._pending = self._start(row, po_number)
        pending.last_row = row
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
                    return f"$.lines[{line}]" + _path_text(bound.column.path)
                return "$" + _path_text(bound.column.path)
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

    def _row_without_po(self, row: int, cells: Sequence[Cell]) -> None:
        values = [c for c in cells if c is not None and cell_text(c) != ""]
        if not values:
            return  # blank row
        if any(isinstance(c, str) and header_key(c) in _TOTAL_WORDS for c in values) or all(
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
                        path="$" + _path_text(bound.column.path),
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
                _set_path(line, path, value)
                record.setdefault(f"{base}.{path[0]}", (row, None))
            record[base + suffix] = (row, label)
        if "line_number" not in line:
            line["line_number"] = index + 1
        pending.lines.append(line)

    def _finish(self, pending: _Pending) -> RawDocument:
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
            _set_path(data, path, value)
            for parent in parents:
                record.setdefault(parent, (row, None))
            record[json_path] = (row, bound.label)
        data["lines"] = pending.lines
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
                    if not _has_path(line, column.path):
                        _set_path(line, column.path, value)
            elif not _has_path(data, column.path):
                _set_path(data, column.path, value)
        if self._field_defaults:
            _deep_merge_missing(data, self._field_defaults)

    def _inherit_currency(self, data: dict[str, Any]) -> None:
        """unit_cost_currency and total_cost_currency default to the PO currency."""
        currency = data.get("currency")
        if currency is None:
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
