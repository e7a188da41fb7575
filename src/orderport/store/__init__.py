"""The fulfillment store: SQLAlchemy Core tables, Alembic migrations, the PO lifecycle."""

from orderport.store.canonical import canonical_document, content_hash, document_hash
from orderport.store.control_numbers import next_control_number
from orderport.store.db import database_url, make_engine, migrate
from orderport.store.lifecycle import (
    ApplyResult,
    FoStatus,
    FulfillmentOrder,
    Outcome,
    PoStatus,
    StatusChange,
    StoredPo,
    UnknownPartnerError,
    VersionInfo,
    apply,
    approve,
    cancel,
    get_po,
    upsert_partner,
)

__all__ = [
    "ApplyResult",
    "FoStatus",
    "FulfillmentOrder",
    "Outcome",
    "PoStatus",
    "StatusChange",
    "StoredPo",
    "UnknownPartnerError",
    "VersionInfo",
    "apply",
    "approve",
    "cancel",
    "canonical_document",
    "content_hash",
    "database_url",
    "document_hash",
    "get_po",
    "make_engine",
    "migrate",
    "next_control_number",
    "upsert_partner",
]
