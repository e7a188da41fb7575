"""The partner profile: everything Orderport knows about one trading partner.

One YAML file per partner (``<id>.yaml``). The profile says how files arrive (``channel``), which
formats they are in (``formats``), how much work onboarding took (``tier``: Quick Deploy = our
standard templates, Assisted = a declarative ``mapping``, Adaptive = a Python ``transform``
plug-in), what we send back (``outbound``) and processing ``options``.

Profiles never hold secrets: SFTP/IMAP credentials live in an Airflow Connection
(``connection_id``) or in environment variables (``credentials_env`` prefix). The loader refuses any
key that looks like a secret (see ``orderport.partners.loading``).
"""

from __future__ import annotations

import codecs
from datetime import timedelta
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
    field_validator,
    model_validator,
)

from orderport.model import OnErrors
from orderport.partners.canonical import (
    canonical_field_problem,
    check_column_alias_targets,
    check_value_map_fields,
    normalize_line_defaults,
    normalize_po_defaults,
)
from orderport.partners.cron import validate_cron
from orderport.partners.errors import LocatedValueError

PARTNER_ID_PATTERN = r"^[a-z0-9_-]{1,64}$"
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
SENDER_PATTERN = r"^([^@\s]+@|@)[^@\s]+\.[^@\s]+$"
ENV_PREFIX_PATTERN = r"^[A-Z][A-Z0-9_]*$"
FORMAT_NAMES = ("x12", "edifact", "xlsx", "json", "csv")

FormatName = Literal["x12", "edifact", "xlsx", "json", "csv"]
PartnerId = Annotated[str, StringConstraints(pattern=PARTNER_ID_PATTERN)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Email = Annotated[str, StringConstraints(pattern=EMAIL_PATTERN, max_length=254)]
RemotePath = Annotated[str, StringConstraints(min_length=1, max_length=1000)]
CanonicalField = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]


