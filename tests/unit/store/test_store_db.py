from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import insert, inspect, select
from sqlalchemy.exc import IntegrityError

from orderport.store.db import alembic_config, database_url, downgrade, make_engine, migrate
from orderport.store.tables import metadata, partners, po_lines, po_versions, purchase_orders


def test_database_url_prefers_environment(monkeypatch):
    monkeypatch.setenv("ORDERPORT_DATABASE_URL", "postgresql://u@h/db")
    assert database_url() == "postgresql://u@h/db"


def test_database_url_defaults_to_sqlite_in_home(monkeypatch, tmp_path):
    monkeypatch.delenv("ORDERPORT_DATABASE_URL", raising=False)
    monkeypatch.setenv("ORDERPORT_HOME", str(tmp_path / "home"))
    assert database_url() == f"sqlite:///{tmp_path / 'home' / 'orderport.db'}"
    monkeypatch.delenv("ORDERPORT_HOME")
    monkeypatch.chdir(tmp_path)
    assert database_url() == f"sqlite:///{tmp_path / 'orderport-data' / 'orderport.db'}"


def test_sqlite_engine_creates_home_and_sets_pragmas(tmp_path):
    path = tmp_path / "new" / "dir" / "orderport.db"
    engine = make_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
        assert Path(path).exists()
    finally:
        engine.dispose()


def test_plain_postgresql_url_uses_psycopg():
    engine = make_engine("postgresql://user@127.0.0.1:1/db")
    assert engine.dialect.driver == "psycopg"
    engine.dispose()


def test_migrations_create_exactly_the_declared_schema(blank_database_url):
    engine = make_engine(blank_database_url)
    try:
        migrate(engine)
        migrate(engine)  # already at head: a no-op
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, metadata) == []
            head = ScriptDirectory.from_config(alembic_config()).get_current_head()
            assert context.get_current_revision() == head
            seeded = conn.execute(select(metadata.tables["warehouses"])).all()
        assert [(w.code, w.sku_prefixes, w.priority) for w in seeded] == [("MAIN", [], 100)]
        downgrade(engine)
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        migrate(engine)
        assert set(metadata.tables) <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_decimals_and_identifiers_round_trip_exactly(engine):
    now = datetime(2026, 3, 1, 8, 30, tzinfo=timezone(timedelta(hours=2)))
    quantity = Decimal("123456789012345.123456")
    with engine.begin() as conn:
        conn.execute(insert(partners).values(id="p1", name="P", settings={}, created_at=now))
        po_id = conn.execute(
            insert(purchase_orders)
            .values(
                partner_id="p1",
                po_number="000123",
                status="needs_approval",
                current_version=1,
                content_hash="h",
                created_at=now,
                updated_at=now,
            )
            .returning(purchase_orders.c.id)
        ).scalar_one()
        conn.execute(
            insert(po_versions).values(
                po_id=po_id,
                version=1,
                purpose="original",
                document={},
                content_hash="h",
                created_at=now,
            )
        )
        conn.execute(
            insert(po_lines),
            [
                {
                    "po_id": po_id,
                    "version": 1,
                    "position": 1,
                    "line_number": 1,
                    "sku": "007",
                    "quantity": quantity,
                    "uom": "EA",
                    "unit_cost": Decimal("10.50"),
                },
            ],
        )
    with engine.connect() as conn:
        line = conn.execute(select(po_lines)).one()
        po = conn.execute(select(purchase_orders)).one()
    assert line.quantity == quantity
    assert str(line.quantity) == "123456789012345.123456"
    assert str(line.unit_cost) == "10.50"
    assert line.sku == "007"
    assert po.po_number == "000123"
    assert po.created_at == now
    assert po.created_at.tzinfo is not None
    assert po.created_at.utcoffset() == timedelta(0)
    assert po.created_at.astimezone(UTC) == now


def test_foreign_keys_are_enforced(engine):
    now = datetime.now(UTC)
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(
            insert(purchase_orders).values(
                partner_id="nobody",
                po_number="1",
                status="x",
                current_version=1,
                content_hash="h",
                created_at=now,
                updated_at=now,
            )
        )


def test_naive_datetime_is_refused(engine):
    with pytest.raises(Exception, match="timezone-aware"), engine.begin() as conn:
        conn.execute(
            insert(partners).values(id="p", name="P", settings={}, created_at=datetime(2026, 1, 1))
        )
