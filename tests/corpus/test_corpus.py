"""Issue 13: every corpus file reads right with no profile, and with the profile drafted from it.

The expected values (``files/<name>.expected.json``) are written by hand in ``make_corpus.py``;
a file reads right when every expected value is in its canonical POs and no PO has an error.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from orderport.partners import load_profile
from orderport.partners.draft import draft_profile
from orderport.pipeline.ingest import FileResult, check_file
from orderport.validation.completeness import SHIP_TO_REQUIRED

FILES = Path(__file__).parent / "files"
CORPUS = sorted(p for p in FILES.iterdir() if not p.name.endswith(".expected.json"))


def expected(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.with_name(path.name + ".expected.json").read_text())
    return data


def missing(want: Any, got: Any, where: str = "$") -> list[str]:
    """Where ``got`` differs from ``want`` (``want`` is a subset; lists compare per index)."""
    if isinstance(want, dict):
        if not isinstance(got, dict):
            return [f"{where}: expected an object, got {got!r}"]
        return [p for k, v in want.items() for p in missing(v, got.get(k), f"{where}.{k}")]
    if isinstance(want, list):
        if not isinstance(got, list) or len(got) != len(want):
            return [f"{where}: expected {len(want)} items, got {got!r}"]
        return [
            p
            for i, (w, g) in enumerate(zip(want, got, strict=True))
            for p in missing(w, g, f"{where}[{i}]")
        ]
    return [] if want == got else [f"{where}: expected {want!r}, got {got!r}"]


# A file that names no ship-to is read right; its POs are held until the partner's profile gives
# a default ship-to (options.default_ship_to): onboarding, not reading. The drafted profile says
# so in a TODO, and test_draft_asks_for_a_default_ship_to_when_the_sample_has_none checks it.
ONBOARDING = {SHIP_TO_REQUIRED}


def problems(result: FileResult, spec: dict[str, Any]) -> list[str]:
    if result.error is not None:
        return [f"unreadable: {result.error}"]
    out = [
        f"PO {po.po_number}: {f.code} {f.path} {f.message}"
        for po in result.pos
        for f in po.findings
        if f.is_error and f.code not in ONBOARDING
    ]
    got = [po.po.model_dump(mode="json", exclude_none=True) if po.po else {} for po in result.pos]
    return out + missing(spec["purchase_orders"], got)


def test_the_corpus_is_big_and_varied_enough() -> None:
    kinds = [p.suffix for p in CORPUS]
    assert len(CORPUS) >= 30
    assert sum(k in (".csv", ".tsv", ".txt") for k in kinds) >= 8
    assert kinds.count(".xlsx") >= 8
    assert kinds.count(".edi") >= 6
    assert kinds.count(".json") >= 3


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_reads_right_with_no_profile(path: Path) -> None:
    spec = expected(path)
    if spec["needs"]:
        pytest.xfail(spec["needs"])  # documented in tests/corpus/README.md
    assert problems(check_file(path, None), spec) == []


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_reads_right_with_the_drafted_profile(path: Path, tmp_path: Path) -> None:
    spec = expected(path)
    if (spec["needs"] or "").startswith("hand work"):
        pytest.xfail(spec["needs"])  # documented in tests/corpus/README.md
    text, _ = draft_profile(path, "corpus")
    profile_path = tmp_path / "corpus.yaml"
    profile_path.write_text(text, encoding="utf-8")
    profile = load_profile(profile_path)
    assert problems(check_file(path, profile), spec) == []


def test_draft_asks_for_a_default_ship_to_when_the_sample_has_none() -> None:
    no_ship_to = [
        p
        for p in CORPUS
        if any(f.code == SHIP_TO_REQUIRED for po in check_file(p, None).pos for f in po.findings)
    ]
    assert no_ship_to  # the corpus has such files
    for path in no_ship_to:
        text, _ = draft_profile(path, "corpus")
        assert "default_ship_to" in text, path.name


def test_draft_of_an_edi_sample_names_the_envelope_sender() -> None:
    for path in (p for p in CORPUS if p.suffix == ".edi"):
        text, draft = draft_profile(path, "corpus")
        assert draft.edi_sender, path.name
        assert f'interchange_id: "{draft.edi_sender}"' in text
