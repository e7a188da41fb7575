"""Envelopes and counts, and every 850 mapping rule with its provenance."""

from __future__ import annotations

import io
from typing import Any

import pytest

from orderport.formats.base import FormatError, RawDocument, ReadSettings
from orderport.formats.x12 import READER, X12Receipt
from orderport.model import Severity


def isa(control: str = "000000101") -> list[str]:
    return [
        "ISA",
        "00",
        " " * 10,
        "00",
        " " * 10,
        "ZZ",
        "BUYER".ljust(15),
        "ZZ",
        "US".ljust(15),
        "260301",
        "0930",
        "U",
        "00401",
        control,
        "0",
        "P",
        ">",
    ]


def st_set(
    body: list[list[str]],
    control: str = "0001",
    set_id: str = "850",
    se_count: int | None = None,
    se_control: str | None = None,
) -> list[list[str]]:
    count = len(body) + 2 if se_count is None else se_count
    return [["ST", set_id, control], *body, ["SE", str(count), se_control or control]]


def group(
    sets: list[list[list[str]]],
    control: str = "7",
    ge_count: int | None = None,
    ge_control: str | None = None,
) -> list[list[str]]:
    segs = [["GS", "PO", "BUYER", "US", "20260301", "0930", control, "X", "004010"]]
    for s in sets:
        segs += s
    segs.append(["GE", str(len(sets) if ge_count is None else ge_count), ge_control or control])
    return segs


def file(groups: list[list[list[str]]], iea: list[str] | None = None) -> bytes:
    segs = [isa()]
    for g in groups:
        segs += g
    segs.append(iea or ["IEA", str(len(groups)), "000000101"])
    return "".join("*".join(s) + "~\n" for s in segs).encode()


def read(data: bytes, settings: ReadSettings | None = None) -> tuple[list[RawDocument], X12Receipt]:
    receipt = X12Receipt()
    docs = list(
        READER.read_with_receipt(io.BytesIO(data), "in.edi", settings or ReadSettings(), receipt)
    )
    return docs, receipt


BEG = ["BEG", "00", "SA", "PO-1", "", "20260301"]
PO1 = ["PO1", "1", "2", "EA", "1.50", "", "UP", "036000291452"]


def one(body: list[list[str]], settings: ReadSettings | None = None) -> RawDocument:
    docs, _ = read(file([group([st_set(body)])]), settings)
    assert len(docs) == 1
    return docs[0]


def where(doc: RawDocument, path: str) -> tuple[str | None, int | None, int | None]:
    loc = doc.provenance.locations[path]
    assert loc.file == "in.edi"
    return loc.segment, loc.segment_position, loc.element


def codes(doc: RawDocument) -> list[str]:
    return [f.code for f in doc.findings]


# -- envelopes -------------------------------------------------------------------------------


def test_clean_interchange_has_no_envelope_errors():
    docs, receipt = read(file([group([st_set([BEG, PO1]), st_set([BEG, PO1], "0002")])]))
    assert [d.reference for d in docs] == ["0001", "0002"]
    assert all(d.findings == [] for d in docs)
    (ic,) = receipt.interchanges
    assert ic.complete
    assert ic.errors == []
    assert ic.info.sender_id == "BUYER"
    assert ic.info.control_number == "000000101"
    assert [s.status for s in ic.groups[0].sets] == ["A", "A"]
    assert ic.groups[0].status == "A"


def test_se_count_mismatch_is_a_finding_on_that_set_only():
    docs, receipt = read(file([group([st_set([BEG, PO1], se_count=9), st_set([BEG, PO1], "2")])]))
    assert codes(docs[0]) == ["envelope.se_count"]
    finding = docs[0].findings[0]
    assert finding.severity is Severity.ERROR
    assert finding.location is not None
    assert (finding.location.segment, finding.location.segment_position) == ("SE", 4)
    assert finding.location.element == 1
    assert docs[1].findings == []
    sets = receipt.interchanges[0].groups[0].sets
    assert (sets[0].status, sets[0].ak5_codes()) == ("R", ["4"])
    assert receipt.interchanges[0].groups[0].status == "P"


def test_se02_must_match_st02():
    docs, receipt = read(file([group([st_set([BEG, PO1], se_control="0009")])]))
    assert codes(docs[0]) == ["envelope.se_control"]
    assert receipt.interchanges[0].groups[0].sets[0].ak5_codes() == ["3"]


