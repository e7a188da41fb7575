"""The stored statuses of a PO (shared by ``store.decide`` and ``store.lifecycle``)."""

from __future__ import annotations

from enum import StrEnum


class PoStatus(StrEnum):
    NEEDS_APPROVAL = "needs_approval"
    APPROVED = "approved"
    ON_HOLD = "on_hold"
    CANCELED = "canceled"
    SHIPPED = "shipped"


CLOSED_STATUSES = frozenset({PoStatus.CANCELED, PoStatus.SHIPPED})
