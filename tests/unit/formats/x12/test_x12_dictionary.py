"""The fast element check (``suspect_positions``) against the detailed one (``check_segment``).

The mappers skip ``check_segment`` for a segment the fast check passes, so it must never pass
a segment the detailed one reports. It should also pass every valid segment (else
the speed is lost): the only valid segments it may turn away are those whose date or number
the mapping reads and reports itself (the detailed check stays silent about those).

Deterministic (derandomised hypothesis, no example database).
"""

from __future__ import annotations

import io
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orderport.formats.x12.context import SetContext, element
from orderport.formats.x12.dictionary import (
    ElementSpec,
    _read_by_mapping,
    _type_ok,
    check_segment,
    segment_specs,
    suspect_positions,
)
from orderport.formats.x12.envelope import TransactionSet
from orderport.formats.x12.results import GroupResult, InterchangeInfo, InterchangeResult, SetResult
from orderport.formats.x12.tokenizer import SegmentStream, Separators

ROOT = Path(__file__).parents[4]
X12_FILES = sorted((ROOT / "sample_files" / "x12").glob("*.edi")) + sorted(
    (ROOT / "tests" / "corpus" / "files").glob("x12_*.edi")
)

SEPARATORS = [Separators("*", ">", "~", None), Separators("|", "^", "\n", None)]
TAGS = sorted(segment_specs())
TRICKY = ["", " ", "0", "-", ".", "-.", "1.", ".5", "-0.50", "1.2.3", "1-2", "+1", "1e5", "٣", "²"]
TRICKY += ["20260229", "2026022", "202602290", "1230", "12304", "123045", "1230459", "123045999"]


def passes(segment: list[str], separator: str) -> bool:
    """The fast check passes ``segment`` (in a set with another segment before it)."""
    return 2 not in suspect_positions([["ST", "850", "0001"], segment], separator)


def context(separators: Separators) -> SetContext:
    info = InterchangeInfo("ZZ", "S", "ZZ", "R", "000000001", "00401", "P", separators)
    result = SetResult("850", "0001")
    ts = TransactionSet(
        segments=[["ST", "850", "0001"]],
        result=result,
        group=GroupResult("PO", "1", "S", "R", "004010", sets=[result]),
        interchange=InterchangeResult(info=info),
        separators=separators,
    )
    return SetContext(ts, "f.edi")


def typed_value(el: ElementSpec, slack: int) -> st.SearchStrategy[str]:
    """Values of the element's type, within its lengths widened by ``slack``."""
    low, high = max(el.min - slack, 1), el.max + slack
    if el.type == "DT":
        return st.sampled_from(["20260301", "2026030", "202603011"][: 1 + 2 * slack])
    if el.type == "TM":
        return st.text("0123456789", min_size=4 - slack, max_size=8 + slack)
    if el.type in ("N0", "R"):
        digits = st.text("0123456789", min_size=low, max_size=min(high, 20))
        point = st.sampled_from(["", "."]) if el.type == "R" else st.just("")
        return st.builds(
            lambda sign, a, dot, split: sign + a[:split] + dot + a[split:],
            st.sampled_from(["", "-"]),
            digits,
            point,
            st.integers(0, 20),
        )
    return st.text(st.characters(codec="latin-1"), min_size=low, max_size=high)


@st.composite
def segments(draw: st.DrawFn, separator: str) -> list[str]:
    tag = draw(st.sampled_from(TAGS))
    spec = segment_specs()[tag]
    last = max(spec.elements)
    size = draw(st.integers(0, last + 2))
    values = [tag]
    for index in range(1, size + 1):
        el = spec.elements.get(index)
        odd = st.one_of(st.sampled_from(TRICKY), st.text("09.-A *|>", max_size=6))
        if el is not None:
            odd = st.one_of(odd, typed_value(el, 1))
        usual = st.just("") if el is None else st.one_of(st.just(""), typed_value(el, 0))
        value = draw(odd if draw(st.integers(0, 9)) == 0 else usual)
        if draw(st.integers(0, 40)) == 0:
            value += separator  # never from the tokenizer; the fast check must not pass it
        values.append(value)
    return values


