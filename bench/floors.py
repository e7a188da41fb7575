"""The floors: the least work that moves the same data, on the same files (issues 8, 16).

- CSV -> PostgreSQL: ``pandas.read_csv`` of the file (every column as text) plus binary COPY of
  the same rows into the same tables: one ``purchase_orders`` and one ``po_versions`` row per PO
  (the version's document is a minimal JSON object; building the real one is our work, not the
  floor's) and one ``po_lines`` row per line.
- CSV -> SQLite: the same read, the same rows, with ``executemany`` (SQLite has no COPY).
- XLSX: the bare python-calamine read of the sheet, row by row (``iter_rows``, as our reader).
- X12: a bare split of the file on its segment terminator and element separator.
- JSON: ``json.loads`` of the file (stdlib) plus the same COPY / executemany as the CSV floor.
- Many small files: each small CSV read with the stdlib ``csv`` module, then one COPY /
  executemany of all their rows.
- JSON Schema: validating every PO document with the reference ``jsonschema`` validator, next to
  our compiled validator (``orderport.validation.schema_check.schema_validator``) on the same
  documents.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

PARTNER = "bench"


def _po_groups(numbers: list[str]) -> Iterator[tuple[str, list[int]]]:
    """(po_number, row indexes) for contiguous runs of one PO number."""
    start = 0
    for index in range(1, len(numbers) + 1):
        if index == len(numbers) or numbers[index] != numbers[start]:
            yield numbers[start], list(range(start, index))
            start = index


Rows = tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], int]


def _rows_from_columns(columns: dict[str, list[str]], first_id: int = 1) -> Rows:
    """(po rows, line rows, lines) of CSV-shaped columns, as the floor writes them."""
    now = datetime.now(UTC)
    heads: list[tuple[Any, ...]] = []
    lines: list[tuple[Any, ...]] = []
    sku, gtin, desc = columns["sku"], columns["gtin"], columns["description"]
    qty, uom, cost = columns["quantity"], columns["uom"], columns["unit_cost"]
    buyer_sku, currency, line_number = (
        columns["buyer_sku"],
        columns["currency"],
        columns["line_number"],
    )
    for po_id, (number, rows) in enumerate(_po_groups(columns["po_number"]), start=first_id):
        heads.append((po_id, PARTNER, number, "needs_approval", 1, "0" * 64, now, now))
        for position, i in enumerate(rows, start=1):
            lines.append(
                (
                    po_id,
                    1,
                    position,
                    line_number[i],  # text since migration 0007
                    sku[i],
                    buyer_sku[i],
                    None,
                    gtin[i],
                    desc[i],
                    Decimal(qty[i]),
                    uom[i],
                    Decimal(cost[i]),
                    currency[i],
                    None,
                )
            )
    return heads, lines, len(columns["po_number"])


def _floor_rows(path: Path) -> Rows:
    """(po rows, line rows, lines) of the CSV read with pandas (every column as text)."""
    import pandas  # type: ignore[import-untyped]

    frame = pandas.read_csv(path, dtype=str, keep_default_na=False)
    return _rows_from_columns({name: frame[name].tolist() for name in frame.columns})


def _csv_files_rows(paths: list[Path]) -> Rows:
    """The same rows from many small CSV files, each read with the stdlib ``csv`` module."""
    import csv

    heads: list[tuple[Any, ...]] = []
    lines: list[tuple[Any, ...]] = []
    count = 0
    for path in paths:
        with path.open(newline="", encoding="utf-8") as stream:
            reader = csv.reader(stream)
            header = next(reader)
            records = list(reader)
        columns = {name: [r[i] for r in records] for i, name in enumerate(header)}
        more_heads, more_lines, more = _rows_from_columns(columns, first_id=len(heads) + 1)
        heads += more_heads
        lines += more_lines
        count += more
    return heads, lines, count


def _json_rows(path: Path) -> Rows:
    """The same rows from ``json.loads`` of the canonical JSON file."""
    documents = json.loads(path.read_bytes())
    columns: dict[str, list[str]] = {
        name: []
        for name in ("po_number", "sku", "gtin", "description", "quantity", "uom", "unit_cost",
                     "buyer_sku", "currency", "line_number")
    }  # fmt: skip
    for po in documents:
        for line in po["lines"]:
            columns["po_number"].append(po["po_number"])
            columns["currency"].append(po["currency"])
            columns["unit_cost"].append(line["unit_cost"]["amount"])
            for name in ("sku", "gtin", "description", "quantity", "uom", "buyer_sku"):
                columns[name].append(line[name])
            columns["line_number"].append(str(line["line_number"]))
    return _rows_from_columns(columns)


_LINE_COLUMNS = (
    "po_id, version, position, line_number, sku, buyer_sku, vendor_sku, gtin, description, "
    "quantity, uom, unit_cost, currency, requested_delivery_date"
)
_LINE_TYPES = [
    "int8", "int4", "int4", "varchar", "varchar", "varchar", "varchar", "varchar", "text",
    "numeric", "varchar", "numeric", "varchar", "date",
]  # fmt: skip
_HEAD_COLUMNS = (
    "id, partner_id, po_number, status, current_version, content_hash, created_at, updated_at"
)
_HEAD_TYPES = [
    "int8",
    "varchar",
    "varchar",
    "varchar",
    "int4",
    "varchar",
    "timestamptz",
    "timestamptz",
]
_VERSION_COLUMNS = "po_id, version, purpose, document, content_hash, created_at"
_VERSION_TYPES = ["int8", "int4", "varchar", "jsonb", "varchar", "timestamptz"]


def csv_postgresql(path: Path, url: str) -> int:
    """pandas.read_csv + binary COPY into purchase_orders, po_versions, po_lines; the lines."""
    return copy_rows(_floor_rows(path), url)


def csv_sqlite(path: Path, database: Path) -> int:
    """pandas.read_csv + executemany of the same rows into the same SQLite tables; the lines."""
    return insert_rows(_floor_rows(path), database)


def json_postgresql(path: Path, url: str) -> int:
    """``json.loads`` + the same COPY as the CSV floor; the lines."""
    return copy_rows(_json_rows(path), url)


def json_sqlite(path: Path, database: Path) -> int:
    """``json.loads`` + the same executemany as the CSV floor; the lines."""
    return insert_rows(_json_rows(path), database)


def small_postgresql(paths: list[Path], url: str) -> int:
    """Each small CSV read with ``csv`` + one COPY of all their rows; the lines."""
    return copy_rows(_csv_files_rows(paths), url)


def small_sqlite(paths: list[Path], database: Path) -> int:
    """Each small CSV read with ``csv`` + one executemany of all their rows; the lines."""
    return insert_rows(_csv_files_rows(paths), database)


def copy_rows(rows: Rows, url: str) -> int:
    """Binary COPY of the floor's rows into purchase_orders, po_versions, po_lines."""
    import psycopg
    from psycopg.types.json import Jsonb

    heads, lines, count = rows
    with psycopg.connect(url) as conn, conn.cursor() as cursor:
        with cursor.copy(
            f"COPY purchase_orders ({_HEAD_COLUMNS}) FROM STDIN (FORMAT BINARY)"
        ) as cp:
            cp.set_types(_HEAD_TYPES)
            for head in heads:
                cp.write_row(head)
        with cursor.copy(f"COPY po_versions ({_VERSION_COLUMNS}) FROM STDIN (FORMAT BINARY)") as cp:
            cp.set_types(_VERSION_TYPES)
            for head in heads:
                cp.write_row(
                    (head[0], 1, "original", Jsonb({"po_number": head[2]}), head[5], head[6])
                )
        with cursor.copy(f"COPY po_lines ({_LINE_COLUMNS}) FROM STDIN (FORMAT BINARY)") as cp:
            cp.set_types(_LINE_TYPES)
            for line in lines:
                cp.write_row(line)
    return count


