"""Provenance: a map from canonical JSON paths to places in the partner's file.

Readers record where each value came from; validation attaches the nearest recorded location
to every finding, so a partner is told "row 7, column Qty" rather than "$.lines[5].quantity".
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from orderport.model.findings import SourceLocation


def ancestors(path: str) -> Iterator[str]:
    """``path`` itself, then each enclosing path, nearest first:
    ``$.lines[2].qty`` -> ``$.lines[2].qty``, ``$.lines[2]``, ``$.lines``, ``$``."""
    probe = path
    while True:
        yield probe
        cut = max(probe.rfind("."), probe.rfind("["))
        if cut <= 0:
            return
        probe = probe[:cut]


@dataclass
class Provenance:
    """Locations of one PO's values in its source file, keyed by canonical JSON path."""

    file: str | None = None
    locations: dict[str, SourceLocation] = field(default_factory=dict)

    def record(self, path: str, location: SourceLocation) -> None:
        # Cheap on the hot path: the file name is added in locate(), only for findings.
        self.locations[path] = location

    def locate(self, path: str) -> SourceLocation | None:
        """The location of ``path`` or of its nearest recorded ancestor."""
        for probe in ancestors(path):
            found = self.locations.get(probe)
            if found is not None:
                if self.file and found.file is None:
                    return found.model_copy(update={"file": self.file})
                return found
        if self.file:
            return SourceLocation(file=self.file)
        return None


class LazyProvenance(Provenance):
    """Provenance that keeps each location as a cheap key and builds the ``SourceLocation`` only
    when asked.

    A big file records ~10 locations per line; building a pydantic model for each would dominate
    reading, while only the few that findings point to are ever looked at. Subclasses keep their
    keys in ``raw`` (path -> key) and turn one key into a location in ``_make``. ``locations``
    still returns a complete, ordinary dict (built once, on first access; later records go to it).
    """

    def __init__(self, file: str | None) -> None:
        self.raw: dict[str, object] = {}
        self._recorded: dict[str, SourceLocation] = {}
        self._built: dict[str, SourceLocation] | None = None
        super().__init__(file=file)

    def _make(self, key: object) -> SourceLocation:
        raise NotImplementedError

    @property
    def locations(self) -> dict[str, SourceLocation]:
        if self._built is None:
            built = {path: self._make(key) for path, key in self.raw.items()}
            built.update(self._recorded)
            self._built = built
        return self._built

    @locations.setter
    def locations(self, value: dict[str, SourceLocation]) -> None:
        self._built = None
        self.raw = {}
        self._recorded = dict(value)

    def record(self, path: str, location: SourceLocation) -> None:
        if self._built is not None:
            self._built[path] = location
            return
        self.raw.pop(path, None)
        self._recorded[path] = location

    def locate(self, path: str) -> SourceLocation | None:
        if self._built is not None:
            return super().locate(path)
        raw, recorded = self.raw, self._recorded
        for probe in ancestors(path):
            found = recorded.get(probe)
            if found is not None:
                if self.file and found.file is None:
                    return found.model_copy(update={"file": self.file})
                return found
            key = raw.get(probe)
            if key is not None:
                return self._make(key)
        return SourceLocation(file=self.file) if self.file else None
