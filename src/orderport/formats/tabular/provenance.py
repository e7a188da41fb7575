"""Provenance of tabular files: the row and column label each canonical value came from."""

from __future__ import annotations

from typing import cast

from orderport.model import SourceLocation
from orderport.model.provenance import LazyProvenance


class CellProvenance(LazyProvenance):
    """(row, column label) pairs in ``cells``, turned into SourceLocations only when asked."""

    def __init__(self, file: str | None, sheet: str | None = None) -> None:
        self.sheet = sheet
        super().__init__(file=file)

    @property
    def cells(self) -> dict[str, tuple[int, str | None]]:
        """The recorded (row, column label) of each path: the readers write here directly."""
        return cast("dict[str, tuple[int, str | None]]", self.raw)

    def _make(self, key: object) -> SourceLocation:
        row, column = cast("tuple[int, str | None]", key)
        return SourceLocation(file=self.file, sheet=self.sheet, row=row, column=column)