def insert_rows(rows: Rows, database: Path) -> int:
    """executemany of the floor's rows into the same SQLite tables."""
    heads, lines, count = rows
    conn = sqlite3.connect(database)
    try:
        with conn:
            conn.executemany(
                f"INSERT INTO purchase_orders ({_HEAD_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(*h[:6], h[6].isoformat(), h[7].isoformat()) for h in heads],
            )
            conn.executemany(
                f"INSERT INTO po_versions ({_VERSION_COLUMNS}) VALUES (?, 1, 'original', ?, ?, ?)",
                [(h[0], json.dumps({"po_number": h[2]}), h[5], h[6].isoformat()) for h in heads],
            )
            conn.executemany(
                f"INSERT INTO po_lines ({_LINE_COLUMNS}) VALUES ({', '.join('?' * 14)})",
                [(*ln[:9], str(ln[9]), ln[10], str(ln[11]), *ln[12:]) for ln in lines],
            )
    finally:
        conn.close()
    return count


def xlsx(path: Path) -> int:
    """The bare python-calamine read of the first sheet; the data rows."""
    import python_calamine

    workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    rows = sum(1 for _ in workbook.get_sheet_by_index(0).iter_rows())
    return rows - 1


def x12(path: Path) -> int:
    """A bare split on the ISA's terminator and element separator; the bytes read."""
    data = path.read_bytes()
    text = data.decode("ascii")
    element, terminator = text[3], text[105]
    count = 0
    for segment in text.split(terminator):
        count += len(segment.strip().split(element))
    assert count > 0
    return len(data)


def json_file(path: Path) -> int:
    """``json.loads`` of the file; the lines of its POs."""
    documents = json.loads(path.read_bytes())
    return sum(len(po["lines"]) for po in documents)


def schema_documents(path: Path) -> list[dict[str, Any]]:
    """The canonical JSON file's PO documents (the JSON Schema line validates these)."""
    documents: list[dict[str, Any]] = json.loads(path.read_bytes())
    return documents


def reference_validator() -> Callable[[Any], bool]:
    """The reference ``jsonschema`` validator of the published schema, format checks on."""
    import jsonschema

    from orderport.model.schema_export import purchase_order_schema

    schema = purchase_order_schema()
    cls = jsonschema.validators.validator_for(schema)
    checker: Callable[[Any], bool] = cls(schema, format_checker=cls.FORMAT_CHECKER).is_valid
    return checker


def our_validator() -> Callable[[Any], bool]:
    """The compiled validator ``orderport.validation`` uses on the hot path."""
    from orderport.validation.schema_check import schema_validator

    checker: Callable[[Any], bool] = schema_validator().is_valid
    return checker
