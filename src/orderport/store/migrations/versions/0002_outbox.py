"""Outbox: every file we send, written with the outcome it reports.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from orderport.store.types import BigId, UtcDateTime

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "outbox",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("partner_id", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("inbound_file_id", BigId, nullable=True),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("media_type", sa.String(100), nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("sent_at", UtcDateTime, nullable=True),
        sa.Column("last_error", sa.Text, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name="fk_outbox_partner_id_partners"
        ),
        sa.ForeignKeyConstraint(
            ["inbound_file_id"],
            ["inbound_files.id"],
            name="fk_outbox_inbound_file_id_inbound_files",
        ),
    )
    op.create_index("ix_outbox_state_partner_id", "outbox", ["state", "partner_id"])
    op.create_index("ix_outbox_inbound_file_id", "outbox", ["inbound_file_id"])


def downgrade() -> None:
    op.drop_table("outbox")
