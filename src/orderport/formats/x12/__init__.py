"""X12 004010 / 005010: 850 and 860 in, 997 out.

Intake: ``READER.read(stream, filename, settings)`` yields one ``RawDocument`` per 850/860;
``READER.read_with_receipt(..., receipt)`` does the same and fills an ``X12Receipt`` whose
``interchanges`` feed ``build_997``. ``interchange_key(head)`` identifies a resent interchange.
"""

from orderport.formats.x12.ack997 import build_997
from orderport.formats.x12.reader import READER, X12Reader
from orderport.formats.x12.results import (
    ElementError,
    GroupResult,
    InterchangeInfo,
    InterchangeResult,
    SegmentError,
    SetResult,
    X12Receipt,
)
from orderport.formats.x12.strict import StrictX12Error, parse_strict
from orderport.formats.x12.tokenizer import Separators, interchange_key

__all__ = [
    "READER",
    "ElementError",
    "GroupResult",
    "InterchangeInfo",
    "InterchangeResult",
    "SegmentError",
    "Separators",
    "SetResult",
    "StrictX12Error",
    "X12Reader",
    "X12Receipt",
    "build_997",
    "interchange_key",
    "parse_strict",
]
