"""Every EDI interchange of an inbound file, for resend detection (not only the first ISA).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from orderport.store.types import BigId

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "inbound_interchanges",
        sa.Column("file_id", BigId, nullable=False),
        sa.Column("interchange_key", sa.String(200), nullable=False),
        sa.Column("partner_id", sa.String(100), nullable=False),
        sa.PrimaryKeyConstraint("file_id", "interchange_key", name="pk_inbound_interchanges"),
        sa.ForeignKeyConstraint(
            ["file_id"],
            ["inbound_files.id"],
            name="fk_inbound_interchanges_file_id_inbound_files",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name="fk_inbound_interchanges_partner_id_partners"
        ),
    )
    op.create_index(
        "ix_inbound_interchanges_partner_id_interchange_key",
        "inbound_interchanges",
        ["partner_id", "interchange_key"],
    )
    op.execute(
        "INSERT INTO inbound_interchanges (file_id, interchange_key, partner_id) "
        "SELECT id, interchange_key, partner_id FROM inbound_files "
        "WHERE interchange_key IS NOT NULL"
    )


def downgrade() -> None:
    op.drop_index("ix_inbound_interchanges_partner_id_interchange_key", "inbound_interchanges")
    op.drop_table("inbound_interchanges")
