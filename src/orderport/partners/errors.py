"""A validation error that knows which key inside the validated value is wrong."""

from __future__ import annotations


class LocatedValueError(ValueError):
    """Raised by profile validators; ``subpath`` extends pydantic's location (which stops at the
    validated field) so ``partners check`` can point at the exact YAML line."""

    def __init__(self, message: str, *subpath: str | int) -> None:
        super().__init__(message)
        self.subpath = subpath
