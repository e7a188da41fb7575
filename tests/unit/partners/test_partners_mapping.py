"""apply_mapping per tier: value maps, SKU cross-reference, defaults, options, provenance."""

from pathlib import Path

import pytest

from orderport.formats.base import RawDocument
from orderport.model import Provenance, Severity, SourceLocation
from orderport.partners import apply_mapping, load_profile

SAMPLES = Path(__file__).parents[3] / "sample_files" / "partners"


def line_of(path: Path, needle: str) -> int:
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in text:
            return number
    raise AssertionError(needle)


def csv_doc(lines: list[dict[str, str]], **po: object) -> RawDocument:
    """A document as a CSV reader would hand it over, every value located at a cell."""
    provenance = Provenance(file="orders.csv")
    data: dict[str, object] = {"po_number": "4500012345", **po, "lines": lines}
    provenance.record("$.po_number", SourceLocation(row=2, column="A (Bestellnummer)"))
    for index, line in enumerate(lines):
        for column, name in enumerate(line):
            provenance.record(
                f"$.lines[{index}].{name}", SourceLocation(row=2 + index, column=f"{column}")
            )
    return RawDocument(data=data, provenance=provenance)


@pytest.fixture(scope="module")
def globex():
    return load_profile(SAMPLES / "globex.yaml")


def test_value_maps_on_po_and_line_fields_keep_provenance(globex):
    doc = csv_doc(
        [
            {"line_number": 1, "buyer_sku": "0004711", "quantity": "5", "uom": "Stück"},
            {"line_number": 2, "buyer_sku": "0004712", "quantity": "2", "uom": "karton"},
            {"line_number": 3, "buyer_sku": "0004712", "quantity": "2", "uom": "BOX"},
        ],
        currency="€",
        shipment_terms="Frei Haus",
    )
    before = doc.provenance.locations["$.lines[1].uom"]
    result = apply_mapping(globex, doc)
    assert result.data["currency"] == "EUR"
    assert result.data["shipment_terms"] == "DDP"  # matched ignoring case
    assert [line["uom"] for line in result.data["lines"]] == ["EA", "CS", "BOX"]
    assert result.provenance.locate("$.lines[1].uom") == before.model_copy(
        update={"file": "orders.csv"}
    )


def test_value_maps_reach_nested_money(globex):
    doc = csv_doc(
        [
            {
                "line_number": 1,
                "sku": "X",
                "quantity": "1",
                "unit_cost": {"amount": "1", "currency": "Euro"},
            }
        ]
    )
    apply_mapping(globex, doc)
    assert doc.data["lines"][0]["unit_cost"]["currency"] == "EUR"


def test_sku_xref_fills_sku_from_buyer_sku_located_at_buyer_cell(globex):
    doc = csv_doc([{"line_number": 1, "buyer_sku": "0004711", "quantity": "5"}])
    apply_mapping(globex, doc)
    line = doc.data["lines"][0]
    assert line["sku"] == "SKU-4711"
    assert line["buyer_sku"] == "0004711"
    assert doc.provenance.locate("$.lines[0].sku") == doc.provenance.locate("$.lines[0].buyer_sku")
    assert doc.findings == []


def test_sku_xref_translates_a_partner_sku_sent_as_ours(globex):
    doc = csv_doc([{"line_number": 1, "sku": "0008150", "quantity": "5"}])
    sku_location = doc.provenance.locate("$.lines[0].sku")
    apply_mapping(globex, doc)
    assert doc.data["lines"][0]["sku"] == "SKU-8150"
    assert doc.data["lines"][0]["buyer_sku"] == "0008150"
    assert doc.provenance.locate("$.lines[0].buyer_sku") == sku_location


def test_missing_cross_reference_is_a_located_error_when_required(globex):
    doc = csv_doc([{"line_number": 1, "buyer_sku": "0009999", "quantity": "5"}])
    apply_mapping(globex, doc)
    assert "sku" not in doc.data["lines"][0]
    [finding] = doc.findings
    assert finding.code == "mapping.sku_xref_missing"
    assert finding.severity is Severity.ERROR  # sku_xref_required is a promise: held
    assert finding.path == "$.lines[0].buyer_sku"
    assert "0009999" in finding.message
    assert finding.location == doc.provenance.locate("$.lines[0].buyer_sku")
    assert finding.location.file == "orders.csv"


