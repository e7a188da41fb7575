"""Outbound writers by name: what a partner profile's ``outbound`` formats refer to.

Our CSV and JSON writers are always here; the EDI writers live in the X12 and EDIFACT packages
and are imported on first use, so a missing or broken EDI module only affects the partners
that chose it (``WriterUnavailable``), never the others.
"""

from __future__ import annotations

import importlib
from typing import cast

from orderport.formats.outbound import BookingWriter, Envelope, StatusWriter
from orderport.formats.status_files import BOOKING_CSV, BOOKING_JSON, STATUS_CSV, STATUS_JSON
from orderport.model.tracking import StatusCode


class WriterUnavailable(LookupError):
    """The format name is unknown, or its module cannot be imported."""


_LAZY_STATUS = {
    "x12_855": ("orderport.formats.x12.outbound", "X12_855"),
    "x12_856": ("orderport.formats.x12.outbound", "X12_856"),
    "edifact_ordrsp": ("orderport.formats.edifact.outbound", "ORDRSP"),
    "edifact_desadv": ("orderport.formats.edifact.outbound", "DESADV"),
}
_LAZY_BOOKING = {
    "x12_301": ("orderport.formats.x12.outbound", "X12_301"),
    "edifact_iftmbc": ("orderport.formats.edifact.outbound", "IFTMBC"),
}
_STATUS: dict[str, StatusWriter] = {"csv": STATUS_CSV, "json": STATUS_JSON}
_BOOKING: dict[str, BookingWriter] = {"csv": BOOKING_CSV, "json": BOOKING_JSON}

STATUS_FORMATS = tuple(sorted([*_STATUS, *_LAZY_STATUS]))
BOOKING_FORMATS = tuple(sorted([*_BOOKING, *_LAZY_BOOKING]))

ACKNOWLEDGMENT_CODES = frozenset(
    {
        StatusCode.RECEIVED,
        StatusCode.ACCEPTED,
        StatusCode.REJECTED,
        StatusCode.ON_HOLD,
        StatusCode.CANCELED,
    }
)
SHIPMENT_CODES = frozenset({StatusCode.SHIPPED})
CODES_FOR_FORMAT: dict[str, frozenset[StatusCode]] = {
    "x12_855": ACKNOWLEDGMENT_CODES,
    "edifact_ordrsp": ACKNOWLEDGMENT_CODES,
    "x12_856": SHIPMENT_CODES,
    "edifact_desadv": SHIPMENT_CODES,
}
"""The events a document type carries when its writer does not say (``codes``): 855/ORDRSP
answer the order, 856/DESADV a shipment. CSV and JSON carry every event."""


def envelope_of(fmt: str) -> Envelope | None:
    """The envelope ``fmt`` files travel in, as its writer declares (None for CSV/JSON)."""
    writer: StatusWriter | BookingWriter = (
        status_writer(fmt) if fmt in STATUS_FORMATS else booking_writer(fmt)
    )
    return writer.envelope


def carries(fmt: str, code: StatusCode) -> bool:
    """Whether status files of format ``fmt`` include events with ``code``.

    A writer that declares its ``codes`` (the X12 writers do) is believed; otherwise the
    document type decides (``CODES_FOR_FORMAT``); CSV and JSON carry everything.
    """
    declared = getattr(status_writer(fmt), "codes", None)
    allowed = declared if isinstance(declared, frozenset) else CODES_FOR_FORMAT.get(fmt)
    return allowed is None or code in allowed


def _load(fmt: str, where: tuple[str, str]) -> object:
    module_name, attribute = where
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise WriterUnavailable(f"format {fmt}: cannot import {module_name} ({exc})") from exc
    try:
        return getattr(module, attribute)
    except AttributeError:
        raise WriterUnavailable(f"format {fmt}: {module_name} has no {attribute}") from None


def status_writer(fmt: str) -> StatusWriter:
    """The writer of status files in format ``fmt`` (``csv``, ``json``, ``x12_855``...)."""
    if fmt in _STATUS:
        return _STATUS[fmt]
    if fmt not in _LAZY_STATUS:
        known = ", ".join(STATUS_FORMATS)
        raise WriterUnavailable(f"unknown status format {fmt!r}; known: {known}")
    writer = cast(StatusWriter, _load(fmt, _LAZY_STATUS[fmt]))
    _STATUS[fmt] = writer
    return writer


def booking_writer(fmt: str) -> BookingWriter:
    """The writer of booking files in format ``fmt`` (``csv``, ``json``, ``x12_301``...)."""
    if fmt in _BOOKING:
        return _BOOKING[fmt]
    if fmt not in _LAZY_BOOKING:
        known = ", ".join(BOOKING_FORMATS)
        raise WriterUnavailable(f"unknown booking format {fmt!r}; known: {known}")
    writer = cast(BookingWriter, _load(fmt, _LAZY_BOOKING[fmt]))
    _BOOKING[fmt] = writer
    return writer


def available(fmt: str) -> bool:
    """Whether ``fmt`` can be rendered now (its EDI module is installed)."""
    try:
        if fmt in STATUS_FORMATS:
            status_writer(fmt)
        else:
            booking_writer(fmt)
    except WriterUnavailable:
        return False
    return True
