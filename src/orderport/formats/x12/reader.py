"""The X12 reader: 850 and 860 in, one ``RawDocument`` per transaction set, streamed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from orderport.formats.base import FormatError, RawDocument, ReadSettings
from orderport.formats.x12 import results as r
from orderport.formats.x12.context import SetContext
from orderport.formats.x12.envelope import TransactionSet, iter_transaction_sets
from orderport.formats.x12.po850 import map_850
from orderport.formats.x12.po860 import make_merge, map_860
from orderport.formats.x12.results import X12Receipt
from orderport.formats.x12.tokenizer import SegmentStream, split_isa

SUPPORTED_SETS = ("850", "860")
DEFAULT_CURRENCY = "USD"
"""Used for prices when the 850 has no CUR and the partner profile sets no ``currency``
default: X12 without CUR means the trading partners' agreed currency, US dollars for most."""


class X12Reader:
    """Reads X12 004010 / 005010 interchanges holding 850 and 860 transaction sets."""

    name = "x12"

    def sniff(self, head: bytes, filename: str) -> bool:
        text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        if not text.startswith(b"ISA"):
            return False
        try:
            split_isa(text.decode("latin-1"), filename)
        except FormatError:
            return False
        return True

    def read(
        self, stream: BinaryIO, filename: str, settings: ReadSettings
    ) -> Iterator[RawDocument]:
        return self.read_with_receipt(stream, filename, settings, X12Receipt())

    def read_with_receipt(
        self, stream: BinaryIO, filename: str, settings: ReadSettings, receipt: X12Receipt
    ) -> Iterator[RawDocument]:
        """Like ``read``; ``receipt`` collects per-interchange results for ``build_997``.

        The receipt is complete once the iterator is exhausted.
        """
        currency = settings.defaults.get("currency", DEFAULT_CURRENCY)
        if not isinstance(currency, str):
            currency = DEFAULT_CURRENCY
        segments = SegmentStream(stream, filename, settings.encoding or "utf-8")
        for ts in iter_transaction_sets(segments, filename, receipt, settings.expected_sender):
            doc = self._map(ts, filename, currency)
            if doc is not None:
                yield doc

    def _map(self, ts: TransactionSet, filename: str, currency: str) -> RawDocument | None:
        set_id = ts.result.set_id
        if set_id not in SUPPORTED_SETS:
            ts.result.errors.append(r.SET_NOT_SUPPORTED)
            return None
        ctx = SetContext(ts, filename)
        if set_id == "850":
            data = map_850(ctx, currency)
            return RawDocument(
                data=data,
                provenance=ctx.provenance,
                findings=ctx.findings,
                reference=ts.result.control_number,
            )
        data, order = map_860(ctx, currency)
        doc = RawDocument(
            data=data,
            provenance=ctx.provenance,
            findings=ctx.findings,
            reference=ts.result.control_number,
        )
        doc.merge = make_merge(order, doc.findings, doc.provenance.locations)
        return doc


READER = X12Reader()
