"""Business rules: what the schema cannot say about a purchase order.

Each rule is a small function ``(po, out) -> None`` that reports through ``out``; codes are
stable ("rule.<name>") because partners' acknowledgments and the store key on them. Rules run on
a model that already passed the schema, so types and formats are settled here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from orderport.codelists import state_required
from orderport.model.findings import Finding, Severity
from orderport.model.provenance import Provenance
from orderport.model.purchase_order import (
    Address,
    DateWindow,
    EntityType,
    PackagedItem,
    PurchaseOrder,
    Purpose,
    SolidPackaging,
)
from orderport.validation.gtin import gtin_problem

EXTERNAL_ID_MAX = 32
EXTERNAL_ID_MAX_SPLIT = 30
EARLIEST_DATE = date(2000, 1, 1)
FUTURE_YEARS = 5
ADDRESS_REQUIRED = ("name", "line1", "city", "province", "postal_code")


@dataclass
class RuleOutput:
    """Collects findings, locating each in the partner's file as it is reported."""

    provenance: Provenance | None
    today: date
    findings: list[Finding] = field(default_factory=list)

    def add(self, code: str, severity: Severity, path: str, message: str) -> None:
        location = self.provenance.locate(path) if self.provenance is not None else None
        self.findings.append(
            Finding(
                code=f"rule.{code}",
                severity=severity,
                path=path,
                message=message,
                location=location,
            )
        )

    def error(self, code: str, path: str, message: str) -> None:
        self.add(code, Severity.ERROR, path, message)

    def warning(self, code: str, path: str, message: str) -> None:
        self.add(code, Severity.WARNING, path, message)


Rule = Callable[[PurchaseOrder, RuleOutput], None]


# --- dates -----------------------------------------------------------------------------------


def _check_window(window: DateWindow | None, name: str, out: RuleOutput) -> None:
    if window and window.start and window.end and window.start > window.end:
        out.error(
            "window_order",
            f"$.{name}.end",
            f"{name} ends {window.end} before it starts {window.start}",
        )


def check_window_order(po: PurchaseOrder, out: RuleOutput) -> None:
    """A delivery or ship window must not end before it starts."""
    _check_window(po.delivery_window, "delivery_window", out)
    _check_window(po.ship_window, "ship_window", out)


def check_ship_before_delivery(po: PurchaseOrder, out: RuleOutput) -> None:
    """Shipping may not sensibly end after the last delivery date."""
    ship_end = po.ship_window.end if po.ship_window else None
    delivery_end = po.delivery_window.end if po.delivery_window else None
    if ship_end and delivery_end and ship_end > delivery_end:
        out.warning(
            "ship_after_delivery",
            "$.ship_window.end",
            f"ship_window ends {ship_end}, after the delivery window ends {delivery_end}",
        )


def _dated_fields(po: PurchaseOrder) -> list[tuple[str, date]]:
    dated: list[tuple[str, date]] = []
    if po.order_date:
        dated.append(("$.order_date", po.order_date))
    if po.created_at:
        dated.append(("$.created_at", po.created_at.date()))
    if po.updated_at:
        dated.append(("$.updated_at", po.updated_at.date()))
    for name, window in (("delivery_window", po.delivery_window), ("ship_window", po.ship_window)):
        if window is not None:
            if window.start:
                dated.append((f"$.{name}.start", window.start))
            if window.end:
                dated.append((f"$.{name}.end", window.end))
    if po.in_store_date:
        dated.append(("$.in_store_date", po.in_store_date))
    for index, line in enumerate(po.lines):
        if line.requested_ship_date:
            dated.append((f"$.lines[{index}].requested_ship_date", line.requested_ship_date))
        if line.requested_delivery_date:
            dated.append(
                (f"$.lines[{index}].requested_delivery_date", line.requested_delivery_date)
            )
    return dated


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def check_date_range(po: PurchaseOrder, out: RuleOutput) -> None:
    """Dates before 2000 or more than five years ahead are typing mistakes (2062, 1926)."""
    latest = _years_later(out.today, FUTURE_YEARS)
    for path, day in _dated_fields(po):
        if day < EARLIEST_DATE or day > latest:
            out.error(
                "date_range",
                path,
                f"{path[2:]} {day} is outside {EARLIEST_DATE} .. {latest}; check the year",
            )


