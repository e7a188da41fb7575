"""Adaptive tier: find and run a partner's transform plug-in.

A plug-in is a function ``transform(doc: RawDocument, profile: PartnerProfile) -> RawDocument``
registered by any installed distribution under the entry-point group ``orderport.transforms``::

    [project.entry-points."orderport.transforms"]
    style_color_size = "orderport.partners.examples:split_style_color_size"

A profile names the entry point (``transform.plugin: style_color_size``). Lookup order: installed
entry points, then the plug-ins shipped with Orderport (``BUILT_IN``), then a ``module:function``
reference, for plug-ins not (yet) packaged. The plug-in runs on the
canonical-shape dict before validation; if it raises, the PO gets an error finding naming the
plug-in instead of the whole run failing.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from functools import cache
from importlib.metadata import entry_points
from typing import TYPE_CHECKING

from orderport.errors import ConfigurationError
from orderport.formats.base import RawDocument
from orderport.model import Finding, Severity

if TYPE_CHECKING:
    from orderport.partners.profile import PartnerProfile

ENTRY_POINT_GROUP = "orderport.transforms"
BUILT_IN = {"style_color_size": "orderport.partners.examples:split_style_color_size"}
"""Plug-ins shipped with Orderport, found even before the package's entry points are installed."""

TransformFunction = Callable[[RawDocument, "PartnerProfile"], RawDocument]


class TransformError(ConfigurationError):
    """A plug-in cannot be found or loaded (a deployment problem, not the partner's file)."""


@cache
def load_transform(reference: str) -> TransformFunction:
    """The plug-in registered as ``reference`` (entry point, built-in, or ``module:function``).

    Cached per reference; call ``load_transform.cache_clear()`` after installing plug-ins.
    """
    found = entry_points(group=ENTRY_POINT_GROUP, name=reference)
    for entry in found:
        try:
            loaded = entry.load()
        except Exception as exc:
            raise TransformError(
                f"plug-in {reference!r} ({entry.value}) cannot be loaded: "
                f"{type(exc).__name__}: {exc}"
            ) from exc
        return _callable(reference, loaded)
    module_name, colon, attribute = BUILT_IN.get(reference, reference).partition(":")
    if not colon:
        installed = sorted(e.name for e in entry_points(group=ENTRY_POINT_GROUP))
        listing = ", ".join(installed) if installed else "none"
        raise TransformError(
            f"no plug-in named {reference!r} in entry-point group {ENTRY_POINT_GROUP!r} "
            f"(installed: {listing}); give an installed name or 'module:function'"
        )
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        reason = f"plug-in {reference!r}: cannot import {module_name!r}: {exc}"
        raise TransformError(reason) from exc
    target: object = module
    for part in attribute.split("."):
        if not hasattr(target, part):
            raise TransformError(f"plug-in {reference!r}: {module_name!r} has no {attribute!r}")
        target = getattr(target, part)
    return _callable(reference, target)


def _callable(reference: str, loaded: object) -> TransformFunction:
    if not callable(loaded):
        raise TransformError(f"plug-in {reference!r} is not a function")
    function: TransformFunction = loaded
    return function


def run_transform(profile: PartnerProfile, doc: RawDocument) -> RawDocument:
    """Run the profile's plug-in on ``doc``; a failure becomes an error finding on the PO."""
    assert profile.transform is not None
    reference = profile.transform.plugin
    function = load_transform(reference)
    try:
        result = function(doc, profile)
    except Exception as exc:
        doc.findings.append(_failure(doc, reference, f"{type(exc).__name__}: {exc}"))
        return doc
    if not isinstance(result, RawDocument):
        reason = f"returned {type(result).__name__}, not a RawDocument"
        doc.findings.append(_failure(doc, reference, reason))
        return doc
    return result


def _failure(doc: RawDocument, reference: str, reason: str) -> Finding:
    return Finding(
        code="transform.failed",
        severity=Severity.ERROR,
        path="$",
        message=f"partner plug-in {reference!r} failed: {reason}",
        location=doc.provenance.locate("$"),
    )
