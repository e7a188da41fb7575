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


@pytest.fixture
def sqlite_engine_for_contract(sqlite_template: Path, tmp_path: Path) -> Iterator[Engine]:
    """SQLite only: the contract run is about the HTTP layer, and bounded in time."""
    import shutil

    from orderport.store.db import make_engine

    target = tmp_path / "contract.db"
    shutil.copyfile(sqlite_template, target)
    engine = make_engine(f"sqlite:///{target}")
    try:
        yield engine
    finally:
        engine.dispose()
