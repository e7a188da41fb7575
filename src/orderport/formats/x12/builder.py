"""Segment rules shared by the 850 and 860 mappers: header, parties, dates, line details.

Every value written into the canonical dict has its location recorded (segment id, segment
position counted from ST = 1, element number).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from orderport.formats.x12 import results as r
from orderport.formats.x12.context import SetContext, element
from orderport.model import Severity
from orderport.model.types import LINE_NUMBER_PATTERN

PURPOSES = {"00": "original", "01": "cancel", "04": "change", "05": "change"}
"""BEG01 / BCH01: 00 original, 01 cancellation, 04 change and 05 replace -> change."""

PRODUCT_ID_FIELDS = {
    "UP": "gtin",  # UPC consumer package code (12)
    "UK": "gtin",  # GTIN-14
    "EN": "gtin",  # EAN-13
    "UA": "gtin",  # UPC/EAN case code
    "VN": "vendor_sku",  # vendor's item number
    "VA": "vendor_sku",  # vendor's style number
    "VP": "vendor_sku",  # vendor's part number
    "IN": "buyer_sku",  # buyer's item number
    "BP": "buyer_sku",  # buyer's part number
    "PI": "buyer_sku",  # purchaser's item code
    "SK": "sku",  # stock keeping unit
    "ST": "style_id",  # style number
    "CL": "color",
    "BO": "color",  # buyer's color
    "SZ": "size",
    "IZ": "size",  # buyer's size code
}
"""Product/service id qualifiers (PO1/POC pairs, in any order). Others become line attributes
``product_id_<qualifier>``; when a field is already filled the repeat becomes an attribute too."""

REF_FIELDS = {"CR": "customer_reference", "ZZ": "external_id", "CO": "original_po_number"}
"""REF01 qualifiers with a canonical field: CR customer reference, ZZ (mutually defined) the
external id of seed 002, CO customer order number. DP (department) and IA (vendor number)
and all others become PO attributes ``department``, ``vendor_number``, ``ref_<qualifier>``;
IA also serves as the vendor party's id when N1*VN has no N104."""

REF_ATTRIBUTES = {"DP": "department", "IA": "vendor_number"}

WINDOW_DATES = {
    "002": ("delivery_window", None),  # delivery requested: start and end unless explicit
    "064": ("delivery_window", "start"),  # do not deliver before
    "063": ("delivery_window", "end"),  # do not deliver after
    "010": ("ship_window", None),  # requested ship
    "037": ("ship_window", "start"),  # ship not before
    "038": ("ship_window", "end"),  # ship no later
}
LINE_DATES = {"002": "requested_delivery_date", "010": "requested_ship_date"}

ADDRESS_PARTIES = {"ST": "ship_to", "BT": "bill_to"}
ORGANISATION_PARTIES = {
    "BY": "buyer",
    "VN": "vendor",
    "SU": "vendor",
    "SF": "factory",
    "MF": "factory",
}
"""N101 codes: ST ship-to and BT bill-to become addresses (N104 -> location_id); BY buyer,
VN/SU vendor, SF ship-from / MF manufacturer -> factory become parties (N104 -> id). Other N1
loops are not mapped."""

INCOTERMS = frozenset(
    ["EXW", "FCA", "FAS", "FOB", "CFR", "CIF", "CPT", "CIP", "DAP", "DPU", "DAT", "DDP"]
)


LINE_NUMBER = re.compile(LINE_NUMBER_PATTERN)


