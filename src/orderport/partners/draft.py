"""``orderport partners draft``: a reviewable profile from one sample file.

The sample is read with no profile; everything the reader inferred (columns matched by the header
vocabulary, encoding, delimiter, decimal comma, date order) becomes an explicit profile key with
its evidence as a comment, so the operator reviews and pins it. Values the canonical PO needs but
the sample lacks become commented defaults to fill in.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

from orderport.formats.base import FormatError
from orderport.formats.csv_reader import sniff_table_delimiter
from orderport.formats.edifact import interchange_key as edifact_key
from orderport.formats.tabular.dates import DAY_FIRST, ISO, MONTH_FIRST, TEXT_MONTHS
from orderport.formats.x12 import interchange_key as x12_key
from orderport.pipeline.ingest import FileResult, check_file
from orderport.validation.completeness import SHIP_TO_REQUIRED

_MATCHED = re.compile(
    r"column '(?P<label>.*)' was read as (?P<column>\w+) \(header vocabulary: '(?P<word>.*?)'\)"
)
_ASSUMED_DAY_FIRST = "DD/MM/YYYY"
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
DATE_FORMATS: Final = {
    True: [*ISO[:1], *DAY_FIRST[:3], *TEXT_MONTHS[:1]],
    False: [*ISO[:1], *MONTH_FIRST[:2], *TEXT_MONTHS[:1], "%b %d, %Y"],
}


@dataclass
class Draft:
    """What was learnt from the sample, and the profile text written from it."""

    partner: str
    format: str
    aliases: list[tuple[str, str, str]] = field(default_factory=list)
    """(header as sent, canonical column, evidence)."""
    csv: list[tuple[str, str, str]] = field(default_factory=list)
    """(key, YAML value, evidence)."""
    xlsx: list[tuple[str, str, str]] = field(default_factory=list)
    json_variant: str | None = None
    todo_defaults: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    edi_sender: str | None = None
    """The interchange sender (ISA06 / UNB 0004) of an EDI sample: the partner's identity."""
    needs_ship_to: bool = False
    """The sample names no ship-to: the profile must give a default or every PO is held."""

    @property
    def tier(self) -> str:
        return "assisted" if self.aliases else "quick_deploy"


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def learn(path: Path, partner: str) -> tuple[Draft, FileResult]:
    """Read the sample with no profile and collect what a profile should pin."""
    if not _ID.match(partner):
        raise ValueError(f"partner id {partner!r} must be lower case letters, digits, - or _")
    result = check_file(path, None)
    fmt = result.format or "unknown"
    draft = Draft(partner, fmt)
    if result.error is not None:
        draft.notes.append(f"the sample could not be read: {result.error}")
    findings = [f for po in result.pos for f in po.findings]
    seen: set[str] = set()
    for finding in findings:
        if finding.code == "read.column_matched":
            match = _MATCHED.match(finding.message)
            label = finding.location.column if finding.location else None
            if match and label is not None:
                header = _header_text(match.group("label"))
                if header not in seen:
                    seen.add(header)
                    row = finding.location.row if finding.location else None
                    evidence = f"vocabulary {match.group('word')!r}, header row {row}"
                    draft.aliases.append((header, match.group("column"), evidence))
    target = draft.xlsx if fmt == "xlsx" else draft.csv
    codes = {f.code: f for f in findings}
    if "read.encoding_detected" in codes:
        encoding = "cp1252" if "cp1252" in codes["read.encoding_detected"].message else "latin-1"
        draft.csv.append(("encoding", encoding, "the sample is not UTF-8"))
    if fmt == "csv":
        head = path.read_bytes()[:65536].decode("utf-8", "replace")
        delimiter = sniff_table_delimiter(head)
        shown = '"\\t"' if delimiter == "\t" else _quote(delimiter)
        draft.csv.append(("delimiter", shown, "the sample's delimiter"))
    if "read.decimal_comma" in codes:
        draft.csv.append(("decimal_comma", "true", codes["read.decimal_comma"].message))
    order = codes.get("read.date_order") or codes.get("read.date_order_assumed")
    if order is not None:
        day_first = "day first" in order.message or _ASSUMED_DAY_FIRST in order.message
        formats = ", ".join(_quote(f) for f in DATE_FORMATS[day_first])
        note = order.message + (" - CHECK THIS" if order.code.endswith("assumed") else "")
        target.append(("date_formats", f"[{formats}]", note))
    if fmt in ("x12", "edifact"):
        envelope = path.read_bytes()[:4096]
        with contextlib.suppress(ValueError, IndexError, FormatError):
            draft.edi_sender = (x12_key if fmt == "x12" else edifact_key)(envelope)[0] or None
    draft.needs_ship_to = SHIP_TO_REQUIRED in codes
    if fmt == "json" and result.pos and result.pos[0].reference:
        draft.json_variant = result.pos[0].reference.split("#", 1)[0]
    required = {f.path for f in findings if f.code == "schema.required"}
    for name in ("currency", "ship_to", "bill_to"):
        if f"$.{name}" in required or (name == "currency" and _lacks_currency(result)):
            draft.todo_defaults.append(name)
    return draft, result


