"""``LazyProvenance`` keeps cheap keys and answers exactly like a plain ``Provenance``."""

from __future__ import annotations

from orderport.formats.json_shapes.emit import Emitter, PointerProvenance
from orderport.formats.tabular.provenance import CellProvenance
from orderport.model import Provenance, SourceLocation


def _plain(lazy: CellProvenance) -> Provenance:
    plain = Provenance(file=lazy.file)
    for path, (row, column) in lazy.cells.items():
        plain.record(path, SourceLocation(file=lazy.file, sheet=lazy.sheet, row=row, column=column))
    return plain


def test_cells_locate_like_the_plain_map() -> None:
    lazy = CellProvenance("po.xlsx", sheet="Orders")
    lazy.cells.update({"$": (2, None), "$.lines[0]": (2, None), "$.lines[0].quantity": (2, "E")})
    plain = _plain(lazy)
    for path in ("$.lines[0].quantity", "$.lines[0].uom", "$.lines[1]", "$.currency", "$"):
        assert lazy.locate(path) == plain.locate(path)
    assert lazy.locations == plain.locations


def test_a_recorded_location_wins_over_an_earlier_key_before_and_after_the_build() -> None:
    lazy = CellProvenance("po.csv")
    lazy.cells["$.ship_to"] = (3, "City")
    profile = SourceLocation(file="acme.yaml", row=12)
    lazy.record("$.ship_to", profile)  # a profile default replaces what the file said
    assert lazy.locate("$.ship_to.city") == profile
    assert lazy.locations["$.ship_to"] == profile
    later = SourceLocation(file="po.csv", row=9)
    lazy.record("$.notes", later)  # after the build: goes into the built map
    assert lazy.locate("$.notes") == later


def test_a_recorded_location_without_a_file_gets_the_provenance_file() -> None:
    lazy = CellProvenance("po.csv")
    lazy.record("$.currency", SourceLocation(row=4))
    assert lazy.locate("$.currency") == SourceLocation(file="po.csv", row=4)
    assert lazy.locate("$.nothing") == SourceLocation(file="po.csv")


def test_json_pointers_become_locations_only_when_asked() -> None:
    em = Emitter("orders.json", row=7)
    target: dict[str, object] = {}
    em.put(target, "po_number", "4711", "$.po_number", "/orderNo")
    provenance = em.provenance
    assert isinstance(provenance, PointerProvenance)
    assert provenance.raw == {"$": "", "$.po_number": "/orderNo"}
    assert provenance.locate("$.po_number") == SourceLocation(
        file="orders.json", row=7, pointer="/orderNo"
    )
    assert provenance.locate("$.lines[0]") == SourceLocation(file="orders.json", row=7, pointer="")
    assert set(provenance.locations) == {"$", "$.po_number"}