class DocumentBuilder:
    """Writes mapped values into ``data`` (a canonical-shaped dict) and records provenance."""

    def __init__(self, ctx: SetContext, data: dict[str, Any], default_currency: str) -> None:
        self.ctx = ctx
        self.data = data
        self.currency = default_currency
        self.currency_at: tuple[str, int, int] | None = None
        self.address: dict[str, Any] | None = None
        self.address_path = ""
        self.explicit_window: set[tuple[str, str]] = set()
        self.vendor_number: tuple[str, int] | None = None

    # -- header --------------------------------------------------------------------------------

    def purpose(self, segment: list[str], pos: int) -> None:
        code = element(segment, 1)
        purpose = PURPOSES.get(code)
        if purpose is None:
            self.ctx.problem(
                "read.purpose",
                "$.purpose",
                f"purpose code {code!r} is not supported (00, 01, 04, 05)",
                segment[0],
                pos,
                1,
                syntax=(r.EL_INVALID_CODE, "353", code),
            )
            return
        self.ctx.set_value(self.data, "purpose", purpose, "$.purpose", segment[0], pos, 1)

    def po_number(self, segment: list[str], pos: int, index: int) -> None:
        value = self.ctx.text(segment, index, pos, "$.po_number")
        if value is None:
            self.ctx.problem(
                "read.po_number",
                "$.po_number",
                "the PO number is missing",
                segment[0],
                pos,
                index,
                syntax=(r.EL_MANDATORY_MISSING, "324", ""),
            )
            return
        self.data["po_number"] = value

    def attribute(
        self,
        target: dict[str, Any],
        prefix: str,
        key: str,
        value: str,
        tag: str,
        pos: int,
        index: int,
    ) -> None:
        attrs = target.setdefault("additional_attributes", [])
        self.ctx.record(f"{prefix}.additional_attributes[{len(attrs)}]", tag, pos, index)
        attrs.append({"key": key, "value": value})

    def cur(self, segment: list[str], pos: int) -> None:
        code = element(segment, 2).strip()
        if code:
            self.currency = code
            self.currency_at = (segment[0], pos, 2)
            self.ctx.set_value(self.data, "currency", code, "$.currency", segment[0], pos, 2)

    def ref(self, segment: list[str], pos: int) -> None:
        qualifier = element(segment, 1)
        value = (element(segment, 2) or element(segment, 3)).strip()
        index = 2 if element(segment, 2) else 3
        if not value:
            return
        field = REF_FIELDS.get(qualifier)
        if field is not None:
            self.ctx.set_value(self.data, field, value, f"$.{field}", segment[0], pos, index)
            return
        if qualifier == "IA":
            self.vendor_number = (value, pos)
        key = REF_ATTRIBUTES.get(qualifier) or f"ref_{qualifier or 'unqualified'}"
        self.attribute(self.data, "$", key, value, segment[0], pos, index)

    def dtm_header(self, segment: list[str], pos: int) -> None:
        qualifier = element(segment, 1)
        target = WINDOW_DATES.get(qualifier)
        if target is None:
            value = self.ctx.date(segment, 2, pos, "$.additional_attributes")
            if value is not None:
                self.attribute(self.data, "$", f"dtm_{qualifier}", value, segment[0], pos, 2)
            return
        window_key, end = target
        path = f"$.{window_key}"
        value = self.ctx.date(segment, 2, pos, path)
        if value is None:
            return
        window = self.data.setdefault(window_key, {})
        ends = ("start", "end") if end is None else (end,)
        for which in ends:
            if end is None and (window_key, which) in self.explicit_window:
                continue
            if end is not None:
                self.explicit_window.add((window_key, which))
            self.ctx.set_value(window, which, value, f"{path}.{which}", segment[0], pos, 2)

    def fob(self, segment: list[str], pos: int) -> None:
        if element(segment, 5) == "01" and element(segment, 6) in INCOTERMS:
            self.ctx.set_value(
                self.data,
                "shipment_terms",
                element(segment, 6),
                "$.shipment_terms",
                segment[0],
                pos,
                6,
            )
        if element(segment, 1):
            self.attribute(
                self.data, "$", "shipment_payment", element(segment, 1), segment[0], pos, 1
            )

    def itd(self, segment: list[str], pos: int) -> None:
        description = element(segment, 12).strip()
        if description:
            self.attribute(self.data, "$", "payment_terms", description, segment[0], pos, 12)
        net_days = element(segment, 7).strip()
        if net_days:
            self.attribute(self.data, "$", "net_days", net_days, segment[0], pos, 7)

    def msg(self, segment: list[str], pos: int) -> None:
        text = element(segment, 1).strip()
        if text:
            notes = self.data.get("notes")
            self.ctx.set_value(
                self.data,
                "notes",
                f"{notes} {text}" if notes else text,
                "$.notes",
                segment[0],
                pos,
                1,
            )

    def amt(self, segment: list[str], pos: int) -> None:
        if element(segment, 1) != "TT":
            return
        amount = self.ctx.decimal(segment, 2, pos, "$.total_cost.amount", "782")
        if amount is None:
            return
        self._money(self.data, "total_cost", amount, "$.total_cost", segment[0], pos, 2)

    def _money(
        self,
        target: dict[str, Any],
        key: str,
        amount: str,
        path: str,
        tag: str,
        pos: int,
        index: int,
    ) -> None:
        """``target[key]`` = the amount in the set's currency, with the provenance of both: the
        amount's element, and CUR02 (or the amount's element when the set has no CUR).

        Writes the three locations straight into the provenance (one call per line, not four).
        """
        target[key] = {"amount": amount, "currency": self.currency}
        spot = (tag, pos, index)
        spots = self.ctx.provenance.spots
        spots[path] = spot
        spots[f"{path}.amount"] = spot
        spots[f"{path}.currency"] = self.currency_at or spot

    # -- N1 loops ------------------------------------------------------------------------------

    def n1(self, segment: list[str], pos: int) -> None:
        code = element(segment, 1)
        name = element(segment, 2).strip()
        ident = element(segment, 4).strip()
        self.address = None
        if code in ADDRESS_PARTIES:
            key = ADDRESS_PARTIES[code]
            self.address_path = f"$.{key}"
            address: dict[str, Any] = {}
            self.data[key] = address
            self.ctx.record(self.address_path, segment[0], pos, 1)
            if name:
                self.ctx.set_value(address, "name", name, f"$.{key}.name", segment[0], pos, 2)
            if ident:
                self.ctx.set_value(
                    address, "location_id", ident, f"$.{key}.location_id", segment[0], pos, 4
                )
            self.address = address
        elif code in ORGANISATION_PARTIES:
            role = ORGANISATION_PARTIES[code]
            path = f"$.organisations.{role}"
            party: dict[str, Any] = {}
            self.data.setdefault("organisations", {})[role] = party
            self.ctx.record(path, segment[0], pos, 1)
            if ident:
                self.ctx.set_value(party, "id", ident, f"{path}.id", segment[0], pos, 4)
            if name:
                self.ctx.set_value(party, "name", name, f"{path}.name", segment[0], pos, 2)
            party["address"] = self.address = {}
            self.address_path = f"{path}.address"
            self.ctx.record(self.address_path, segment[0], pos, 1)

    def n2(self, segment: list[str], pos: int) -> None:
        if self.address is None:
            return
        extra = " ".join(v.strip() for v in segment[1:3] if v.strip())
        if extra:
            name = self.address.get("name")
            self.ctx.set_value(
                self.address,
                "name",
                f"{name} {extra}" if name else extra,
                f"{self.address_path}.name",
                segment[0],
                pos,
                1,
            )

    def n3(self, segment: list[str], pos: int) -> None:
        if self.address is None:
            return
        for index, key in ((1, "line1"), (2, "line2")):
            value = element(segment, index).strip()
            if value:
                self.ctx.set_value(
                    self.address, key, value, f"{self.address_path}.{key}", segment[0], pos, index
                )

    def n4(self, segment: list[str], pos: int) -> None:
        if self.address is None:
            return
        for index, key in ((1, "city"), (2, "province"), (3, "postal_code")):
            value = element(segment, index).strip()
            if value:
                self.ctx.set_value(
                    self.address, key, value, f"{self.address_path}.{key}", segment[0], pos, index
                )
        country = element(segment, 4).strip()
        if country:
            key = "country" if len(country) == 2 and country.isalpha() else "country_name"
            self.ctx.set_value(
                self.address,
                key,
                country.upper() if key == "country" else country,
                f"{self.address_path}.{key}",
                segment[0],
                pos,
                4,
            )

    def finish_header(self) -> None:
        """Drop empty party addresses; fall back to REF*IA for a vendor without N104."""
        organisations = self.data.get("organisations")
        if self.vendor_number is not None:
            vendor = (organisations or {}).get("vendor")
            if vendor is not None and "id" not in vendor:
                value, pos = self.vendor_number
                self.ctx.set_value(vendor, "id", value, "$.organisations.vendor.id", "REF", pos, 2)
        if organisations:
            for party in organisations.values():
                if isinstance(party, dict) and party.get("address") == {}:
                    del party["address"]

    # -- lines ---------------------------------------------------------------------------------

    def product_ids(
        self, line: dict[str, Any], prefix: str, segment: list[str], pos: int, first: int
    ) -> None:
        """Qualifier/id pairs from element ``first`` on, in any order."""
        tag = segment[0]
        set_value = self.ctx.set_value
        for index in range(first, len(segment) - 1, 2):
            qualifier = segment[index]
            value = segment[index + 1].strip()
            if not qualifier or not value:
                continue
            field = PRODUCT_ID_FIELDS.get(qualifier)
            if field is not None and field not in line:
                set_value(line, field, value, f"{prefix}.{field}", tag, pos, index + 1)
            else:
                self.attribute(line, prefix, f"product_id_{qualifier}", value, tag, pos, index + 1)

    def quantity_uom_price(
        self,
        line: dict[str, Any],
        prefix: str,
        segment: list[str],
        pos: int,
        qty_index: int,
        uom_index: int,
        price_index: int,
    ) -> Decimal | None:
        """Quantity, unit and price of a PO1/POC; returns the quantity for the CTT hash."""
        ctx = self.ctx
        tag = segment[0]
        path = f"{prefix}.quantity"
        quantity = ctx.decimal(segment, qty_index, pos, path, "330")
        if quantity is not None:
            ctx.set_value(line, "quantity", quantity, path, tag, pos, qty_index)
        uom = element(segment, uom_index).split(ctx.component, 1)[0].strip()
        if uom:
            ctx.set_value(line, "uom", uom, f"{prefix}.uom", tag, pos, uom_index)
        path = f"{prefix}.unit_cost"
        price = ctx.decimal(segment, price_index, pos, f"{path}.amount", "212")
        if price is not None:
            self._money(line, "unit_cost", price, path, tag, pos, price_index)
        return Decimal(quantity) if quantity is not None else None

    def line_number(
        self, line: dict[str, Any], prefix: str, segment: list[str], pos: int, fallback: int
    ) -> None:
        assigned = element(segment, 1).strip()
        tag = segment[0]
        if LINE_NUMBER.fullmatch(assigned):
            # An identifier, kept as sent: SAP's "00010" is echoed back as "00010".
            self.ctx.set_value(line, "line_number", assigned, f"{prefix}.line_number", tag, pos, 1)
            return
        self.ctx.set_value(line, "line_number", fallback, f"{prefix}.line_number", tag, pos, 1)
        if assigned:
            self.attribute(line, prefix, "assigned_id", assigned, tag, pos, 1)
            self.ctx.problem(
                "read.line_number",
                f"{prefix}.line_number",
                f"assigned id {assigned!r} is not a line number (1-20 letters or digits); "
                + (f"the line is numbered {fallback}" if fallback else "matched by product id"),
                tag,
                pos,
                1,
                severity=Severity.WARNING,
            )

    def pid(self, line: dict[str, Any], prefix: str, segment: list[str], pos: int) -> None:
        if element(segment, 1) != "F":
            return
        text = element(segment, 5).strip()
        if text:
            old = line.get("description")
            self.ctx.set_value(
                line,
                "description",
                f"{old} {text}" if old else text,
                f"{prefix}.description",
                segment[0],
                pos,
                5,
            )

    def po4(self, line: dict[str, Any], prefix: str, segment: list[str], pos: int) -> None:
        pack = self.ctx.integer(segment, 1, pos, f"{prefix}.pack_size", "356")
        if pack is not None:
            self.ctx.set_value(line, "pack_size", pack, f"{prefix}.pack_size", segment[0], pos, 1)

    def dtm_line(self, line: dict[str, Any], prefix: str, segment: list[str], pos: int) -> None:
        field = LINE_DATES.get(element(segment, 1))
        if field is None:
            return
        value = self.ctx.date(segment, 2, pos, f"{prefix}.{field}")
        if value is not None:
            self.ctx.set_value(line, field, value, f"{prefix}.{field}", segment[0], pos, 2)
