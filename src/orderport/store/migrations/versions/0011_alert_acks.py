"""Operators acknowledge alerts: ``tracking_alerts.acked_at`` / ``acked_by`` (open = not acked).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from orderport.store.types import UtcDateTime

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("tracking_alerts") as batch:
        batch.add_column(sa.Column("acked_at", UtcDateTime, nullable=True))
        batch.add_column(sa.Column("acked_by", sa.String(100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tracking_alerts") as batch:
        batch.drop_column("acked_by")
        batch.drop_column("acked_at")
