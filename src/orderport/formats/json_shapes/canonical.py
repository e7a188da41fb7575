"""Our own canonical PurchaseOrder JSON: passed through as it is, with a pointer for every value.

It has no input schema of its own: ``orderport.validation.normalize`` validates it against the
published canonical schema. Non-integral numbers arrive as Decimal and leave as plain decimal
strings, so no amount ever goes through a float.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from orderport.formats.base import ReadSettings
from orderport.formats.json_shapes.emit import Emitter, plain_decimal, pointer_token


def map_canonical(doc: dict[str, Any], em: Emitter, settings: ReadSettings) -> dict[str, Any]:
    return {key: _walk(item, f"$.{key}", f"/{pointer_token(key)}", em) for key, item in doc.items()}


def _walk(value: object, path: str, pointer: str, em: Emitter) -> object:
    em.record(path, pointer)
    if isinstance(value, dict):
        return {
            key: _walk(item, f"{path}.{key}", f"{pointer}/{pointer_token(key)}", em)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [
            _walk(item, f"{path}[{index}]", f"{pointer}/{index}", em)
            for index, item in enumerate(value)
        ]
    if isinstance(value, Decimal):
        return plain_decimal(value)
    return value
