"""Inbound status updates (warehouses) and booking updates (carriers) as CSV or JSON files.

Both formats become the published document shape first (``{"events": [...]}`` /
``{"bookings": [...]}``) with a provenance map, are validated against the published schema, and
only entries without errors become models. Every finding points into the partner's file: row
and column for CSV, a JSON pointer for JSON. A file that cannot be read at all raises
``FormatError``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import jsonschema_rs
from pydantic import BaseModel, ValidationError

from orderport.formats.base import FormatError
from orderport.formats.status_files.layout import (
    EQUIPMENT_COUNT_SEPARATOR,
    LIST_SEPARATOR,
    STATUS_COLUMNS,
    STATUS_EVENT_COLUMNS,
    STATUS_LINE_COLUMNS,
)
from orderport.formats.status_files.schema_export import booking_validator, status_validator
from orderport.model import Finding, Provenance, Severity, SourceLocation
from orderport.model.tracking import UNLOCODE_OR_IATA, Booking, StatusEvent
from orderport.model.types import DATETIME_PATTERN, IDENTIFIER_PATTERN, NON_NEGATIVE_DECIMAL_PATTERN
from orderport.validation.paths import json_path, path_parts, pointer_of

_PATTERN_MEANINGS = {
    DATETIME_PATTERN: "a timestamp with seconds and a time zone, such as 2026-03-01T08:30:00Z",
    NON_NEGATIVE_DECIMAL_PATTERN: "a non-negative decimal number such as 12 or 12.50",
    UNLOCODE_OR_IATA: "a UN/LOCODE such as USLAX or an IATA airport code such as LAX",
    IDENTIFIER_PATTERN: "an identifier without control characters or blanks at either end",
}
_NOT_INBOUND = ("partner_code", "event_id", "version")
"""Outbound-only fields: accepted in a file (a partner may echo ours back) and ignored."""


@dataclass
class StatusFile:
    """The valid events of a status file, each with its path, and the findings of the rest."""

    events: list[tuple[str, StatusEvent]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    provenance: Provenance = field(default_factory=Provenance)


@dataclass
class BookingFile:
    bookings: list[tuple[str, Booking]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    provenance: Provenance = field(default_factory=Provenance)


def read_status_file(
    data: bytes, filename: str, *, partner_codes: Mapping[str, str] | None = None
) -> StatusFile:
    """Events from a CSV or JSON status update; ``partner_codes`` maps their codes to ours."""
    document, provenance = _document(data, filename, "events", _status_rows)
    reverse = {theirs: ours for ours, theirs in (partner_codes or {}).items()}
    for entry in document.get("events") or []:
        if isinstance(entry, dict) and entry.get("code") in reverse:
            entry["code"] = reverse[entry["code"]]
    result = StatusFile(provenance=provenance)
    for path, model in _validated(document, "events", status_validator(), StatusEvent, result):
        assert isinstance(model, StatusEvent)
        result.events.append((path, model))
    return result


def read_booking_file(data: bytes, filename: str) -> BookingFile:
    """Bookings from a CSV or JSON booking update."""
    document, provenance = _document(data, filename, "bookings", _booking_rows)
    result = BookingFile(provenance=provenance)
    for path, model in _validated(document, "bookings", booking_validator(), Booking, result):
        assert isinstance(model, Booking)
        result.bookings.append((path, model))
    return result


# --------------------------------------------------------------------------- documents


def _document(
    data: bytes,
    filename: str,
    key: str,
    from_rows: Callable[[list[dict[str, str]], list[int], Provenance], list[dict[str, Any]]],
) -> tuple[dict[str, Any], Provenance]:
    provenance = Provenance(file=filename)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FormatError(
            f"not UTF-8 text (byte {exc.start}); save the file as UTF-8",
            SourceLocation(file=filename),
        ) from None
    if text.lstrip().startswith(("{", "[")):
        return _json_document(text, filename, key), _PointerProvenance(file=filename)
    rows, row_numbers = _csv_rows(text, filename)
    return {"document_type": _DOCUMENT_TYPES[key], key: from_rows(rows, row_numbers, provenance)}, (
        provenance
    )


_DOCUMENT_TYPES = {"events": "order_status", "bookings": "booking_confirmation"}


class _PointerProvenance(Provenance):
    """JSON inputs: the path itself says where, as a JSON pointer."""

    def locate(self, path: str) -> SourceLocation | None:
        try:
            parts = path_parts(path)
        except ValueError:
            parts = []
        pointer = pointer_of(parts)
        return SourceLocation(file=self.file, pointer=pointer or "/")


def _json_document(text: str, filename: str, key: str) -> dict[str, Any]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FormatError(
            f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}",
            SourceLocation(file=filename, row=exc.lineno),
        ) from None
    if isinstance(document, dict) and "document_type" not in document and key not in document:
        document = [document]  # one bare event or booking
    if isinstance(document, list):
        document = {"document_type": _DOCUMENT_TYPES[key], key: document}
    if not isinstance(document, dict):
        raise FormatError(f"expected a JSON object with {key!r}", SourceLocation(file=filename))
    return document


def _csv_rows(text: str, filename: str) -> tuple[list[dict[str, str]], list[int]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise FormatError("the file is empty", SourceLocation(file=filename)) from None
    header = [h.strip() for h in header]
    rows: list[dict[str, str]] = []
    numbers: list[int] = []
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(header):
            raise FormatError(
                f"{len(cells)} cells but the header has {len(header)}",
                SourceLocation(file=filename, row=number),
            )
        rows.append({h: c.strip() for h, c in zip(header, cells, strict=False) if c.strip()})
        numbers.append(number)
    return rows, numbers


def _unknown_columns(rows: list[dict[str, str]], known: tuple[str, ...]) -> set[str]:
    return {column for row in rows for column in row} - set(known)


def _status_rows(
    rows: list[dict[str, str]], numbers: list[int], provenance: Provenance
) -> list[dict[str, Any]]:
    """Consecutive rows of the same event (same event columns) become one event with lines."""
    events: list[dict[str, Any]] = []
    last_key: tuple[str, ...] | None = None
    for row, number in zip(rows, numbers, strict=True):
        key = tuple(row.get(c, "") for c in STATUS_EVENT_COLUMNS)
        has_line = any(c in row for c in STATUS_LINE_COLUMNS)
        if key != last_key or not has_line:
            event: dict[str, Any] = {
                c: row[c] for c in STATUS_EVENT_COLUMNS if c in row and c not in _NOT_INBOUND
            }
            for extra in sorted(set(row) - set(STATUS_COLUMNS)):
                event[extra] = row[extra]
            index = len(events)
            events.append(event)
            provenance.record(f"$.events[{index}]", SourceLocation(row=number))
            for column in row:
                provenance.record(
                    json_path(["events", index, column]), SourceLocation(row=number, column=column)
                )
            last_key = key if has_line else None
        if has_line:
            index = len(events) - 1
            lines = events[index].setdefault("lines", [])
            position = len(lines)
            line: dict[str, Any] = {c: row[c] for c in STATUS_LINE_COLUMNS if c in row}
            if "line_number" in line:
                line["line_number"] = str(line["line_number"]).strip()  # kept as sent
            lines.append(line)
            provenance.record(
                json_path(["events", index, "lines", position]), SourceLocation(row=number)
            )
            for column in line:
                provenance.record(
                    json_path(["events", index, "lines", position, column]),
                    SourceLocation(row=number, column=column),
                )
    return events


def _booking_rows(
    rows: list[dict[str, str]], numbers: list[int], provenance: Provenance
) -> list[dict[str, Any]]:
    bookings: list[dict[str, Any]] = []
    for index, (row, number) in enumerate(zip(rows, numbers, strict=True)):
        booking: dict[str, Any] = {}
        for column, value in row.items():
            if column in _NOT_INBOUND:
                continue
            if column == "equipment":
                booking[column] = [_equipment(part) for part in _split(value)]
            elif column in ("purchase_orders", "fulfillment_orders"):
                booking[column] = _split(value)
            else:
                booking[column] = value
            provenance.record(
                json_path(["bookings", index, column]), SourceLocation(row=number, column=column)
            )
        provenance.record(f"$.bookings[{index}]", SourceLocation(row=number))
        bookings.append(booking)
    return bookings


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(LIST_SEPARATOR) if part.strip()]


def _equipment(text: str) -> dict[str, Any] | str:
    kind, sep, count = text.rpartition(EQUIPMENT_COUNT_SEPARATOR)
    if not sep or not kind:
        return {"type": text, "count": 1}
    return {"type": kind, "count": _integer(count)}


def _integer(text: str) -> int | str:
    """Whole numbers become ints; anything else stays text so the schema names the problem."""
    return int(text) if text.isascii() and text.isdigit() else text


# --------------------------------------------------------------------------- validation


def _validated(
    document: dict[str, Any],
    key: str,
    validator: jsonschema_rs.Validator,
    model: type[BaseModel],
    result: StatusFile | BookingFile,
) -> list[tuple[str, BaseModel]]:
    """Models for the entries without findings; findings for the rest and for the envelope."""
    bad_entries: set[int] = set()
    text_checked: set[str] = set()
    for error in validator.iter_errors(document):
        parts = list(error.instance_path)
        path = json_path(parts)
        keyword = error.kind.name
        if len(parts) >= 2 and parts[0] == key and isinstance(parts[1], int):
            bad_entries.add(parts[1])
        if keyword in ("pattern", "format"):
            if path in text_checked:
                continue  # timestamps carry both; one complaint per value
            text_checked.add(path)
        message = _PATTERN_MEANINGS.get(str(error.kind.as_dict().get("pattern")))
        if message is not None:
            message = f"{json.dumps(error.instance, ensure_ascii=False)[:60]} is not {message}"
        result.findings.append(
            _finding(f"schema.{keyword}", path, message or error.message, result)
        )
    entries = document.get(key)
    if not isinstance(entries, list):
        return []
    models: list[tuple[str, BaseModel]] = []
    for index, entry in enumerate(entries):
        if index in bad_entries or not isinstance(entry, dict):
            continue
        path = json_path([key, index])
        inbound = {k: v for k, v in entry.items() if k not in _NOT_INBOUND}
        try:
            models.append((path, model.model_validate_json(json.dumps(inbound))))
        except ValidationError as exc:
            for problem in exc.errors():
                where = json_path([key, index, *problem["loc"]])
                result.findings.append(_finding("model.invalid", where, problem["msg"], result))
    return models


def _finding(code: str, path: str, message: str, result: StatusFile | BookingFile) -> Finding:
    return Finding(
        code=code,
        severity=Severity.ERROR,
        path=path,
        message=message,
        location=result.provenance.locate(path),
    )
