"""The values that command-line options accept, without importing the pipeline's enums.

Importing ``store.ledger`` or ``model.tracking`` pulls in SQLAlchemy and pydantic; ``--help``
must not. ``tests/unit/cli`` checks that these equal the pipeline's enums.
"""

from __future__ import annotations

from enum import StrEnum


class FileStateChoice(StrEnum):
    """``store.ledger.FileState``."""

    RECEIVED = "received"
    CLAIMED = "claimed"
    PARSED = "parsed"
    STORED = "stored"
    HELD = "held"
    REJECTED = "rejected"
    DUPLICATE = "duplicate"
    FAILED = "failed"


class PoStatusChoice(StrEnum):
    """``store.lifecycle.PoStatus``."""

    NEEDS_APPROVAL = "needs_approval"
    APPROVED = "approved"
    ON_HOLD = "on_hold"
    CANCELED = "canceled"
    SHIPPED = "shipped"


class RoleChoice(StrEnum):
    """``api.keys.Role``."""

    PARTNER = "partner"
    ANALYST = "analyst"
    OPERATOR = "operator"


class StatusCodeChoice(StrEnum):
    """``model.tracking.StatusCode``."""

    RECEIVED = "received"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    ON_HOLD = "on_hold"
    PROCESSING = "processing"
    PICKED = "picked"
    PACKED = "packed"
    SHIPPED = "shipped"
    IN_TRANSIT = "in_transit"
    DELIVERED = "delivered"
    CANCELED = "canceled"
    EXCEPTION = "exception"
