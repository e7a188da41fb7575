from __future__ import annotations

import pytest

from orderport.validation.paths import field_name, json_path, json_pointer, path_parts


@pytest.mark.parametrize(
    ("parts", "path"),
    [
        ([], "$"),
        (["lines", 2, "quantity"], "$.lines[2].quantity"),
        (["packaging", 0, "items", 1, "sku"], "$.packaging[0].items[1].sku"),
        (["odd key", "a.b", "1x"], '$["odd key"]["a.b"]["1x"]'),
    ],
)
def test_paths_round_trip(parts: list[str | int], path: str) -> None:
    assert json_path(parts) == path
    assert path_parts(path) == parts


def test_pointer_escapes_and_prefix() -> None:
    assert json_pointer("$.lines[2].quantity") == "/lines/2/quantity"
    assert json_pointer("$.lines[2].quantity", "/3") == "/3/lines/2/quantity"
    assert json_pointer('$["a/b~c"]') == "/a~1b~0c"
    assert json_pointer("$") == ""


@pytest.mark.parametrize("bad", ["lines", "$lines", "$.lines[x]", '$["open', "$.a[1"])
def test_bad_paths_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match=r"JSON path|bad index|unexpected|unclosed"):
        path_parts(bad)


def test_field_name() -> None:
    assert field_name("$.lines[2].quantity") == "quantity"
    assert field_name("$.lines[2]") == "lines"
    assert field_name("$") == "document"
