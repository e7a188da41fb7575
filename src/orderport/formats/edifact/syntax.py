"""EDIFACT syntax layer: service string advice (UNA), release characters, segment splitting.

Speed comes from doing the character work in C: escaped service characters (``?'``, ``?+``,
``?:``, ``??``) are swapped for private-use placeholders with ``str.replace`` over a whole chunk,
after which every remaining separator is real and ``str.split`` cuts segments and elements.
Placeholders are turned back into their characters only in values that contain them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

DEFAULT_SERVICE_CHARS = ":+.? '"
"""ISO 9735 defaults: component, element, decimal mark, release, reserved/repetition, terminator."""

_PLACEHOLDERS = ("\ue000", "\ue001", "\ue002", "\ue003", "\ue004")
_PLACEHOLDER_RE = re.compile("[\ue000-\ue004]")
_LEADING_NOISE = "\r\n\t "


class SyntaxProblem(Exception):
    """A problem with the raw syntax; the reader adds the file name and turns it into a FormatError.

    ``code`` is the UN/EDIFACT syntax error code (data element 0085) for CONTRL.
    """

    def __init__(self, message: str, code: int, segment: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.segment = segment


@dataclass(frozen=True, slots=True)
class Delimiters:
    """The six service characters of an interchange (UNA, or the ISO 9735 defaults)."""

    component: str = ":"
    element: str = "+"
    decimal: str = "."
    release: str | None = "?"
    repetition: str | None = None
    terminator: str = "'"
    advised: bool = False
    """True when the interchange carried a UNA service string advice."""

    @classmethod
    def from_una(cls, advice: str) -> Delimiters:
        """Read the six characters that follow ``UNA``; a blank release character means none."""
        if len(advice) != 6:
            raise SyntaxProblem("UNA must be followed by exactly six service characters", 20, "UNA")
        component, element, decimal, release, reserved, terminator = tuple(advice)
        separators = [component, element, terminator]
        for optional in (release, reserved):
            if optional != " ":
                separators.append(optional)
        if len(set(separators)) != len(separators):
            raise SyntaxProblem(
                f"UNA service characters {advice!r} use one character for two purposes", 20, "UNA"
            )
        if any(char.isalnum() for char in separators):
            raise SyntaxProblem(
                f"UNA service characters {advice!r} include a letter or digit", 20, "UNA"
            )
        return cls(
            component=component,
            element=element,
            decimal=decimal,
            release=None if release == " " else release,
            repetition=None if reserved == " " else reserved,
            terminator=terminator,
            advised=True,
        )

    def service_string(self) -> str:
        return (
            self.component
            + self.element
            + self.decimal
            + (self.release or " ")
            + (self.repetition or " ")
            + self.terminator
        )

    def escape(self, value: str) -> str:
        """``value`` with every service character preceded by the release character."""
        release = self.release
        if release is None:
            return value
        out = value.replace(release, release + release)
        for char in (self.terminator, self.element, self.component, self.repetition):
            if char is not None and char in out:
                out = out.replace(char, release + char)
        return out


class Segment:
    """One segment; elements and components are numbered from 1 as in the directories.

    ``position`` counts segments from the start of the interchange (UNB = 1; UNA is not a
    segment); the envelope layer renumbers message segments from UNH = 1.
    """

    __slots__ = ("_restore", "_sep", "elements", "position", "tag")

    def __init__(
        self,
        tag: str,
        elements: list[str],
        position: int,
        restore: dict[int, str] | None = None,
        component_separator: str = ":",
    ) -> None:
        self.tag = tag
        self.elements = elements
        self.position = position
        self._restore = restore
        self._sep = component_separator

    def __repr__(self) -> str:
        return f"Segment({self.tag!r}, {self.elements!r}, position={self.position})"

    def has(self, element: int) -> bool:
        return len(self.elements) >= element and self.elements[element - 1] != ""

    def value(self, element: int, component: int = 1) -> str:
        """Component ``component`` of element ``element`` (``""`` when absent), unescaped."""
        elements = self.elements
        if element > len(elements):
            return ""
        raw = elements[element - 1]
        sep = self._sep
        if component == 1:
            cut = raw.find(sep)
            if cut >= 0:
                raw = raw[:cut]
        else:
            parts = raw.split(sep, component)
            if component > len(parts):
                return ""
            raw = parts[component - 1]
        if self._restore is not None:
            return raw.translate(self._restore)
        return raw

    def components(self, element: int) -> list[str]:
        """All components of element ``element``, unescaped (``[]`` when absent)."""
        if element > len(self.elements) or self.elements[element - 1] == "":
            return []
        parts = self.elements[element - 1].split(self._sep)
        if self._restore is not None:
            table = self._restore
            return [part.translate(table) for part in parts]
        return parts


def split_una(text: str) -> tuple[Delimiters, int]:
    """The delimiters of an interchange and the offset where its UNB starts."""
    start = 0
    while start < len(text) and text[start] in "\ufeff" + _LEADING_NOISE:
        start += 1
    if text.startswith("UNA", start):
        delimiters = Delimiters.from_una(text[start + 3 : start + 9])
        start += 9
        while start < len(text) and text[start] in _LEADING_NOISE:
            start += 1
        return delimiters, start
    return Delimiters(), start


class Tokenizer:
    """Turns decoded text chunks into ``Segment``s; keeps the unfinished tail between chunks."""

    def __init__(self, delimiters: Delimiters) -> None:
        self.delimiters = delimiters
        self.position = 0
        self._carry = ""
        release = delimiters.release
        self._pairs: list[tuple[str, str]] = []
        restore: dict[int, str] = {}
        if release is not None:
            targets = [release, delimiters.terminator, delimiters.element, delimiters.component]
            if delimiters.repetition is not None:
                targets.append(delimiters.repetition)
            for placeholder, char in zip(_PLACEHOLDERS, targets, strict=False):
                self._pairs.append((release + char, placeholder))
                restore[ord(placeholder)] = char
        self._restore = restore

    def feed(self, chunk: str) -> list[Segment]:
        """The segments completed by ``chunk``."""
        for placeholder in _PLACEHOLDERS:
            if placeholder in chunk:
                raise SyntaxProblem(
                    f"character U+{ord(placeholder):04X} is not allowed in an interchange", 21
                )
        carry = self._carry
        text = carry + chunk
        release = self.delimiters.release
        escaped = release is not None and (
            release in text or (carry != "" and _PLACEHOLDER_RE.search(carry) is not None)
        )
        if escaped:
            for pair, placeholder in self._pairs:
                text = text.replace(pair, placeholder)
        terminator = self.delimiters.terminator
        cut = text.rfind(terminator)
        if cut < 0:
            self._carry = text
            return []
        self._carry = text[cut + 1 :]
        return self._segments(text[:cut].split(terminator), escaped)

    def finish(self) -> None:
        """Check that nothing but blanks follows the last segment terminator."""
        tail = self._carry.strip(_LEADING_NOISE + "\x00\x1a")
        if tail:
            preview = tail[:20].translate(self._restore)
            raise SyntaxProblem(
                f"the file ends inside a segment ({preview!r} has no segment terminator"
                f" {self.delimiters.terminator!r}); the interchange is truncated",
                13,
            )

    def _segments(self, pieces: list[str], escaped: bool) -> list[Segment]:
        out: list[Segment] = []
        element_sep = self.delimiters.element
        component_sep = self.delimiters.component
        restore = self._restore
        position = self.position
        search = _PLACEHOLDER_RE.search
        for piece in pieces:
            if piece and piece[0] in _LEADING_NOISE:
                piece = piece.lstrip(_LEADING_NOISE)
                if not piece:
                    continue
            parts = piece.split(element_sep)
            position += 1
            needs_restore = escaped and search(piece) is not None
            tag = parts[0]
            if needs_restore:
                tag = tag.translate(restore)
            out.append(
                Segment(tag, parts[1:], position, restore if needs_restore else None, component_sep)
            )
        self.position = position
        return out


def tokenize(chunks: Iterable[str], delimiters: Delimiters) -> Iterator[Segment]:
    """All segments in ``chunks`` (text after the UNA, if any)."""
    tokenizer = Tokenizer(delimiters)
    for chunk in chunks:
        yield from tokenizer.feed(chunk)
    tokenizer.finish()
