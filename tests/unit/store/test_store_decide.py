"""``store.decide``: the lifecycle rules as a pure function (no database)."""

from __future__ import annotations

import pytest

from orderport.model import Finding, OnErrors, Purpose, Severity
from orderport.store.decide import (
    CHANGE_OF_UNKNOWN_PO,
    PO_CLOSED,
    PO_UNKNOWN,
    Action,
    DecideOptions,
    PoHead,
    Stored,
    decide,
)
from orderport.store.status import PoStatus

ERROR = Finding(code="rule.x", severity=Severity.ERROR, path="$", message="bad")
WARNING = Finding(code="rule.y", severity=Severity.WARNING, path="$", message="meh")


def head(**kwargs: object) -> PoHead:
    return PoHead(po_number="PO-1", **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("stored", "po", "findings", "auto", "action", "status"),
    [
        (None, head(), [], False, Action.CREATE, PoStatus.NEEDS_APPROVAL),
        (None, head(), [WARNING], False, Action.CREATE, PoStatus.NEEDS_APPROVAL),
        (None, head(), [], True, Action.CREATE, PoStatus.APPROVED),
        (None, head(is_approved=True), [ERROR], False, Action.CREATE, PoStatus.ON_HOLD),
        (None, head(), [ERROR], False, Action.CREATE, PoStatus.ON_HOLD),
        (None, head(on_errors=OnErrors.REJECT), [ERROR], False, Action.REJECT, None),
        (None, head(on_errors=OnErrors.REJECT), [WARNING], False, Action.CREATE, None),
        (None, head(readable=False), [], False, Action.CREATE, PoStatus.ON_HOLD),
        (
            None,
            head(readable=False, on_errors=OnErrors.REJECT),
            [ERROR],
            False,
            Action.REJECT,
            None,
        ),
        (Stored(PoStatus.APPROVED, "h1"), head(), [], False, Action.UPDATE, PoStatus.APPROVED),
        (Stored(PoStatus.ON_HOLD, "h1"), head(), [], False, Action.UPDATE, None),
        (Stored(PoStatus.APPROVED, "h1"), head(), [ERROR], False, Action.UPDATE, PoStatus.ON_HOLD),
        (Stored(PoStatus.ON_HOLD, "h2"), head(), [], False, Action.DUPLICATE, PoStatus.ON_HOLD),
        (Stored(PoStatus.SHIPPED, "h1"), head(), [], False, Action.REFUSE, PoStatus.SHIPPED),
        (None, head(purpose=Purpose.CANCEL), [], False, Action.REFUSE, None),
        (
            Stored(PoStatus.CANCELED, "h1"),
            head(purpose=Purpose.CANCEL),
            [],
            False,
            Action.DUPLICATE,
            PoStatus.CANCELED,
        ),
        (
            Stored(PoStatus.APPROVED, "h1"),
            head(purpose=Purpose.CANCEL),
            [ERROR],
            False,
            Action.CANCEL,
            PoStatus.CANCELED,
        ),
    ],
)
def test_decide(
    stored: Stored | None,
    po: PoHead,
    findings: list[Finding],
    auto: bool,
    action: Action,
    status: PoStatus | None,
) -> None:
    plan = decide(stored, po, findings, DecideOptions(partner_auto_approve=auto), digest="h2")
    assert plan.action is action
    if status is not None:
        assert plan.status is status
    elif action is Action.UPDATE:
        assert plan.status is PoStatus.NEEDS_APPROVAL


def test_refusals_and_a_change_of_an_unknown_po_carry_their_finding() -> None:
    shipped = decide(Stored(PoStatus.SHIPPED, "h1"), head(), [], digest="h2")
    assert [f.code for f in shipped.added] == [PO_CLOSED]
    unknown = decide(None, head(purpose=Purpose.CANCEL), [])
    assert [f.code for f in unknown.added] == [PO_UNKNOWN]
    change = decide(None, head(purpose=Purpose.CHANGE), [], digest="h2")
    assert (change.action, [f.code for f in change.added]) == (
        Action.CREATE,
        [CHANGE_OF_UNKNOWN_PO],
    )
