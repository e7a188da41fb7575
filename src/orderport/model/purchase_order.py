"""The canonical purchase order: the one shape every inbound format is mapped into.

It carries every data element the seed APIs name (customer PO API, 3PL PO API,
Inspectorio-style PurchaseOrder, Loupe-style external submit). Strict validation: partner data
is never coerced ("5" is not an integer, true is not a number); money and quantities are Decimal.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from orderport.model.types import (
    CountryCode,
    CurrencyCode,
    Gtin,
    Identifier,
    IsoDate,
    IsoDateTime,
    LineNumber,
    NonNegativeDecimal,
    NonNegativeWholeNumber,
    Text,
    WholeNumber,
)


class Strict(BaseModel):
    """Base for canonical models: unknown fields are errors, no type coercion."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class Purpose(StrEnum):
    """Why the document was sent (X12 BEG01, EDIFACT BGM 1225, seed 003 po_status)."""

    ORIGINAL = "original"
    CHANGE = "change"
    CANCEL = "cancel"


class EntityType(StrEnum):
    """What a line orders (seed 003: item, material, linked product)."""

    ITEM = "item"
    MATERIAL = "material"
    LINKED_PRODUCT = "linked_product"


class PackagingType(StrEnum):
    SOLID = "solid"
    ASSORTMENT = "assortment"


class PoSource(StrEnum):
    """Where the goods come from (seed 003 po_source)."""

    DOMESTIC = "domestic"
    IMPORTED = "imported"


class OnErrors(StrEnum):
    """What the store does with a PO that has errors (seed 002 doNotPersistOnWarnings)."""

    HOLD = "hold"
    REJECT = "reject"


class Incoterm(StrEnum):
    """Incoterms 2010/2020 shipment terms."""

    EXW = "EXW"
    FCA = "FCA"
    FAS = "FAS"
    FOB = "FOB"
    CFR = "CFR"
    CIF = "CIF"
    CPT = "CPT"
    CIP = "CIP"
    DAP = "DAP"
    DPU = "DPU"
    DAT = "DAT"
    DDP = "DDP"


class Money(Strict):
    amount: NonNegativeDecimal = Field(description="Amount in the currency's major unit.")
    currency: CurrencyCode = Field(description="ISO 4217 currency of the amount.")


class DateWindow(Strict):
    """An inclusive date range; either end may be open."""

    start: IsoDate | None = Field(default=None, description="First acceptable date.")
    end: IsoDate | None = Field(default=None, description="Last acceptable date.")


class Address(Strict):
    """A postal address; seed 004's delivery location and invoice address map here."""

    name: Text | None = Field(default=None, description="Location or addressee name.")
    line1: Text | None = Field(default=None, description="Street, PO box or company name.")
    line2: Text | None = Field(default=None, description="Apartment, suite, unit, building.")
    city: Text | None = Field(default=None, description="City, district, town or village.")
    province: Text | None = Field(default=None, description="State, county, province, region.")
    postal_code: Text | None = Field(default=None, description="ZIP or postal code.")
    country: CountryCode | None = Field(default=None, description="ISO 3166-1 alpha-2 code.")
    country_name: Text | None = Field(
        default=None, description="Country as the partner wrote it, when no code was given."
    )
    location_id: Identifier | None = Field(
        default=None, description="Partner's code for the location (GLN, store or DC number)."
    )


class Party(Strict):
    """An organisation named on the PO, by the partner's own identifier."""

    id: Identifier = Field(description="The partner's custom id for the organisation.")
    name: Text | None = Field(default=None, description="Display name.")
    address: Address | None = Field(default=None, description="Postal address.")


class Organisations(Strict):
    buyer: Party | None = Field(default=None, description="Buyer / brand / retailer (client).")
    vendor: Party | None = Field(default=None, description="Vendor / supplier.")
    factory: Party | None = Field(default=None, description="Producing factory.")
    material_supplier: Party | None = Field(
        default=None, description="Material supplier; required for material POs."
    )
    data_provider: Party | None = Field(
        default=None, description="Organisation that owns the item references in this PO."
    )
    shared_to: list[Party] = Field(
        default_factory=list, description="Organisations the PO is shared with."
    )


class Options(Strict):
    """Processing options from seed 002."""

    is_approved: StrictBool = Field(
        default=False, description="Store the PO approved instead of `needs_approval`."
    )
    can_split: StrictBool = Field(
        default=False,
        description="Lines may be split across warehouses; external id must then be <= 30.",
    )
    on_errors: OnErrors = Field(
        default=OnErrors.HOLD,
        description=(
            "`hold`: store with findings; `reject`: do not persist (doNotPersistOnWarnings)."
        ),
    )


AttributeScalar = Annotated[str, Field(max_length=1000)] | NonNegativeDecimal | WholeNumber


class AdditionalAttribute(Strict):
    key: Identifier = Field(description="Attribute identifier.")
    value: AttributeScalar | list[AttributeScalar] = Field(
        description="A string, a number, or an array of them."
    )


