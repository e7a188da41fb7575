"""Mapped documents through the real validation step: they validate, and findings point right."""

from pathlib import Path

from orderport.formats.base import RawDocument
from orderport.model import Provenance, SourceLocation
from orderport.partners import apply_mapping, load_profile
from orderport.validation import normalize

SAMPLES = Path(__file__).parents[3] / "sample_files" / "partners"


def globex_doc(buyer_sku: str, uom: str) -> RawDocument:
    provenance = Provenance(file="bestellung.csv")
    provenance.record("$.po_number", SourceLocation(row=2, column="A (Bestellnummer)"))
    provenance.record("$.lines[0].buyer_sku", SourceLocation(row=2, column="C (Artikelnummer)"))
    provenance.record("$.lines[0].uom", SourceLocation(row=2, column="E (Einheit)"))
    provenance.record("$.lines[0].quantity", SourceLocation(row=2, column="D (Menge)"))
    data = {
        "po_number": "4500012345",
        "order_date": "2026-03-02",
        "ship_to": {"location_id": "HAMBURG-1"},
        "lines": [{"line_number": 1, "buyer_sku": buyer_sku, "quantity": "12", "uom": uom}],
    }
    return RawDocument(data=data, provenance=provenance)


def test_assisted_mapping_turns_partner_values_into_a_valid_po():
    globex = load_profile(SAMPLES / "globex.yaml")
    po, findings = normalize(apply_mapping(globex, globex_doc("0004711", "Stück")))
    assert [f for f in findings if f.is_error] == []
    assert po is not None
    assert po.lines[0].sku == "SKU-4711"
    assert po.lines[0].buyer_sku == "0004711"
    assert po.lines[0].uom == "EA"
    assert po.currency == "EUR"
    assert po.bill_to is not None
    assert po.bill_to.country == "DE"


def test_unmapped_value_is_reported_at_the_partner_cell():
    globex = load_profile(SAMPLES / "globex.yaml")
    po, findings = normalize(apply_mapping(globex, globex_doc("0009999", "Stück ")))
    codes = {f.code for f in findings}
    assert "mapping.sku_xref_missing" in codes
    [xref] = [f for f in findings if f.code == "mapping.sku_xref_missing"]
    assert xref.location == SourceLocation(file="bestellung.csv", row=2, column="C (Artikelnummer)")
    # "Stück " (trailing blank) still maps: matching ignores case and outer blanks
    assert po is not None
    assert po.lines[0].uom == "EA"
    assert xref.is_error  # sku_xref_required: the PO is held until the SKU is known


def test_transform_failure_keeps_the_po_from_passing_cleanly(tmp_path):
    text = (SAMPLES / "stylehaus.yaml").read_text(encoding="utf-8")
    (tmp_path / "stylehaus.yaml").write_text(text.replace("field: sku", "colum: sku"), "utf-8")
    profile = load_profile(tmp_path / "stylehaus.yaml")
    doc = globex_doc("X", "EA")
    doc.data["lines"][0]["sku"] = "TS-1-BLK-M"
    _, findings = normalize(apply_mapping(profile, doc))
    failures = [f for f in findings if f.code == "transform.failed"]
    assert len(failures) == 1
    assert failures[0].is_error
    assert "style_color_size" in failures[0].message
