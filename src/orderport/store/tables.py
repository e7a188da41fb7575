"""The fulfillment store's schema (SQLAlchemy Core).

Migration ``0001_initial`` creates exactly these tables; a test compares the migrated database
with this metadata on SQLite and PostgreSQL, so the two cannot drift apart.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from orderport.store.types import BigId, ExactDecimal, JsonDocument, UtcDateTime

# Named constraints: Alembic's SQLite batch mode needs names to alter or drop them later.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)

ID_LEN = 100  # canonical Identifier max length
EXTERNAL_ID_LEN = 110  # an identifier plus a split suffix such as ".12"

partners = Table(
    "partners",
    metadata,
    Column("id", String(ID_LEN), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("settings", JsonDocument, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

warehouses = Table(
    "warehouses",
    metadata,
    Column("code", String(20), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("sku_prefixes", JsonDocument, nullable=False),
    Column("priority", Integer, nullable=False),
)

# The ledger: one row per received file. The same bytes twice give a second row with state
# "duplicate" (pointing at the first through duplicate_of), so (partner_id, sha256) is indexed,
# not unique.
inbound_files = Table(
    "inbound_files",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("partner_id", String(ID_LEN), ForeignKey("partners.id"), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("original_name", String(500), nullable=False),
    Column("size", BigId, nullable=False),
    Column("format", String(50), nullable=True),
    Column("channel", String(50), nullable=False),
    Column("state", String(20), nullable=False),
    Column("archive_path", String(1000), nullable=True),
    Column("duplicate_of", BigId, ForeignKey("inbound_files.id"), nullable=True),
    Column("received_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("error", Text, nullable=True),
    Column("channel_ref", String(1000), nullable=True),
    Column("detail", JsonDocument, nullable=True),
    Column("claimed_at", UtcDateTime, nullable=True),
    Column("finished_at", UtcDateTime, nullable=True),
    # intake: the EDI interchange (format:sender:control number) to spot a resent interchange,
    # when the ledger outcome was committed (finished_at is the channel-side move), and who holds
    # the claim and how often processing was tried.
    Column("interchange_key", String(200), nullable=True),
    Column("processed_at", UtcDateTime, nullable=True),
    Column("claim_token", String(64), nullable=True),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Index(None, "partner_id", "sha256"),
    Index(None, "state"),
    Index(None, "partner_id", "interchange_key"),
    Index(None, "channel_ref"),
)

# intake: every EDI interchange of an inbound file (an X12 file may hold several ISA..IEA), so a
# resend of any of them is spotted, not only of the first.
inbound_interchanges = Table(
    "inbound_interchanges",
    metadata,
    Column("file_id", BigId, ForeignKey("inbound_files.id"), primary_key=True),
    Column("interchange_key", String(200), primary_key=True),
    Column("partner_id", String(ID_LEN), ForeignKey("partners.id"), nullable=False),
    Index(None, "partner_id", "interchange_key"),
)

purchase_orders = Table(
    "purchase_orders",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("partner_id", String(ID_LEN), ForeignKey("partners.id"), nullable=False),
    Column("po_number", String(ID_LEN), nullable=False),
    Column("external_id", String(ID_LEN), nullable=True),
    Column("status", String(20), nullable=False),
    Column("current_version", Integer, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    UniqueConstraint("partner_id", "po_number"),
    Index(None, "status"),
)

po_versions = Table(
    "po_versions",
    metadata,
    Column("po_id", BigId, ForeignKey("purchase_orders.id"), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("purpose", String(10), nullable=False),
    Column("document", JsonDocument, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("inbound_file_id", BigId, ForeignKey("inbound_files.id"), nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
)

# Lines are keyed by their position in the document, not by line number: a PO held for a
# duplicate line number must still be storable.
LINE_NUMBER_LEN = 20
"""Line numbers are text as the partner sent them ("00010"); migration 0007."""

po_lines = Table(
    "po_lines",
    metadata,
    Column("po_id", BigId, primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("line_number", String(LINE_NUMBER_LEN), nullable=False),
    Column("sku", String(ID_LEN), nullable=True),
    Column("buyer_sku", String(ID_LEN), nullable=True),
    Column("vendor_sku", String(ID_LEN), nullable=True),
    Column("gtin", String(14), nullable=True),
    Column("description", Text, nullable=True),
    Column("quantity", ExactDecimal, nullable=False),
    Column("uom", String(ID_LEN), nullable=False),
    Column("unit_cost", ExactDecimal, nullable=True),
    Column("currency", String(3), nullable=True),
    Column("requested_delivery_date", Date, nullable=True),
    ForeignKeyConstraint(["po_id", "version"], ["po_versions.po_id", "po_versions.version"]),
)

po_packaging = Table(
    "po_packaging",
    metadata,
    Column("po_id", BigId, primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("packaging", JsonDocument, nullable=False),
    ForeignKeyConstraint(["po_id", "version"], ["po_versions.po_id", "po_versions.version"]),
)

po_status_history = Table(
    "po_status_history",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("po_id", BigId, ForeignKey("purchase_orders.id"), nullable=False),
    Column("version", Integer, nullable=True),
    Column("status", String(20), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("reason", Text, nullable=True),
    Column("actor", String(100), nullable=False),
    Index(None, "po_id"),
)

# External ids are unique per partner (PO numbers are, and the external id falls back to the
# PO number), so partner_id is carried here for the constraint.
fulfillment_orders = Table(
    "fulfillment_orders",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("po_id", BigId, ForeignKey("purchase_orders.id"), nullable=False),
    Column("partner_id", String(ID_LEN), ForeignKey("partners.id"), nullable=False),
    Column("po_version", Integer, nullable=False),
    Column("seq", Integer, nullable=False),
    Column("external_id", String(EXTERNAL_ID_LEN), nullable=False),
    Column("warehouse_code", String(20), ForeignKey("warehouses.code"), nullable=False),
    Column("status", String(20), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    UniqueConstraint("po_id", "seq"),
    UniqueConstraint("partner_id", "external_id"),
)

fulfillment_order_lines = Table(
    "fulfillment_order_lines",
    metadata,
    Column("fo_id", BigId, ForeignKey("fulfillment_orders.id"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("line_number", String(LINE_NUMBER_LEN), nullable=False),
    Column("sku", String(ID_LEN), nullable=True),
    Column("quantity", ExactDecimal, nullable=False),
    Column("uom", String(ID_LEN), nullable=False),
)

findings = Table(
    "findings",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("inbound_file_id", BigId, ForeignKey("inbound_files.id"), nullable=True),
    Column("po_id", BigId, ForeignKey("purchase_orders.id"), nullable=True),
    Column("version", Integer, nullable=True),
    Column("code", String(100), nullable=False),
    Column("severity", String(10), nullable=False),
    Column("path", Text, nullable=False),
    Column("message", Text, nullable=False),
    Column("location", JsonDocument, nullable=True),
    Index(None, "po_id", "version"),
    Index(None, "inbound_file_id"),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("at", UtcDateTime, nullable=False),
    Column("actor", String(100), nullable=False),
    Column("action", String(50), nullable=False),
    Column("entity", String(50), nullable=False),
    Column("entity_id", String(ID_LEN), nullable=False),
    Column("detail", JsonDocument, nullable=True),
    Index(None, "entity", "entity_id"),
)

control_numbers = Table(
    "control_numbers",
    metadata,
    Column("partner_id", String(ID_LEN), primary_key=True),
    Column("kind", String(20), primary_key=True),
    Column("last_value", BigId, nullable=False),
)

# Everything we send: acknowledgments, result files, status and booking files, alerts. Written in
# the same transaction as the outcome it reports; delivered later and marked sent, so a crash
# between the two re-delivers under the same deterministic file name instead of losing it.
outbox = Table(
    "outbox",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("partner_id", String(ID_LEN), ForeignKey("partners.id"), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("inbound_file_id", BigId, ForeignKey("inbound_files.id"), nullable=True),
    Column("filename", String(255), nullable=False),
    Column("media_type", String(100), nullable=False),
    Column("content", LargeBinary, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("state", String(20), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("sent_at", UtcDateTime, nullable=True),
    Column("last_error", Text, nullable=True),
    Index(None, "state", "partner_id"),
    Index(None, "inbound_file_id"),
)

# Our identity per partner and standard as the partner last addressed it (ISA07/08 + GS03,
# UNB 0010/0007), the default for every document we send when the profile names none.
addressed_identities = Table(
    "addressed_identities",
    metadata,
    Column("partner_id", String(ID_LEN), ForeignKey("partners.id"), primary_key=True),
    Column("standard", String(10), primary_key=True),
    Column("interchange_id", String(35), nullable=False),
    Column("qualifier", String(4), nullable=False),
    Column("application_id", String(35), nullable=True),
    Column("updated_at", UtcDateTime, nullable=False),
)

# Every EDI interchange we sent, by its control numbers, so the partner's 997/999/TA1/CONTRL
# can be matched to it; ack_status stays NULL until an acknowledgment arrives.
outbound_interchanges = Table(
    "outbound_interchanges",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("outbox_id", BigId, ForeignKey("outbox.id"), nullable=False),
    Column("partner_id", String(ID_LEN), ForeignKey("partners.id"), nullable=False),
    Column("standard", String(10), nullable=False),
    Column("document", String(20), nullable=False),
    Column("interchange_ref", String(20), nullable=False),
    Column("group_ref", String(20), nullable=True),
    Column("expects_ack", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("ack_status", String(30), nullable=True),
    Column("ack_detail", Text, nullable=True),
    Column("ack_file_id", BigId, ForeignKey("inbound_files.id"), nullable=True),
    Column("ack_at", UtcDateTime, nullable=True),
    UniqueConstraint("partner_id", "standard", "interchange_ref"),
    Index(None, "outbox_id"),
)

# --- intake
# IMAP "seen" keys (uid:<folder>:<uidvalidity>:<uid>, msgid:<Message-ID>) per partner, so a mail
# is not read twice even after the mailbox was rebuilt.
intake_seen = Table(
    "intake_seen",
    metadata,
    Column("partner_id", String(ID_LEN), primary_key=True),
    Column("key", String(1000), primary_key=True),
    Column("created_at", UtcDateTime, nullable=False),
)

# --- tracking
# Status events and bookings (seed 001) with their full history, the export queue that says
# what each partner must still receive, the export passes, and the alerts already raised.
# A status event derived from a lifecycle change points at its po_status_history row; the
# unique (history_id, code) makes that derivation happen exactly once.
status_events = Table(
    "status_events",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("partner_id", String(ID_LEN), ForeignKey("partners.id"), nullable=False),
    Column("po_id", BigId, ForeignKey("purchase_orders.id"), nullable=False),
    Column("fo_id", BigId, ForeignKey("fulfillment_orders.id"), nullable=True),
    Column("fulfillment_order", String(EXTERNAL_ID_LEN), nullable=True),
    Column("code", String(20), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("location", Text, nullable=True),
    Column("reason", Text, nullable=True),
    Column("carrier", Text, nullable=True),
    Column("tracking_number", String(ID_LEN), nullable=True),
    Column("lines", JsonDocument, nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("source", String(200), nullable=False),
    Column("history_id", BigId, ForeignKey("po_status_history.id"), nullable=True),
    Column("recorded_at", UtcDateTime, nullable=False),
    UniqueConstraint("history_id", "code"),
    Index(None, "partner_id", "po_id"),
    Index(None, "partner_id", "fingerprint"),
)

bookings = Table(
    "bookings",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("partner_id", String(ID_LEN), ForeignKey("partners.id"), nullable=False),
    Column("booking_reference", String(ID_LEN), nullable=False),
    Column("current_version", Integer, nullable=False),
    Column("space_status", String(30), nullable=False),
    Column("etd", UtcDateTime, nullable=False),
    Column("eta", UtcDateTime, nullable=False),
    Column("cargo_cutoff", UtcDateTime, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    UniqueConstraint("partner_id", "booking_reference"),
)

booking_versions = Table(
    "booking_versions",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("booking_id", BigId, ForeignKey("bookings.id"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("document", JsonDocument, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("source", String(200), nullable=False),
    Column("recorded_at", UtcDateTime, nullable=False),
    UniqueConstraint("booking_id", "version"),
)

# The POs a booking's current version carries, for "no booking yet" alerts and `status show`.
booking_orders = Table(
    "booking_orders",
    metadata,
    Column("booking_id", BigId, ForeignKey("bookings.id"), primary_key=True),
    Column("po_id", BigId, ForeignKey("purchase_orders.id"), primary_key=True),
    Index(None, "po_id"),
)

tracking_exports = Table(
    "tracking_exports",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("partner_id", String(ID_LEN), ForeignKey("partners.id"), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("status_events", Integer, nullable=False),
    Column("booking_versions", Integer, nullable=False),
    Column("outbox_ids", JsonDocument, nullable=False),
)

# What a partner must still receive: one row per status event or booking version, written in
# the transaction that records it; an export pass renders and enqueues the rows and sets
# export_id in its own single transaction, so each row reaches the outbox exactly once.
export_queue = Table(
    "export_queue",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("partner_id", String(ID_LEN), ForeignKey("partners.id"), nullable=False),
    Column("status_event_id", BigId, ForeignKey("status_events.id"), nullable=True),
    Column("booking_version_id", BigId, ForeignKey("booking_versions.id"), nullable=True),
    Column("queued_at", UtcDateTime, nullable=False),
    Column("export_id", BigId, ForeignKey("tracking_exports.id"), nullable=True),
    Index(None, "partner_id", "export_id"),
)

tracking_alerts = Table(
    "tracking_alerts",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("partner_id", String(ID_LEN), ForeignKey("partners.id"), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("subject", String(200), nullable=False),
    Column("message", Text, nullable=False),
    Column("raised_at", UtcDateTime, nullable=False),
    Column("outbox_ids", JsonDocument, nullable=False),
    Column("acked_at", UtcDateTime, nullable=True),
    Column("acked_by", String(100), nullable=True),
    UniqueConstraint("partner_id", "kind", "subject"),
)

# The HTTP front door (migration 0010). Keys are random 32-byte secrets, so one SHA-256 of the
# secret is a safe store (no password stretching needed); ``key_id`` is the public half.
api_keys = Table(
    "api_keys",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("key_id", String(32), nullable=False, unique=True),
    Column("secret_hash", String(64), nullable=False),
    Column("role", String(20), nullable=False),
    Column("partner_id", String(ID_LEN), ForeignKey("partners.id"), nullable=True),
    Column("label", String(200), nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("revoked_at", UtcDateTime, nullable=True),
)

# Every HTTP request that became an inbound file: its answer, so an ``Idempotency-Key`` replays it
# and a resent body that was refused before is refused again (not called a duplicate).
api_requests = Table(
    "api_requests",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("partner_id", String(ID_LEN), ForeignKey("partners.id"), nullable=False),
    Column("idem_key", String(200), nullable=True),
    Column("request_hash", String(64), nullable=False),
    Column("endpoint", String(60), nullable=False),
    Column("file_id", BigId, ForeignKey("inbound_files.id"), nullable=True),
    Column("status_code", Integer, nullable=True),
    Column("response", JsonDocument, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    UniqueConstraint("partner_id", "idem_key"),
    Index(None, "file_id"),
)

# Partner-facing events (webhooks, the SSE stream), written in the transaction of what they
# report; ``id`` is the stream's event id (resumable with Last-Event-ID).
partner_events = Table(
    "partner_events",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("partner_id", String(ID_LEN), ForeignKey("partners.id"), nullable=False),
    Column("type", String(40), nullable=False),
    Column("data", JsonDocument, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Index(None, "partner_id", "id"),
)

webhook_subscriptions = Table(
    "webhook_subscriptions",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("partner_id", String(ID_LEN), ForeignKey("partners.id"), nullable=False),
    Column("url", String(2000), nullable=False),
    Column("events", JsonDocument, nullable=False),
    Column("secret", String(200), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("deleted_at", UtcDateTime, nullable=True),
    Index(None, "partner_id"),
)

# One row per webhook outbox item: where it goes and when it may be tried next (backoff).
webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column("outbox_id", BigId, ForeignKey("outbox.id"), primary_key=True),
    Column("subscription_id", BigId, ForeignKey("webhook_subscriptions.id"), nullable=False),
    Column("event_id", BigId, ForeignKey("partner_events.id"), nullable=False),
    Column("next_attempt_at", UtcDateTime, nullable=False),
    Column("last_status", Integer, nullable=True),
    Index(None, "next_attempt_at"),
)
