"""One outbound X12 file: an interchange with one functional group, and value formatting.

The envelope comes from the partner's ``OutboundContext``: ISA13 ``ctx.control_number``, GS06
``ctx.group_control`` (the partner's shared sequences),
ST02 counts 0001, 0002, ... in the file. Separators are ``*`` (element), ``>`` (component),
``~`` (segment) and, from 005010 on, ``^`` (repetition, ISA11).

Values are checked before they are written: an identifier (PO number, SKU, booking reference)
that is too long or holds a separator or a non-ASCII character is an ``X12RenderError`` naming
the set, segment and element, because truncating or altering it would send the partner a
different reference. Free text (names, vessel, reasons) is transliterated to ASCII, separators
become blanks, and it is cut to the element's maximum length.
"""

from __future__ import annotations

import json
import unicodedata
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cache
from importlib.resources import files

from orderport.formats.outbound import EdiParty, OutboundContext
from orderport.formats.x12.envelope_out import (
    IsaHeader,
    SegmentWriter,
    check_control,
    write_ge,
    write_gs,
    write_iea,
    write_isa,
)
from orderport.formats.x12.tokenizer import Separators

ISA_VERSIONS = {"004010": "00401", "005010": "00501"}
"""GS08 version -> ISA12 interchange control version."""

_SEPARATORS = {
    "004010": Separators(element="*", component=">", segment="~", repetition=None),
    "005010": Separators(element="*", component=">", segment="~", repetition="^"),
}
_NOT_DECOMPOSED = str.maketrans(
    {"ß": "ss", "æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "œ": "oe", "Œ": "OE", "ł": "l"}
)
_MAX_SETS = 9999


class X12RenderError(ValueError):
    """Data that cannot be written into the X12 file as it is."""


@cache
def rec20_units() -> dict[str, str]:
    """UN/ECE Rec 20 unit -> X12 355 unit (package data ``data/units_rec20_to_x12_355.json``)."""
    raw = files("orderport.formats.x12").joinpath("data/units_rec20_to_x12_355.json").read_text()
    return {k: v for k, v in json.loads(raw).items() if not k.startswith("_")}


def x12_date(value: date) -> str:
    """CCYYMMDD (DT, 8 characters, used by every segment we write)."""
    return value.strftime("%Y%m%d")


def x12_time(value: datetime) -> str:
    return value.strftime("%H%M")


def time_code(value: datetime) -> str:
    """DTM04: UT when the timestamp is in UTC, LT (local time) for any other offset."""
    return "UT" if value.utcoffset() == timedelta(0) else "LT"


def x12_decimal(value: Decimal) -> str:
    """R type: plain digits, no exponent, no trailing zeros after the point."""
    return format(value.normalize(), "f")


def ascii_text(value: str) -> str:
    """Transliterate to ASCII: accents dropped, ß -> ss; anything else unmappable -> '?'."""
    decomposed = unicodedata.normalize("NFKD", value.translate(_NOT_DECOMPOSED))
    kept = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return "".join(ch if " " <= ch <= "~" else "?" for ch in kept)


class TransactionSet:
    """One ST..SE; ``subject`` (e.g. ``855 for PO 4500012345``) prefixes every error."""

    def __init__(self, doc: X12File, set_id: str, control: str, subject: str) -> None:
        self.doc = doc
        self.w = doc.w
        self.control = control
        self.subject = subject
        self.start = self.w.count
        self.w.segment("ST", set_id, control)

    def seg(self, *elements: str) -> None:
        self.w.segment(*elements)

    def ident(self, value: str, max_length: int, where: str) -> str:
        """An identifier exactly as given, or an error saying what and where."""
        if not value.isascii() or any(ch < " " or ch == "\x7f" for ch in value):
            raise X12RenderError(
                f"{self.subject}, {where}: {value!r} has characters X12 cannot carry"
            )
        bad = [ch for ch in sorted(self.w.forbidden) if ch in value]
        if bad:
            raise X12RenderError(
                f"{self.subject}, {where}: {value!r} contains the separator {bad[0]!r}"
            )
        if len(value) > max_length:
            raise X12RenderError(
                f"{self.subject}, {where}: {value!r} is longer than {max_length} characters"
            )
        return value

    def unit(self, value: str, where: str) -> str:
        """An X12 355 unit: two characters as given, a Rec 20 code through the code list."""
        if len(value) > 2 and value in rec20_units():
            return rec20_units()[value]
        return self.ident(value, 2, where)

    def text(self, value: str | None, max_length: int) -> str:
        if not value:
            return ""
        cleaned = " ".join(self.w.clean(ascii_text(value)).split())
        return cleaned[:max_length].rstrip()

    def end(self) -> None:
        self.w.segment("SE", str(self.w.count - self.start + 1), self.control)


class X12File:
    """An interchange with one functional group; transaction sets are added in order."""

    def __init__(self, ctx: OutboundContext, functional_id: str, newline: bool) -> None:
        version = ctx.x12_version
        if version not in ISA_VERSIONS:
            known = ", ".join(ISA_VERSIONS)
            raise X12RenderError(
                f"partner {ctx.partner_id}: X12 version {version!r} is not supported ({known})"
            )
        check_control("control_number", ctx.control_number)
        self.group_control = ctx.group_control or ctx.control_number
        check_control("group_control", self.group_control)
        self.ctx = ctx
        self.version = version
        self.five = version >= "005010"
        self.w = SegmentWriter(_SEPARATORS[version], newline)
        self.sets = 0
        sender = self._party(ctx.sender, "sender")
        receiver = self._party(ctx.receiver, "receiver")
        write_isa(
            self.w,
            IsaHeader(
                sender_qualifier=sender.qualifier,
                sender_id=sender.interchange_id,
                receiver_qualifier=receiver.qualifier,
                receiver_id=receiver.interchange_id,
                version=ISA_VERSIONS[version],
                control=ctx.control_number,
                usage="T" if ctx.test_indicator else "P",
            ),
            ctx.now,
        )
        write_gs(
            self.w,
            functional_id,
            sender.application_id or sender.interchange_id,
            receiver.application_id or receiver.interchange_id,
            ctx.now,
            self.group_control,
            version,
        )

    def _party(self, party: EdiParty, role: str) -> EdiParty:
        where = f"partner {self.ctx.partner_id}, {role}"
        checks = (
            ("qualifier", party.qualifier, 2, 2),
            ("interchange id", party.interchange_id, 1, 15),
            ("application id", party.application_id or party.interchange_id, 2, 15),
        )
        for name, value, low, high in checks:
            if (
                not low <= len(value) <= high
                or not value.isascii()
                or any(ch in self.w.forbidden for ch in value)
            ):
                raise X12RenderError(
                    f"{where}: {name} {value!r} must be {low}-{high} ASCII characters "
                    "without X12 separators"
                )
        return party

    def begin(self, set_id: str, subject: str) -> TransactionSet:
        self.sets += 1
        if self.sets > _MAX_SETS:
            raise X12RenderError(f"more than {_MAX_SETS} transaction sets in one file")
        return TransactionSet(self, set_id, f"{self.sets:04d}", subject)

    def finish(self) -> bytes:
        if not self.sets:
            raise X12RenderError(f"partner {self.ctx.partner_id}: nothing to write")
        write_ge(self.w, self.sets, self.group_control)
        write_iea(self.w, 1, self.ctx.control_number)
        return self.w.text().encode("ascii")
