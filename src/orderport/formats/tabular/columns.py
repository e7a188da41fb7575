"""The canonical column table and matching a file's header row to it.

Partners may name columns in any case, spacing or punctuation ("Ship-To City") or map their own
names with column aliases; every header cell becomes a canonical column or an unknown one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Final

from orderport.formats.base import FormatError
from orderport.formats.tabular.vocabulary import IGNORE, lookup, vocabulary_key
from orderport.model import SourceLocation

Cell = str | int | float | bool | date | datetime | time | timedelta | None

# Kinds of column values.
TEXT: Final = "text"
IDENT: Final = "ident"  # identifiers: text, never 4500123456.0
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
    cols.append((f"{prefix}_location_id", (prefix, "location_id"), IDENT))
    return cols


def _party_columns(role: str) -> list[tuple[str, tuple[str, ...], str]]:
    return [
        (f"{role}_id", ("organisations", role, "id"), IDENT),
        (f"{role}_name", ("organisations", role, "name"), TEXT),
    ]


_PO_COLUMNS: list[tuple[str, tuple[str, ...], str]] = [
    ("po_number", ("po_number",), IDENT),
    ("purpose", ("purpose",), LOWER),
    ("external_id", ("external_id",), IDENT),
    ("original_po_number", ("original_po_number",), IDENT),
    ("uid", ("uid",), TEXT),
    ("customer_reference", ("customer_reference",), IDENT),
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
    ("line_number", ("line_number",), IDENT),
    ("sku", ("sku",), IDENT),
    ("buyer_sku", ("buyer_sku",), IDENT),
    ("vendor_sku", ("vendor_sku",), IDENT),
    ("gtin", ("gtin",), GTIN),
    ("atelier_code", ("atelier_code",), INTEGER),
    ("description", ("description",), TEXT),
    ("style_id", ("style_id",), IDENT),
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

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


@lru_cache(maxsize=16_384)
def header_key(text: str) -> str:
    """Case-, space- and punctuation-insensitive key: "Ship-To City" -> "shiptocity".

    Cached: the header search asks about every cell of a sheet's first rows, file after file."""
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
        out.setdefault(vocabulary_key(partner), target)
    return out


def match_header(cell: Cell, aliases: dict[str, str]) -> str | None:
    """The canonical column a header cell names, or None (vocabulary: its first candidate)."""
    found = classify_header(cell, aliases)
    if found is None or found[1] == IGNORE:
        return None
    return found[1]


def classify_header(cell: Cell, aliases: dict[str, str]) -> tuple[str, str, str] | None:
    """(how, column, wording) for a header cell: how is alias, canonical or vocabulary.

    ``column`` may be ``_ignore`` (recognised, not read) or, for vocabulary matches,
    several candidates joined by ``|``.
    """
    if not isinstance(cell, str):
        return None
    key = header_key(cell)
    if not key:
        return None
    alias = aliases.get(key) or aliases.get(vocabulary_key(cell))
    if alias is not None:
        return "alias", alias, cell
    canonical = _CANONICAL_KEYS.get(key)
    if canonical is not None:
        return "canonical", canonical, cell
    entry = lookup(cell)
    if entry is None:
        return None
    return "vocabulary", "|".join(entry.candidates), entry.wording


@dataclass(frozen=True, slots=True)
class BoundColumn:
    """A canonical column found in the file at ``index`` under the partner's ``label``."""

    index: int
    column: Column
    label: str


@dataclass(frozen=True, slots=True)
class Inferred:
    """A header matched through the vocabulary (reported so the operator can pin it)."""

    index: int
    label: str
    column: str
    wording: str


@dataclass(frozen=True, slots=True)
class Header:
    columns: list[BoundColumn]
    unknown: list[tuple[int, str]]
    row: int
    inferred: list[Inferred] = field(default_factory=list)
    ignored: list[tuple[int, str]] = field(default_factory=list)
    virtual_start: int | None = None
    """Columns from this index on hold PO values written above the table (form fields)."""


def bind_header(
    cells: Sequence[Cell],
    row: int,
    aliases: dict[str, str],
    label_for: Callable[[int, str], str] | None = None,
    filename: str | None = None,
    *,
    ignore: frozenset[str] = frozenset(),
    require_po_number: bool = True,
) -> Header:
    """Map the header cells to canonical columns.

    Exact names and the partner's aliases bind first; vocabulary matches then take their first
    candidate column that is still free (a second header for a taken column is ignored with a
    note). ``ignore`` holds header keys the partner wants skipped. ``label_for(index, text)``
    gives the column label shown to partners (XLSX: "C (Qty)"); by default the header text.
    """
    unknown: list[tuple[int, str]] = []
    ignored: list[tuple[int, str]] = []
    exact: list[tuple[int, str, str]] = []
    loose: list[tuple[int, str, tuple[str, ...], str]] = []
    for index, cell in enumerate(cells):
        text = "" if cell is None else str(cell).strip()
        if not text:
            continue
        label = label_for(index, text) if label_for else text
        if header_key(text) in ignore or vocabulary_key(text) in ignore:
            ignored.append((index, label))
            continue
        found = classify_header(text, aliases)
        if found is None:
            unknown.append((index, label))
            continue
        how, column, wording = found
        if how == "vocabulary":
            candidates = tuple(column.split("|"))
            if candidates == (IGNORE,):
                ignored.append((index, label))
            else:
                loose.append((index, label, candidates, wording))
        else:
            exact.append((index, label, column))
    seen: dict[str, BoundColumn] = {}
    for index, label, name in exact:
        if name in seen:
            raise FormatError(
                f"columns {seen[name].label!r} and {label!r} both map to {name!r}; "
                "remove one or fix the column aliases",
                SourceLocation(file=filename, row=row, column=label),
            )
        seen[name] = BoundColumn(index, COLUMNS[name], label)
    inferred: list[Inferred] = []
    # Single-candidate words first, so "Material" takes buyer_sku before SAP's "Item" decides.
    for index, label, candidates, wording in sorted(loose, key=lambda x: (len(x[2]) > 1, x[0])):
        if not require_po_number and len(candidates) > 1:
            candidates = tuple(c for c in candidates if c != "po_number")
        free = next((c for c in candidates if c not in seen), None)
        if free is None:
            ignored.append((index, label))
            continue
        name = free
        seen[name] = BoundColumn(index, COLUMNS[name], label)
        inferred.append(Inferred(index, label, name, wording))
    if require_po_number and "po_number" not in seen:
        raise FormatError(
            "no po_number column in the header (name one 'po_number', e.g. 'PO Number', "
            "or add a column alias)",
            SourceLocation(file=filename, row=row),
        )
    bound = sorted(seen.values(), key=lambda b: b.index)
    return Header(bound, unknown, row, sorted(inferred, key=lambda i: i.index), sorted(ignored))
