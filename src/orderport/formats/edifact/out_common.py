"""Pieces every outbound EDIFACT message shares: the interchange, dates, numbers, parties.

Outbound interchanges use syntax UNOC level 3 (ISO 8859-1), or UNOW/UNOY level 4 (UTF-8) when
the partner's profile says so, with the ISO 9735 default service characters, always announced
by a UNA, and no functional groups. Message references count
1, 2, 3 ... within the file; UNB 0020 is the control number the export pass allocated.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from importlib.resources import files

from orderport.formats.edifact.envelope_out import (
    Element,
    MessageWriter,
    SegmentWriter,
    una,
    unb,
    unz,
)
from orderport.formats.edifact.syntax import Delimiters
from orderport.formats.outbound import OutboundContext, Rendered
from orderport.model import Address, Line, Party, PurchaseOrder
from orderport.model.tracking import ShippedLine, StatusEvent

SYNTAX = ("UNOC", "3")
ENCODING = "latin-1"
SYNTAXES: dict[str, tuple[tuple[str, str], str, str]] = {
    "UNOC": (SYNTAX, ENCODING, "ISO 8859-1"),
    "UNOW": (("UNOW", "4"), "utf-8", "UTF-8"),
    "UNOY": (("UNOY", "4"), "utf-8", "UTF-8"),
}
"""Profile ``edi.edifact_syntax`` -> (UNB S001, encoding, what the character set is). UNOW and
UNOY (ISO 9735 version 4) carry any Unicode name; UNOC refuses what ISO 8859-1 lacks."""
EXTENSION = "edi"
MEDIA_TYPE = "application/edifact"
_DIRECTORY = re.compile(r"^D([0-9]{2}[A-C])$")
_GLN = re.compile(r"^[0-9]{13}$")
_CARRIER_CODE = re.compile(r"^[A-Z0-9]{2,4}$")

# 3055 code list responsible agencies used below.
AGENCY_EAN = "9"
AGENCY_SELLER = "91"
AGENCY_BUYER = "92"
AGENCY_IATA = "3"
AGENCY_SCAC = "182"
AGENCY_UNECE = "6"
CODE_LIST_CARRIER = "172"

# FTX 4451 text subject qualifiers.
FTX_STATUS = "ACB"
"""Additional information: carries the status code (the partner's own code when mapped)."""
FTX_REMARKS = "AAI"
"""General information: carrier remarks on a booking."""

NAME_LENGTH = 35
TEXT_LENGTH = 70
CODED_TEXT_LENGTH = 3
"""FTX C107 4441 (free text, coded) is an..3."""


class EdifactRenderError(ValueError):
    """The data cannot be written as asked; the message says what and where."""


def message_identifier(message_type: str, edifact_version: str) -> list[str]:
    """UNH S009 for ``message_type`` in directory ``edifact_version`` (``D96A``, ``D01B``)."""
    match = _DIRECTORY.fullmatch(edifact_version)
    if match is None:
        raise EdifactRenderError(
            f"EDIFACT version {edifact_version!r} is not a UN/EDIFACT directory"
            " such as D96A or D01B"
        )
    return [message_type, "D", match.group(1), "UN"]


def directory_release(edifact_version: str) -> tuple[int, str]:
    """(year, release) of a directory: ``D01B`` is (2001, "B"), ``D96A`` (1996, "A")."""
    release = message_identifier("", edifact_version)[2]
    year = int(release[:2])
    return (1900 + year if year >= 90 else 2000 + year), release[2]


class OutboundInterchange:
    """Collects the messages of one outbound file and renders it with its envelope."""

    def __init__(self, ctx: OutboundContext, message_type: str) -> None:
        self.ctx = ctx
        self.message_type = message_type
        self.identifier = message_identifier(message_type, ctx.edifact_version)
        self.w = SegmentWriter(Delimiters(advised=True))
        self.messages: list[MessageWriter] = []
        if ctx.edifact_syntax not in SYNTAXES:
            known = ", ".join(SYNTAXES)
            raise EdifactRenderError(
                f"partner {ctx.partner_id}: EDIFACT syntax {ctx.edifact_syntax!r} is not one we"
                f" write ({known})"
            )
        self.syntax, self.encoding, self.charset = SYNTAXES[ctx.edifact_syntax]

    def message(self) -> MessageWriter:
        """Open the next message; its reference is its position in the file."""
        writer = MessageWriter(self.w, str(len(self.messages) + 1), self.identifier)
        self.messages.append(writer)
        return writer

    def document_number(self, message: MessageWriter) -> str:
        """A document number unique per sender: the file's control number and the message."""
        return f"{self.ctx.control_number}-{message.reference}"

    def render(self) -> Rendered:
        if not self.messages:
            raise EdifactRenderError(f"no {self.message_type} message to write: nothing was given")
        ctx = self.ctx
        control = str(ctx.control_number)
        trailing: list[Element] = ["", self.message_type]
        if ctx.test_indicator:
            trailing += ["", "", "", "1"]
        parts = [
            una(self.w.d),
            unb(
                self.w,
                syntax=self.syntax,
                sender=[ctx.sender.interchange_id, ctx.sender.qualifier],
                recipient=[ctx.receiver.interchange_id, ctx.receiver.qualifier],
                prepared=ctx.now,
                control_reference=control,
                trailing=trailing,
            ),
        ]
        for message in self.messages:
            parts.extend(message.close())
        parts.append(unz(self.w, len(self.messages), control))
        self._check_charset(parts)
        return Rendered(
            content="".join(parts).encode(self.encoding),
            extension=EXTENSION,
            media_type=MEDIA_TYPE,
        )

    def _check_charset(self, parts: Sequence[str]) -> None:
        for message in self.messages:
            for position, (tag, text) in enumerate(
                zip(message.tags, message.segments, strict=True), 1
            ):
                try:
                    text.encode(self.encoding)
                except UnicodeEncodeError as exc:
                    raise EdifactRenderError(
                        f"{self.message_type} message {message.reference}, segment {tag}"
                        f" (position {position}): character {text[exc.start]!r} is not in"
                        f" syntax {self.syntax[0]} ({self.charset}); the partner profile's"
                        " edi.edifact_syntax UNOW or UNOY would carry it"
                    ) from exc
        for text in parts[:2]:
            try:
                text.encode(self.encoding)
            except UnicodeEncodeError as exc:
                raise EdifactRenderError(
                    f"UNB: character {text[exc.start]!r} in the interchange sender or recipient"
                    f" is not in syntax {self.syntax[0]} ({self.charset})"
                ) from exc


def dtm(qualifier: str, value: date | datetime) -> list[str]:
    """C507 of a DTM: a date as 102 (CCYYMMDD), a timestamp as 203 (CCYYMMDDHHMM).

    Timestamps are written in the offset they carry (the clock time the source stated).
    """
    if isinstance(value, datetime):
        return [qualifier, value.strftime("%Y%m%d%H%M"), "203"]
    return [qualifier, value.strftime("%Y%m%d"), "102"]


def number(value: Decimal | int) -> str:
    """A quantity as EDIFACT numeric text: no exponent, no trailing zeros after the point."""
    if isinstance(value, int):
        return str(value)
    if not value.is_finite():
        raise EdifactRenderError(f"{value} is not a number that can be written")
    text = format(value.normalize(), "f")
    return text


def chunks(text: str, size: int, count: int) -> list[str]:
    """``text`` cut into at most ``count`` pieces of ``size`` characters (the rest is dropped)."""
    return [text[i : i + size] for i in range(0, min(len(text), size * count), size)]


def party_id_agency(identifier: str) -> str:
    """GLNs are EAN-assigned; any other party id is the buyer's own (partners assign them)."""
    return AGENCY_EAN if _GLN.fullmatch(identifier) else AGENCY_BUYER


def add_nad(
    message: MessageWriter,
    qualifier: str,
    party: Party | None = None,
    address: Address | None = None,
) -> None:
    """NAD for ``party`` and/or ``address``; nothing when neither identifies anyone."""
    address = address if address is not None else (party.address if party else None)
    identifier = party.id if party is not None else (address.location_id if address else None)
    name = (party.name if party is not None else None) or (address.name if address else None)
    if identifier is None and name is None and address is None:
        return
    c082: list[str] = [identifier, "", party_id_agency(identifier)] if identifier else []
    c080 = chunks(name, NAME_LENGTH, 5) if name else []
    street: list[str] = []
    city = province = postal = country = ""
    if address is not None:
        for line in (address.line1, address.line2):
            if line:
                street.extend(chunks(line, NAME_LENGTH, 3 - len(street)))
        city = (address.city or "")[:NAME_LENGTH]
        province = (address.province or "")[:9]
        postal = (address.postal_code or "")[:9]
        country = address.country or ""
    message.add("NAD", qualifier, c082, "", c080, street, city, province, postal, country)


@cache
def status_codes() -> dict[str, str]:
    """Our status -> its FTX C107 4441 code (package data ``data/status_codes.json``)."""
    raw = files("orderport.formats.edifact").joinpath("data/status_codes.json").read_text()
    return {k: v for k, v in json.loads(raw).items() if not k.startswith("_")}


def add_status_ftx(
    message: MessageWriter, ctx: OutboundContext, code: str, reason: str | None
) -> None:
    """FTX+ACB: the status as a code in C107 (4441 is an..3) and as words in C108.

    C107 carries the partner's custom code (``ctx.status_codes``, agency 92) when it fits
    4441's three characters, else our own code (``status_codes()``, agency 91). C108 starts
    with the status as the partner knows it (their custom code, or our status word), then the
    reason, because only free text may hold words.
    """
    custom = ctx.status_codes.get(code)
    if custom and len(custom) <= CODED_TEXT_LENGTH:
        reference = [custom, "", AGENCY_BUYER]
    else:
        reference = [status_codes()[code], "", AGENCY_SELLER]
    words = [custom or code]
    if reason:
        words.extend(chunks(reason, TEXT_LENGTH, 4))
    message.add("FTX", FTX_STATUS, "", reference, words)


def add_line_item(message: MessageWriter, line: Line, action: str = "") -> None:
    """LIN (GTIN as EN), PIA (our SKU as SA, the buyer's as IN) and IMD (description).

    PIA is 5 (the product's identification) when there is no GTIN in LIN, 1 (additional)
    otherwise. ``action`` is LIN 1229 (5 accepted, 3 changed, 7 not accepted, ...).
    """
    item = [line.gtin, "EN"] if line.gtin else []
    message.add("LIN", str(line.line_number), action, item)
    ids: list[Element] = []
    seller_sku = line.sku or line.vendor_sku
    if seller_sku:
        ids.append([seller_sku, "SA"])
    if line.buyer_sku:
        ids.append([line.buyer_sku, "IN"])
    if ids:
        message.add("PIA", "1" if line.gtin else "5", *ids)
    if line.description:
        message.add("IMD", "F", "", ["", "", "", *chunks(line.description, NAME_LENGTH, 2)])


def event_lines(item_po: PurchaseOrder, event: StatusEvent) -> dict[str, ShippedLine]:
    """The event's lines by PO line number; each must be a line of the PO, named once."""
    lines = {line.line_number for line in item_po.lines}
    out: dict[str, ShippedLine] = {}
    for shipped in event.lines:
        if shipped.line_number not in lines:
            raise EdifactRenderError(
                f"status event {event.code.value!r} of PO {event.po_number!r} names line"
                f" {shipped.line_number}, which the PO does not have"
            )
        if shipped.line_number in out:
            raise EdifactRenderError(
                f"status event {event.code.value!r} of PO {event.po_number!r} names line"
                f" {shipped.line_number} twice"
            )
        out[shipped.line_number] = shipped
    return out


def shipped_uom(shipped: ShippedLine, line: Line) -> str:
    """The event line's unit, or the PO line's when the event left it at its default."""
    return shipped.uom if "uom" in shipped.model_fields_set else line.uom


def check_same_po(po: PurchaseOrder, event: StatusEvent) -> None:
    if po.po_number != event.po_number:
        raise EdifactRenderError(
            f"status event for PO {event.po_number!r} was paired with PO {po.po_number!r}"
        )


def carrier(value: str, *, airline: bool = False) -> list[str]:
    """C040: a SCAC (or, for air, an IATA airline code) as 3127, anything else as the name 3128."""
    if _CARRIER_CODE.fullmatch(value):
        return [value, CODE_LIST_CARRIER, AGENCY_IATA if airline else AGENCY_SCAC]
    return ["", "", "", value[:NAME_LENGTH]]