class Section(BaseModel):
    """Base for profile sections: unknown keys are errors (they are usually typos)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Tier(StrEnum):
    """Onboarding level (seed 000 service tiers)."""

    QUICK_DEPLOY = "quick_deploy"
    ASSISTED = "assisted"
    ADAPTIVE = "adaptive"


class Contact(Section):
    name: Name = Field(description="Person or team to contact.")
    email: Email | None = Field(default=None, description="E-mail address.")
    phone: str | None = Field(default=None, max_length=50, description="Phone number.")
    role: str | None = Field(
        default=None, max_length=100, description="What to contact them about, e.g. EDI, orders."
    )


# --- completeness: how we know the partner has finished writing a file ---------------------


class DoneMarker(Section):
    """The partner writes ``order.csv`` then an empty ``order.csv.done``."""

    convention: Literal["done_marker"] = Field(description="Discriminator.")
    suffix: str = Field(
        default=".done", min_length=1, max_length=20, description="Suffix of the marker file."
    )


class TempRename(Section):
    """The partner uploads under a temporary name and renames when complete."""

    convention: Literal["temp_rename"] = Field(description="Discriminator.")
    prefix: str = Field(
        default="", max_length=20, description="Prefix of names still being written."
    )
    suffix: str = Field(
        default=".tmp", max_length=20, description="Suffix of names still being written."
    )

    @model_validator(mode="after")
    def _needs_a_marker(self) -> TempRename:
        if not self.prefix and not self.suffix:
            raise ValueError("temp_rename needs a prefix or a suffix to recognise temporary files")
        return self


class Stable(Section):
    """No convention: a file is complete when its size and mtime stop changing."""

    convention: Literal["stable"] = Field(description="Discriminator.")
    interval_seconds: int = Field(
        default=30, ge=1, le=3600, description="Size and mtime must not change for this long."
    )


Completeness = Annotated[DoneMarker | TempRename | Stable, Field(discriminator="convention")]


def _default_completeness() -> Stable:
    return Stable(convention="stable")


# --- channels ---------------------------------------------------------------------------------


class ChannelBase(Section):
    max_file_bytes: int = Field(
        default=100_000_000, ge=1, description="Larger files are refused before reading."
    )


class FolderChannel(ChannelBase):
    """A local or mounted directory (the embedded default and analysts' uploads)."""

    kind: Literal["folder"] = Field(description="Discriminator.")
    path: str = Field(
        min_length=1, description="Inbox directory; relative paths are under ORDERPORT_HOME."
    )
    processed: str = Field(default="processed", description="Sub-folder for handled files.")
    failed: str = Field(default="failed", description="Sub-folder for unreadable files.")
    completeness: Completeness = Field(
        default_factory=_default_completeness,
        description="How a complete file is recognised.",
    )


class Credentials(Section):
    """Exactly one of ``connection_id`` / ``credentials_env`` says where the secrets are."""

    connection_id: str | None = Field(
        default=None,
        min_length=1,
        max_length=250,
        description="Airflow Connection id holding login and key or password.",
    )
    credentials_env: str | None = Field(
        default=None,
        pattern=ENV_PREFIX_PATTERN,
        description="Environment variable prefix, e.g. ACME_SFTP -> ACME_SFTP_PASSWORD.",
    )

    @model_validator(mode="after")
    def _one_credential_source(self) -> Credentials:
        if self.connection_id is None and self.credentials_env is None:
            raise ValueError("give connection_id or credentials_env (where the secrets are)")
        if self.connection_id is not None and self.credentials_env is not None:
            raise LocatedValueError(
                "give only one of connection_id or credentials_env", "credentials_env"
            )
        return self


class SftpChannel(ChannelBase, Credentials):
    """The partner's or our SFTP server; host keys are always verified."""

    kind: Literal["sftp"] = Field(description="Discriminator.")
    host: str = Field(min_length=1, max_length=253, description="Server host name or address.")
    port: int = Field(default=22, ge=1, le=65535, description="TCP port.")
    username: str = Field(min_length=1, max_length=100, description="Login name (not a secret).")
    inbox: RemotePath = Field(description="Remote directory the partner drops POs into.")
    outbox: RemotePath = Field(description="Remote directory we deliver answers to.")
    processing: RemotePath = Field(description="Remote directory a claimed file is moved to.")
    processed: RemotePath = Field(description="Remote directory for handled files.")
    failed: RemotePath = Field(description="Remote directory for unreadable files.")
    known_hosts: str = Field(
        min_length=1, description="known_hosts file with the server's host key (never auto-add)."
    )
    completeness: Completeness = Field(
        default_factory=_default_completeness,
        description="How a complete file is recognised.",
    )


class ImapChannel(ChannelBase, Credentials):
    """A mailbox; only verified senders are accepted, since identity comes from the channel."""

    kind: Literal["imap"] = Field(description="Discriminator.")
    host: str = Field(min_length=1, max_length=253, description="Server host name or address.")
    port: int = Field(default=993, ge=1, le=65535, description="TCP port (IMAPS).")
    username: str | None = Field(
        default=None, max_length=254, description="Login name when not in the connection."
    )
    mailbox: str = Field(default="INBOX", min_length=1, description="Folder to read POs from.")
    processed_folder: str = Field(
        default="Processed", min_length=1, description="Folder for handled messages."
    )
    failed_folder: str = Field(
        default="Failed", min_length=1, description="Folder for refused or unreadable messages."
    )
    allowed_senders: list[Annotated[str, StringConstraints(pattern=SENDER_PATTERN)]] = Field(
        min_length=1, description="Sender addresses, or @domain for a whole domain."
    )
    require_dmarc_pass: bool = Field(
        default=True, description="Refuse mail whose Authentication-Results lack dmarc=pass."
    )


Channel = Annotated[FolderChannel | SftpChannel | ImapChannel, Field(discriminator="kind")]


# --- formats ---------------------------------------------------------------------------------


def _strptime_formats(value: list[str]) -> list[str]:
    for index, fmt in enumerate(value):
        if "%" not in fmt:
            message = f"date format {fmt!r} has no % directive (e.g. %d.%m.%Y)"
            raise LocatedValueError(message, index)
    return value


DateFormats = Annotated[list[Annotated[str, StringConstraints(min_length=2)]], Field()]


class CsvSettings(Section):
    encoding: str | None = Field(
        default=None,
        description="Text encoding; when absent: BOM, else UTF-8, else cp1252/latin-1 (noted).",
    )
    fallback_encoding: str | None = Field(
        default=None, description="Used when the bytes are not valid in `encoding` (e.g. cp1252)."
    )
    delimiter: Literal[",", ";", "\t", "|"] | None = Field(
        default=None, description="Field delimiter; sniffed when absent."
    )
    decimal_comma: bool | None = Field(
        default=None,
        description="Numbers written 1.234,50 (true) or 1,234.50 (false); inferred when absent.",
    )
    date_formats: DateFormats = Field(
        default_factory=list,
        description=(
            "strptime formats tried in order, e.g. %d.%m.%Y; when empty: ISO, then the day/month "
            "order decided from all the file's dates, then text months (05-Apr-2024)."
        ),
    )

    @field_validator("encoding", "fallback_encoding")
    @classmethod
    def _known_encoding(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                codecs.lookup(value)
            except LookupError:
                raise ValueError(f"unknown text encoding {value!r}") from None
        return value

    _date_formats = field_validator("date_formats")(_strptime_formats)


class XlsxSettings(Section):
    sheets: list[Annotated[str, StringConstraints(min_length=1)]] = Field(
        default_factory=list, description="Sheets to read; empty = first sheet with a header."
    )
    date_formats: DateFormats = Field(
        default_factory=list,
        description=(
            "strptime formats for dates typed as text in workbooks (real date cells and serials "
            "need none); when empty, formats.csv.date_formats, else inferred as for CSV."
        ),
    )

    _date_formats = field_validator("date_formats")(_strptime_formats)


class TabularSettings(Section):
    """How CSV and XLSX tables are read, for any tier."""

    ignore_columns: list[Annotated[str, StringConstraints(min_length=1)]] = Field(
        default_factory=list, description="Header texts of columns to skip without a warning."
    )
    totals_labels: list[Annotated[str, StringConstraints(min_length=1)]] = Field(
        default_factory=list,
        description=(
            "Extra labels that mark a totals row (Total, Subtotal, Grand total, Summe ... are "
            "always recognised)."
        ),
    )


class Formats(Section):
    accepted: list[FormatName] = Field(
        min_length=1, description="Formats this partner may send, detected by content."
    )
    pinned: FormatName | None = Field(
        default=None, description="Skip detection and always read this format."
    )
    json_variant: Literal["canonical", "inspectorio", "loupe", "threepl"] | None = Field(
        default=None, description="Pin the JSON shape instead of detecting it."
    )
    csv: CsvSettings = Field(default_factory=CsvSettings, description="CSV reading settings.")
    xlsx: XlsxSettings = Field(default_factory=XlsxSettings, description="XLSX reading settings.")
    tabular: TabularSettings = Field(
        default_factory=TabularSettings, description="CSV and XLSX table settings."
    )

    @model_validator(mode="after")
    def _pinned_is_accepted(self) -> Formats:
        if self.pinned is not None and self.pinned not in self.accepted:
            raise LocatedValueError(f"pinned format {self.pinned!r} is not in accepted", "pinned")
        if self.json_variant is not None and "json" not in self.accepted:
            message = "json_variant is set but json is not an accepted format"
            raise LocatedValueError(message, "json_variant")
        return self


# --- tiers -----------------------------------------------------------------------------------


def _checked_column_aliases(value: dict[str, str]) -> dict[str, str]:
    check_column_alias_targets(value)
    return value


def _checked_value_maps(value: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    check_value_map_fields(value)
    return value


def _normalized_po_defaults(value: dict[str, Any]) -> dict[str, Any]:
    return normalize_po_defaults(value)


def _normalized_line_defaults(value: dict[str, Any]) -> dict[str, Any]:
    return normalize_line_defaults(value)


class ValueMapTo(Section):
    """A value map that writes another field: ``location_id`` DC01 -> ``name`` "Main DC"."""

    source: CanonicalField = Field(description="Canonical field whose value is looked up.")
    target: CanonicalField = Field(
        description="Canonical field written next to it (in the same object) when absent."
    )
    values: dict[str, str] = Field(
        min_length=1, description="Partner value of `source` -> value written to `target`."
    )

    @model_validator(mode="after")
    def _canonical_fields(self) -> ValueMapTo:
        for key in ("source", "target"):
            problem = canonical_field_problem(getattr(self, key))
            if problem is not None:
                raise LocatedValueError(problem, key)
        return self


class Mapping(Section):
    """Assisted tier: declarative mapping applied to the canonical-shape document."""

    column_aliases: dict[str, CanonicalField] = Field(
        default_factory=dict, description="Partner header text -> canonical column name."
    )
    value_maps: dict[CanonicalField, dict[str, str]] = Field(
        default_factory=dict,
        description="Per canonical field: partner value -> our value (e.g. uom: {PCS: EA}).",
    )
    value_maps_to: list[ValueMapTo] = Field(
        default_factory=list,
        description="Value maps that write another field (source value -> target field).",
    )
    sku_xref: dict[str, str] = Field(
        default_factory=dict, description="Buyer SKU (or partner SKU) -> our SKU."
    )
    sku_xref_required: bool = Field(
        default=False, description="Warn about a buyer SKU that has no cross-reference."
    )
    defaults: dict[CanonicalField, Any] = Field(
        default_factory=dict,
        description="PO field -> value used when the document leaves it out (ship_to, currency).",
    )
    line_defaults: dict[CanonicalField, Any] = Field(
        default_factory=dict, description="Line field -> value used when a line leaves it out."
    )
    custom_status_codes: dict[CanonicalField, Annotated[str, StringConstraints(min_length=1)]] = (
        Field(default_factory=dict, description="Our status -> the partner's status code.")
    )

    _column_alias_targets = field_validator("column_aliases")(_checked_column_aliases)
    _value_map_fields = field_validator("value_maps")(_checked_value_maps)
    _po_defaults = field_validator("defaults")(_normalized_po_defaults)
    _line_defaults = field_validator("line_defaults")(_normalized_line_defaults)


class Transform(Section):
    """Adaptive tier: a plug-in from the ``orderport.transforms`` entry-point group."""

    plugin: str = Field(
        min_length=1,
        description="Entry-point name, or a 'module:function' reference as a fallback.",
    )
    settings: dict[str, Any] = Field(
        default_factory=dict, description="Free settings handed to the plug-in via the profile."
    )


class ProfileOptions(Section):
    auto_approve: bool = Field(
        default=False, description="Store valid POs approved (seed 002 isApproved)."
    )
    on_errors: OnErrors | None = Field(
        default=None, description="hold or reject POs with errors when the PO does not say."
    )
    can_split: bool | None = Field(
        default=None, description="Allow split fulfillment when the PO does not say."
    )


# --- outbound --------------------------------------------------------------------------------


StatusFormat = Literal["x12_855", "x12_856", "edifact_ordrsp", "edifact_desadv", "json", "csv"]
BookingFormat = Literal["x12_301", "edifact_iftmbc", "json", "csv"]


class Alerts(Section):
    email: list[Email] = Field(default_factory=list, description="Who receives exception alerts.")
    file: Literal["json", "csv"] | None = Field(
        default=None, description="Also deliver alerts as a file in this format to the outbox."
    )
    days_before_ship_end: int | None = Field(
        default=None,
        ge=0,
        le=365,
        description="Alert when a PO has no booking this many days before its ship window ends.",
    )
    on_hold: bool = Field(default=True, description="Alert when a PO is put on hold.")
    on_rejected: bool = Field(
        default=True, description="Alert when a file, PO or booking (space) is rejected."
    )
    on_cutoff: bool = Field(
        default=True, description="Alert when a booking is still pending past its cargo cut-off."
    )
    on_late_delivery: bool = Field(
        default=True, description="Alert when a PO is not delivered by its delivery window end."
    )
    on_booking_change: bool = Field(
        default=False, description="Alert when a confirmed booking changes vessel or schedule."
    )


def _unique(value: list[str]) -> list[str]:
    seen: set[str] = set()
    for index, item in enumerate(value):
        if item in seen:
            raise LocatedValueError(f"format {item!r} is listed twice", index)
        seen.add(item)
    return value


class Outbound(Section):
    status_formats: list[StatusFormat] = Field(
        default_factory=list,
        description=(
            "Formats of order-status files, e.g. [x12_855, x12_856]: 855/ORDRSP carry receipt, "
            "acceptance, hold and cancel; 856/DESADV shipments; csv/json every event."
        ),
    )
    booking_formats: list[BookingFormat] = Field(
        default_factory=list, description="Formats of booking confirmations; empty = none sent."
    )
    acknowledgment: bool = Field(
        default=True, description="Answer each inbound file (997 / CONTRL / result file)."
    )
    destination: str | None = Field(
        default=None, description="Where to deliver; default the channel's outbox."
    )
    schedule: str | None = Field(
        default=None, description="Cron expression (5 fields) for status/booking exports."
    )
    alerts: Alerts = Field(default_factory=Alerts, description="Exception alerts.")
    ack_expected_within: str | None = Field(
        default=None,
        pattern=r"^[0-9]{1,4}[mhd]$",
        description=(
            "How long the partner has to acknowledge our 855/856/301/ORDRSP/DESADV/IFTMBC"
            " (997/999/TA1/CONTRL), e.g. 4h, 30m, 2d; unset = acknowledgments are not awaited."
        ),
    )

    _unique_status = field_validator("status_formats")(_unique)
    _unique_booking = field_validator("booking_formats")(_unique)

    def ack_window(self) -> timedelta | None:
        """``ack_expected_within`` as a duration (None: acknowledgments are not awaited)."""
        if self.ack_expected_within is None:
            return None
        amount, unit = int(self.ack_expected_within[:-1]), self.ack_expected_within[-1]
        return timedelta(**{{"m": "minutes", "h": "hours", "d": "days"}[unit]: amount})

    @field_validator("schedule")
    @classmethod
    def _cron(cls, value: str | None) -> str | None:
        if value is not None:
            validate_cron(value)
        return value


# --- the profile ------------------------------------------------------------------------------


class EdiIdentity(Section):
    """Interchange ids, checked against inbound envelopes and used on outbound ones."""

    qualifier: str | None = Field(
        default=None, max_length=4, description="X12 ISA05 / EDIFACT UNB 0007 qualifier."
    )
    interchange_id: str = Field(
        min_length=1, max_length=35, description="The partner's ISA06 / UNB sender id."
    )
    application_id: str | None = Field(
        default=None, max_length=35, description="X12 GS02 application sender code."
    )
    our_x12_id: str | None = Field(
        default=None,
        min_length=1,
        max_length=15,
        description=(
            "Our ISA06 on every X12 document to this partner (997, 855, 856, 301); default:"
            " the id the partner addressed (their ISA08), else ORDERPORT_EDI_ID."
        ),
    )
    our_x12_qualifier: str | None = Field(
        default=None, min_length=2, max_length=2, description="Our ISA05 (default ZZ)."
    )
    our_x12_application_id: str | None = Field(
        default=None,
        min_length=2,
        max_length=15,
        description="Our GS02 application sender code (default: our_x12_id).",
    )
    our_edifact_id: str | None = Field(
        default=None,
        min_length=1,
        max_length=35,
        description=(
            "Our UNB sender (0004) on every EDIFACT document to this partner (CONTRL, ORDRSP,"
            " DESADV, IFTMBC); default: the id the partner addressed, else ORDERPORT_EDI_ID."
        ),
    )
    our_edifact_qualifier: str | None = Field(
        default=None, min_length=1, max_length=4, description="Our UNB 0007 (default ZZ)."
    )
    x12_version: Literal["004010", "005010"] = Field(
        default="004010", description="GS08 of the X12 documents we send (855, 856, 301)."
    )
    edifact_version: Literal["D96A", "D01B"] = Field(
        default="D96A", description="Directory of the EDIFACT messages we send."
    )
    edifact_syntax: Literal["UNOC", "UNOW", "UNOY"] = Field(
        default="UNOC",
        description=(
            "Syntax (character set) of the EDIFACT interchanges we send: UNOC is ISO 8859-1;"
            " UNOW/UNOY carry any Unicode name (UTF-8) when the partner reads them."
        ),
    )


class PartnerProfile(Section):
    """One trading partner. The file name must be ``<id>.yaml``."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        title="Orderport partner profile",
        json_schema_extra={
            "allOf": [
                {
                    "if": {
                        "properties": {
                            "tier": {
                                "const": "quick_deploy",
                                "description": "Quick Deploy has neither mapping nor transform.",
                            }
                        }
                    },
                    "then": {
                        "not": {"anyOf": [{"required": ["mapping"]}, {"required": ["transform"]}]}
                    },
                },
                {
                    "if": {
                        "properties": {
                            "tier": {
                                "const": "assisted",
                                "description": "Assisted needs a mapping and no transform.",
                            }
                        }
                    },
                    "then": {"required": ["mapping"], "not": {"required": ["transform"]}},
                },
                {
                    "if": {
                        "properties": {
                            "tier": {
                                "const": "adaptive",
                                "description": "Adaptive needs a transform plug-in.",
                            }
                        }
                    },
                    "then": {"required": ["transform"]},
                },
            ]
        },
    )

    id: PartnerId = Field(description="Partner id: lower-case letters, digits, - and _.")
    name: Name = Field(description="Display name.")
    contacts: list[Contact] = Field(default_factory=list, description="People to contact.")
    edi: EdiIdentity | None = Field(default=None, description="EDI interchange identity.")
    tier: Tier = Field(description="quick_deploy, assisted or adaptive.")
    channel: Channel = Field(description="How files arrive and answers leave.")
    formats: Formats = Field(description="Accepted formats and reading settings.")
    mapping: Mapping | None = Field(default=None, description="Assisted tier mapping.")
    transform: Transform | None = Field(default=None, description="Adaptive tier plug-in.")
    options: ProfileOptions = Field(
        default_factory=ProfileOptions, description="Processing options."
    )
    outbound: Outbound = Field(default_factory=Outbound, description="What we send back.")

    _source: str | None = PrivateAttr(default=None)
    _lines: dict[tuple[str | int, ...], int] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _tier_consistency(self) -> PartnerProfile:
        if self.tier is Tier.QUICK_DEPLOY and (self.mapping or self.transform):
            extra = "mapping" if self.mapping else "transform"
            message = f"tier quick_deploy uses our standard templates: remove {extra}"
            raise LocatedValueError(message, extra)
        if self.tier is Tier.ASSISTED:
            if self.mapping is None:
                raise LocatedValueError("tier assisted needs a mapping section", "tier")
            if self.transform is not None:
                message = "tier assisted must not have a transform (that is tier adaptive)"
                raise LocatedValueError(message, "transform")
        if self.tier is Tier.ADAPTIVE and self.transform is None:
            message = "tier adaptive needs a transform section naming a plug-in"
            raise LocatedValueError(message, "tier")
        return self

    @property
    def source(self) -> str | None:
        """The YAML file this profile was loaded from."""
        return self._source

    def source_line(self, *path: str | int) -> int | None:
        """1-based line in the YAML file of the value at ``path`` (e.g. "mapping", "defaults")."""
        return self._lines.get(tuple(path))
