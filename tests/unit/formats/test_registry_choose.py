"""``registry.choose``: the one format choice every command and pass makes."""

from __future__ import annotations

from pathlib import Path

import pytest

from orderport.formats import registry
from orderport.formats.base import FormatError

SAMPLES = Path(__file__).resolve().parents[3] / "sample_files"
CSV = (SAMPLES / "csv" / "canonical_valid.csv").read_bytes()[: registry.SNIFF_BYTES]
XLSX = (SAMPLES / "xlsx" / "analyst_orders.xlsx").read_bytes()[: registry.SNIFF_BYTES]
X12 = (SAMPLES / "x12" / "po_004010_crlf.edi").read_bytes()[: registry.SNIFF_BYTES]


def test_content_decides_and_the_extension_may_only_agree() -> None:
    assert registry.choose(CSV, "orders.csv").name == "csv"
    assert registry.choose(X12, "po.txt").name == "x12"
    with pytest.raises(
        FormatError, match=r"the file name says CSV \(\.csv\) but the content is XLSX"
    ):
        registry.choose(XLSX, "orders.csv")


def test_the_partners_pinned_and_accepted_formats_are_promises() -> None:
    with pytest.raises(FormatError, match="content is X12, but partner p1 sends only csv"):
        registry.choose(X12, "po.edi", pinned="csv", partner="p1")
    with pytest.raises(FormatError, match="content is XLSX, but partner p2 sends only csv, json"):
        registry.choose(XLSX, "book.xlsx", accepted=["csv", "json"], partner="p2")
    with pytest.raises(FormatError, match="unknown format 'cvs'"):
        registry.choose(CSV, "orders.csv", pinned="cvs")


def test_an_empty_file_is_refused_the_same_way_everywhere() -> None:
    with pytest.raises(FormatError, match=r"empty.csv: the file is empty \(0 bytes\)"):
        registry.choose(b"", "empty.csv", accepted=["csv"], partner="p1")