def test_missing_se_closes_the_set_with_a_finding():
    broken = st_set([BEG, PO1])[:-1]
    docs, receipt = read(file([group([broken, st_set([BEG, PO1], "0002")])]))
    assert codes(docs[0]) == ["envelope.se_missing"]
    assert docs[0].data["po_number"] == "PO-1"
    assert docs[1].findings == []
    assert receipt.interchanges[0].groups[0].sets[0].ak5_codes() == ["2"]


def test_duplicate_st02_in_a_group():
    docs, receipt = read(file([group([st_set([BEG, PO1]), st_set([BEG, PO1])])]))
    assert codes(docs[1]) == ["envelope.st_control_duplicate"]
    assert receipt.interchanges[0].groups[0].sets[1].ak5_codes() == ["23"]


def test_group_trailer_errors_go_to_ak9():
    docs, receipt = read(file([group([st_set([BEG, PO1])], ge_count=2, ge_control="8")]))
    assert docs[0].findings == []
    g = receipt.interchanges[0].groups[0]
    assert sorted(g.errors) == ["4", "5"]
    assert g.status == "E"
    assert g.declared_set_count == 2


def test_iea_errors_are_recorded_on_the_interchange():
    _, receipt = read(file([group([st_set([BEG, PO1])])], ["IEA", "2", "000000999"]))
    assert sorted(receipt.interchanges[0].errors) == ["001", "021"]


def test_several_groups_and_sets():
    data = file(
        [
            group([st_set([BEG, PO1]), st_set([BEG, PO1], "0002")], control="1"),
            group([st_set([BEG, PO1])], control="2"),
        ]
    )
    docs, receipt = read(data)
    assert len(docs) == 3
    assert [g.control_number for g in receipt.interchanges[0].groups] == ["1", "2"]
    assert [len(g.sets) for g in receipt.interchanges[0].groups] == [2, 1]


def test_unsupported_set_is_rejected_without_a_document():
    docs, receipt = read(file([group([st_set([["BSN", "00"]], set_id="856")])]))
    assert docs == []
    result = receipt.interchanges[0].groups[0].sets[0]
    assert (result.set_id, result.status, result.ak5_codes()) == ("856", "R", ["1"])


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (file([group([st_set([BEG])])])[: -len(b"IEA*1*000000101~\n")], "no IEA"),
        (file([[["ST", "850", "0001"], BEG, ["SE", "3", "0001"]]]), "ST outside a functional"),
        (file([[["BEG", "00"]]]), "'BEG' outside a transaction set"),
    ],
)
def test_structural_errors_are_format_errors(data: bytes, message: str):
    with pytest.raises(FormatError, match=message):
        read(data)


# -- 850 mapping -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "purpose"), [("00", "original"), ("01", "cancel"), ("05", "change"), ("04", "change")]
)
def test_beg_purpose_number_and_date(code: str, purpose: str):
    doc = one([["BEG", code, "SA", "PO-77", "R1", "20260315"], PO1])
    assert doc.data["purpose"] == purpose
    assert doc.data["po_number"] == "PO-77"
    assert doc.data["order_date"] == "2026-03-15"
    assert doc.data["po_type"] == "SA"
    assert doc.data["additional_attributes"] == [{"key": "release_number", "value": "R1"}]
    assert where(doc, "$.purpose") == ("BEG", 2, 1)
    assert where(doc, "$.po_number") == ("BEG", 2, 3)
    assert where(doc, "$.order_date") == ("BEG", 2, 5)


def test_unknown_purpose_is_an_error_with_ak4():
    docs, receipt = read(file([group([st_set([["BEG", "99", "SA", "P", "", "20260301"]])])]))
    assert "purpose" not in docs[0].data
    assert codes(docs[0]) == ["read.purpose"]
    seg_error = receipt.interchanges[0].groups[0].sets[0].segment_errors[0]
    assert (seg_error.segment_id, seg_error.position, seg_error.code) == ("BEG", 2, "8")
    el = seg_error.elements[0]
    assert (el.position, el.reference, el.code, el.bad_value) == (1, "353", "7", "99")


def test_missing_beg_is_reported():
    docs, receipt = read(file([group([st_set([PO1])])]))
    assert codes(docs[0]) == ["read.segment_missing"]
    seg_error = receipt.interchanges[0].groups[0].sets[0].segment_errors[0]
    assert (seg_error.segment_id, seg_error.code) == ("BEG", "3")