def check_window_not_past(po: PurchaseOrder, out: RuleOutput) -> None:
    """A window that closed before the PO was issued cannot be met."""
    if po.order_date is None:
        return
    for name, window in (("delivery_window", po.delivery_window), ("ship_window", po.ship_window)):
        if window and window.end and window.end < po.order_date:
            out.warning(
                "window_in_past",
                f"$.{name}.end",
                f"{name} ends {window.end}, before the order date {po.order_date}",
            )


# --- lines -----------------------------------------------------------------------------------


def check_lines_present(po: PurchaseOrder, out: RuleOutput) -> None:
    """Only a cancellation may come without lines."""
    if not po.lines and po.purpose is not Purpose.CANCEL:
        out.error("lines_required", "$.lines", f"a {po.purpose.value} PO needs at least one line")


def check_line_quantities(po: PurchaseOrder, out: RuleOutput) -> None:
    """The schema allows zero (for totals and costs); an ordered line needs more than nothing."""
    for index, line in enumerate(po.lines):
        if line.quantity <= 0:
            out.error(
                "quantity_positive",
                f"$.lines[{index}].quantity",
                f"line {line.line_number} orders quantity {line.quantity}; it must be above 0",
            )


def check_total_quantity(po: PurchaseOrder, out: RuleOutput) -> None:
    """A declared total must equal the lines' sum, when the units let us compare."""
    if po.total_quantity is None or not po.lines:
        return
    if po.total_quantity_uom is not None:
        wanted = po.total_quantity_uom.casefold()
        if any(line.uom.casefold() != wanted for line in po.lines):
            return
    total = po.line_quantity_total()
    if total != po.total_quantity:
        out.warning(
            "total_quantity",
            "$.total_quantity",
            f"total_quantity is {po.total_quantity} but the lines add up to {total}",
        )


def check_duplicate_lines(po: PurchaseOrder, out: RuleOutput) -> None:
    """Line numbers identify lines in acknowledgments and changes: they must be unique."""
    seen_numbers: dict[str, int] = {}
    seen_skus: dict[str, int] = {}
    for index, line in enumerate(po.lines):
        first = seen_numbers.setdefault(line.line_number, index)
        if first != index:
            out.error(
                "duplicate_line_number",
                f"$.lines[{index}].line_number",
                f"line number {line.line_number} is used again (first at lines[{first}])",
            )
        if line.sku is not None:
            first_sku = seen_skus.setdefault(line.sku, index)
            if first_sku != index:
                out.warning(
                    "duplicate_sku",
                    f"$.lines[{index}].sku",
                    f"SKU {line.sku!r} is ordered again (first on line "
                    f"{po.lines[first_sku].line_number})",
                )


def check_gtins(po: PurchaseOrder, out: RuleOutput) -> None:
    """A GTIN with a wrong check digit is a typo that would pick the wrong product."""
    for index, line in enumerate(po.lines):
        if line.gtin is not None:
            problem = gtin_problem(line.gtin)
            if problem is not None:
                out.error("gtin_check_digit", f"$.lines[{index}].gtin", problem)


def check_currencies(po: PurchaseOrder, out: RuleOutput) -> None:
    """Mixed currencies are legal but usually a mapping mistake."""
    total_currency = po.total_cost.currency if po.total_cost else None
    if po.currency and total_currency and total_currency != po.currency:
        out.warning(
            "cost_currency",
            "$.total_cost.currency",
            f"total_cost is in {total_currency} but the PO currency is {po.currency}",
        )
    reference = po.currency or total_currency
    if reference is None:
        return
    code = "line_currency" if po.currency else "cost_currency"
    for index, line in enumerate(po.lines):
        if line.unit_cost is not None and line.unit_cost.currency != reference:
            out.warning(
                code,
                f"$.lines[{index}].unit_cost.currency",
                f"line {line.line_number} is priced in {line.unit_cost.currency}, "
                f"the PO in {reference}",
            )


# --- identifiers and parties -----------------------------------------------------------------


def check_external_id(po: PurchaseOrder, out: RuleOutput) -> None:
    """The fulfillment system keeps 32 characters and appends ".1"/".2" when it splits."""
    if po.external_id is None:
        return
    size = len(po.external_id)
    if po.options.can_split and size > EXTERNAL_ID_MAX_SPLIT:
        out.error(
            "external_id_length",
            "$.external_id",
            f"external_id has {size} characters; at most {EXTERNAL_ID_MAX_SPLIT} when the "
            "order may be split (.1/.2 are appended)",
        )
    elif size > EXTERNAL_ID_MAX:
        out.error(
            "external_id_length",
            "$.external_id",
            f"external_id has {size} characters; at most {EXTERNAL_ID_MAX}",
        )


