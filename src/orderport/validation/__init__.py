"""Validation: the published JSON Schema, then the model, then the business rules.

Nothing here raises on bad partner data; every problem is a ``Finding``.
"""

from orderport.validation.gtin import gs1_check_digit, gtin_problem, is_valid_gtin
from orderport.validation.normalize import (
    JsonPointerProvenance,
    normalize,
    validate_json_bytes,
    validate_po,
)
from orderport.validation.rules import RULES
from orderport.validation.schema_check import schema_findings, schema_validator

__all__ = [
    "RULES",
    "JsonPointerProvenance",
    "gs1_check_digit",
    "gtin_problem",
    "is_valid_gtin",
    "normalize",
    "schema_findings",
    "schema_validator",
    "validate_json_bytes",
    "validate_po",
]