def reported(ctx: SetContext, segment: list[str]) -> int:
    before = len(ctx.findings)
    check_segment(ctx, segment, 2)
    return len(ctx.findings) - before


def mapping_reports_itself(segment: list[str]) -> bool:
    """A date or number the mapping reads has a bad type: check_segment leaves it alone."""
    spec = segment_specs()[segment[0]]
    return any(
        _read_by_mapping(segment[0], index)
        and element(segment, index)
        and not _type_ok(element(segment, index), el.type)
        for index, el in spec.elements.items()
    )


@settings(
    max_examples=800,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(data=st.data(), which=st.sampled_from([0, 1]))
def test_fast_check_agrees_with_the_detailed_check(data: st.DataObject, which: int) -> None:
    separators = SEPARATORS[which]
    segment = data.draw(segments(separators.element))
    ctx = context(separators)
    clean = passes(segment, separators.element)
    count = reported(ctx, segment)
    if clean:
        assert count == 0, segment
    elif count == 0:
        has_separator = any(separators.element in value for value in segment)
        assert has_separator or mapping_reports_itself(segment), segment


def test_every_valid_segment_of_the_samples_takes_the_fast_path() -> None:
    for segment in (
        ["BEG", "00", "SA", "PO1", "", "20260301"],
        ["BEG", "00", "SA", "PO1", "R1", "20260301", "extra"],
        ["DTM", "002"],
        ["DTM", "002", "20260301", "1230"],
        ["N1", "ST", "DC 7"],
        ["N1", "ST", "DC 7", "92", "0042"],
        ["PO1", "1", "10", "EA", "1.50", "", "UP", "012345678905"],
        ["PO1", "", "-1.5", "EA", ".5", "", "", "", "VN", "X"],
        ["POC", "1", "QD", "5", "", "", "2.5", "", "VN", "X"],
        ["CTT", "1", "10"],
        ["AMT", "TT", "15.00"],
        ["ZZZ", "anything"],
    ):
        assert passes(segment, "*"), segment


def test_the_fast_check_turns_away_what_the_detailed_check_reports() -> None:
    for segment in (
        ["BEG", "00", "SA", "PO1", ""],  # BEG05 mandatory
        ["BEG", "00", "SA", "", "", "20260301"],  # BEG03 mandatory
        ["N1", "ST", "DC 7", "92"],  # N104 paired with N103
        ["N1", "ST", "DC 7", "", "0042"],
        ["N1", "ST", "DC 7", "92", "0"],  # N104 at least 2
        ["PO1", "1", "10", "EA", "1.50"],  # no product id
        ["PO1", "1", "10", "EA", "1.50", "", "UP"],
        ["PO1", "1", "1234567890123456", "EA", "1", "", "UP", "1"],  # 16 digits
        ["CTT", "1.5"],
        ["DTM", "002", "20260301", "12345"],
        ["CUR", "BY", "USDX"],
    ):
        assert not passes(segment, "*"), segment
        assert reported(context(SEPARATORS[0]), segment), segment


def test_fast_and_detailed_checks_agree_on_every_sample_segment() -> None:
    assert len(X12_FILES) >= 10
    seen = 0
    for path in X12_FILES:
        stream = SegmentStream(io.BytesIO(path.read_bytes()), path.name)
        for segment in stream:
            if segment[0] not in segment_specs():
                continue
            assert stream.separators is not None
            seen += 1
            count = reported(context(stream.separators), segment)
            if passes(segment, stream.separators.element):
                assert count == 0, (path.name, segment)
            else:
                assert count or mapping_reports_itself(segment), (path.name, segment)
    assert seen > 100
