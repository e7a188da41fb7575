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
