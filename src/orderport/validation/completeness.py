"""Can the PO be fulfilled as sent? Checks on the document as read, so they run whether or not
the schema accepted it: the partner gets every finding in one round.

- every line names an item: our SKU, the buyer's SKU, the vendor's item number, a GTIN/UPC or
  the shape's item code (Loupe atelier code); none -> ``rule.item_identity_required``;
- currency (ISO 4217), country (ISO 3166-1: alpha-3 and names become alpha-2) and unit of
  measure (UN/ECE Rec. 20 / X12 355, synonyms such as PCE or pcs become EA) are checked against
  the code lists of ``orderport.codelists``; unknown -> ``code.*_unknown`` with a "did you mean";
- a PO that is not a cancel needs somewhere to ship to (its own ship-to or the partner's
  default, filled by the profile before this runs) -> ``rule.ship_to_required``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from orderport import codelists
from orderport.model.findings import Finding, Severity
from orderport.model.provenance import Provenance

ITEM_IDENTITY_REQUIRED = "rule.item_identity_required"
SHIP_TO_REQUIRED = "rule.ship_to_required"
CURRENCY_UNKNOWN = "code.currency_unknown"
COUNTRY_UNKNOWN = "code.country_unknown"
UOM_UNKNOWN = "code.uom_unknown"

ITEM_KEYS = ("sku", "buyer_sku", "vendor_sku", "gtin", "atelier_code")
"""A line identifies its item by any of these (after the profile's SKU cross-reference)."""
ADDRESS_KEYS = ("ship_to", "bill_to")


@dataclass
class _Out:
    provenance: Provenance
    skip: set[str]
    findings: list[Finding] = field(default_factory=list)

    def error(self, code: str, path: str, message: str) -> None:
        if path in self.skip:
            return
        self.findings.append(
            Finding(
                code=code,
                severity=Severity.ERROR,
                path=path,
                message=message,
                location=self.provenance.locate(path),
            )
        )


def _present(value: object) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    return not (isinstance(value, dict | list) and not value)


def _did_you_mean(suggestion: str | None) -> str:
    return f"; did you mean {suggestion}?" if suggestion else ""


def _check_currency(value: object, path: str, out: _Out) -> None:
    if not isinstance(value, str) or not value.strip():
        return
    if codelists.is_currency(value):
        return
    out.error(
        CURRENCY_UNKNOWN,
        path,
        f"currency {value!r} is not an ISO 4217 currency code"
        + _did_you_mean(codelists.suggest_currency(value)),
    )


def _check_address(address: object, path: str, out: _Out) -> None:
    if not isinstance(address, dict):
        return
    country = address.get("country")
    if isinstance(country, str) and country.strip():
        code = codelists.country_alpha2(country)
        if code is None:
            out.error(
                COUNTRY_UNKNOWN,
                f"{path}.country",
                f"country {country!r} is not an ISO 3166-1 country"
                + _did_you_mean(codelists.suggest_country(country)),
            )
        elif code != country:
            address["country"] = code  # USA, DEU, "Germany" -> the alpha-2 code


def _check_uom(line: dict[str, Any], path: str, out: _Out) -> None:
    value = line.get("uom")
    if not isinstance(value, str) or not value.strip():
        return
    code = codelists.uom_code(value)
    if code is None:
        out.error(
            UOM_UNKNOWN,
            f"{path}.uom",
            f"unit of measure {value!r} is not a UN/ECE Rec. 20 or X12 355 code"
            + _did_you_mean(codelists.suggest_uom(value)),
        )
    elif code != value:
        line["uom"] = code


def _check_lines(data: dict[str, Any], out: _Out) -> None:
    lines = data.get("lines")
    if not isinstance(lines, list):
        return
    for index, line in enumerate(lines):
        if not isinstance(line, dict):
            continue
        path = f"$.lines[{index}]"
        if not any(_present(line.get(key)) for key in ITEM_KEYS):
            number = line.get("line_number")
            which = f"line {number}" if _present(number) else f"lines[{index}]"
            out.error(
                ITEM_IDENTITY_REQUIRED,
                f"{path}.sku",
                f"{which} names no item: give our SKU, the buyer SKU (with a cross-reference), "
                "a GTIN/UPC or the item code",
            )
        _check_uom(line, path, out)
        cost = line.get("unit_cost")
        if isinstance(cost, dict):
            _check_currency(cost.get("currency"), f"{path}.unit_cost.currency", out)


def _check_ship_to(data: dict[str, Any], out: _Out) -> None:
    # A change names only what changes (an 860 merged onto nothing when only checked).
    if data.get("purpose") in ("cancel", "change") or _present(data.get("ship_to")):
        return
    out.error(
        SHIP_TO_REQUIRED,
        "$.ship_to",
        "the PO has no ship-to address or location and the partner profile has no default "
        "ship_to; it cannot be shipped",
    )


def _check_po_codes(data: dict[str, Any], out: _Out) -> None:
    _check_currency(data.get("currency"), "$.currency", out)
    total = data.get("total_cost")
    if isinstance(total, dict):
        _check_currency(total.get("currency"), "$.total_cost.currency", out)
    for key in ADDRESS_KEYS:
        _check_address(data.get(key), f"$.{key}", out)


CHECKS: tuple[Callable[[dict[str, Any], _Out], None], ...] = (
    _check_lines,
    _check_po_codes,
    _check_ship_to,
)


def completeness_findings(
    data: dict[str, Any], provenance: Provenance, *, explained: set[str] | None = None
) -> list[Finding]:
    """Findings about item identity, code lists and ship-to; ``explained`` paths (already
    reported by the schema or the reader) are not reported again. Known synonyms and
    alternative country spellings are rewritten to their codes in ``data``."""
    out = _Out(provenance, set(explained or ()))
    for check in CHECKS:
        check(data, out)
    return out.findings
