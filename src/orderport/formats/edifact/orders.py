"""Map one ORDERS message (D96A, D01B and neighbouring D directories) to the canonical PO shape.

Every value is recorded in the provenance with its segment, its position in the message
(UNH = 1, as CONTRL counts) and its element and component numbers (from 1, as the directories).

Item identifiers (LIN C212 and PIA):
- EN (EAN), UP (UPC) and SRV (GS1 GTIN) -> ``gtin`` (validation checks the check digit);
- SA (supplier's article number) -> ``vendor_sku`` and also ``sku``: an inbound ORDERS is
  addressed to the supplier, which is us, so the supplier's number is our SKU (a partner
  profile's SKU cross-reference may still override ``sku`` later);
- BP (buyer's part number) -> ``buyer_sku``; IN (buyer's item number) -> ``buyer_sku`` when no BP;
- any other type -> a line attribute ``item_<type>``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from orderport.formats.edifact.envelope import (
    INVALID_VALUE,
    MISSING,
    ElementError,
    SegmentError,
)
from orderport.formats.edifact.provenance import EdifactProvenance, Loc
from orderport.formats.edifact.syntax import Segment
from orderport.formats.edifact.values import UNIT_SYNONYMS, parse_edi_date, parse_number
from orderport.formats.numbers import count_value, whole_value
from orderport.model import Finding, Incoterm, Severity, SourceLocation
from orderport.model.types import LINE_NUMBER_PATTERN

PURPOSES = {
    "9": "original",
    "7": "original",
    "1": "cancel",
    "3": "cancel",
    "5": "change",
    "4": "change",
}
"""BGM 1225 message function -> purpose (9 original, 7 duplicate, 1 cancellation, 3 deletion,
5 replace, 4 change)."""

ORDER_TYPES = {
    "220": None,
    "105": None,
    "221": "blanket",
    "224": "rush",
    "225": "repair",
    "226": "call_off",
    "227": "consignment",
    "402": "standing",
}
"""BGM 1001 document name codes accepted as orders -> ``po_type`` (None for a plain order)."""

PARTY_ROLES = {"BY": "buyer", "SU": "vendor"}
ADDRESS_ROLES = {"DP": "ship_to", "ST": "ship_to", "IV": "bill_to"}
GTIN_TYPES = frozenset({"EN", "UP", "SRV"})
HEADER_TOP = frozenset({"UNH", "BGM", "DTM", "PAI", "ALI", "IMD", "FTX"})
LINE_TOP = frozenset(
    {
        "LIN",
        "PIA",
        "IMD",
        "MEA",
        "QTY",
        "PCD",
        "ALI",
        "DTM",
        "MOA",
        "GIN",
        "GIR",
        "QVR",
        "DOC",
        "PAI",
        "FTX",
    }
)
INCOTERMS = frozenset(term.value for term in Incoterm)
MAX_TEXT = 500
_PRICE_PLACES = Decimal("0.000001")


_LINE_NUMBER = re.compile(LINE_NUMBER_PATTERN)


class OrdersMapper:
    """Maps the segments of one message; create one per message."""

    def __init__(self, filename: str, defaults: Mapping[str, Any] | None = None) -> None:
        self.filename = filename
        self.defaults = defaults or {}
        self.data: dict[str, Any] = {}
        self.provenance = EdifactProvenance(file=filename)
        self.findings: list[Finding] = []
        self.segment_errors: list[SegmentError] = []
        self._errors_at: dict[int, SegmentError] = {}  # position -> entry: linear collection
        self._base = 0
        self._seg: Segment | None = None

    # -- plumbing -----------------------------------------------------------------------------

    def loc(self, seg: Segment, element: int | None = None, component: int | None = None) -> Loc:
        return (seg.tag, seg.position - self._base, element, component)

    def put(
        self, target: dict[str, Any], key: str, path: str, value: object, location: Loc
    ) -> None:
        target[key] = value
        self.provenance.pending[path] = location

    def finding(
        self, code: str, severity: Severity, path: str, message: str, location: Loc
    ) -> None:
        segment, position, element, component = location
        where = SourceLocation(
            file=self.filename,
            segment=segment,
            segment_position=position,
            element=element,
            component=component,
        )
        self.findings.append(
            Finding(code=code, severity=severity, path=path, message=message, location=where)
        )

    def syntax_error(
        self,
        seg: Segment,
        code: int,
        element: int | None,
        component: int | None,
        path: str,
        message: str,
    ) -> None:
        """A syntax error: reported in the CONTRL (UCS/UCD) and as an error finding."""
        position = seg.position - self._base
        entry = self._errors_at.get(position)
        if entry is None:
            entry = self._errors_at[position] = SegmentError(position=position, tag=seg.tag)
            self.segment_errors.append(entry)
        if element is None:
            entry.code = code
        else:
            entry.elements.append(ElementError(code=code, element=element, component=component))
        self.finding(
            "read.syntax", Severity.ERROR, path, message, self.loc(seg, element, component)
        )

    def number(
        self, seg: Segment, element: int, component: int, path: str, what: str
    ) -> str | None:
        raw = seg.value(element, component)
        if not raw:
            return None
        value, code = parse_number(raw)
        if value is None:
            assert code is not None
            self.provenance.pending[path] = self.loc(seg, element, component)
            self.syntax_error(
                seg, code, element, component, path, f"{what} {raw!r} is not a number"
            )
        return value

    # -- the message --------------------------------------------------------------------------

    def run(self, segments: list[Segment]) -> dict[str, Any]:
        """Map ``segments`` (UNH ... UNT) and return the canonical document."""
        self._base = segments[0].position - 1
        data = self.data
        header_top = True
        header_group: str | None = None
        line: dict[str, Any] | None = None
        line_state: _Line | None = None
        after_uns = False
        seen_bgm = False
        lines: list[dict[str, Any]] = []
        notes: list[str] = []
        notes_loc: Loc | None = None
        self._delivery: dict[str, tuple[str, Loc]] = {}
        self._ship: dict[str, tuple[str, Loc]] = {}
        line_count: tuple[int | None, Segment] | None = None
        quantity_total: tuple[str, Segment] | None = None
        for seg in segments[1:-1]:
            tag = seg.tag
            if tag == "LIN":
                if line_state is not None:
                    self._finish_line(line_state)
                if after_uns:
                    self.finding(
                        "read.uns_order",
                        Severity.WARNING,
                        f"$.lines[{len(lines)}]",
                        "LIN follows the UNS section control; line items belong before UNS",
                        self.loc(seg),
                    )
                line = {}
                line_state = _Line(len(lines), line, seg)
                lines.append(line)
                self._lin(seg, line_state)
                continue
            if tag == "UNS":
                if line_state is not None:
                    self._finish_line(line_state)
                    line_state = None
                    line = None
                if seg.value(1) != "S":
                    self.finding(
                        "read.uns_value",
                        Severity.WARNING,
                        "$",
                        f"UNS 0081 is {seg.value(1)!r}; an ORDERS summary starts with UNS+S",
                        self.loc(seg, 1),
                    )
                after_uns = True
                continue
            if after_uns:
                if tag == "CNT":
                    qualifier = seg.value(1, 1)
                    if qualifier == "2":
                        value = self.number(seg, 1, 2, "$.lines", "CNT control value")
                        if value is not None:
                            line_count = (whole_value(value), seg)
                    elif qualifier == "1":
                        value = self.number(seg, 1, 2, "$.lines", "CNT control value")
                        if value is not None:
                            quantity_total = (value, seg)
                elif tag == "MOA":
                    self._summary_moa(seg)
                continue
            if line_state is not None and line is not None:
                self._line_segment(seg, line_state)
                continue
            if tag == "CNT":
                self.finding(
                    "read.uns_missing",
                    Severity.WARNING,
                    "$",
                    "CNT appears without a preceding UNS+S section control",
                    self.loc(seg),
                )
                after_uns = True
                if seg.value(1, 1) == "2":
                    value = self.number(seg, 1, 2, "$.lines", "CNT control value")
                    if value is not None:
                        line_count = (whole_value(value), seg)
                continue
            # Header section.
            if tag not in HEADER_TOP:
                header_top = False
                header_group = tag
            if tag == "BGM":
                seen_bgm = True
                self._bgm(seg)
            elif tag == "DTM" and header_top:
                self._header_dtm(seg)
            elif tag == "FTX" and header_top:
                text = " ".join(part for part in seg.components(4) if part)
                if text:
                    notes.append(text)
                    notes_loc = notes_loc or self.loc(seg, 4)
            elif tag == "RFF" and header_group == "RFF":
                self._rff(seg)
            elif tag == "NAD":
                self._nad(seg)
            elif tag == "CUX":
                self._cux(seg, data, "$.currency")
            elif tag == "TOD":
                self._tod(seg, data, "$.shipment_terms")
        if line_state is not None:
            self._finish_line(line_state)
        if not seen_bgm:
            first = segments[1] if len(segments) > 2 else segments[0]
            self.syntax_error(
                first, MISSING, None, None, "$.po_number", "the BGM segment is missing"
            )
        self._windows()
        if notes and notes_loc is not None:
            text = "\n".join(notes)
            if len(text) > MAX_TEXT:
                text = text[:MAX_TEXT]
                self.finding(
                    "read.notes_truncated",
                    Severity.WARNING,
                    "$.notes",
                    f"free text (FTX) is longer than {MAX_TEXT} characters and was cut",
                    notes_loc,
                )
            self.put(data, "notes", "$.notes", text, notes_loc)
        if lines:
            data["lines"] = lines
        if line_count is not None and line_count[0] != len(lines):
            declared = "an implausible number of" if line_count[0] is None else line_count[0]
            self.finding(
                "read.cnt_line_count",
                Severity.WARNING,
                "$.lines",
                f"CNT+2 declares {declared} line items but the message has {len(lines)}",
                self.loc(line_count[1], 1, 2),
            )
        if quantity_total is not None:
            # The total_quantity rule compares it with the lines (a warning, unit-aware).
            value, seg = quantity_total
            self.put(data, "total_quantity", "$.total_quantity", value, self.loc(seg, 1, 2))
        for key, value in self.defaults.items():
            data.setdefault(key, value)
        return data

    # -- header -------------------------------------------------------------------------------

    def _bgm(self, seg: Segment) -> None:
        data = self.data
        doc_type = seg.value(1, 1)
        if doc_type:
            if doc_type not in ORDER_TYPES:
                self.finding(
                    "read.document_type",
                    Severity.ERROR,
                    "$",
                    f"BGM document name code {doc_type!r} is not a purchase order (expected 220)",
                    self.loc(seg, 1, 1),
                )
            elif ORDER_TYPES[doc_type] is not None:
                self.put(data, "po_type", "$.po_type", ORDER_TYPES[doc_type], self.loc(seg, 1, 1))
        number = seg.value(2, 1)
        if number:
            self.put(data, "po_number", "$.po_number", number, self.loc(seg, 2, 1))
        else:
            self.provenance.pending["$.po_number"] = self.loc(seg, 2, 1)
        function = seg.value(3)
        if function:
            purpose = PURPOSES.get(function)
            if purpose is None:
                self.finding(
                    "read.message_function",
                    Severity.ERROR,
                    "$.purpose",
                    f"BGM message function {function!r} is not supported (9 original, 1 cancel,"
                    " 5 replace, 4 change)",
                    self.loc(seg, 3),
                )
            else:
                self.put(data, "purpose", "$.purpose", purpose, self.loc(seg, 3))
                if function == "7":
                    self.finding(
                        "read.message_function",
                        Severity.WARNING,
                        "$.purpose",
                        "BGM message function 7 marks this order as a duplicate of one sent before",
                        self.loc(seg, 3),
                    )

    def _date(self, seg: Segment, path: str) -> tuple[tuple[str, str | None], str] | None:
        """((start, end), qualifier) of a DTM, or None after reporting why it cannot be read."""
        qualifier = seg.value(1, 1)
        raw = seg.value(1, 2)
        if not raw:
            return None
        parsed, why = parse_edi_date(raw, seg.value(1, 3))
        if parsed is None:
            self.finding(
                "read.date", Severity.ERROR, path, f"DTM {qualifier}: {why}", self.loc(seg, 1, 2)
            )
            return None
        return parsed, qualifier

    def _header_dtm(self, seg: Segment) -> None:
        qualifier = seg.value(1, 1)
        path = {
            "137": "$.order_date",
            "2": "$.delivery_window",
            "63": "$.delivery_window.end",
            "64": "$.delivery_window.start",
            "10": "$.ship_window",
        }.get(qualifier)
        if path is None:
            return
        got = self._date(seg, path)
        if got is None:
            return
        (start, end), _ = got
        location = self.loc(seg, 1, 2)
        if qualifier == "137":
            self.put(self.data, "order_date", path, start, location)
        elif qualifier in ("2", "10"):
            window = self._delivery if qualifier == "2" else self._ship
            window.setdefault("start", (start, location))
            window.setdefault("end", (end or start, location))
        elif qualifier == "64":
            self._delivery["start"] = (start, location)
        else:
            self._delivery["end"] = (end or start, location)

    def _windows(self) -> None:
        for key, window in (("delivery_window", self._delivery), ("ship_window", self._ship)):
            if not window:
                continue
            out: dict[str, str] = {}
            for end in ("start", "end"):
                if end in window:
                    value, location = window[end]
                    self.put(out, end, f"$.{key}.{end}", value, location)
            first = window.get("start") or window["end"]
            self.provenance.pending[f"$.{key}"] = first[1]
            self.data[key] = out

    def _rff(self, seg: Segment) -> None:
        qualifier = seg.value(1, 1)
        value = seg.value(1, 2)
        if not value:
            return
        location = self.loc(seg, 1, 2)
        if qualifier == "CR":
            self.put(self.data, "customer_reference", "$.customer_reference", value, location)
        elif qualifier == "ON":
            if value != self.data.get("po_number"):
                self.put(self.data, "original_po_number", "$.original_po_number", value, location)
        elif qualifier:
            self._attribute(self.data, "$", f"rff_{qualifier}", value, location)

    def _attribute(
        self, target: dict[str, Any], base: str, key: str, value: str, location: Loc
    ) -> None:
        attributes: list[dict[str, Any]] = target.setdefault("additional_attributes", [])
        path = f"{base}.additional_attributes[{len(attributes)}]"
        attributes.append({"key": key, "value": value})
        self.provenance.pending[path] = location
        self.provenance.pending[path + ".value"] = location

    def _nad(self, seg: Segment) -> None:
        role = seg.value(1)
        party_key = PARTY_ROLES.get(role)
        address_key = ADDRESS_ROLES.get(role)
        if party_key is None and address_key is None:
            return
        if party_key is not None:
            base = f"$.organisations.{party_key}"
            party: dict[str, Any] = {}
            self.provenance.pending[base] = self.loc(seg)
            party_id = seg.value(2, 1)
            if party_id:
                self.put(party, "id", base + ".id", party_id, self.loc(seg, 2, 1))
            name = self._name(seg)
            if name is not None:
                self.put(party, "name", base + ".name", name[0], name[1])
            address = self._address(seg, base + ".address", with_name=False)
            if address:
                party["address"] = address
            self.data.setdefault("organisations", {})[party_key] = party
        else:
            assert address_key is not None
            if address_key in self.data:
                return  # DP wins over ST: the first delivery party named is kept.
            base = f"$.{address_key}"
            self.provenance.pending[base] = self.loc(seg)
            address = self._address(seg, base, with_name=True)
            location_id = seg.value(2, 1)
            if location_id:
                self.put(
                    address, "location_id", base + ".location_id", location_id, self.loc(seg, 2, 1)
                )
            self.data[address_key] = address

    def _name(self, seg: Segment) -> tuple[str, Loc] | None:
        """Party name from C080 (structured), else the first line of C058 (unstructured)."""
        parts = [part for part in seg.components(4)[:5] if part]
        if parts:
            return " ".join(parts), self.loc(seg, 4, 1)
        unstructured = seg.value(3, 1)
        if unstructured:
            return unstructured, self.loc(seg, 3, 1)
        return None

    def _address(self, seg: Segment, base: str, *, with_name: bool) -> dict[str, Any]:
        address: dict[str, Any] = {}
        if with_name:
            name = self._name(seg)
            if name is not None:
                self.put(address, "name", base + ".name", name[0], name[1])
        street = seg.components(5)
        if street and street[0]:
            self.put(address, "line1", base + ".line1", street[0], self.loc(seg, 5, 1))
        rest = [part for part in street[1:4] if part]
        if rest:
            self.put(address, "line2", base + ".line2", " ".join(rest), self.loc(seg, 5, 2))
        for element, key in ((6, "city"), (7, "province"), (8, "postal_code")):
            value = seg.value(element, 1)
            if value:
                self.put(address, key, f"{base}.{key}", value, self.loc(seg, element, 1))
        country = seg.value(9, 1)
        if country:
            if len(country) == 2 and country.isascii() and country.isalpha() and country.isupper():
                self.put(address, "country", base + ".country", country, self.loc(seg, 9, 1))
            else:
                self.put(
                    address, "country_name", base + ".country_name", country, self.loc(seg, 9, 1)
                )
        return address

    def _cux(self, seg: Segment, target: dict[str, Any], path: str) -> None:
        for element in (1, 2):
            qualifier = seg.value(element, 1)
            currency = seg.value(element, 2)
            if currency and qualifier in ("2", "9", "") and "currency" not in target:
                self.put(target, "currency", path, currency, self.loc(seg, element, 2))
                return

    def _tod(self, seg: Segment, target: dict[str, Any], path: str) -> None:
        code = seg.value(3, 1)
        if not code:
            return
        if code in INCOTERMS:
            self.put(target, "shipment_terms", path, code, self.loc(seg, 3, 1))
        else:
            self.finding(
                "read.incoterm",
                Severity.WARNING,
                path,
                f"delivery terms {code!r} (TOD 4053) are not an Incoterm and were left out",
                self.loc(seg, 3, 1),
            )

    def _summary_moa(self, seg: Segment) -> None:
        if seg.value(1, 1) != "79" or "total_cost" in self.data:
            return
        amount = self.number(seg, 1, 2, "$.total_cost.amount", "MOA amount")
        if amount is None:
            return
        currency = seg.value(1, 3) or self.data.get("currency") or self.defaults.get("currency")
        total: dict[str, Any] = {}
        self.provenance.pending["$.total_cost"] = self.loc(seg, 1)
        self.put(total, "amount", "$.total_cost.amount", amount, self.loc(seg, 1, 2))
        if currency:
            currency_loc = (
                self.loc(seg, 1, 3)
                if seg.value(1, 3)
                else self.provenance.pending.get("$.currency", self.loc(seg, 1))
            )
            self.put(total, "currency", "$.total_cost.currency", currency, currency_loc)
        self.data["total_cost"] = total

    # -- lines --------------------------------------------------------------------------------

    def _lin(self, seg: Segment, state: _Line) -> None:
        line = state.line
        base = state.base
        self.provenance.pending[base] = self.loc(seg)
        raw = seg.value(1)
        if raw:
            if _LINE_NUMBER.fullmatch(raw):
                # An identifier, kept as sent ("00010"), echoed back the same in ORDRSP/DESADV.
                self.put(line, "line_number", base + ".line_number", raw, self.loc(seg, 1))
            else:
                self.syntax_error(
                    seg,
                    INVALID_VALUE,
                    1,
                    None,
                    base + ".line_number",
                    f"line item number {raw!r} is not a line number (1-20 letters or digits)",
                )
        else:
            self.put(line, "line_number", base + ".line_number", state.index + 1, self.loc(seg))
            self.finding(
                "read.line_number_missing",
                Severity.WARNING,
                base + ".line_number",
                f"LIN has no line item number; numbered {state.index + 1} by position",
                self.loc(seg, 1),
            )
        item = seg.value(3, 1)
        if item:
            self._item_id(seg, 3, item, seg.value(3, 2), state)

    def _item_id(self, seg: Segment, element: int, item: str, kind: str, state: _Line) -> None:
        line = state.line
        base = state.base
        location = self.loc(seg, element, 1)
        if kind in GTIN_TYPES:
            # The check digit is a business rule (validation reports rule.gtin_check_digit).
            if "gtin" not in line:
                self.put(line, "gtin", base + ".gtin", item, location)
        elif kind == "SA":
            if "vendor_sku" not in line:
                self.put(line, "vendor_sku", base + ".vendor_sku", item, location)
            if "sku" not in line:
                self.put(line, "sku", base + ".sku", item, location)
        elif kind == "BP" or (kind == "IN" and "buyer_sku" not in line):
            self.put(line, "buyer_sku", base + ".buyer_sku", item, location)
        elif kind and kind != "IN":
            self._attribute(line, base, f"item_{kind}", item, location)

    def _line_segment(self, seg: Segment, state: _Line) -> None:
        tag = seg.tag
        previous_group = state.group
        if tag not in LINE_TOP and not (tag == "CUX" and previous_group == "PRI"):
            state.group = tag
        top = state.group is None
        line = state.line
        base = state.base
        if tag == "PIA" and top:
            for element in range(2, 7):
                item = seg.value(element, 1)
                if item:
                    self._item_id(seg, element, item, seg.value(element, 2), state)
        elif tag == "IMD" and top:
            self._imd(seg, state)
        elif tag == "QTY" and top:
            qualifier = seg.value(1, 1)
            if qualifier == "21":
                if not seg.value(1, 2):
                    self.syntax_error(
                        seg, MISSING, 1, 2, base + ".quantity", "QTY+21 has no quantity (6060)"
                    )
                    self.provenance.pending[base + ".quantity"] = self.loc(seg, 1, 2)
                    return
                value = self.number(seg, 1, 2, base + ".quantity", "quantity")
                if value is not None:
                    self.put(line, "quantity", base + ".quantity", value, self.loc(seg, 1, 2))
                    state.quantity = value
                unit = seg.value(1, 3)
                if unit:
                    self.put(
                        line,
                        "uom",
                        base + ".uom",
                        UNIT_SYNONYMS.get(unit, unit),
                        self.loc(seg, 1, 3),
                    )
            elif qualifier == "59":
                value = self.number(seg, 1, 2, base + ".pack_size", "pack size")
                if value is not None:
                    pack = count_value(value)
                    if pack is not None:
                        self.put(line, "pack_size", base + ".pack_size", pack, self.loc(seg, 1, 2))
                    else:
                        self.finding(
                            "read.pack_size",
                            Severity.WARNING,
                            base + ".pack_size",
                            f"units per pack {value!r} (QTY+59) is not a whole number; left out",
                            self.loc(seg, 1, 2),
                        )
        elif tag == "DTM" and top:
            qualifier = seg.value(1, 1)
            key = {"2": "requested_delivery_date", "10": "requested_ship_date"}.get(qualifier)
            if key is not None:
                got = self._date(seg, f"{base}.{key}")
                if got is not None:
                    (start, end), _ = got
                    self.put(line, key, f"{base}.{key}", start, self.loc(seg, 1, 2))
                    if end is not None and end != start:
                        self.finding(
                            "read.date_range",
                            Severity.WARNING,
                            f"{base}.{key}",
                            f"a line takes one date; the range ending {end} was read as {start}",
                            self.loc(seg, 1, 2),
                        )
        elif tag == "MOA" and top:
            if seg.value(1, 1) == "203":
                amount = self.number(seg, 1, 2, base, "line amount")
                if amount is not None:
                    state.amount = (amount, seg)
        elif tag == "PRI":
            qualifier = seg.value(1, 1)
            if qualifier in ("AAA", "AAB") and qualifier not in state.prices:
                price = self.number(seg, 1, 2, base + ".unit_cost.amount", "price")
                if price is not None:
                    state.prices[qualifier] = (price, seg)
        elif tag == "CUX" and previous_group == "PRI":
            self._cux(seg, state.currency, base + ".unit_cost.currency")
        elif tag == "FTX" and top:
            text = " ".join(part for part in seg.components(4) if part)
            if text:
                self._attribute(line, base, "note", text[:1000], self.loc(seg, 4))
        elif tag == "TOD":
            self._tod(seg, line, base + ".shipment_terms")

    def _imd(self, seg: Segment, state: _Line) -> None:
        characteristic = seg.value(2, 1)
        parts = seg.components(3)
        text = " ".join(part for part in parts[3:5] if part)
        location = self.loc(seg, 3, 4)
        if not text:
            code = parts[0] if parts else ""
            if not code:
                return
            text, location = code, self.loc(seg, 3, 1)
        key = {"35": "color", "98": "size", "BRN": "brand"}.get(characteristic, "description")
        line = state.line
        path = f"{state.base}.{key}"
        if key in line:
            if key == "description":
                joined = f"{line[key]} {text}"[:MAX_TEXT]
                line[key] = joined
            return
        self.put(line, key, path, text[:MAX_TEXT], location)

    def _finish_line(self, state: _Line) -> None:
        line = state.line
        base = state.base
        chosen = state.prices.get("AAA") or state.prices.get("AAB")
        if chosen is not None:
            price_text, seg = chosen
            basis_raw = seg.value(1, 5)
            if basis_raw:
                basis = parse_number(basis_raw)[0]
                if basis is not None and Decimal(basis) > 0 and Decimal(basis) != 1:
                    exact = Decimal(price_text) / Decimal(basis)
                    rounded = exact.quantize(_PRICE_PLACES, rounding=ROUND_HALF_UP)
                    if rounded != exact:
                        self.finding(
                            "read.price_rounded",
                            Severity.WARNING,
                            base + ".unit_cost.amount",
                            f"price {price_text} per {basis} units rounded to {rounded} per unit",
                            self.loc(seg, 1, 5),
                        )
                    price_text = format(rounded.normalize(), "f")
            currency_entry = state.currency.get("currency")
            currency_loc: Loc | None
            if currency_entry is not None:
                currency = currency_entry
                currency_loc = self.provenance.pending.get(base + ".unit_cost.currency")
            else:
                currency = self.data.get("currency") or self.defaults.get("currency")
                currency_loc = self.provenance.pending.get("$.currency")
            if currency:
                cost: dict[str, Any] = {}
                self.provenance.pending[base + ".unit_cost"] = self.loc(seg, 1)
                self.put(
                    cost, "amount", base + ".unit_cost.amount", price_text, self.loc(seg, 1, 2)
                )
                cost["currency"] = currency
                if currency_loc is not None:
                    self.provenance.pending[base + ".unit_cost.currency"] = currency_loc
                line["unit_cost"] = cost
            else:
                self.finding(
                    "read.currency_missing",
                    Severity.WARNING,
                    base + ".unit_cost",
                    "the price has no currency (no CUX in the order or the line); price left out",
                    self.loc(seg, 1, 2),
                )
            if state.amount is not None and state.quantity is not None:
                amount_text, moa = state.amount
                try:
                    expected = Decimal(state.quantity) * Decimal(price_text)
                except InvalidOperation:  # pragma: no cover - both were parsed as numbers
                    return
                if Decimal(amount_text) != expected:
                    self.finding(
                        "read.line_amount",
                        Severity.WARNING,
                        base,
                        f"MOA+203 line amount {amount_text} differs from quantity x price"
                        f" = {expected.normalize():f}",
                        self.loc(moa, 1, 2),
                    )


class _Line:
    """Working state for one line item while its segments are read."""

    __slots__ = (
        "amount",
        "base",
        "currency",
        "group",
        "index",
        "line",
        "prices",
        "quantity",
    )

    def __init__(self, index: int, line: dict[str, Any], seg: Segment) -> None:
        self.index = index
        self.line = line
        self.base = f"$.lines[{index}]"
        self.group: str | None = None
        self.prices: dict[str, tuple[str, Segment]] = {}
        self.currency: dict[str, Any] = {}
        self.quantity: str | None = None
        self.amount: tuple[str, Segment] | None = None
