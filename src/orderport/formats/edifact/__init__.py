"""EDIFACT: ORDERS (D96A, D01B, ...) in, CONTRL out.

Intake: ``READER`` (the registry's reader) or, when the CONTRL is wanted,
``read_interchange(stream, filename, settings, report)``: after the iterator is exhausted (or
raised ``EdifactSyntaxError``) ``report.interchange``, ``report.messages`` and ``report.error``
feed ``build_contrl(report.interchange, report.messages, control_ref=..., now=...,
interchange_error=report.error)``.
"""

from orderport.formats.edifact.contrl import build_contrl
from orderport.formats.edifact.envelope import (
    EdifactSyntaxError,
    ElementError,
    GroupInfo,
    InterchangeInfo,
    InterchangeReport,
    MessageResult,
    SegmentError,
    SyntaxIssue,
    interchange_key,
)
from orderport.formats.edifact.reader import READER, EdifactOrdersReader, read_interchange
from orderport.formats.edifact.syntax import Delimiters, Segment, tokenize

__all__ = [
    "READER",
    "Delimiters",
    "EdifactOrdersReader",
    "EdifactSyntaxError",
    "ElementError",
    "GroupInfo",
    "InterchangeInfo",
    "InterchangeReport",
    "MessageResult",
    "Segment",
    "SegmentError",
    "SyntaxIssue",
    "build_contrl",
    "interchange_key",
    "read_interchange",
    "tokenize",
]
