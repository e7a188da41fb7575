"""Initial fulfillment store: ledger, purchase orders with versions, fulfillment orders, audit.

Revision ID: 0001
Revises:
Create Date: 2026-01-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from orderport.store.types import BigId, ExactDecimal, JsonDocument, UtcDateTime

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "partners",
        sa.Column("id", sa.String(100), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("settings", JsonDocument, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_partners"),
    )
    warehouses = op.create_table(
        "warehouses",
        sa.Column("code", sa.String(20), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("sku_prefixes", JsonDocument, nullable=False),
        sa.Column("priority", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("code", name="pk_warehouses"),
    )
    op.create_table(
        "inbound_files",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("partner_id", sa.String(100), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("original_name", sa.String(500), nullable=False),
        sa.Column("size", BigId, nullable=False),
        sa.Column("format", sa.String(50), nullable=True),
        sa.Column("channel", sa.String(50), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("archive_path", sa.String(1000), nullable=True),
        sa.Column("duplicate_of", BigId, nullable=True),
        sa.Column("received_at", UtcDateTime, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
        sa.Column("error", sa.Text, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_inbound_files"),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name="fk_inbound_files_partner_id_partners"
        ),
        sa.ForeignKeyConstraint(
            ["duplicate_of"],
            ["inbound_files.id"],
            name="fk_inbound_files_duplicate_of_inbound_files",
        ),
    )
    op.create_index("ix_inbound_files_partner_id_sha256", "inbound_files", ["partner_id", "sha256"])
    op.create_index("ix_inbound_files_state", "inbound_files", ["state"])

    op.create_table(
        "purchase_orders",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("partner_id", sa.String(100), nullable=False),
        sa.Column("po_number", sa.String(100), nullable=False),
        sa.Column("external_id", sa.String(100), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("current_version", sa.Integer, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_purchase_orders"),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name="fk_purchase_orders_partner_id_partners"
        ),
        sa.UniqueConstraint(
            "partner_id", "po_number", name="uq_purchase_orders_partner_id_po_number"
        ),
    )
    op.create_index("ix_purchase_orders_status", "purchase_orders", ["status"])

    op.create_table(
        "po_versions",
        sa.Column("po_id", BigId, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("purpose", sa.String(10), nullable=False),
        sa.Column("document", JsonDocument, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("inbound_file_id", BigId, nullable=True),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("po_id", "version", name="pk_po_versions"),
        sa.ForeignKeyConstraint(
            ["po_id"], ["purchase_orders.id"], name="fk_po_versions_po_id_purchase_orders"
        ),
        sa.ForeignKeyConstraint(
            ["inbound_file_id"],
            ["inbound_files.id"],
            name="fk_po_versions_inbound_file_id_inbound_files",
        ),
    )
    op.create_table(
        "po_lines",
        sa.Column("po_id", BigId, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("line_number", sa.Integer, nullable=False),
        sa.Column("sku", sa.String(100), nullable=True),
        sa.Column("buyer_sku", sa.String(100), nullable=True),
        sa.Column("vendor_sku", sa.String(100), nullable=True),
        sa.Column("gtin", sa.String(14), nullable=True),
        sa.Column("description", sa.Text, nullable=True),
        sa.Column("quantity", ExactDecimal, nullable=False),
        sa.Column("uom", sa.String(100), nullable=False),
        sa.Column("unit_cost", ExactDecimal, nullable=True),
        sa.Column("currency", sa.String(3), nullable=True),
        sa.Column("requested_delivery_date", sa.Date, nullable=True),
        sa.PrimaryKeyConstraint("po_id", "version", "position", name="pk_po_lines"),
        sa.ForeignKeyConstraint(
            ["po_id", "version"],
            ["po_versions.po_id", "po_versions.version"],
            name="fk_po_lines_po_id_version_po_versions",
        ),
    )
    op.create_table(
        "po_packaging",
        sa.Column("po_id", BigId, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("packaging", JsonDocument, nullable=False),
        sa.PrimaryKeyConstraint("po_id", "version", "seq", name="pk_po_packaging"),
        sa.ForeignKeyConstraint(
            ["po_id", "version"],
            ["po_versions.po_id", "po_versions.version"],
            name="fk_po_packaging_po_id_version_po_versions",
        ),
    )
    op.create_table(
        "po_status_history",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("po_id", BigId, nullable=False),
        sa.Column("version", sa.Integer, nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("at", UtcDateTime, nullable=False),
        sa.Column("reason", sa.Text, nullable=True),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_po_status_history"),
        sa.ForeignKeyConstraint(
            ["po_id"], ["purchase_orders.id"], name="fk_po_status_history_po_id_purchase_orders"
        ),
    )
    op.create_index("ix_po_status_history_po_id", "po_status_history", ["po_id"])

    op.create_table(
        "fulfillment_orders",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("po_id", BigId, nullable=False),
        sa.Column("partner_id", sa.String(100), nullable=False),
        sa.Column("po_version", sa.Integer, nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("external_id", sa.String(110), nullable=False),
        sa.Column("warehouse_code", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_fulfillment_orders"),
        sa.ForeignKeyConstraint(
            ["po_id"], ["purchase_orders.id"], name="fk_fulfillment_orders_po_id_purchase_orders"
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name="fk_fulfillment_orders_partner_id_partners"
        ),
        sa.ForeignKeyConstraint(
            ["warehouse_code"],
            ["warehouses.code"],
            name="fk_fulfillment_orders_warehouse_code_warehouses",
        ),
        sa.UniqueConstraint("po_id", "seq", name="uq_fulfillment_orders_po_id_seq"),
        sa.UniqueConstraint(
            "partner_id", "external_id", name="uq_fulfillment_orders_partner_id_external_id"
        ),
    )
    op.create_table(
        "fulfillment_order_lines",
        sa.Column("fo_id", BigId, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("line_number", sa.Integer, nullable=False),
        sa.Column("sku", sa.String(100), nullable=True),
        sa.Column("quantity", ExactDecimal, nullable=False),
        sa.Column("uom", sa.String(100), nullable=False),
        sa.PrimaryKeyConstraint("fo_id", "position", name="pk_fulfillment_order_lines"),
        sa.ForeignKeyConstraint(
            ["fo_id"],
            ["fulfillment_orders.id"],
            name="fk_fulfillment_order_lines_fo_id_fulfillment_orders",
        ),
    )
    op.create_table(
        "findings",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("inbound_file_id", BigId, nullable=True),
        sa.Column("po_id", BigId, nullable=True),
        sa.Column("version", sa.Integer, nullable=True),
        sa.Column("code", sa.String(100), nullable=False),
        sa.Column("severity", sa.String(10), nullable=False),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("location", JsonDocument, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_findings"),
        sa.ForeignKeyConstraint(
            ["inbound_file_id"],
            ["inbound_files.id"],
            name="fk_findings_inbound_file_id_inbound_files",
        ),
        sa.ForeignKeyConstraint(
            ["po_id"], ["purchase_orders.id"], name="fk_findings_po_id_purchase_orders"
        ),
    )
    op.create_index("ix_findings_po_id_version", "findings", ["po_id", "version"])
    op.create_index("ix_findings_inbound_file_id", "findings", ["inbound_file_id"])

    op.create_table(
        "audit_log",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("at", UtcDateTime, nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("action", sa.String(50), nullable=False),
        sa.Column("entity", sa.String(50), nullable=False),
        sa.Column("entity_id", sa.String(100), nullable=False),
        sa.Column("detail", JsonDocument, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_entity_entity_id", "audit_log", ["entity", "entity_id"])

    op.create_table(
        "control_numbers",
        sa.Column("partner_id", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("last_value", BigId, nullable=False),
        sa.PrimaryKeyConstraint("partner_id", "kind", name="pk_control_numbers"),
    )

    op.bulk_insert(
        warehouses,
        [{"code": "MAIN", "name": "Main warehouse", "sku_prefixes": [], "priority": 100}],
    )


def downgrade() -> None:
    for table in (
        "control_numbers",
        "audit_log",
        "findings",
        "fulfillment_order_lines",
        "fulfillment_orders",
        "po_status_history",
        "po_packaging",
        "po_lines",
        "po_versions",
        "purchase_orders",
        "inbound_files",
        "warehouses",
        "partners",
    ):
        op.drop_table(table)
