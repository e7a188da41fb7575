"""A ``Provenance`` that stores EDI positions as tuples and builds ``SourceLocation``s lazily.

An 850 line records about ten locations; building a pydantic model for each cost more than
the rest of the reading. This subclass keeps (segment, position, element) tuples and turns
them into ``SourceLocation``s only when ``locate`` or ``locations`` asks, so the interface
of ``Provenance`` is unchanged.
"""

from __future__ import annotations

from orderport.model import Provenance, SourceLocation
from orderport.model.provenance import ancestors

Spot = tuple[str, int, int | None]


class SegmentProvenance(Provenance):
    def __init__(self, file: str | None = None) -> None:
        self.spots: dict[str, Spot] = {}
        """Recorded but not yet built; the reader writes here directly (``SetContext.record``)."""
        self._built: dict[str, SourceLocation] = {}
        super().__init__(file=file)

    @property
    def locations(self) -> dict[str, SourceLocation]:
        if self.spots:
            for path, spot in self.spots.items():
                self._built[path] = self._build(spot)
            self.spots.clear()
        return self._built

    @locations.setter
    def locations(self, value: dict[str, SourceLocation]) -> None:
        self._built = value

    def _build(self, spot: Spot) -> SourceLocation:
        segment, position, element = spot
        return SourceLocation(
            file=self.file, segment=segment, segment_position=position, element=element
        )

    def locate(self, path: str) -> SourceLocation | None:
        for probe in ancestors(path):
            spot = self.spots.get(probe)
            if spot is not None:
                return self._build(spot)
            found = self._built.get(probe)
            if found is not None:
                return found
        return SourceLocation(file=self.file) if self.file else None