def check_material_supplier(po: PurchaseOrder, out: RuleOutput) -> None:
    """Material POs and material lines need the material supplier named (seed 003)."""
    if po.organisations.material_supplier is not None:
        return
    if po.po_type is not None and po.po_type.casefold() == "material":
        reason = "po_type is material"
    else:
        material = next(
            (line for line in po.lines if line.entity_type is EntityType.MATERIAL), None
        )
        if material is None:
            return
        reason = f"line {material.line_number} orders a material"
    out.error(
        "material_supplier_required",
        "$.organisations.material_supplier",
        f"organisations.material_supplier is required because {reason}",
    )


def _check_address(address: Address | None, name: str, out: RuleOutput) -> None:
    if address is None or address.location_id is not None:
        # A location code identifies a known address; the postal fields are then optional.
        return
    fields = address.model_dump(exclude_none=True)
    if not fields:
        return
    country = fields.get("country")
    for required in ADDRESS_REQUIRED:
        if required == "province" and not state_required(country):
            continue
        if required not in fields:
            out.error(
                "address_incomplete",
                f"$.{name}.{required}",
                f"{name}.{required} is required once any part of the {name} address is given",
            )
    if "country" not in fields and "country_name" not in fields:
        out.error(
            "address_incomplete",
            f"$.{name}.country",
            f"{name}.country (or country_name) is required once any part of the "
            f"{name} address is given",
        )


def check_addresses(po: PurchaseOrder, out: RuleOutput) -> None:
    """Seed 004: an address is all or nothing (line2 optional; the province only where the
    country's addresses have one, ``codelists.state_required``)."""
    _check_address(po.ship_to, "ship_to", out)
    _check_address(po.bill_to, "bill_to", out)


# --- packaging -------------------------------------------------------------------------------


def _check_packaged_item(item: PackagedItem, path: str, skus: set[str], out: RuleOutput) -> None:
    if item.case_pack_quantity < 1:
        out.error(
            "case_pack_quantity",
            f"{path}.case_pack_quantity",
            f"case_pack_quantity of {item.sku!r} is {item.case_pack_quantity}; at least 1",
        )
    if item.sku not in skus:
        out.warning(
            "packaged_sku_unknown",
            f"{path}.sku",
            f"packed SKU {item.sku!r} is not on any line of this PO",
        )
    if item.entity_type is EntityType.MATERIAL and item.uom is None:
        out.error(
            "packaging_uom_required",
            f"{path}.uom",
            f"uom is required for material {item.sku!r}",
        )


def check_packaging(po: PurchaseOrder, out: RuleOutput) -> None:
    """Cartons and case packs hold at least one; packed items are items of this PO."""
    if not po.packaging:
        return
    skus = {line.sku for line in po.lines if line.sku is not None}
    for index, packaging in enumerate(po.packaging):
        path = f"$.packaging[{index}]"
        if packaging.carton_quantity < 1:
            out.error(
                "carton_quantity",
                f"{path}.carton_quantity",
                f"carton_quantity is {packaging.carton_quantity}; at least 1",
            )
        if isinstance(packaging, SolidPackaging):
            _check_packaged_item(packaging.item, f"{path}.item", skus, out)
        else:
            for item_index, item in enumerate(packaging.items):
                _check_packaged_item(item, f"{path}.items[{item_index}]", skus, out)


RULES: tuple[Rule, ...] = (
    check_lines_present,
    check_line_quantities,
    check_duplicate_lines,
    check_gtins,
    check_total_quantity,
    check_currencies,
    check_external_id,
    check_material_supplier,
    check_addresses,
    check_window_order,
    check_ship_before_delivery,
    check_date_range,
    check_window_not_past,
    check_packaging,
)
"""Every business rule, in reporting order."""


def run_rules(
    po: PurchaseOrder, provenance: Provenance | None = None, *, today: date | None = None
) -> list[Finding]:
    """All business-rule findings for ``po``; ``today`` is injectable for tests."""
    out = RuleOutput(provenance=provenance, today=today or date.today())
    for rule in RULES:
        rule(po, out)
    return out.findings
