"""Sniffing, shape detection per document, and the profile's pinned variant."""

from __future__ import annotations

import io
import json

import pytest

from orderport.formats.base import FormatError, RawDocument, ReadSettings
from orderport.formats.json_shapes import READER
from orderport.formats.json_shapes.detect import detect_shape


def read(text: str, **settings: object) -> list[RawDocument]:
    stream = io.BytesIO(text.encode())
    return list(READER.read(stream, "in.json", ReadSettings(**settings)))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b'{"po_number": "1"}', True),
        (b'\xef\xbb\xbf  \n[\n  {"po_number": "1"}]', True),
        (b"[]", True),
        (b"{}", True),
        (b"ISA*00*          *00*", False),
        (b"UNA:+.? 'UNB+UNOC", False),
        (b"po_number,sku,qty\n1,A,2\n", False),
        (b"[1, 2, 3]", False),
        (b"", False),
        (b"PK\x03\x04", False),
    ],
)
def test_sniff_by_content(head: bytes, expected: bool) -> None:
    assert READER.sniff(head, "whatever.txt") is expected


@pytest.mark.parametrize(
    ("doc", "shape"),
    [
        ({"po_number": "1", "lines": [{"line_number": 1, "quantity": "2"}]}, "canonical"),
        ({"po_number": "1", "ship_to": {}, "options": {}}, "canonical"),
        ({"po_number": "1", "lines": [{"item": {"custom_id": "a"}}]}, "inspectorio"),
        ({"po_number": "1", "packaging_details": [], "client_id": "c"}, "inspectorio"),
        ({"customerReference": "r", "quantity": 1, "atelierCode": 2}, "loupe"),
        ({"purchaseOrderNo": "p", "items": []}, "threepl"),
        ({"something": "else"}, None),
        ({"po_number": "1"}, None),
        ({"customerReference": "r", "purchaseOrderNo": "p"}, None),
    ],
)
def test_detect_shape(doc: dict[str, object], shape: str | None) -> None:
    assert detect_shape(doc) == shape


def test_each_document_of_a_file_gets_its_own_shape() -> None:
    text = "\n".join(
        json.dumps(d)
        for d in (
            {"purchaseOrderNo": "A", "items": [{"sku": "S", "qty": 1}]},
            {"po_number": "B", "lines": [{"line_number": 1, "quantity": "1"}]},
        )
    )
    docs = read(text)
    assert [d.reference for d in docs] == ["threepl#1", "canonical#2"]
    assert [d.data["po_number"] for d in docs] == ["A", "B"]


def test_pinned_variant_overrides_detection() -> None:
    # Keys of no shape at all: detection fails, the pinned Loupe schema names what is missing.
    (doc,) = read('{"customerRef": "X"}', variant="loupe")
    codes = {(f.code, f.location.pointer if f.location else None) for f in doc.findings}
    assert ("input.required", "/customerReference") in codes
    assert ("input.additionalProperties", "/customerRef") in codes


def test_unknown_variant_is_a_file_error() -> None:
    with pytest.raises(FormatError, match="unknown JSON variant 'xml'"):
        read("{}", variant="xml")


def test_unknown_shape_and_non_objects_are_document_errors() -> None:
    docs = read('[{"foo": 1}, 42]')
    assert [d.findings[0].code for d in docs] == ["read.unknown_shape", "read.not_an_object"]
    assert all(d.data == {} for d in docs)
    assert "number" in docs[1].findings[0].message
