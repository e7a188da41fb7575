"""Tracking: status events, bookings with versions, the export queue, exports and alerts.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from orderport.store.types import BigId, JsonDocument, UtcDateTime

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _fk(table: str, column: str, target: str, target_column: str = "id") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.{target_column}"], name=f"fk_{table}_{column}_{target}"
    )


def upgrade() -> None:
    op.create_table(
        "status_events",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("partner_id", sa.String(100), nullable=False),
        sa.Column("po_id", BigId, nullable=False),
        sa.Column("fo_id", BigId, nullable=True),
        sa.Column("fulfillment_order", sa.String(110), nullable=True),
        sa.Column("code", sa.String(20), nullable=False),
        sa.Column("at", UtcDateTime, nullable=False),
        sa.Column("location", sa.Text, nullable=True),
        sa.Column("reason", sa.Text, nullable=True),
        sa.Column("carrier", sa.Text, nullable=True),
        sa.Column("tracking_number", sa.String(100), nullable=True),
        sa.Column("lines", JsonDocument, nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("history_id", BigId, nullable=True),
        sa.Column("recorded_at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_status_events"),
        _fk("status_events", "partner_id", "partners"),
        _fk("status_events", "po_id", "purchase_orders"),
        _fk("status_events", "fo_id", "fulfillment_orders"),
        _fk("status_events", "history_id", "po_status_history"),
        sa.UniqueConstraint("history_id", "code", name="uq_status_events_history_id_code"),
    )
    op.create_index("ix_status_events_partner_id_po_id", "status_events", ["partner_id", "po_id"])
    op.create_index(
        "ix_status_events_partner_id_fingerprint", "status_events", ["partner_id", "fingerprint"]
    )
    op.create_table(
        "bookings",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("partner_id", sa.String(100), nullable=False),
        sa.Column("booking_reference", sa.String(100), nullable=False),
        sa.Column("current_version", sa.Integer, nullable=False),
        sa.Column("space_status", sa.String(30), nullable=False),
        sa.Column("etd", UtcDateTime, nullable=False),
        sa.Column("eta", UtcDateTime, nullable=False),
        sa.Column("cargo_cutoff", UtcDateTime, nullable=True),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_bookings"),
        _fk("bookings", "partner_id", "partners"),
        sa.UniqueConstraint(
            "partner_id", "booking_reference", name="uq_bookings_partner_id_booking_reference"
        ),
    )
    op.create_table(
        "booking_versions",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("booking_id", BigId, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("document", JsonDocument, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("recorded_at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_booking_versions"),
        _fk("booking_versions", "booking_id", "bookings"),
        sa.UniqueConstraint("booking_id", "version", name="uq_booking_versions_booking_id_version"),
    )
    op.create_table(
        "booking_orders",
        sa.Column("booking_id", BigId, nullable=False),
        sa.Column("po_id", BigId, nullable=False),
        sa.PrimaryKeyConstraint("booking_id", "po_id", name="pk_booking_orders"),
        _fk("booking_orders", "booking_id", "bookings"),
        _fk("booking_orders", "po_id", "purchase_orders"),
    )
    op.create_index("ix_booking_orders_po_id", "booking_orders", ["po_id"])
    op.create_table(
        "tracking_exports",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("partner_id", sa.String(100), nullable=False),
        sa.Column("at", UtcDateTime, nullable=False),
        sa.Column("status_events", sa.Integer, nullable=False),
        sa.Column("booking_versions", sa.Integer, nullable=False),
        sa.Column("outbox_ids", JsonDocument, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_tracking_exports"),
        _fk("tracking_exports", "partner_id", "partners"),
    )
    op.create_table(
        "export_queue",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("partner_id", sa.String(100), nullable=False),
        sa.Column("status_event_id", BigId, nullable=True),
        sa.Column("booking_version_id", BigId, nullable=True),
        sa.Column("queued_at", UtcDateTime, nullable=False),
        sa.Column("export_id", BigId, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_export_queue"),
        _fk("export_queue", "partner_id", "partners"),
        _fk("export_queue", "status_event_id", "status_events"),
        _fk("export_queue", "booking_version_id", "booking_versions"),
        _fk("export_queue", "export_id", "tracking_exports"),
    )
    op.create_index(
        "ix_export_queue_partner_id_export_id", "export_queue", ["partner_id", "export_id"]
    )
    op.create_table(
        "tracking_alerts",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("partner_id", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("raised_at", UtcDateTime, nullable=False),
        sa.Column("outbox_ids", JsonDocument, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_tracking_alerts"),
        _fk("tracking_alerts", "partner_id", "partners"),
        sa.UniqueConstraint(
            "partner_id", "kind", "subject", name="uq_tracking_alerts_partner_id_kind_subject"
        ),
    )


def downgrade() -> None:
    for table in (
        "tracking_alerts",
        "export_queue",
        "tracking_exports",
        "booking_orders",
        "booking_versions",
        "bookings",
        "status_events",
    ):
        op.drop_table(table)
