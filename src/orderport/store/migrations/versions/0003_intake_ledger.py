"""Intake ledger: channel reference, metadata, claim/finish times, interchange key, IMAP seen keys.

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
        batch.add_column(sa.Column("interchange_key", sa.String(200), nullable=True))
        batch.add_column(sa.Column("processed_at", UtcDateTime, nullable=True))
        batch.add_column(sa.Column("claim_token", sa.String(64), nullable=True))
        batch.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
    op.create_index(
        "ix_inbound_files_partner_id_interchange_key",
        "inbound_files",
        ["partner_id", "interchange_key"],
    )
    op.create_index("ix_inbound_files_channel_ref", "inbound_files", ["channel_ref"])
    op.create_table(
        "intake_seen",
        sa.Column("partner_id", sa.String(100), nullable=False),
        sa.Column("key", sa.String(1000), nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("partner_id", "key", name="pk_intake_seen"),
    )


def downgrade() -> None:
    op.drop_table("intake_seen")
    op.drop_index("ix_inbound_files_channel_ref", "inbound_files")
    op.drop_index("ix_inbound_files_partner_id_interchange_key", "inbound_files")
    with op.batch_alter_table("inbound_files") as batch:
        for column in (
            "attempts",
            "claim_token",
            "processed_at",
            "interchange_key",
            "finished_at",
            "claimed_at",
            "detail",
            "channel_ref",
        ):
            batch.drop_column(column)
