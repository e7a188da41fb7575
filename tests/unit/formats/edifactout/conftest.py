"""Shared data and two independent re-readers for the EDIFACT outbound tests.

Every rendered file is read back twice: by our own tokenizer (with the envelope checked here:
UNT counts and references, UNZ count and reference) and by pydifact; both must see the same
segments, so escaping that one reader got wrong would show up as a difference.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
from pydifact.exceptions import MissingImplementationWarning
from pydifact.segmentcollection import Interchange

from orderport.formats.edifact.envelope import interchange_info
from orderport.formats.edifact.syntax import Delimiters, Segment, split_una, tokenize
from orderport.formats.outbound import EdiParty, OutboundContext, PoStatusItem, Rendered
from orderport.model import PurchaseOrder
from orderport.model.tracking import Booking, StatusEvent

NOW = datetime(2026, 3, 1, 10, 5, tzinfo=UTC)
TRICKY = "A+B:C'D?E"
"""Every ISO 9735 default service character in one value."""


@dataclass
class Message:
    segments: list[Segment]

    @property
    def tags(self) -> list[str]:
        return [s.tag for s in self.segments]

    def all(self, tag: str, qualifier: str | None = None) -> list[Segment]:
        return [
            s
            for s in self.segments
            if s.tag == tag and (qualifier is None or s.value(1) == qualifier)
        ]

    def one(self, tag: str, qualifier: str | None = None) -> Segment:
        found = self.all(tag, qualifier)
        assert len(found) == 1, f"{tag}+{qualifier}: {len(found)} segments in {self.tags}"
        return found[0]

    def dates(self) -> dict[str, str]:
        """DTM qualifier -> value (the last one wins)."""
        return {s.value(1, 1): s.value(1, 2) for s in self.all("DTM")}


@dataclass
class Parsed:
    delimiters: Delimiters
    unb: Segment
    unz: Segment
    messages: list[Message] = field(default_factory=list)


def read_ours(content: bytes) -> Parsed:
    """Re-read with our tokenizer and check every envelope count and reference."""
    text = content.decode("latin-1")
    delimiters, start = split_una(text)
    assert delimiters.advised, "a UNA must be written"
    segments = list(tokenize([text[start:]], delimiters))
    unb, *body, unz = segments
    assert (unb.tag, unz.tag) == ("UNB", "UNZ")
    interchange_info(unb, delimiters)  # the UNB carries what a reply needs
    parsed = Parsed(delimiters, unb, unz)
    current: list[Segment] | None = None
    for seg in body:
        if seg.tag == "UNH":
            assert current is None, "UNH inside a message"
            current = [seg]
        elif seg.tag == "UNT":
            assert current is not None, "UNT outside a message"
            current.append(seg)
            assert seg.value(1) == str(len(current)), "UNT segment count"
            assert seg.value(2) == current[0].value(1), "UNT reference"
            parsed.messages.append(Message(current))
            current = None
        else:
            assert current is not None, f"{seg.tag} outside a message"
            current.append(seg)
    assert current is None, "message without UNT"
    assert unz.value(1) == str(len(parsed.messages)), "UNZ message count"
    assert unz.value(2) == unb.value(5), "UNZ reference"
    references = [m.segments[0].value(1) for m in parsed.messages]
    assert references == [str(i) for i in range(1, len(references) + 1)]
    return parsed


def _as_components(element: Any) -> list[str]:
    if isinstance(element, list):
        return list(element)
    return [element] if element else []


def read_pydifact(content: bytes) -> Interchange:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MissingImplementationWarning)
        interchange = Interchange.from_str(content.decode("latin-1"))
        list(interchange.get_messages())  # raises on UNH/UNT nesting errors
    return interchange


def read_both(rendered: Rendered) -> Parsed:
    """Our reading, after checking pydifact sees the very same segments and envelope."""
    assert rendered.extension == "edi"
    assert rendered.media_type == "application/edifact"
    ours = read_ours(rendered.content)
    theirs = read_pydifact(rendered.content)
    our_segments = [
        (s.tag, [s.components(i) for i in range(1, len(s.elements) + 1)])
        for m in ours.messages
        for s in m.segments
    ]
    their_segments = [(s.tag, [_as_components(e) for e in s.elements]) for s in theirs.segments]
    assert their_segments == our_segments
    assert theirs.control_reference == ours.unb.value(5)
    assert theirs.sender == ours.unb.components(2)
    assert theirs.recipient == ours.unb.components(3)
    assert theirs.get_footer_segment().elements == [ours.unz.value(1), ours.unz.value(2)]
    return ours


def context(**overrides: Any) -> OutboundContext:
    values: dict[str, Any] = {
        "partner_id": "acme",
        "now": NOW,
        "control_number": 4711,
        "sender": EdiParty("ORDERPORT", "ZZ"),
        "receiver": EdiParty("5412345000013", "14"),
    }
    values.update(overrides)
    return OutboundContext(**values)


def purchase_order(po_number: str = "PO-1001", **overrides: Any) -> PurchaseOrder:
    """A PO with three lines: a GTIN line, a buyer-SKU line in KGM, a plain SKU line."""
    data: dict[str, Any] = {
        "po_number": po_number,
        "order_date": "2026-02-20",
        "organisations": {
            "buyer": {"id": "5412345000013", "name": "Acme Retail"},
            "vendor": {"id": "V-77", "name": "Widget Works"},
        },
        "ship_to": {
            "name": "Acme DC East",
            "line1": "1 Harbour Road",
            "city": "Newark",
            "postal_code": "07114",
            "country": "US",
            "location_id": "DC-EAST",
        },
        "lines": [
            {
                "line_number": 1,
                "sku": "WID-001",
                "gtin": "4006381333931",
                "description": "Blue widget",
                "quantity": "100",
            },
            {"line_number": 2, "buyer_sku": "ACME-2", "quantity": "12.5", "uom": "KGM"},
            {"line_number": 3, "sku": "00042", "quantity": "40"},
        ],
    }
    data.update(overrides)
    return PurchaseOrder.model_validate(data, strict=False)


def status_event(code: str, po_number: str = "PO-1001", **overrides: Any) -> StatusEvent:
    data: dict[str, Any] = {"po_number": po_number, "code": code, "at": "2026-03-01T08:30:00Z"}
    data.update(overrides)
    return StatusEvent.model_validate(data, strict=False)


def item(code: str, po: PurchaseOrder | None = None, **overrides: Any) -> PoStatusItem:
    po = po if po is not None else purchase_order()
    return PoStatusItem(po=po, event=status_event(code, po.po_number, **overrides))


def booking(**overrides: Any) -> Booking:
    """An ocean booking: two containers carrying two POs."""
    data: dict[str, Any] = {
        "booking_reference": "MAEU123456789",
        "carrier": "MAEU",
        "mode": "ocean",
        "vessel": "MAERSK ESSEN",
        "voyage": "612W",
        "origin": "CNSHA",
        "destination": "USLAX",
        "etd": "2026-03-10T18:00:00+08:00",
        "eta": "2026-03-27T06:00:00-07:00",
        "cargo_cutoff": "2026-03-08T12:00:00+08:00",
        "equipment": [{"type": "45G1", "count": 1}, {"type": "22G1", "count": 1}],
        "space_status": "confirmed",
        "purchase_orders": ["PO-1001", "PO-1002"],
        "fulfillment_orders": ["FO-1001-1", "FO-1002-1"],
    }
    data.update(overrides)
    return Booking.model_validate(data, strict=False)


class Kit:
    """The helpers above, handed to tests as a fixture (test modules cannot import each other)."""

    NOW = NOW
    TRICKY = TRICKY
    read_both = staticmethod(read_both)
    read_ours = staticmethod(read_ours)
    read_pydifact = staticmethod(read_pydifact)
    context = staticmethod(context)
    purchase_order = staticmethod(purchase_order)
    status_event = staticmethod(status_event)
    item = staticmethod(item)
    booking = staticmethod(booking)


@pytest.fixture
def kit() -> Kit:
    return Kit()
