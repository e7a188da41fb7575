"""Framing: one object, an array, JSON Lines; exact line/column for broken JSON; streaming."""

from __future__ import annotations

import io
import json
import tracemalloc
from collections.abc import Iterator
from decimal import Decimal

import pytest

from orderport.formats.base import FormatError
from orderport.formats.json_shapes import framing
from orderport.formats.json_shapes.framing import iter_top_values


def values(text: str | bytes, encoding: str = "utf-8") -> list[tuple[object, int, int]]:
    raw = text.encode(encoding) if isinstance(text, str) else text
    return [
        (v.value, v.index, v.line) for v in iter_top_values(io.BytesIO(raw), "f.json", encoding)
    ]


def broken(text: str) -> FormatError:
    with pytest.raises(FormatError) as caught:
        values(text)
    return caught.value


def test_single_object_keeps_decimals_exact() -> None:
    got = values('{"a": 12.50, "b": 3, "c": 1e2}')
    assert got == [({"a": Decimal("12.50"), "b": 3, "c": Decimal("1e2")}, 0, 1)]
    value = got[0][0]
    assert isinstance(value, dict)
    assert isinstance(value["a"], Decimal)


def test_array_items_with_start_lines() -> None:
    got = values('[\n {"n": 1},\n\n {"n": 2}\n]\n')
    assert got == [({"n": 1}, 0, 2), ({"n": 2}, 1, 4)]


def test_json_lines_and_blank_lines() -> None:
    got = values('{"n": 1}\n\n{"n": 2}\r\n{"n": 3}')
    assert [(v, line) for v, _, line in got] == [({"n": 1}, 1), ({"n": 2}, 3), ({"n": 3}, 4)]


def test_empty_array_yields_nothing() -> None:
    assert values(" [ ] ") == []


def test_byte_order_mark_is_skipped() -> None:
    assert values(b'\xef\xbb\xbf{"n": 1}') == [({"n": 1}, 0, 1)]


def test_other_encoding_from_settings() -> None:
    assert values('{"name": "Müller"}', encoding="latin-1") == [({"name": "Müller"}, 0, 1)]


def test_empty_file_is_refused() -> None:
    assert "empty" in broken("  \n ").message


def test_broken_object_reports_line_and_column() -> None:
    error = broken('[\n {"a": 1},\n {"a": 2 "b": 3}\n]')
    assert "line 3, column 10" in error.message
    assert error.location is not None
    assert (error.location.row, error.location.column, error.location.file) == (3, "10", "f.json")


def test_broken_json_line_reports_its_line() -> None:
    error = broken('{"a": 1}\n{"a": tru}\n')
    assert "line 2, column 7" in error.message


def test_missing_comma_between_items() -> None:
    error = broken('[{"a": 1}\n {"a": 2}]')
    assert "line 2, column 2" in error.message
    assert "expected ',' or ']'" in error.message


def test_trailing_comma_and_unclosed_array() -> None:
    assert "line 1, column 12" in broken('[{"a": 1}, ]').message
    assert "not closed" in broken('[{"a": 1},\n').message


def test_data_after_the_array() -> None:
    assert "after the closing ]" in broken('[{"a": 1}]\n{"b": 2}').message


def test_nan_is_not_a_number() -> None:
    assert "NaN is not a JSON number" in broken('{"a": NaN}').message


def test_values_across_chunk_boundaries(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tiny chunks: values, numbers and strings cut anywhere must still decode whole."""
    monkeypatch.setattr(framing, "_CHUNK", 7)
    docs = [{"po": f"P{i}", "qty": Decimal(f"{i}.25"), "note": "x" * (i * 5)} for i in range(40)]
    text = "[" + ",\n".join(json.dumps({**d, "qty": float(d["qty"])}) for d in docs) + "]"
    got = values(text)
    assert [v for v, _, _ in got] == docs
    assert [line for _, _, line in got] == list(range(1, 41))


def test_error_position_after_many_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(framing, "_CHUNK", 64)
    good = "\n".join(json.dumps({"po": str(i), "pad": "y" * 50}) for i in range(200))
    error = broken(good + '\n{"po": "x",, "pad": 1}\n')
    assert "line 201, column 12" in error.message


class _GeneratedPOs(io.RawIOBase):
    """A large array of POs produced on the fly, so the test itself holds no big buffer."""

    def __init__(self, count: int) -> None:
        self._parts = self._generate(count)
        self._pending = b""

    @staticmethod
    def _generate(count: int) -> Iterator[bytes]:
        yield b"["
        for i in range(count):
            sep = "," if i else ""
            yield (
                f'{sep}\n{{"po_number": "{i:08d}", "lines": [{{"line_number": 1, '
                f'"sku": "SKU-{i}", "quantity": "{i}.5"}}]}}'
            ).encode()
        yield b"\n]\n"

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        while len(self._pending) < len(buffer):
            part = next(self._parts, None)
            if part is None:
                break
            self._pending += part
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


def test_large_array_streams_in_bounded_memory() -> None:
    count = 40_000  # about 4 MB of JSON; holding the parsed POs would take far more
    stream = io.BufferedReader(_GeneratedPOs(count), buffer_size=1 << 16)
    tracemalloc.start()
    try:
        seen = 0
        for top in iter_top_values(stream, "big.json"):
            seen += 1
            assert isinstance(top.value, dict)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert seen == count
    assert peak < 3 * 1024 * 1024, peak
