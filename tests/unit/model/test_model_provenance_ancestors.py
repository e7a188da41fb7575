"""The nearest-ancestor walk shared by every provenance."""

from __future__ import annotations

from orderport.model import Provenance, SourceLocation
from orderport.model.provenance import ancestors


def test_ancestors_nearest_first_down_to_the_root() -> None:
    assert list(ancestors("$.lines[2].quantity")) == [
        "$.lines[2].quantity",
        "$.lines[2]",
        "$.lines",
        "$",
    ]
    assert list(ancestors("$")) == ["$"]


def test_locate_falls_back_to_the_nearest_recorded_ancestor() -> None:
    prov = Provenance(file="po.csv")
    prov.record("$.lines[2]", SourceLocation(row=9))
    found = prov.locate("$.lines[2].quantity")
    assert found == SourceLocation(file="po.csv", row=9)
    assert prov.locate("$.ship_to.city") == SourceLocation(file="po.csv")
