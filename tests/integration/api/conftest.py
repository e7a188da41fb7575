from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

sys.path.insert(0, str(Path(__file__).parent))

from api_harness import Api, running_api


@pytest.fixture
def api(engine: Engine, tmp_path: Path) -> Iterator[Api]:
    """The app on a real uvicorn server on loopback, on SQLite and on PostgreSQL."""
    with running_api(engine, tmp_path / "home") as served:
        yield served