class Line(Strict):
    """One ordered product."""

    line_number: LineNumber = Field(
        description='Line number as the partner sent it ("00010", "A1"), unique in the PO.'
    )
    sku: Identifier | None = Field(default=None, description="Our (seller's) SKU.")
    buyer_sku: Identifier | None = Field(default=None, description="Buyer / retailer SKU.")
    vendor_sku: Identifier | None = Field(default=None, description="Vendor's item number.")
    gtin: Gtin | None = Field(default=None, description="UPC / EAN / GTIN.")
    atelier_code: NonNegativeWholeNumber | None = Field(
        default=None, description="Loupe atelier id of the item (seed 004)."
    )
    description: Text | None = Field(default=None, description="Product description.")
    style_id: Identifier | None = Field(default=None, description="Style identifier.")
    style_name: Text | None = Field(default=None, description="Style name.")
    color: Text | None = Field(default=None, description="Colour.")
    size: Text | None = Field(default=None, description="Size.")
    brand: Text | None = Field(default=None, description="Brand id or name.")
    product_category: Text | None = Field(default=None, description="Product category id.")
    product_line: Text | None = Field(default=None, description="Product line id.")
    department: Text | None = Field(default=None, description="Department id.")
    product_class: Text | None = Field(default=None, description="Class id.")
    entity_type: EntityType = Field(default=EntityType.ITEM, description="What is ordered.")
    quantity: NonNegativeDecimal = Field(description="Ordered quantity in `uom`.")
    uom: Identifier = Field(default="EA", description="Unit of measure code, e.g. EA, CS, M.")
    unit_cost: Money | None = Field(default=None, description="Price per `uom`.")
    shipment_terms: Incoterm | None = Field(default=None, description="Incoterm for this line.")
    requested_ship_date: IsoDate | None = Field(default=None, description="Ship on this date.")
    requested_delivery_date: IsoDate | None = Field(
        default=None, description="Deliver on this date."
    )
    pack_size: NonNegativeWholeNumber | None = Field(
        default=None, description="Inner units per pack (X12 PO4 / case pack)."
    )
    additional_attributes: list[AdditionalAttribute] = Field(
        default_factory=list, description="Partner attributes for this line."
    )


class PackagedItem(Strict):
    sku: Identifier = Field(description="SKU of a line on this PO.")
    entity_type: EntityType = Field(default=EntityType.ITEM, description="What is packed.")
    case_pack_quantity: WholeNumber = Field(ge=0, description="Units of this item in one carton.")
    uom: Identifier | None = Field(
        default=None, description="Unit of measure; required for materials."
    )


class SolidPackagedItem(PackagedItem):
    quantity: NonNegativeWholeNumber | None = Field(default=None, description="Total units packed.")


class SolidPackaging(Strict):
    """Cartons that each hold one item."""

    packaging_type: Literal["solid"] = Field(description="Discriminator.")
    carton_quantity: WholeNumber = Field(ge=0, description="Number of cartons.")
    item: SolidPackagedItem = Field(description="The one item in every carton.")


class AssortmentPackaging(Strict):
    """Cartons that each hold a fixed mix of items."""

    packaging_type: Literal["assortment"] = Field(description="Discriminator.")
    assortment_id: Identifier | None = Field(default=None, description="Assortment code.")
    carton_quantity: WholeNumber = Field(ge=0, description="Number of cartons.")
    items: list[PackagedItem] = Field(min_length=1, description="Items in every carton.")


Packaging = Annotated[SolidPackaging | AssortmentPackaging, Field(discriminator="packaging_type")]


class PurchaseOrder(Strict):
    """A purchase order from one trading partner."""

    po_number: Identifier = Field(description="PO number, unique per partner.")
    purpose: Purpose = Field(default=Purpose.ORIGINAL, description="Original, change or cancel.")
    external_id: Identifier | None = Field(
        default=None, description="Id in the fulfillment system: <= 32 chars, <= 30 to split."
    )
    original_po_number: Identifier | None = Field(
        default=None, description="PO number in the client's own system (seed 003 custom_id)."
    )
    uid: Identifier | None = Field(default=None, description="Partner's unique PO identifier.")
    customer_reference: Identifier | None = Field(
        default=None, description="Reference that maps the order to the buyer's systems."
    )
    po_type: Identifier | None = Field(
        default=None, description="PO type from the partner's list; `material` needs a supplier."
    )
    po_source: PoSource | None = Field(default=None, description="Domestic or imported.")
    order_date: IsoDate | None = Field(default=None, description="Date the PO was issued.")
    created_at: IsoDateTime | None = Field(default=None, description="Created in client system.")
    updated_at: IsoDateTime | None = Field(default=None, description="Updated in client system.")
    currency: CurrencyCode | None = Field(default=None, description="Default line currency.")
    delivery_window: DateWindow | None = Field(default=None, description="Deliver between.")
    ship_window: DateWindow | None = Field(default=None, description="Ship between.")
    in_store_date: IsoDate | None = Field(default=None, description="Goods on shelf by.")
    organisations: Organisations = Field(
        default_factory=Organisations, description="Parties named on the PO."
    )
    ship_to: Address | None = Field(default=None, description="Delivery location.")
    bill_to: Address | None = Field(default=None, description="Invoice address.")
    options: Options = Field(default_factory=Options, description="Processing options.")
    total_quantity: NonNegativeDecimal | None = Field(
        default=None, description="Declared total quantity, checked against the lines."
    )
    total_quantity_uom: Identifier | None = Field(default=None, description="UOM of the total.")
    total_cost: Money | None = Field(default=None, description="Declared total cost.")
    shipment_terms: Incoterm | None = Field(default=None, description="Incoterm for the PO.")
    event_name: Text | None = Field(default=None, description="Client-side event name.")
    commit_id: Identifier | None = Field(default=None, description="Client-side commit id.")
    commit_sequence: Identifier | None = Field(default=None, description="Commit PO sequence.")
    notes: Text | None = Field(default=None, description="Free-text instructions.")
    additional_attributes: list[AdditionalAttribute] = Field(
        default_factory=list, description="Partner attributes for the PO."
    )
    lines: list[Line] = Field(
        default_factory=list, max_length=10000, description="Ordered lines; a cancel may omit."
    )
    packaging: list[Packaging] = Field(
        default_factory=list, description="Solid and assortment packaging instructions."
    )

    def line_quantity_total(self) -> Decimal:
        return sum((line.quantity for line in self.lines), Decimal(0))
