"""``python -m orderport.api.openapi_export`` rewrites ``schemas/openapi.json`` (``--check``:
exit 1 when the committed file is stale), like the other published schemas."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from orderport.model.schema_export import is_current, publish

OPENAPI_PATH = Path(__file__).resolve().parents[3] / "schemas" / "openapi.json"


def openapi_document() -> dict[str, Any]:
    """The app's OpenAPI document (no store is touched to build it)."""
    from orderport.api.app import create_app
    from orderport.store.db import make_engine

    engine = make_engine("sqlite://")
    try:
        return create_app(engine, Path("."), {}).openapi()
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["--check"]:
        target = Path(args[1]) if len(args) > 1 else OPENAPI_PATH
        if not is_current(openapi_document(), target):
            print(f"{target} is stale: run python -m orderport.api.openapi_export")
            return 1
        return 0
    target = publish(openapi_document(), Path(args[0]) if args else OPENAPI_PATH)
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