def test_currency_and_prices():
    doc = one([BEG, ["CUR", "BY", "EUR"], PO1, ["AMT", "TT", "3"]])
    assert doc.data["currency"] == "EUR"
    assert doc.data["lines"][0]["unit_cost"] == {"amount": "1.50", "currency": "EUR"}
    assert doc.data["total_cost"] == {"amount": "3", "currency": "EUR"}
    assert where(doc, "$.currency") == ("CUR", 3, 2)
    assert where(doc, "$.lines[0].unit_cost.amount") == ("PO1", 4, 4)
    assert where(doc, "$.lines[0].unit_cost.currency") == ("CUR", 3, 2)
    assert where(doc, "$.total_cost.amount") == ("AMT", 5, 2)


def test_without_cur_the_profile_default_currency_is_used():
    doc = one([BEG, PO1], ReadSettings(defaults={"currency": "CAD"}))
    assert doc.data["lines"][0]["unit_cost"]["currency"] == "CAD"
    assert "currency" not in doc.data


def test_ref_qualifiers():
    doc = one(
        [
            BEG,
            ["REF", "DP", "0042"],
            ["REF", "IA", "000778"],
            ["REF", "ZZ", "EXT-1"],
            ["REF", "CR", "CUST-9"],
            ["REF", "XY", "", "free text"],
            ["N1", "VN", "Widget Works"],
            PO1,
        ]
    )
    assert doc.data["external_id"] == "EXT-1"
    assert doc.data["customer_reference"] == "CUST-9"
    assert doc.data["additional_attributes"] == [
        {"key": "department", "value": "0042"},
        {"key": "vendor_number", "value": "000778"},
        {"key": "ref_XY", "value": "free text"},
    ]
    assert doc.data["organisations"]["vendor"] == {"id": "000778", "name": "Widget Works"}
    assert where(doc, "$.external_id") == ("REF", 5, 2)
    assert where(doc, "$.additional_attributes[0]") == ("REF", 3, 2)
    assert where(doc, "$.additional_attributes[2]") == ("REF", 7, 3)
    assert where(doc, "$.organisations.vendor.id") == ("REF", 4, 2)


def test_dtm_windows():
    doc = one(
        [
            BEG,
            ["DTM", "064", "20260402"],
            ["DTM", "002", "20260405"],
            ["DTM", "037", "20260310"],
            ["DTM", "038", "20260320"],
            ["DTM", "063", "20260410"],
            PO1,
        ]
    )
    assert doc.data["delivery_window"] == {"start": "2026-04-02", "end": "2026-04-10"}
    assert doc.data["ship_window"] == {"start": "2026-03-10", "end": "2026-03-20"}
    assert where(doc, "$.delivery_window.start") == ("DTM", 3, 2)
    assert where(doc, "$.delivery_window.end") == ("DTM", 7, 2)
    assert where(doc, "$.ship_window.end") == ("DTM", 6, 2)


def test_dtm_requested_dates_fill_both_ends():
    doc = one([BEG, ["DTM", "010", "20260310"], ["DTM", "002", "20260401"], PO1])
    assert doc.data["ship_window"] == {"start": "2026-03-10", "end": "2026-03-10"}
    assert doc.data["delivery_window"] == {"start": "2026-04-01", "end": "2026-04-01"}


def test_bad_date_is_a_finding_with_ak4_code_8():
    docs, receipt = read(file([group([st_set([BEG, ["DTM", "002", "20261301"], PO1])])]))
    doc = docs[0]
    assert "delivery_window" not in doc.data
    (finding,) = doc.findings
    assert (finding.code, finding.path) == ("read.date", "$.delivery_window")
    assert finding.location is not None
    assert finding.location.segment_position == 3
    el = receipt.interchanges[0].groups[0].sets[0].segment_errors[0].elements[0]
    assert (el.position, el.reference, el.code, el.bad_value) == (2, "373", "8", "20261301")


def test_fob_incoterm_and_itd_terms():
    doc = one(
        [
            BEG,
            ["FOB", "CC", "", "", "", "01", "DDP"],
            ["ITD", "01", "3", "", "", "", "", "45", "", "", "", "", "NET 45"],
            PO1,
        ]
    )
    assert doc.data["shipment_terms"] == "DDP"
    assert where(doc, "$.shipment_terms") == ("FOB", 3, 6)
    assert {"key": "payment_terms", "value": "NET 45"} in doc.data["additional_attributes"]
    assert {"key": "net_days", "value": "45"} in doc.data["additional_attributes"]


