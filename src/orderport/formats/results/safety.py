"""Formula-injection defence for every cell we write into a CSV or spreadsheet.

Spreadsheet programs run a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula
(``=HYPERLINK(...)``, DDE payloads), and a leading tab or carriage return can hide such a
prefix. Partner-supplied text (PO numbers, the values our messages quote) reaches the cells we
write, so each such cell gets a leading apostrophe: the program then shows it as plain text.
The full-width forms of the four characters are included because some spreadsheet programs
fold them into their ASCII counterparts on input.
"""

from __future__ import annotations

from typing import Final

FORMULA_TRIGGERS: Final = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")
"""First characters that make a spreadsheet treat a cell as a formula (or hide one)."""


def neutralise_cell(value: str) -> str:
    """``value`` made safe to put in a spreadsheet cell: prefixed with ``'`` when it could run."""
    if value and value[0] in FORMULA_TRIGGERS:
        return "'" + value
    return value
