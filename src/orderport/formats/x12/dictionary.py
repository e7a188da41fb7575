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
from collections.abc import Callable
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


def suspect_positions(segments: list[list[str]], separator: str) -> set[int]:
    """Positions (first segment = 1) of the segments that may fail ``check_segment``.

    Most segments are valid, and checking them element by element in Python cost more than
    the mapping itself. Here each segment's elements are joined with the separator they were
    split on and matched against one regular expression per segment id, compiled from the
    dictionary (``clean_pattern``). The mappers call ``check_segment`` only at the positions
    returned, and that detailed path alone decides what is reported: a valid segment turned
    away here costs time, never a finding. A segment passed here is one ``check_segment``
    would not report (``tests/unit/formats/x12/test_x12_dictionary.py``).
    """
    rules = _fast_rules(separator)
    suspects = set()
    for position, segment in enumerate(segments, start=1):
        rule = rules.get(segment[0])
        if rule is None:
            continue
        match, one_of = rule
        joined = separator.join(segment)
        if (
            match(joined) is None
            # An element holding the separator would shift the pattern's positions.
            or joined.count(separator) != len(segment) - 1
            or (one_of and not _has_pair(segment, one_of))
        ):
            suspects.add(position)
    return suspects


def _has_pair(segment: list[str], pairs: tuple[tuple[int, int], ...]) -> bool:
    """At least one pair with both elements present (``one_of``)."""
    size = len(segment)
    for a, b in pairs:  # noqa: SIM110 (a loop: any() over a generator costs more per PO1)
        if b < size and segment[a] and segment[b]:
            return True
    return False


_FastRule = tuple[Callable[[str], re.Match[str] | None], tuple[tuple[int, int], ...]]


@cache
def _fast_rules(separator: str) -> dict[str, _FastRule]:
    """Per segment id: the compiled ``clean_pattern`` and the ``one_of`` pairs to check."""
    return {
        tag: (re.compile(clean_pattern(tag, spec, separator), re.DOTALL).fullmatch, spec.one_of)
        for tag, spec in segment_specs().items()
    }


def clean_pattern(tag: str, spec: SegmentSpec, separator: str) -> str:
    """A regular expression matching exactly the joined segments ``check_segment`` passes.

    ``one_of`` is left to the caller. Elements are matched in order, each after its separator;
    a segment may end early unless a mandatory element follows. Adjacent ``paired`` elements
    are matched together (both present or both empty). Elements past the dictionary's last
    one are not checked.

    Quantifiers are possessive (``?+``, ``{1,20}+``): no element pattern can stop inside a
    valid element (none contains the separator, the first choice is the longest), so
    backtracking could never turn a failure into a match, and without it ``re`` runs about
    three times faster.
    """
    sep = re.escape(separator)
    pairs = {a: b for a, b in spec.paired}
    paired = [i for pair in spec.paired for i in pair]
    if any(b != a + 1 for a, b in spec.paired) or len(set(paired)) != len(paired):
        return "(?!)"  # not expressible here: always the detailed path
    last = max(spec.elements, default=0)
    mandatory = [i for i, el in spec.elements.items() if el.requirement == "M"]
    must_reach = max(mandatory, default=0)

    def tail(index: int) -> str:
        """Positions ``index`` to ``last``, the segment's end allowed where nothing is due."""
        if index > last:
            return f"(?:{sep}.*)?+"
        if index in pairs:
            first, second = _value(spec, index, sep), _value(spec, index + 1, sep)
            if index in mandatory or index + 1 in mandatory:
                pair = f"{first}{sep}{second}"
            else:
                # Both present, both empty, or the first empty and the segment ends (\Z, then
                # the rest must be empty: it fails where a mandatory element is still due).
                pair = f"(?:{first}{sep}{second}|{sep}|\\Z)"
            body = f"{sep}{pair}{tail(index + 2)}"
        else:
            el = spec.elements.get(index)
            value = _value(spec, index, sep)
            if el is None or el.requirement != "M":
                value = f"(?:{value})?+"
            body = f"{sep}{value}{tail(index + 1)}"
        return body if index <= must_reach else f"(?:{body})?+"

    return re.escape(tag) + tail(1)


def _value(spec: SegmentSpec, index: int, sep: str) -> str:
    """A non-empty value that passes element ``index``'s type and length checks."""
    el = spec.elements.get(index)
    if el is None:
        return f"[^{sep}]++"
    low, high = max(el.min, 1), el.max
    if low > high:
        return "(?!)"
    if el.type == "DT":
        return "[0-9]{8}" if low <= 8 <= high else "(?!)"
    if el.type == "TM":
        sizes = [n for n in (8, 7, 6, 4) if low <= n <= high]  # longest first
        return "(?:" + "|".join(f"[0-9]{{{n}}}" for n in sizes) + ")" if sizes else "(?!)"
    if el.type == "N0":
        return f"-?[0-9]{{{low},{high}}}+"
    if el.type == "R":
        # _DECIMAL, and between low and high digits (the sign and the point do not count).
        digits = rf"(?=\.?(?:[0-9]\.?){{{low},{high}}}(?:{sep}|\Z))"
        return rf"-?{digits}(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"
    return f"[^{sep}]{{{low},{high}}}+"


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
