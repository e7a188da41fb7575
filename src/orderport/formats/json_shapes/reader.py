"""The JSON reader: frame the file, tell each PO's shape, check it against its input schema, map.

A file holds one object, an array of objects, or JSON Lines; each object may be any of the four
shapes unless the partner profile pins one with ``ReadSettings.variant``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, BinaryIO

from orderport.formats.base import FormatError, RawDocument, ReadSettings
from orderport.formats.derive import derive_from_lines
from orderport.formats.json_shapes import canonical, inspectorio, loupe, threepl
from orderport.formats.json_shapes.detect import SHAPES, detect_shape
from orderport.formats.json_shapes.emit import Emitter
from orderport.formats.json_shapes.framing import iter_top_values
from orderport.formats.json_shapes.input_check import InputShape, check_input
from orderport.model import Severity

Mapper = Callable[[dict[str, Any], Emitter, ReadSettings], dict[str, Any]]

_MAPPERS: dict[str, tuple[InputShape | None, Mapper]] = {
    "canonical": (None, canonical.map_canonical),
    "inspectorio": (inspectorio.SHAPE, inspectorio.map_inspectorio),
    "loupe": (loupe.SHAPE, loupe.map_loupe),
    "threepl": (threepl.SHAPE, threepl.map_threepl),
}

_BLANKS = b" \t\r\n"
_BOM = b"\xef\xbb\xbf"


class JsonReader:
    """Reads canonical, Inspectorio, Loupe and 3PL purchase orders from JSON."""

    name = "json"

    def sniff(self, head: bytes, filename: str) -> bool:
        """An object starting with a key, or an array starting with an object (or empty)."""
        text = head.removeprefix(_BOM).lstrip(_BLANKS)
        if not text:
            return False
        opener, rest = text[:1], text[1:].lstrip(_BLANKS)
        if opener == b"{":
            return rest[:1] in (b'"', b"}")
        if opener == b"[":
            return rest[:1] in (b"{", b"]")
        return False

    def read(
        self, stream: BinaryIO, filename: str, settings: ReadSettings
    ) -> Iterator[RawDocument]:
        pinned = settings.variant
        if pinned is not None and pinned not in _MAPPERS:
            raise FormatError(
                f"unknown JSON variant {pinned!r} in the partner profile; "
                f"known: {', '.join(SHAPES)}"
            )
        for top in iter_top_values(stream, filename, settings.encoding or "utf-8"):
            em = Emitter(filename, top.line)
            doc = top.value
            if not isinstance(doc, dict):
                em.finding(
                    "read.not_an_object",
                    Severity.ERROR,
                    "$",
                    f"purchase order #{top.index + 1} (line {top.line}) is a JSON "
                    f"{_json_type(doc)}, not an object",
                    "",
                )
                yield RawDocument(data={}, provenance=em.provenance, findings=em.findings)
                continue
            shape = pinned or detect_shape(doc)
            if shape is None:
                em.finding(
                    "read.unknown_shape",
                    Severity.ERROR,
                    "$",
                    f"purchase order #{top.index + 1} (line {top.line}) matches none of the JSON "
                    f"shapes ({', '.join(SHAPES)}) or more than one; its keys: "
                    f"{', '.join(list(doc)[:12])}",
                    "",
                )
                yield RawDocument(data={}, provenance=em.provenance, findings=em.findings)
                continue
            input_shape, mapper = _MAPPERS[shape]
            if input_shape is not None:
                check_input(doc, input_shape, em)
            data = mapper(doc, em, settings)
            if shape != "canonical":
                derive_from_lines(data, em.provenance)
            yield RawDocument(
                data=data,
                provenance=em.provenance,
                findings=em.findings,
                reference=f"{shape}#{top.index + 1}",
            )


def _json_type(value: object) -> str:
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    if value is None:
        return "null"
    return "number"
