"""The lifecycle rules, once: what the store does with one PO a partner sent.

``decide`` is pure (no connection, no clock): it looks at what is stored under the PO number,
the PO's head (number, purpose, options), its findings and the partner's options, and returns a
``Plan``. ``lifecycle.apply`` (one PO) and ``bulk.apply_many`` (a batch) both carry out plans made
here, so the two paths cannot disagree about a rule.

The rules (seed 002):

- purpose ``cancel``: unknown PO -> refused (``store.po_unknown``); already canceled ->
  duplicate; shipped -> refused (``store.po_closed``); otherwise canceled.
- same content hash as the stored version -> duplicate, nothing written.
- a change to a canceled or shipped PO -> refused (``store.po_closed``).
- errors and ``on_errors: reject`` (the partner's choice, or seed 002's
  ``doNotPersistOnWarnings``) -> rejected, nothing written.
- otherwise created (new) or updated (stored): ``on_hold`` with errors, else ``approved`` when the
  PO says ``is_approved``, the partner auto-approves or the stored PO was approved, else
  ``needs_approval``. A document the schema refused (``readable=False``) is always held: it is
  kept as read so that an update can correct it, and approval stays blocked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from orderport.model import Finding, OnErrors, Purpose, Severity, has_errors
from orderport.store.status import CLOSED_STATUSES, PoStatus

PO_CLOSED = "store.po_closed"
PO_UNKNOWN = "store.po_unknown"
CHANGE_OF_UNKNOWN_PO = "store.change_of_unknown_po"


class Action(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    CANCEL = "cancel"
    DUPLICATE = "duplicate"
    REJECT = "reject"
    REFUSE = "refuse"


@dataclass(frozen=True)
class Stored:
    """What the store holds under the PO number (its current version)."""

    status: PoStatus
    content_hash: str


@dataclass(frozen=True)
class PoHead:
    """The parts of a PO the rules look at; built from a model or from a document as read."""

    po_number: str
    purpose: Purpose = Purpose.ORIGINAL
    on_errors: OnErrors = OnErrors.HOLD
    is_approved: bool = False
    readable: bool = True
    """False: the document failed the schema and is stored as read, on hold."""


@dataclass(frozen=True)
class DecideOptions:
    partner_auto_approve: bool = False


@dataclass(frozen=True)
class Plan:
    action: Action
    status: PoStatus | None = None
    """The status to store (before approval on receipt places fulfillment orders)."""
    added: tuple[Finding, ...] = ()
    """Findings the store adds to the PO's own (a refusal, a change of an unknown PO)."""

    @property
    def approve_on_receipt(self) -> bool:
        return self.status is PoStatus.APPROVED


def decide(
    stored: Stored | None,
    po: PoHead,
    findings: Sequence[Finding],
    options: DecideOptions = DecideOptions(),
    digest: str | None = None,
) -> Plan:
    """The plan for one PO; ``digest`` is its content hash (not needed for a cancel)."""
    if po.purpose is Purpose.CANCEL and po.readable:
        return _cancel_plan(stored, po)
    if stored is not None:
        if digest is not None and stored.content_hash == digest:
            return Plan(Action.DUPLICATE, stored.status)
        if stored.status in CLOSED_STATUSES:
            return _refusal(
                PO_CLOSED,
                f"PO {po.po_number} is {stored.status.value}; it cannot be changed any more",
                stored.status,
            )
    errors = has_errors(list(findings)) or not po.readable
    if errors and po.on_errors is OnErrors.REJECT:
        return Plan(Action.REJECT, stored.status if stored else None)
    if errors:
        status = PoStatus.ON_HOLD
    elif (
        po.is_approved
        or options.partner_auto_approve
        or (stored is not None and stored.status is PoStatus.APPROVED)
    ):
        status = PoStatus.APPROVED
    else:
        status = PoStatus.NEEDS_APPROVAL
    if stored is not None:
        return Plan(Action.UPDATE, status)
    added: tuple[Finding, ...] = ()
    if po.purpose is Purpose.CHANGE:
        added = (
            Finding(
                code=CHANGE_OF_UNKNOWN_PO,
                severity=Severity.WARNING,
                path="$.purpose",
                message=f"change for PO {po.po_number}, which was never received; stored as new",
            ),
        )
    return Plan(Action.CREATE, status, added)


def _cancel_plan(stored: Stored | None, po: PoHead) -> Plan:
    if stored is None:
        return _refusal(PO_UNKNOWN, f"PO {po.po_number} is unknown, cannot cancel it", None)
    if stored.status is PoStatus.CANCELED:
        return Plan(Action.DUPLICATE, stored.status)
    if stored.status is PoStatus.SHIPPED:
        return _refusal(
            PO_CLOSED, f"PO {po.po_number} is shipped; it cannot be canceled", stored.status
        )
    return Plan(Action.CANCEL, PoStatus.CANCELED)


def _refusal(code: str, message: str, status: PoStatus | None) -> Plan:
    refusal = Finding(code=code, severity=Severity.ERROR, path="$.po_number", message=message)
    return Plan(Action.REFUSE, status, (refusal,))


def _was_approved(stored: Stored | None) -> bool:
    """A change to an approved PO stays approved (its fulfillment orders are re-planned)."""
    return stored is not None and stored.status is PoStatus.APPROVED
