"""Apply a partner's profile to one read document, before validation.

Order of work, per tier:
- Adaptive: the plug-in runs first (it turns the partner's oddities into canonical shape), then
  any Assisted-style ``mapping`` the profile also has.
- Assisted: ``value_maps`` -> ``sku_xref`` -> ``defaults`` / ``line_defaults``.
- Quick Deploy: no mapping at all (our templates are already canonical).
- Every tier: profile ``options`` (on_errors, can_split) fill the PO's options when it has none.

The document is changed in place (readers hand over fresh dicts; copying every line would cost
throughput) and returned. Values keep their path, so their provenance stays the partner's cell
or segment; a SKU found through the cross-reference is located at the buyer SKU it came from;
values filled from the profile are located in the profile's YAML (file and line).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from orderport.formats.base import RawDocument
from orderport.model import Finding, Severity, SourceLocation
from orderport.partners.plugins import run_transform
from orderport.partners.profile import Mapping, PartnerProfile, Tier


def apply_mapping(profile: PartnerProfile, doc: RawDocument) -> RawDocument:
    """The document after the profile's tier-specific mapping (see the module docstring)."""
    if profile.tier is Tier.ADAPTIVE and profile.transform is not None:
        doc = run_transform(profile, doc)
    if profile.mapping is not None:
        _apply_assisted(profile, profile.mapping, doc)
    _apply_options(profile, doc)
    return doc


def _apply_assisted(profile: PartnerProfile, mapping: Mapping, doc: RawDocument) -> None:
    if mapping.value_maps:
        map_values(doc.data, _lookup_tables(mapping.value_maps))
    for rule in mapping.value_maps_to:
        map_into(doc, rule.source, rule.target, _Table(rule.values))
    if mapping.sku_xref:
        cross_reference_skus(doc, mapping.sku_xref, required=mapping.sku_xref_required)
    for name, value in mapping.defaults.items():
        if _absent(doc.data.get(name)):
            doc.data[name] = copy.deepcopy(value)
            where = _profile_location(profile, "mapping", "defaults", name)
            doc.provenance.record(f"$.{name}", where)
    if mapping.line_defaults:
        lines = doc.data.get("lines")
        for index, line in enumerate(lines if isinstance(lines, list) else []):
            if not isinstance(line, dict):
                continue
            for name, value in mapping.line_defaults.items():
                if _absent(line.get(name)):
                    line[name] = copy.deepcopy(value)
                    doc.provenance.record(
                        f"$.lines[{index}].{name}",
                        _profile_location(profile, "mapping", "line_defaults", name),
                    )


class _Table:
    """One field's value map: exact match first, then ignoring case and outer blanks."""

    __slots__ = ("exact", "folded")

    def __init__(self, entries: dict[str, str]) -> None:
        self.exact = entries
        self.folded = {key.strip().casefold(): value for key, value in entries.items()}

    def get(self, value: str) -> str | None:
        found = self.exact.get(value)
        if found is None:
            found = self.folded.get(value.strip().casefold())
        return found


def _lookup_tables(value_maps: dict[str, dict[str, str]]) -> dict[str, _Table]:
    return {name: _Table(entries) for name, entries in value_maps.items()}


def map_values(node: dict[str, Any] | list[Any], tables: dict[str, _Table]) -> None:
    """Replace text values of every field named in ``tables``, at any depth of the document."""
    if isinstance(node, list):
        for item in node:
            if isinstance(item, dict | list):
                map_values(item, tables)
        return
    for key, value in node.items():
        if isinstance(value, str):
            table = tables.get(key)
            if table is not None:
                mapped = table.get(value)
                if mapped is not None:
                    node[key] = mapped
        elif isinstance(value, dict | list):
            map_values(value, tables)


def map_into(doc: RawDocument, source: str, target: str, table: _Table) -> None:
    """Where ``source`` holds a mapped value and ``target`` is absent beside it, write it.

    The written value is located at the source value's place in the partner's file.
    """

    def walk(node: dict[str, Any] | list[Any], path: str) -> None:
        if isinstance(node, list):
            for index, item in enumerate(node):
                if isinstance(item, dict | list):
                    walk(item, f"{path}[{index}]")
            return
        value = node.get(source)
        if isinstance(value, str) and _absent(node.get(target)):
            mapped = table.get(value)
            if mapped is not None:
                node[target] = mapped
                where = doc.provenance.locate(f"{path}.{source}")
                if where is not None:
                    doc.provenance.record(f"{path}.{target}", where)
        for key, child in node.items():
            if isinstance(child, dict | list):
                walk(child, f"{path}.{key}")

    walk(doc.data, "$")


