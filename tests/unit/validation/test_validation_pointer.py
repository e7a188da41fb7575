"""One RFC 6901 encoder for every JSON pointer the project writes."""

from __future__ import annotations

from orderport.formats.json_shapes import emit
from orderport.validation.paths import json_pointer, pointer_of, pointer_token


def test_tokens_escape_tilde_before_slash() -> None:
    assert pointer_of(["a/b", "m~n", 0, "~1"]) == "/a~1b/m~0n/0/~01"
    assert pointer_of([]) == ""
    assert json_pointer('$["a/b"].lines[2]', prefix="#") == "#/a~1b/lines/2"


def test_json_shapes_use_the_same_encoder() -> None:
    assert emit.pointer_token is pointer_token
