"""Rows that are not PO lines, recognised by what they say: totals and notes.

A totals row names itself ("Total", "Subtotal", "Grand total", "TOTAL UNITS", "Summe",
"Gesamt", "Sous-total", "Totaal", "Suma" ...), anywhere in the first words of a cell; a note or
instruction row is text with no item and no quantity ("Please deliver to dock 3",
"Bemerkung: ..."). Neither is ever read as a line.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import pairwise
from typing import Final

from orderport.formats.tabular.vocabulary import vocabulary_key

_TOTAL_WORDS: Final = frozenset(
    {
        "total", "totals", "subtotal", "grandtotal", "sum", "summe", "gesamt", "gesamtsumme",
        "zwischensumme", "totaal", "subtotaal", "eindtotaal", "somme", "soustotal", "suma",
        "totale", "totaux", "totalgeneral", "sumtotal", "gesamtmenge", "gesamtbetrag",
        "endsumme", "totalunits", "totalqty", "totalquantity",
    }
)  # fmt: skip
_NOTE_WORDS: Final = frozenset(
    {
        "note", "notes", "remark", "remarks", "comment", "comments", "instruction",
        "instructions", "please", "memo", "bemerkung", "bemerkungen", "hinweis", "hinweise",
        "bitte", "anmerkung", "remarque", "remarques", "veuillez", "merci", "nota", "notas",
        "observaciones", "favor", "opmerking", "opmerkingen", "graag", "attention", "important",
        "achtung", "wichtig",
    }
)  # fmt: skip


def _words(text: str) -> list[str]:
    return [w for w in (vocabulary_key(p) for p in text.replace(":", " ").split()) if w]


class RowKinds:
    """Recognises totals and note rows, with the partner's extra totals labels."""

    def __init__(self, totals_labels: Iterable[str] = ()) -> None:
        self.extra = {vocabulary_key(label) for label in totals_labels if vocabulary_key(label)}

    def is_total_label(self, text: str) -> bool:
        if not text or text[0].isdigit():
            return False
        key = vocabulary_key(text)
        if key in self.extra or any(key.startswith(extra) for extra in self.extra):
            return True
        words = _words(text)[:4]
        if not words or len(_words(text)) > 8:
            return False
        if words[0] in _TOTAL_WORDS:
            return True
        pairs = {a + b for a, b in pairwise(words)}
        if pairs & _TOTAL_WORDS:
            return True
        return any(w in _TOTAL_WORDS for w in words[1:3])

    def is_short_total(self, text: str) -> bool:
        """A total label in a description column: short ("Total", "Grand total:"), not a name."""
        return len(_words(text)) <= 3 and self.is_total_label(text)

    def is_note(self, text: str) -> bool:
        words = _words(text)
        if not words:
            return False
        if words[0] in _NOTE_WORDS:
            return True
        return len(words) >= 4 and not any(c.isdigit() for c in words[0])
