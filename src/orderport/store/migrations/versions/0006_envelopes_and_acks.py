"""One control-number space per envelope; our identity as addressed; outbound interchanges.

Before this revision 997s counted under ``x12_isa``/``x12_gs`` and 855/856/301 under ``isa``
(ISA13 = GS06), CONTRLs under ``edifact_unb`` and ORDRSP/DESADV/IFTMBC under ``unb``, so one
partner could receive ISA13 000000001 twice. The counters are merged per partner into
``x12_interchange``, ``x12_group`` and ``edifact_interchange``, each starting above the highest
number any old counter of that envelope had used.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from orderport.store.types import BigId, UtcDateTime

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MERGES = {
    "x12_interchange": ("x12_isa", "isa"),
    "x12_group": ("x12_gs", "isa"),
    "edifact_interchange": ("edifact_unb", "unb"),
}
"""New counter -> the old counters it replaces (export files used ISA13 as their GS06 too)."""


_counters = sa.table(
    "control_numbers",
    sa.column("partner_id", sa.String),
    sa.column("kind", sa.String),
    sa.column("last_value", sa.BigInteger),
)


def _merge(new: str, old: Sequence[str]) -> None:
    """One ``new`` counter per partner at the highest value of its ``old`` counters."""
    highest = (
        sa.select(_counters.c.partner_id, sa.literal(new), sa.func.max(_counters.c.last_value))
        .where(_counters.c.kind.in_(old))
        .group_by(_counters.c.partner_id)
    )
    op.execute(_counters.insert().from_select(["partner_id", "kind", "last_value"], highest))


def upgrade() -> None:
    for new, old in MERGES.items():
        _merge(new, old)
    retired = sorted({k for old in MERGES.values() for k in old})
    op.execute(_counters.delete().where(_counters.c.kind.in_(retired)))
    op.create_table(
        "addressed_identities",
        sa.Column("partner_id", sa.String(100), nullable=False),
        sa.Column("standard", sa.String(10), nullable=False),
        sa.Column("interchange_id", sa.String(35), nullable=False),
        sa.Column("qualifier", sa.String(4), nullable=False),
        sa.Column("application_id", sa.String(35), nullable=True),
        sa.Column("updated_at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("partner_id", "standard", name="pk_addressed_identities"),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name="fk_addressed_identities_partner_id_partners"
        ),
    )
    op.create_table(
        "outbound_interchanges",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("outbox_id", BigId, nullable=False),
        sa.Column("partner_id", sa.String(100), nullable=False),
        sa.Column("standard", sa.String(10), nullable=False),
        sa.Column("document", sa.String(20), nullable=False),
        sa.Column("interchange_ref", sa.String(20), nullable=False),
        sa.Column("group_ref", sa.String(20), nullable=True),
        sa.Column("expects_ack", sa.Integer(), nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("ack_status", sa.String(30), nullable=True),
        sa.Column("ack_detail", sa.Text(), nullable=True),
        sa.Column("ack_file_id", BigId, nullable=True),
        sa.Column("ack_at", UtcDateTime, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_outbound_interchanges"),
        sa.ForeignKeyConstraint(
            ["outbox_id"], ["outbox.id"], name="fk_outbound_interchanges_outbox_id_outbox"
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name="fk_outbound_interchanges_partner_id_partners"
        ),
        sa.ForeignKeyConstraint(
            ["ack_file_id"],
            ["inbound_files.id"],
            name="fk_outbound_interchanges_ack_file_id_inbound_files",
        ),
        sa.UniqueConstraint(
            "partner_id",
            "standard",
            "interchange_ref",
            name="uq_outbound_interchanges_partner_id_standard_interchange_ref",
        ),
    )
    op.create_index("ix_outbound_interchanges_outbox_id", "outbound_interchanges", ["outbox_id"])


def downgrade() -> None:
    op.drop_index("ix_outbound_interchanges_outbox_id", "outbound_interchanges")
    op.drop_table("outbound_interchanges")
    op.drop_table("addressed_identities")
    restored: set[str] = set()
    for new, old in MERGES.items():
        for kind in old:
            if kind not in restored:
                _merge(kind, [new])
                restored.add(kind)
    op.execute(_counters.delete().where(_counters.c.kind.in_(list(MERGES))))
