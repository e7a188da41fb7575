"""The contract between wire formats and the rest of the pipeline.

A reader turns a partner's file into ``RawDocument``s: one per PO, each a plain dict in the
canonical JSON shape (see ``schemas/purchase_order.schema.json``) plus the provenance of its
values. Readers never build pydantic models themselves: ``orderport.validation.normalize``
validates every document against the published schema first, so every format gets the same
findings with the same paths, located in the partner's own file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO, Protocol

from orderport.errors import FatalForFileError
from orderport.model import Finding, Provenance, SourceLocation


class FormatError(FatalForFileError):
    """The file as a whole cannot be read (wrong format, broken envelope, unreadable bytes)."""

    def __init__(self, message: str, location: SourceLocation | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


@dataclass
class ReadSettings:
    """Per-partner knobs for reading; a partner profile fills these in."""

    encoding: str | None = None
    """None: detected (BOM, else UTF-8, else cp1252/latin-1 with a finding)."""
    fallback_encoding: str | None = None
    delimiter: str | None = None
    decimal_comma: bool | None = None
    """None: decided from the file's numbers ("12,50" vs "12.50")."""
    date_formats: tuple[str, ...] = ()
    """Empty: ISO, then day/month order decided from all the file's dates, then text months."""
    sheet_date_formats: tuple[str, ...] = ()
    """Formats of dates typed as text in workbooks; empty: ``date_formats``."""
    column_aliases: dict[str, str] = field(default_factory=dict)
    ignore_columns: tuple[str, ...] = ()
    """Header texts of columns to skip silently."""
    totals_labels: tuple[str, ...] = ()
    """Extra labels (besides Total, Subtotal, Grand total, Summe ...) that mark a totals row."""
    sheets: tuple[str, ...] = ()
    variant: str | None = None
    """Pins a format's variant (e.g. the JSON shape) instead of detecting it."""
    defaults: dict[str, Any] = field(default_factory=dict)
    """Values used when the file leaves them out, keyed by canonical field (e.g. ``ship_to``)."""
    expected_sender: str | None = None
    """The partner's EDI interchange id: EVERY ISA06 / UNB sender in the file must be this one
    (a file may hold several interchanges). ``None`` checks nothing."""


@dataclass
class RawDocument:
    """One PO as read from the file, before validation."""

    data: dict[str, Any]
    provenance: Provenance
    findings: list[Finding] = field(default_factory=list)
    reference: str | None = None
    """Where the PO sits in its file for acknowledgments (e.g. the X12 ST02 control number)."""
    merge: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    """For change documents that carry only the changes (X12 860): the pipeline loads the stored
    PO's current canonical document, calls ``merge(stored)`` and validates the result as ``data``.
    ``data`` then holds at least ``po_number`` and ``purpose``."""


class Reader(Protocol):
    """A wire format: recognise it by content, then stream its POs."""

    name: str

    def sniff(self, head: bytes, filename: str) -> bool:
        """True when the first bytes of the file look like this format."""
        ...

    def read(
        self, stream: BinaryIO, filename: str, settings: ReadSettings
    ) -> Iterator[RawDocument]:
        """Yield one ``RawDocument`` per PO; ``FormatError`` when the file is unreadable."""
        ...
