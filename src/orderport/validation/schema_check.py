"""Validate a canonical document against the published schema and explain every error.

The validator (jsonschema-rs, formats checked) is compiled once per process, on first use.
A valid document costs one ``is_valid`` call; errors are only collected for invalid ones.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

import jsonschema_rs

from orderport.model.findings import Finding, Severity
from orderport.model.provenance import Provenance
from orderport.model.schema_export import purchase_order_schema
from orderport.model.types import (
    COUNTRY_PATTERN,
    CURRENCY_PATTERN,
    DATE_PATTERN,
    DATETIME_PATTERN,
    GTIN_PATTERN,
    IDENTIFIER_PATTERN,
    NON_NEGATIVE_DECIMAL_PATTERN,
)
from orderport.validation.paths import field_name, json_path

MAX_VALUE_CHARS = 60

_PATTERN_MEANINGS = {
    NON_NEGATIVE_DECIMAL_PATTERN: "a non-negative decimal number such as 12 or 12.50",
    DATE_PATTERN: "a date in the form YYYY-MM-DD",
    DATETIME_PATTERN: "a timestamp with seconds and a time zone, such as 2026-03-01T08:30:00Z",
    CURRENCY_PATTERN: "a 3-letter ISO 4217 currency code in capitals, such as USD",
    COUNTRY_PATTERN: "a 2-letter ISO 3166-1 country code in capitals, such as US",
    GTIN_PATTERN: "a GTIN of 8, 12, 13 or 14 digits",
    IDENTIFIER_PATTERN: "an identifier without control characters or blanks at either end",
}
_TEXT_FORM_KEYWORDS = frozenset({"pattern", "format"})
_FORMAT_MEANINGS = {
    "date": "a real calendar date in the form YYYY-MM-DD",
    "date-time": "a real timestamp such as 2026-03-01T08:30:00Z",
}
_TYPE_WORDS = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "object": "an object",
    "array": "a list",
    "null": "null",
}


@lru_cache(maxsize=1)
def schema_validator() -> jsonschema_rs.Validator:
    """The process-wide compiled validator of the published purchase-order schema."""
    return jsonschema_rs.validator_for(purchase_order_schema(), validate_formats=True)


def show_value(value: object) -> str:
    """A JSON rendering of a partner's value, cut short so messages stay readable."""
    text = _json_text(value)
    if len(text) > MAX_VALUE_CHARS:
        text = text[: MAX_VALUE_CHARS - 3] + "..."
    return text


def _json_text(value: object) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        return repr(value)


def schema_findings(data: object, provenance: Provenance | None = None) -> list[Finding]:
    """One finding per schema error in ``data``; an empty list when it is valid."""
    validator = schema_validator()
    try:
        if validator.is_valid(data):
            return []
    except ValueError as exc:
        # A reader put a Python object JSON cannot carry (a date, a set) into the document.
        return [
            Finding(
                code="schema.unsupported_value",
                severity=Severity.ERROR,
                path="$",
                message=f"the document holds a value JSON cannot carry ({exc})",
                location=provenance.locate("$") if provenance is not None else None,
            )
        ]
    findings: list[Finding] = []
    text_checked: set[str] = set()
    for error in validator.iter_errors(data):
        for keyword, path, message in _explain(error):
            if keyword in _TEXT_FORM_KEYWORDS:
                # Dates carry both a pattern and a format: one complaint per value is enough.
                if path in text_checked:
                    continue
                text_checked.add(path)
            location = provenance.locate(path) if provenance is not None else None
            findings.append(
                Finding(
                    code=f"schema.{keyword}",
                    severity=Severity.ERROR,
                    path=path,
                    message=message,
                    location=location,
                )
            )
    return findings


def _keyword(error: jsonschema_rs.ValidationError) -> str:
    return error.kind.name


def _explain(error: jsonschema_rs.ValidationError) -> Iterator[tuple[str, str, str]]:
    """(keyword, path, message) for one jsonschema-rs error, unwrapping ``anyOf [X, null]``."""
    keyword = _keyword(error)
    parts = list(error.instance_path)
    path = json_path(parts)
    kind = error.kind
    details: dict[str, Any] = kind.as_dict()
    name = field_name(path) if parts else "the document"
    value = error.instance

    if isinstance(kind, jsonschema_rs.ValidationErrorKind.AnyOf):
        real = [branch for branch in kind.context if not all(map(_is_null_branch, branch))]
        if len(real) == 1:
            # An optional field ("X or null") failed X: report X's own errors.
            for sub in real[0]:
                yield from _explain(sub)
            return
        yield keyword, path, f"{name}: {show_value(value)} is not any of the accepted forms"
        return
    if keyword == "required":
        missing = str(details.get("property", "")).strip('"')
        yield keyword, json_path([*parts, missing]), f"{missing} is required but missing"
        return
    if keyword == "additionalProperties":
        for extra in details.get("unexpected", []):
            yield (
                keyword,
                json_path([*parts, extra]),
                f"{extra} is not a known field here; check its spelling",
            )
        return
    yield keyword, path, f"{name}: {_expectation(keyword, details)}, got {show_value(value)}"


def _is_null_branch(error: jsonschema_rs.ValidationError) -> bool:
    return _keyword(error) == "type" and error.kind.as_dict().get("types") == ["null"]


def _expectation(keyword: str, details: dict[str, Any]) -> str:
    """What the schema expected, in a partner's words."""
    if keyword == "type":
        types = details.get("types") or []
        words = [_TYPE_WORDS.get(str(t), str(t)) for t in types if t != "null"]
        if words == ["a number", "text"]:
            return 'expected a number or a decimal string such as "12.50"'
        return "expected " + " or ".join(words or ["another type"])
    if keyword == "pattern":
        pattern = str(details.get("pattern", ""))
        return "expected " + _PATTERN_MEANINGS.get(pattern, f"text matching {pattern}")
    if keyword == "format":
        fmt = str(details.get("format", ""))
        return "expected " + _FORMAT_MEANINGS.get(fmt, f"a valid {fmt}")
    if keyword == "enum":
        options = ", ".join(_json_text(option) for option in details.get("options", []))
        return f"expected one of {options}"
    if keyword == "const":
        return f"expected {_json_text(details.get('expected_value'))}"
    limit = details.get("limit")
    limits = {
        "minimum": f"expected at least {limit}",
        "maximum": f"expected at most {limit}",
        "exclusiveMinimum": f"expected more than {limit}",
        "exclusiveMaximum": f"expected less than {limit}",
        "minLength": f"expected at least {limit} characters",
        "maxLength": f"expected at most {limit} characters",
        "minItems": f"expected at least {limit} entries",
        "maxItems": f"expected at most {limit} entries",
    }
    return limits.get(keyword, f"does not satisfy {keyword}")
