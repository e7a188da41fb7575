"""Intake ledger: where a claimed file sits on its channel, its metadata, claim/finish times.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from orderport.store.types import JsonDocument, UtcDateTime

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("inbound_files") as batch:
        batch.add_column(sa.Column("channel_ref", sa.String(1000), nullable=True))
        batch.add_column(sa.Column("detail", JsonDocument, nullable=True))
        batch.add_column(sa.Column("claimed_at", UtcDateTime, nullable=True))
        batch.add_column(sa.Column("finished_at", UtcDateTime, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("inbound_files") as batch:
        for column in ("finished_at", "claimed_at", "detail", "channel_ref"):
            batch.drop_column(column)