def cross_reference_skus(doc: RawDocument, xref: dict[str, str], *, required: bool) -> None:
    """Fill or translate each line's ``sku`` from the buyer's SKU via the cross-reference.

    - no ``sku`` but a ``buyer_sku``: ``sku`` = xref[buyer_sku], located at the buyer SKU;
    - a ``sku`` that is a key of the xref (the partner sent their SKU as ours): it becomes
      ``buyer_sku`` (when that is empty) and ``sku`` gets ours;
    - with ``required``, a buyer SKU that has no entry is a warning (``mapping.sku_xref_missing``),
      and a line whose buyer SKU maps to a different SKU than the one given is a warning too.
    """
    lines = doc.data.get("lines")
    if not isinstance(lines, list):
        return
    locations = doc.provenance.locations
    for index, line in enumerate(lines):
        if not isinstance(line, dict):
            continue
        base = f"$.lines[{index}]"
        sku, buyer_sku = line.get("sku"), line.get("buyer_sku")
        if not isinstance(sku, str) or not sku:
            if isinstance(buyer_sku, str) and buyer_sku:
                ours = xref.get(buyer_sku)
                if ours is not None:
                    line["sku"] = ours
                    where = locations.get(f"{base}.buyer_sku")
                    if where is not None:
                        locations[f"{base}.sku"] = where
                elif required:
                    doc.findings.append(
                        _finding(
                            doc,
                            "mapping.sku_xref_missing",
                            f"{base}.buyer_sku",
                            f"buyer SKU {buyer_sku!r} has no cross-reference to our SKU",
                        )
                    )
            continue
        ours = xref.get(sku)
        if ours is not None and ours != sku:
            if not buyer_sku:
                line["buyer_sku"] = sku
                where = locations.get(f"{base}.sku")
                if where is not None:
                    locations[f"{base}.buyer_sku"] = where
            line["sku"] = ours
        elif required and isinstance(buyer_sku, str) and buyer_sku:
            expected = xref.get(buyer_sku)
            if expected is None:
                message = f"buyer SKU {buyer_sku!r} has no cross-reference to our SKU"
                doc.findings.append(
                    _finding(doc, "mapping.sku_xref_missing", f"{base}.buyer_sku", message)
                )
            elif expected != sku:
                message = (
                    f"SKU {sku!r} differs from {expected!r}, the cross-reference of "
                    f"buyer SKU {buyer_sku!r}"
                )
                doc.findings.append(
                    _finding(doc, "mapping.sku_xref_mismatch", f"{base}.sku", message)
                )


def _apply_options(profile: PartnerProfile, doc: RawDocument) -> None:
    wanted: dict[str, Any] = {}
    if profile.options.on_errors is not None:
        wanted["on_errors"] = profile.options.on_errors.value
    if profile.options.can_split is not None:
        wanted["can_split"] = profile.options.can_split
    if not wanted:
        return
    options = doc.data.get("options")
    if options is None:
        options = doc.data["options"] = {}
    if not isinstance(options, dict):
        return  # malformed: leave it for validation to report
    for name, value in wanted.items():
        if name not in options:
            options[name] = value
            doc.provenance.record(f"$.options.{name}", _profile_location(profile, "options", name))


def _absent(value: object) -> bool:
    return value is None or value == "" or value == {}


def _profile_location(profile: PartnerProfile, *path: str) -> SourceLocation:
    """Where a value filled from the profile was configured: the profile file and line."""
    file = Path(profile.source).name if profile.source else f"{profile.id}.yaml"
    return SourceLocation(file=file, row=profile.source_line(*path), pointer="/" + "/".join(path))


def _finding(doc: RawDocument, code: str, path: str, message: str) -> Finding:
    return Finding(
        code=code,
        severity=Severity.WARNING,
        path=path,
        message=message,
        location=doc.provenance.locate(path),
    )