def test_n1_loops_to_addresses_and_parties():
    doc = one(
        [
            BEG,
            ["N1", "ST", "DC 7", "92", "0007"],
            ["N2", "Receiving"],
            ["N3", "1 Way", "Dock 4"],
            ["N4", "Long Beach", "CA", "90802", "US"],
            ["N1", "BT", "AP"],
            ["N4", "Paris", "", "75001", "FRA"],
            ["N1", "BY", "Acme", "92", "ACME"],
            ["N1", "SF", "Factory", "92", "F3"],
            ["N3", "Road 1"],
            ["N1", "ZZ", "Ignored"],
            ["N3", "Nowhere"],
            PO1,
        ]
    )
    assert doc.data["ship_to"] == {
        "name": "DC 7 Receiving",
        "location_id": "0007",
        "line1": "1 Way",
        "line2": "Dock 4",
        "city": "Long Beach",
        "province": "CA",
        "postal_code": "90802",
        "country": "US",
    }
    assert doc.data["bill_to"] == {
        "name": "AP",
        "city": "Paris",
        "postal_code": "75001",
        "country_name": "FRA",
    }
    orgs = doc.data["organisations"]
    assert orgs["buyer"] == {"id": "ACME", "name": "Acme"}
    assert orgs["factory"] == {"id": "F3", "name": "Factory", "address": {"line1": "Road 1"}}
    assert where(doc, "$.ship_to.location_id") == ("N1", 3, 4)
    assert where(doc, "$.ship_to.name") == ("N2", 4, 1)
    assert where(doc, "$.ship_to.line2") == ("N3", 5, 2)
    assert where(doc, "$.ship_to.postal_code") == ("N4", 6, 3)
    assert where(doc, "$.bill_to.country_name") == ("N4", 8, 4)
    assert where(doc, "$.organisations.buyer.id") == ("N1", 9, 4)
    assert where(doc, "$.organisations.factory.address.line1") == ("N3", 11, 1)


def test_po1_product_ids_in_any_order():
    doc = one(
        [
            BEG,
            [
                "PO1",
                "3",
                "12",
                "CS",
                "4.25",
                "PE",
                "SK",
                "S-1",
                "IN",
                "0099",
                "VN",
                "V-1",
                "EN",
                "4006381333931",
                "ST",
                "STY",
                "XX",
                "other",
            ],
            ["PO1", "4", "1", "EA", "", "", "BP", "B-2", "UP", "036000291452", "VA", "V-2"],
        ]
    )
    first, second = doc.data["lines"]
    assert first["line_number"] == "3"
    assert (first["quantity"], first["uom"], first["unit_cost"]["amount"]) == ("12", "CS", "4.25")
    assert (first["sku"], first["buyer_sku"], first["vendor_sku"]) == ("S-1", "0099", "V-1")
    assert first["gtin"] == "4006381333931"
    assert first["style_id"] == "STY"
    assert first["additional_attributes"] == [{"key": "product_id_XX", "value": "other"}]
    assert (second["buyer_sku"], second["gtin"], second["vendor_sku"]) == (
        "B-2",
        "036000291452",
        "V-2",
    )
    assert "unit_cost" not in second
    assert where(doc, "$.lines[0].sku") == ("PO1", 3, 7)
    assert where(doc, "$.lines[0].gtin") == ("PO1", 3, 13)
    assert where(doc, "$.lines[1].gtin") == ("PO1", 4, 9)
    assert where(doc, "$.lines[1].vendor_sku") == ("PO1", 4, 11)
    assert where(doc, "$.lines[0].additional_attributes[0]") == ("PO1", 3, 17)


def test_identifiers_keep_leading_zeros_and_decimals_are_strings():
    doc = one([BEG, ["PO1", "1", ".5", "EA", "0010.10", "", "IN", "000123"]])
    line = doc.data["lines"][0]
    assert line["quantity"] == "0.5"
    assert line["unit_cost"]["amount"] == "0010.10"
    assert line["buyer_sku"] == "000123"


def test_bad_quantity_is_a_finding_with_ak4_and_left_out():
    docs, receipt = read(file([group([st_set([BEG, ["PO1", "1", "1O", "EA"]])])]))
    assert "quantity" not in docs[0].data["lines"][0]
    (finding,) = docs[0].findings
    assert (finding.code, finding.path) == ("read.number", "$.lines[0].quantity")
    seg = receipt.interchanges[0].groups[0].sets[0].segment_errors[0]
    assert (seg.segment_id, seg.position, seg.loop_id) == ("PO1", 3, "PO1")
    assert (seg.elements[0].reference, seg.elements[0].code) == ("330", "6")