def _header_text(label: str) -> str:
    """The header text of a column label ("C (Qty)" in workbooks, "Qty" in CSV)."""
    match = re.fullmatch(r"[A-Z]{1,3} \((.*)\)", label)
    return match.group(1) if match else label


def _lacks_currency(result: FileResult) -> bool:
    return any(
        f.code == "schema.required" and f.path.endswith("currency")
        for po in result.pos
        for f in po.findings
    )


def render(draft: Draft, source: Path) -> str:
    """The profile as YAML with every inference commented."""
    stamp = datetime.now(UTC).strftime("%Y-%m-%d")
    out = [
        "# yaml-language-server: $schema=../schemas/partner_profile.schema.json",
        f"# Drafted by `orderport partners draft` from {source.name} on {stamp}.",
        "# Review every line (comments give the evidence), then `orderport partners check`.",
        f"id: {draft.partner}",
        f"name: {draft.partner}  # TODO: the partner's name",
        f"tier: {draft.tier}",
        "channel:  # TODO: where the partner's files arrive",
        "  kind: folder",
        f"  path: drop/{draft.partner}",
        "formats:",
        f"  accepted: [{draft.format if draft.format != 'unknown' else 'csv'}]",
    ]
    if draft.json_variant:
        out.append(f"  json_variant: {draft.json_variant}  # detected from the sample's keys")
    for section, items in (("csv", draft.csv), ("xlsx", draft.xlsx)):
        if items:
            out.append(f"  {section}:")
            out.extend(f"    {key}: {value}  # {why}" for key, value, why in items)
    out.append("  tabular:")
    out.append("    ignore_columns: []  # headers to skip without a warning")
    out.append("    totals_labels: []  # Total, Subtotal, Summe ... are always recognised")
    if draft.aliases:
        out.append("mapping:")
        out.append("  column_aliases:  # matched by the header vocabulary: pin or correct")
        width = max(len(_quote(h)) for h, _, _ in draft.aliases)
        for header, column, why in draft.aliases:
            out.append(f"    {_quote(header) + ':':<{width + 1}} {column}  # {why}")
        if draft.todo_defaults:
            out.append("  defaults:  # values the files leave out (keyed by canonical field)")
            out.extend(f"    # {name}: TODO" for name in draft.todo_defaults)
            out.append("    {}")
        else:
            out.append("  defaults: {}  # values the files leave out (keyed by canonical field)")
    elif draft.todo_defaults:
        out.append("# The sample lacks " + ", ".join(draft.todo_defaults) + ": add a mapping")
        out.append("# section with defaults (tier: assisted) if every file will lack them.")
    if draft.edi_sender:
        out.append("edi:")
        out.append(f"  interchange_id: {_quote(draft.edi_sender)}  # the sample's envelope sender")
    if draft.needs_ship_to:
        out.append("options:")
        out.append("  # default_ship_to: {location_id: TODO}  # the sample names no ship-to:")
        out.append("  # without a default every PO is held (rule.ship_to_required)")
        out.append("  {}")
    for note in draft.notes:
        out.append(f"# NOTE: {note}")
    return "\n".join(out) + "\n"


def draft_profile(path: Path, partner: str) -> tuple[str, Draft]:
    """Profile text for ``partner`` learnt from the sample at ``path``."""
    draft, _ = learn(path, partner)
    return render(draft, path), draft
