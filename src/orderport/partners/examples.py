"""Example Adaptive plug-in: split a partner's combined ``STYLE-COLOR-SIZE`` SKU.

Some fashion partners send one code per line, e.g. ``TS-1001-BLK-M``, where we need style,
colour and size as separate fields. The last two parts are colour and size, the rest is the
style (styles may contain the separator themselves).

Profile settings (``transform.settings``):
- ``field``: which line field holds the combined code (default ``sku``);
- ``separator``: default ``-``;
- ``keep_sku``: keep the combined code as ``sku`` (default true); false moves it to ``vendor_sku``
  and leaves ``sku`` to the cross-reference or to the style.

Registered as ``style_color_size`` in the ``orderport.transforms`` entry-point group.
"""

from __future__ import annotations

from typing import Any

from orderport.formats.base import RawDocument
from orderport.model import Finding, Severity
from orderport.partners.profile import PartnerProfile

_SETTINGS = frozenset({"field", "separator", "keep_sku"})
_TARGETS = ("style_id", "color", "size")


def _settings(profile: PartnerProfile) -> tuple[str, str, bool]:
    given: dict[str, Any] = dict(profile.transform.settings) if profile.transform else {}
    unknown = sorted(set(given) - _SETTINGS)
    if unknown:
        known = ", ".join(sorted(_SETTINGS))
        raise ValueError(f"unknown setting(s) {', '.join(unknown)}; known: {known}")
    field = str(given.get("field", "sku"))
    separator = str(given.get("separator", "-"))
    if not separator:
        raise ValueError("separator must not be empty")
    keep = given.get("keep_sku", True)
    keep_sku = keep if isinstance(keep, bool) else str(keep).lower() in {"true", "yes", "1"}
    return field, separator, keep_sku


def split_style_color_size(doc: RawDocument, profile: PartnerProfile) -> RawDocument:
    """Fill ``style_id``, ``color`` and ``size`` of each line from its combined code.

    Fields the partner already filled are kept. A code that does not have three parts is a
    warning (``transform.sku_unsplit``) located at the code's cell.
    """
    field, separator, keep_sku = _settings(profile)
    lines = doc.data.get("lines")
    if not isinstance(lines, list):
        return doc
    locations = doc.provenance.locations
    for index, line in enumerate(lines):
        if not isinstance(line, dict):
            continue
        code = line.get(field)
        if not isinstance(code, str) or not code:
            continue
        source_path = f"$.lines[{index}].{field}"
        parts = code.rsplit(separator, 2)
        if len(parts) != 3 or not all(part.strip() for part in parts):
            doc.findings.append(
                Finding(
                    code="transform.sku_unsplit",
                    severity=Severity.WARNING,
                    path=source_path,
                    message=(
                        f"{code!r} is not STYLE{separator}COLOR{separator}SIZE; "
                        "style, colour and size left empty"
                    ),
                    location=doc.provenance.locate(source_path),
                )
            )
            continue
        where = locations.get(source_path)
        for target, part in zip(_TARGETS, parts, strict=True):
            if line.get(target) in (None, ""):
                line[target] = part.strip()
                if where is not None:
                    locations[f"$.lines[{index}].{target}"] = where
        if field == "sku" and not keep_sku:
            del line["sku"]
            if line.get("vendor_sku") in (None, ""):
                line["vendor_sku"] = code
                if where is not None:
                    locations[f"$.lines[{index}].vendor_sku"] = where
    return doc
