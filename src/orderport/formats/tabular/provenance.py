"""Provenance of tabular files: the row and column label each canonical value came from."""

from __future__ import annotations

from orderport.model import Provenance, SourceLocation
from orderport.model.provenance import ancestors


class CellProvenance(Provenance):
    """Provenance that keeps (row, column) pairs and builds SourceLocations only when asked.

    A million-line file records ~10 million locations; building a pydantic model for each
    would dominate reading time, while only the few that findings point to are ever looked at.
    ``locations`` still returns a complete, ordinary dict (built once, on first access).
    """

    def __init__(self, file: str | None, sheet: str | None = None) -> None:
        self.sheet = sheet
        self.cells: dict[str, tuple[int, str | None]] = {}
        self._built: dict[str, SourceLocation] | None = None
        super().__init__(file=file)

    @property
    def locations(self) -> dict[str, SourceLocation]:
        if self._built is None:
            self._built = {path: self._make(*cell) for path, cell in self.cells.items()}
        return self._built

    @locations.setter
    def locations(self, value: dict[str, SourceLocation]) -> None:
        self._built = None
        self.cells = {}
        for path, location in value.items():
            self.record(path, location)

    def record(self, path: str, location: SourceLocation) -> None:
        super().record(path, location)

    def locate(self, path: str) -> SourceLocation | None:
        if self._built is not None:
            return super().locate(path)
        cells = self.cells
        for probe in ancestors(path):
            found = cells.get(probe)
            if found is not None:
                return self._make(*found)
        return SourceLocation(file=self.file) if self.file else None

    def _make(self, row: int, column: str | None) -> SourceLocation:
        return SourceLocation(file=self.file, sheet=self.sheet, row=row, column=column)
