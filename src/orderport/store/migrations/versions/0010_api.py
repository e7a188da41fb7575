"""The HTTP front door: API keys (hashed), request answers (Idempotency-Key), partner events,
webhook subscriptions and deliveries.

Revision ID: 0010
Revises: 0007
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from orderport.store.types import BigId, JsonDocument, UtcDateTime

revision: str = "0010"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "api_keys",
        sa.Column("id", BigId, nullable=False, autoincrement=True),
        sa.Column("key_id", sa.String(32), nullable=False),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("partner_id", sa.String(100), nullable=True),
        sa.Column("label", sa.String(200), nullable=True),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("revoked_at", UtcDateTime, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_api_keys"),
        sa.UniqueConstraint("key_id", name="uq_api_keys_key_id"),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name="fk_api_keys_partner_id_partners"
        ),
    )
    op.create_table(
        "api_requests",
        sa.Column("id", BigId, nullable=False, autoincrement=True),
        sa.Column("partner_id", sa.String(100), nullable=False),
        sa.Column("idem_key", sa.String(200), nullable=True),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("endpoint", sa.String(60), nullable=False),
        sa.Column("file_id", BigId, nullable=True),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("response", JsonDocument, nullable=True),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_api_requests"),
        sa.UniqueConstraint("partner_id", "idem_key", name="uq_api_requests_partner_id_idem_key"),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name="fk_api_requests_partner_id_partners"
        ),
        sa.ForeignKeyConstraint(
            ["file_id"], ["inbound_files.id"], name="fk_api_requests_file_id_inbound_files"
        ),
    )
    op.create_index("ix_api_requests_file_id", "api_requests", ["file_id"])
    op.create_table(
        "partner_events",
        sa.Column("id", BigId, nullable=False, autoincrement=True),
        sa.Column("partner_id", sa.String(100), nullable=False),
        sa.Column("type", sa.String(40), nullable=False),
        sa.Column("data", JsonDocument, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_partner_events"),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name="fk_partner_events_partner_id_partners"
        ),
    )
    op.create_index("ix_partner_events_partner_id_id", "partner_events", ["partner_id", "id"])
    op.create_table(
        "webhook_subscriptions",
        sa.Column("id", BigId, nullable=False, autoincrement=True),
        sa.Column("partner_id", sa.String(100), nullable=False),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("events", JsonDocument, nullable=False),
        sa.Column("secret", sa.String(200), nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("deleted_at", UtcDateTime, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_webhook_subscriptions"),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name="fk_webhook_subscriptions_partner_id_partners"
        ),
    )
    op.create_index("ix_webhook_subscriptions_partner_id", "webhook_subscriptions", ["partner_id"])
    op.create_table(
        "webhook_deliveries",
        sa.Column("outbox_id", BigId, nullable=False),
        sa.Column("subscription_id", BigId, nullable=False),
        sa.Column("event_id", BigId, nullable=False),
        sa.Column("next_attempt_at", UtcDateTime, nullable=False),
        sa.Column("last_status", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("outbox_id", name="pk_webhook_deliveries"),
        sa.ForeignKeyConstraint(
            ["outbox_id"], ["outbox.id"], name="fk_webhook_deliveries_outbox_id_outbox"
        ),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["webhook_subscriptions.id"],
            name="fk_webhook_deliveries_subscription_id_webhook_subscriptions",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["partner_events.id"],
            name="fk_webhook_deliveries_event_id_partner_events",
        ),
    )
    op.create_index(
        "ix_webhook_deliveries_next_attempt_at", "webhook_deliveries", ["next_attempt_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_webhook_deliveries_next_attempt_at", "webhook_deliveries")
    op.drop_table("webhook_deliveries")
    op.drop_index("ix_webhook_subscriptions_partner_id", "webhook_subscriptions")
    op.drop_table("webhook_subscriptions")
    op.drop_index("ix_partner_events_partner_id_id", "partner_events")
    op.drop_table("partner_events")
    op.drop_index("ix_api_requests_file_id", "api_requests")
    op.drop_table("api_requests")
    op.drop_table("api_keys")
