"""Line numbers are identifiers: kept as sent ("00010", "A1"), so stored as text.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLES = ("po_lines", "fulfillment_order_lines")


def upgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table) as batch:
            batch.alter_column(
                "line_number",
                existing_type=sa.Integer(),
                type_=sa.String(20),
                existing_nullable=False,
                postgresql_using="line_number::text",
            )


def downgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table) as batch:
            batch.alter_column(
                "line_number",
                existing_type=sa.String(20),
                type_=sa.Integer(),
                existing_nullable=False,
                postgresql_using="line_number::integer",
            )
