"""The header vocabulary: how ERPs and spreadsheet templates name PO columns.

The words live as data in ``header_vocabulary.csv`` (column, header); one header may name
several candidate columns (``buyer_sku|line_number`` for SAP's "Item" next to "Material"): the
first candidate not already taken by another header wins. ``_ignore`` marks columns that are
recognised but deliberately not read (line amounts, taxes): they are reported as info, not as
unknown columns.

Matching is on a key that ignores case, accents, spacing, punctuation and the many ways of
writing "number" (``#``, ``No.``, ``Nr.``, ``Nummer``, ``Numéro``, ``n°``): "PO #", "P.O. No." and
"po number" share one key. A header that finds nothing under its key is tried once more with the
number words dropped ("Bestell-Nr." -> "bestell", "Purchase Order #" -> "purchaseorder").
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Final

IGNORE: Final = "_ignore"

_TOKEN = re.compile(r"[0-9a-z]+")
_NUMBER_WORDS: Final = frozenset(
    {"no", "nr", "nro", "nbr", "num", "number", "nummer", "numero", "n", "nb", "nos", "numbers"}
)
_STOP_WORDS: Final = frozenset({"de", "du", "des", "del", "la", "le", "van", "het", "the", "of"})
_COMPOUND_NUMBER: Final = ("nummer", "nr")


def _fold(text: str) -> str:
    text = text.replace("#", " no ").replace("°", " no ").replace("º", " no ")
    text = text.replace("ß", "ss")
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=16_384)
def _tokens(text: str) -> tuple[str, ...]:
    # Cached: the header search looks at every cell of a sheet's first rows, file after file,
    # and the same few hundred texts (headers, SKUs, units) come back every time.
    out: list[str] = []
    for token in _TOKEN.findall(_fold(text)):
        if token in _STOP_WORDS:
            continue
        if token in _NUMBER_WORDS:
            if not out or out[-1] != "no":
                out.append("no")
            continue
        for suffix in _COMPOUND_NUMBER:
            if token.endswith(suffix) and len(token) > len(suffix) + 3:
                out.extend((token[: -len(suffix)], "no"))
                break
        else:
            out.append(token)
    return tuple(out)


@lru_cache(maxsize=16_384)
def vocabulary_key(text: str) -> str:
    """ "PO #" / "P.O. No." / "Po-Number " -> "pono"; "Quantité" -> "quantite"."""
    return "".join(_tokens(text))


def loose_key(text: str) -> str:
    """The key without number words: "Bestell-Nr." -> "bestell" (second chance)."""
    tokens = [t for t in _tokens(text) if t != "no"]
    return "".join(tokens)


@dataclass(frozen=True, slots=True)
class Entry:
    """Candidate canonical columns for a header, and the vocabulary wording that matched."""

    candidates: tuple[str, ...]
    wording: str


@cache
def vocabulary() -> dict[str, Entry]:
    """Normalised key -> entry, read once from the packaged CSV."""
    text = resources.files(__package__).joinpath("header_vocabulary.csv").read_text("utf-8")
    rows = csv.reader(line for line in io.StringIO(text) if not line.startswith("#"))
    next(rows)  # header
    out: dict[str, Entry] = {}
    for row in rows:
        if len(row) != 2:
            continue
        columns, header = row[0].strip(), row[1].strip()
        key = vocabulary_key(header)
        entry = Entry(tuple(columns.split("|")), header)
        known = out.get(key)
        if known is not None and known.candidates != entry.candidates:
            raise ValueError(
                f"header vocabulary: {header!r} and {known.wording!r} share the key {key!r} "
                f"but name different columns"
            )
        out[key] = entry
    return out


@lru_cache(maxsize=16_384)
def lookup(text: str) -> Entry | None:
    """The vocabulary entry for a header cell, or None."""
    words = vocabulary()
    found = words.get(vocabulary_key(text))
    if found is None:
        loose = loose_key(text)
        if loose:
            found = words.get(loose)
    return found
