"""Provenance that builds its ``SourceLocation`` objects only when someone looks.

An ORDERS line records half a dozen locations; building each pydantic model up front cost more
than reading the message. Locations are kept as plain tuples until ``locations`` or
``locate`` is used (normally only for documents with findings).
"""

from __future__ import annotations

from orderport.model import Provenance, SourceLocation

Loc = tuple[str, int, int | None, int | None]
"""(segment tag, position in the message from UNH = 1, element, component)."""


class EdifactProvenance(Provenance):
    """A ``Provenance`` whose entries are recorded as ``Loc`` tuples in ``pending``."""

    def __init__(self, file: str | None = None) -> None:
        self.pending: dict[str, Loc] = {}
        self._built: dict[str, SourceLocation] = {}
        super().__init__(file=file)

    @property
    def locations(self) -> dict[str, SourceLocation]:
        if self.pending:
            file = self.file
            built = self._built
            for path, (segment, position, element, component) in self.pending.items():
                built[path] = SourceLocation(
                    file=file,
                    segment=segment,
                    segment_position=position,
                    element=element,
                    component=component,
                )
            self.pending = {}
        return self._built

    @locations.setter
    def locations(self, value: dict[str, SourceLocation]) -> None:
        self._built = value
