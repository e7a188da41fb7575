"""The canonical bytes (orjson) are byte for byte the stdlib serialisation every stored content
hash was made with: the switch to orjson changes no hash, so no stored document needs a rehash."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from orderport.formats import registry
from orderport.formats.base import FormatError, ReadSettings
from orderport.store.bulk import hashed_text
from orderport.store.canonical import canonical_bytes, canonical_document, document_hash
from orderport.validation import normalize

SAMPLES = Path(__file__).resolve().parents[3] / "sample_files"


def stdlib(document: Any) -> bytes:
    """How ``document_hash`` serialised before orjson."""
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=8), children, max_size=5)
    ),
    max_leaves=30,
)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(st.text(max_size=8), json_values, max_size=6))
def test_canonical_bytes_equal_the_stdlib_serialisation(document: dict[str, Any]) -> None:
    assert canonical_bytes(document) == stdlib(document)
    assert document_hash(document) == hashlib.sha256(stdlib(document)).hexdigest()


def test_integers_beyond_64_bits_take_the_stdlib_path_with_the_same_bytes() -> None:
    document = {"big": 2**70, "neg": -(2**64), "ok": 2**63 - 1}
    assert (
        canonical_bytes(document)
        == stdlib(document)
        == b'{"big":1180591620717411303424,"neg":-18446744073709551616,"ok":9223372036854775807}'
    )


def test_control_characters_and_non_ascii_are_escaped_as_before() -> None:
    document = {"z": "tab\there\x00\x1f\u2028 é 😀", "a": 'quote"back\\slash'}
    assert canonical_bytes(document) == stdlib(document)
    assert canonical_bytes(document).startswith(b'{"a":"quote\\"back\\\\slash"')


def test_sample_pos_keep_their_hash_and_stored_text() -> None:
    """Real POs (every sample CSV/JSON file): the stored text and the hash are unchanged."""
    checked = 0
    for path in sorted((SAMPLES / "csv").glob("*.csv")) + sorted((SAMPLES / "json").glob("*.json")):
        reader = registry.detect(path.read_bytes()[: registry.SNIFF_BYTES], path.name, None)
        try:
            with path.open("rb") as stream:
                docs = list(reader.read(stream, path.name, ReadSettings()))
        except FormatError:  # samples of unreadable files are not this test's
            continue
        for doc in docs:
            po, _ = normalize(doc)
            if po is None:
                continue
            document = canonical_document(po)
            assert document == po.model_dump(mode="json")  # the Rust dump, parsed: the same
            text, digest = hashed_text(document)
            assert text.encode("utf-8") == stdlib(document)
            assert digest == hashlib.sha256(stdlib(document)).hexdigest()
            checked += 1
    assert checked >= 5