def test_sku_contradicting_the_cross_reference_is_a_warning(globex):
    doc = csv_doc([{"line_number": 1, "sku": "SKU-1", "buyer_sku": "0004711", "quantity": "5"}])
    apply_mapping(globex, doc)
    assert doc.data["lines"][0]["sku"] == "SKU-1"
    assert [f.code for f in doc.findings] == ["mapping.sku_xref_mismatch"]


def test_defaults_fill_only_absent_fields_and_point_at_the_profile(globex):
    given_bill_to = {
        "name": "Own",
        "line1": "x",
        "city": "y",
        "province": "z",
        "postal_code": "1",
        "country": "AT",
    }
    doc = csv_doc([{"line_number": 1, "sku": "A", "quantity": "1"}], currency="USD")
    apply_mapping(globex, doc)
    assert doc.data["currency"] == "USD"
    assert doc.data["bill_to"]["city"] == "Stuttgart"
    where = doc.provenance.locate("$.bill_to.city")
    assert where.file == "globex.yaml"
    assert where.row == line_of(SAMPLES / "globex.yaml", "bill_to:")
    assert where.pointer == "/mapping/defaults/bill_to"

    kept = csv_doc([{"line_number": 1, "sku": "A", "quantity": "1"}], bill_to=dict(given_bill_to))
    apply_mapping(globex, kept)
    assert kept.data["bill_to"] == given_bill_to
    assert kept.data["currency"] == "EUR"


def test_defaults_are_copied_per_document(globex):
    first = csv_doc([{"line_number": 1, "sku": "A", "quantity": "1"}])
    second = csv_doc([{"line_number": 1, "sku": "A", "quantity": "1"}])
    apply_mapping(globex, first)
    apply_mapping(globex, second)
    first.data["bill_to"]["city"] = "Changed"
    assert second.data["bill_to"]["city"] == "Stuttgart"
    assert globex.mapping.defaults["bill_to"]["city"] == "Stuttgart"


def test_loupe_empty_address_object_gets_the_default():
    loupe = load_profile(SAMPLES / "loupe.yaml")
    doc = csv_doc(
        [{"line_number": 1, "sku": "1001", "atelier_code": 1001, "quantity": "1"}], ship_to={}
    )
    apply_mapping(loupe, doc)
    assert doc.data["ship_to"]["name"] == "Loupe Central Warehouse"
    assert doc.data["lines"][0]["sku"] == "LP-RING-1001"
    assert doc.data["lines"][0]["buyer_sku"] == "1001"


def test_quick_deploy_maps_nothing_but_applies_options():
    threepl = load_profile(SAMPLES / "threepl.yaml")
    lines = [{"line_number": 1, "sku": "A", "quantity": "1", "uom": "Stück"}]
    doc = csv_doc(lines)
    apply_mapping(threepl, doc)
    assert doc.data["lines"] == [{"line_number": 1, "sku": "A", "quantity": "1", "uom": "Stück"}]
    assert doc.data["options"] == {"on_errors": "reject", "can_split": True}
    assert doc.provenance.locate("$.options.on_errors").file == "threepl.yaml"


def test_options_in_the_document_win():
    threepl = load_profile(SAMPLES / "threepl.yaml")
    doc = csv_doc([{"line_number": 1, "sku": "A", "quantity": "1"}], options={"on_errors": "hold"})
    apply_mapping(threepl, doc)
    assert doc.data["options"] == {"on_errors": "hold", "can_split": True}


def test_quick_deploy_without_options_leaves_document_untouched():
    initech = load_profile(SAMPLES / "initech.yaml")
    doc = csv_doc([{"line_number": 1, "sku": "A", "quantity": "1"}])
    before = {**doc.data}
    assert apply_mapping(initech, doc).data == before
