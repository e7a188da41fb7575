"""Element checks for every segment the 850/860 reader maps, from a data dictionary kept as data.

``orderport/data/x12_elements.json`` lists, per segment, each element's reference, type,
minimum and maximum length and requirement, plus pair rules (``paired``: both or neither;
``one_of``: at least one pair, e.g. a PO1 product id). ``check_segment`` reports each violation
as a finding located at segment/element and as a 997 AK3/AK4, so the set is rejected the way a
strict X12 validator rejects it (a one-character N104, a PO1 without any product id).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from orderport.formats.x12 import results as r
from orderport.formats.x12.context import SetContext, element

DICTIONARY = "x12_elements.json"
EL_TOO_SHORT = "4"
EL_CONDITIONAL_MISSING = "2"

_DATE = re.compile(r"[0-9]{8}")
_TIME = re.compile(r"[0-9]{4}(?:[0-9]{2}(?:[0-9]{1,2})?)?")
_WHOLE = re.compile(r"-?[0-9]+")
_DECIMAL = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")


@dataclass(frozen=True, slots=True)
class ElementSpec:
    reference: str
    type: str
    min: int
    max: int
    requirement: str


@dataclass(frozen=True, slots=True)
class SegmentSpec:
    elements: dict[int, ElementSpec]
    paired: tuple[tuple[int, int], ...]
    one_of: tuple[tuple[int, int], ...]


@cache
def segment_specs() -> dict[str, SegmentSpec]:
    """The dictionary, read once from the package data."""
    text = resources.files("orderport.data").joinpath(DICTIONARY).read_text(encoding="utf-8")
    raw = json.loads(text)["segments"]
    return {
        tag: SegmentSpec(
            elements={
                int(position): ElementSpec(ref, kind, int(low), int(high), req)
                for position, (ref, kind, low, high, req) in spec["elements"].items()
            },
            paired=tuple((int(a), int(b)) for a, b in spec.get("paired", ())),
            one_of=tuple((int(a), int(b)) for a, b in spec.get("one_of", ())),
        )
        for tag, spec in raw.items()
    }


def _length(value: str, kind: str) -> int:
    """X12 counts digits only for numeric types (no sign, no decimal point)."""
    if kind in ("N0", "R"):
        return sum(ch.isdigit() for ch in value)
    return len(value)


def _type_ok(value: str, kind: str) -> bool:
    if kind == "DT":
        return _DATE.fullmatch(value) is not None
    if kind == "TM":
        return _TIME.fullmatch(value) is not None
    if kind == "N0":
        return _WHOLE.fullmatch(value) is not None
    if kind == "R":
        return _DECIMAL.fullmatch(value) is not None
    return True


def check_segment(ctx: SetContext, segment: list[str], position: int) -> None:
    """Check one segment against the dictionary (segments it does not list pass unchecked)."""
    tag = segment[0]
    spec = segment_specs().get(tag)
    if spec is None:
        return
    for index, el in spec.elements.items():
        value = element(segment, index)
        if not value:
            if el.requirement == "M":
                _report(ctx, tag, position, index, el, r.EL_MANDATORY_MISSING, value, "is missing")
            continue
        if not _type_ok(value, el.type):
            # Dates and numbers the mapping reads report their own, more specific finding.
            if el.type not in ("DT", "R") or not _read_by_mapping(tag, index):
                _report(
                    ctx,
                    tag,
                    position,
                    index,
                    el,
                    r.EL_INVALID_CHARACTER,
                    value,
                    f"{value!r} is not of type {el.type}",
                )
            continue
        size = _length(value, el.type)
        if size < el.min:
            _report(
                ctx,
                tag,
                position,
                index,
                el,
                EL_TOO_SHORT,
                value,
                f"{value!r} is {size} characters, at least {el.min}",
            )
        elif size > el.max:
            _report(
                ctx,
                tag,
                position,
                index,
                el,
                r.EL_TOO_LONG,
                value,
                f"{value!r} is {size} characters, at most {el.max}",
            )
    for first, second in spec.paired:
        has_first, has_second = bool(element(segment, first)), bool(element(segment, second))
        if has_first != has_second:
            missing = second if has_first else first
            _report(
                ctx,
                tag,
                position,
                missing,
                spec.elements[missing],
                EL_CONDITIONAL_MISSING,
                "",
                f"is required with {tag}{(first if has_first else second):02d}",
            )
    if spec.one_of and not any(element(segment, a) and element(segment, b) for a, b in spec.one_of):
        a, b = spec.one_of[0]
        _report(
            ctx,
            tag,
            position,
            b,
            spec.elements[b],
            r.EL_MANDATORY_MISSING,
            "",
            f"is missing: {tag} names no product/service id ({tag}{a:02d}/{tag}{b:02d})",
        )


_MAPPED_VALUES = frozenset(
    {
        ("BEG", 5),
        ("BCH", 6),
        ("DTM", 2),
        ("PO1", 2),
        ("PO1", 4),
        ("POC", 3),
        ("POC", 4),
        ("POC", 6),
        ("CTT", 2),
        ("AMT", 2),
        ("PO4", 2),
    }
)


def _read_by_mapping(tag: str, index: int) -> bool:
    return (tag, index) in _MAPPED_VALUES


def _report(
    ctx: SetContext,
    tag: str,
    position: int,
    index: int,
    el: ElementSpec,
    code: str,
    value: str,
    what: str,
) -> None:
    ctx.problem(
        "x12.element",
        "$",
        f"{what} (data element {el.reference}, {el.type} {el.min}/{el.max})",
        tag,
        position,
        index,
        syntax=(code, el.reference, value),
    )
