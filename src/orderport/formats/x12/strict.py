"""A strict re-reader for the X12 we write: fixed-width ISA, counts and control numbers.

Used by tests on every outbound file; it accepts much less than the inbound reader.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from orderport.formats.x12.tokenizer import Separators, split_isa


class StrictX12Error(ValueError):
    pass


@dataclass
class StrictSet:
    segments: list[list[str]]

    @property
    def set_id(self) -> str:
        return self.segments[0][1]


@dataclass
class StrictGroup:
    gs: list[str]
    sets: list[StrictSet] = field(default_factory=list)


@dataclass
class StrictInterchange:
    isa: list[str]
    separators: Separators
    groups: list[StrictGroup] = field(default_factory=list)


def _fail(message: str, index: int) -> StrictX12Error:
    return StrictX12Error(f"segment {index}: {message}")


def parse_strict(data: bytes) -> StrictInterchange:
    """Parse exactly one interchange; raise ``StrictX12Error`` on any deviation."""
    text = data.decode("ascii")
    if len(text) < 106 or text[103] != text[3] or text[:3] != "ISA":
        raise StrictX12Error("ISA is not the 106-character fixed-width header")
    isa, seps, end = split_isa(text)
    if end != 106:
        raise StrictX12Error(f"ISA is {end} characters, 106 expected")
    widths = [2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1]
    for index, width in enumerate(widths, start=1):
        if len(isa[index]) != width:
            raise StrictX12Error(f"ISA{index:02d} {isa[index]!r} is not {width} characters")
    chars = {seps.element, seps.component, seps.segment}
    if len(chars) != 3 or (seps.repetition is not None and seps.repetition in chars):
        raise StrictX12Error("separators are not distinct")
    body = text[106:]
    newline = body.startswith("\n")
    pieces = text.split(seps.segment)
    if pieces[-1] not in ("", "\n"):
        raise StrictX12Error(f"data after the last terminator: {pieces[-1]!r}")
    segments: list[list[str]] = []
    for number, piece in enumerate(pieces[:-1], start=1):
        if number > 1 and newline:
            if not piece.startswith("\n"):
                raise _fail("inconsistent newlines after terminators", number)
            piece = piece[1:]
        if not piece or piece != piece.strip() or "\n" in piece or "\r" in piece:
            raise _fail(f"blank or stray whitespace in {piece!r}", number)
        elements = piece.split(seps.element)
        if len(elements) > 1 and elements[-1] == "":
            raise _fail(f"{elements[0]} ends with an empty element", number)
        segments.append(elements)
    return _check_structure(segments, isa, seps)


def _check_structure(
    segments: list[list[str]], isa: list[str], seps: Separators
) -> StrictInterchange:
    result = StrictInterchange(isa=isa, separators=seps)
    group: StrictGroup | None = None
    current: list[list[str]] | None = None
    for index, seg in enumerate(segments[1:], start=2):
        tag = seg[0]
        if current is not None:
            current.append(seg)
            if tag == "SE":
                if seg[1] != str(len(current)):
                    raise _fail(f"SE01 {seg[1]} but the set has {len(current)} segments", index)
                if seg[2] != current[0][2]:
                    raise _fail(f"SE02 {seg[2]} does not match ST02 {current[0][2]}", index)
                assert group is not None
                group.sets.append(StrictSet(current))
                current = None
            elif tag in ("ST", "GS", "GE", "ISA", "IEA"):
                raise _fail(f"{tag} inside a transaction set", index)
        elif tag == "GS":
            if group is not None:
                raise _fail("GS inside a group", index)
            group = StrictGroup(seg)
        elif tag == "ST":
            if group is None:
                raise _fail("ST outside a group", index)
            if any(s.segments[0][2] == seg[2] for s in group.sets):
                raise _fail(f"ST02 {seg[2]} repeated", index)
            current = [seg]
        elif tag == "GE":
            if group is None:
                raise _fail("GE outside a group", index)
            if seg[1] != str(len(group.sets)) or seg[2] != group.gs[6]:
                raise _fail("GE01/GE02 do not match the group", index)
            result.groups.append(group)
            group = None
        elif tag == "IEA":
            if group is not None or index != len(segments):
                raise _fail("IEA is not the last segment", index)
            if seg[1] != str(len(result.groups)) or seg[2] != isa[13]:
                raise _fail("IEA01/IEA02 do not match the interchange", index)
            return result
        else:
            raise _fail(f"{tag} outside a transaction set", index)
    raise StrictX12Error("no IEA")
