"""Alembic environment: runs on the connection handed in by ``orderport.store.db.migrate``.

Run standalone (``alembic`` CLI with this folder as script_location) it connects to
``orderport.store.db.database_url()``. SQLite uses batch mode so later revisions can alter tables.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from orderport.store.db import make_engine
from orderport.store.tables import metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine()
    try:
        with engine.begin() as own:
            _run(own)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise RuntimeError("offline (SQL script) migrations are not supported; run them online")
run_migrations_online()
