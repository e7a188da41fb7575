"""Separators, UNA and release characters in the EDIFACT tokenizer."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orderport.formats.edifact.syntax import (
    Delimiters,
    SyntaxProblem,
    Tokenizer,
    split_una,
    tokenize,
)


def segments_of(text: str, delimiters: Delimiters | None = None, chunk: int | None = None):
    delimiters = delimiters or Delimiters()
    if chunk is None:
        return list(tokenize([text], delimiters))
    return list(tokenize([text[i : i + chunk] for i in range(0, len(text), chunk)], delimiters))


def test_default_separators_split_elements_and_components() -> None:
    (seg,) = segments_of("NAD+BY+5412345000013::9++Name One:Name Two'")
    assert seg.tag == "NAD"
    assert seg.value(1) == "BY"
    assert seg.value(2, 1) == "5412345000013"
    assert seg.value(2, 2) == ""
    assert seg.value(2, 3) == "9"
    assert seg.value(3) == ""
    assert seg.components(4) == ["Name One", "Name Two"]
    assert seg.value(9) == ""
    assert seg.position == 1


def test_release_character_keeps_service_characters_in_values() -> None:
    (seg,) = segments_of("FTX+AAI+++It?'s 5?+3?:1 ?? done'")
    assert seg.value(4, 1) == "It's 5+3:1 ? done"
    assert seg.components(4) == ["It's 5+3:1 ? done"]


def test_double_release_before_terminator_ends_the_segment() -> None:
    first, second = segments_of("RFF+ON:A??'RFF+ON:B'")
    assert first.value(1, 2) == "A?"
    assert second.value(1, 2) == "B"


@pytest.mark.parametrize("chunk", [1, 2, 3, 7])
def test_chunk_boundaries_inside_escapes_do_not_change_the_result(chunk: int) -> None:
    text = "A+x?'y:z??'B+?+?::'\r\nC+1'"
    whole = [
        (s.tag, [s.components(i + 1) for i in range(len(s.elements))]) for s in segments_of(text)
    ]
    parts = [
        (s.tag, [s.components(i + 1) for i in range(len(s.elements))])
        for s in segments_of(text, chunk=chunk)
    ]
    assert parts == whole
    assert whole[0] == ("A", [["x'y", "z?"]])
    assert whole[1] == ("B", [["+:", ""]])
    assert whole[2] == ("C", [["1"]])


def test_newlines_between_segments_are_ignored_and_positions_count_segments() -> None:
    segs = segments_of("UNB+UNOC:3'\r\nUNH+1'\nBGM+220'\n")
    assert [(s.tag, s.position) for s in segs] == [("UNB", 1), ("UNH", 2), ("BGM", 3)]


def test_una_sets_all_service_characters() -> None:
    delimiters, start = split_una("UNA|*,\\ ~UNB*UNOC|3~")
    assert delimiters == Delimiters("|", "*", ",", "\\", None, "~", advised=True)
    assert start == 9
    (seg,) = segments_of("BGM*220*PO\\*1\\~2|x*9~", delimiters)
    assert seg.value(2, 1) == "PO*1~2"
    assert seg.value(2, 2) == "x"


def test_una_with_blank_release_means_no_release_character() -> None:
    delimiters, _ = split_una("UNA:+.  'UNB+UNOC:3'")
    assert delimiters.release is None
    (seg,) = segments_of("FTX+AAI+++a?b'", delimiters)
    assert seg.value(4) == "a?b"


@pytest.mark.parametrize("advice", [":+.?:'", "::.? '", ":+.? ", "A+.? '"])
def test_una_that_cannot_work_is_refused(advice: str) -> None:
    with pytest.raises(SyntaxProblem) as caught:
        Delimiters.from_una(advice)
    assert caught.value.code == 20


def test_text_after_last_terminator_is_a_truncated_interchange() -> None:
    with pytest.raises(SyntaxProblem, match="truncated") as caught:
        segments_of("UNH+1'BGM+220+PO")
    assert caught.value.code == 13


def test_escape_round_trip_for_writers() -> None:
    d = Delimiters()
    assert d.escape("a+b:c'd?e") == "a?+b?:c?'d??e"


values = st.text(alphabet=st.sampled_from(list("ab1 ?+:'*|~\\,.")), max_size=12)


@settings(max_examples=200, deadline=None)
@given(
    rows=st.lists(
        st.lists(st.lists(values, min_size=1, max_size=3), min_size=1, max_size=4),
        min_size=1,
        max_size=5,
    ),
    chunk=st.integers(min_value=1, max_value=9),
    custom=st.booleans(),
)
def test_any_escaped_values_survive_tokenizing(rows, chunk, custom) -> None:
    d = Delimiters("|", "*", ",", "\\", None, "~") if custom else Delimiters()
    text = "".join(
        "SEG"
        + "".join(d.element + d.component.join(d.escape(c) for c in element) for element in row)
        + d.terminator
        for row in rows
    )
    tokenizer = Tokenizer(d)
    got = []
    for i in range(0, len(text), chunk):
        got.extend(tokenizer.feed(text[i : i + chunk]))
    tokenizer.finish()
    assert [[seg.components(n + 1) or [""] for n in range(len(seg.elements))] for seg in got] == [
        [list(element) for element in row] for row in rows
    ]