def test_line_numbers_are_kept_as_sent_and_a_missing_one_is_numbered_by_position():
    # Issue 13: assigned ids are identifiers ("00010", "A-7"), echoed back unchanged.
    doc = one([BEG, ["PO1", "A-7", "1", "EA"], ["PO1", "", "1", "EA"], ["PO1", "00010", "1", "EA"]])
    assert [ln["line_number"] for ln in doc.data["lines"]] == ["A-7", 2, "00010"]
    assert doc.findings == []


def test_an_assigned_id_that_is_no_line_number_is_renumbered_with_a_warning():
    doc = one([BEG, ["PO1", "A 7 with blanks", "1", "EA"]])
    assert doc.data["lines"][0]["line_number"] == 1
    (finding,) = doc.findings
    assert (finding.code, finding.severity) == ("read.line_number", Severity.WARNING)


def test_pid_po4_and_line_dates():
    doc = one(
        [
            BEG,
            PO1,
            ["PID", "F", "", "", "", "Blue widget,"],
            ["PID", "F", "", "", "", "large"],
            ["PID", "S", "", "", "", "structured is ignored"],
            ["PO4", "12", "1", "EA"],
            ["DTM", "002", "20260405"],
            ["DTM", "010", "20260401"],
        ]
    )
    line = doc.data["lines"][0]
    assert line["description"] == "Blue widget, large"
    assert line["pack_size"] == 12
    assert line["requested_delivery_date"] == "2026-04-05"
    assert line["requested_ship_date"] == "2026-04-01"
    assert "delivery_window" not in doc.data
    assert where(doc, "$.lines[0].description") == ("PID", 5, 5)
    assert where(doc, "$.lines[0].pack_size") == ("PO4", 7, 1)
    assert where(doc, "$.lines[0].requested_ship_date") == ("DTM", 9, 2)


def test_ctt_counts_are_checked():
    ok = one([BEG, PO1, ["PO1", "2", "3.5", "EA"], ["CTT", "2", "5.5"]])
    assert ok.findings == []
    bad = one([BEG, PO1, ["PO1", "2", "3.5", "EA"], ["CTT", "3", "6"]])
    assert codes(bad) == ["read.ctt_line_count", "read.ctt_hash_total"]
    assert all(f.severity is Severity.WARNING for f in bad.findings)
    assert [(f.location.segment, f.location.element) for f in bad.findings if f.location] == [
        ("CTT", 1),
        ("CTT", 2),
    ]


def test_msg_becomes_notes():
    doc = one([BEG, ["MSG", "Call before"], ["MSG", "delivery"], PO1])
    assert doc.data["notes"] == "Call before delivery"


def normalized(doc: RawDocument) -> dict[str, Any]:
    from orderport.validation import normalize

    po, findings = normalize(doc)
    assert po is not None, findings
    return po.model_dump(mode="json", exclude_none=True)


def test_mapped_850_passes_the_canonical_schema():
    doc = one(
        [
            BEG,
            ["CUR", "BY", "USD"],
            ["N1", "ST", "DC", "92", "1"],
            ["N3", "1 Way"],
            ["N4", "Austin", "TX", "73301", "US"],
            PO1,
            ["PO4", "6"],
            ["CTT", "1", "2"],
        ]
    )
    po = normalized(doc)
    assert po["lines"][0]["quantity"] == "2"
    assert po["ship_to"]["location_id"] == "1"


def test_lazy_provenance_behaves_like_provenance():
    doc = one([BEG, PO1])
    located = doc.provenance.locate("$.lines[0].unit_cost.currency")
    assert located is not None
    assert (located.segment, located.segment_position, located.element) == ("PO1", 3, 4)
    parent = doc.provenance.locate("$.lines[0].no_such_field")
    assert parent is not None
    assert (parent.segment, parent.element) == ("PO1", None)
    locations = doc.provenance.locations
    assert locations["$.po_number"].segment == "BEG"
    assert locations["$.po_number"].file == "in.edi"
    doc.provenance.record("$.extra", locations["$.po_number"])
    assert doc.provenance.locate("$.extra") == locations["$.po_number"]
