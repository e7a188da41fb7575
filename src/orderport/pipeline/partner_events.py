"""Which partner events (webhooks, live stream) an intake result raises."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from orderport.pipeline.ingest import FileResult
from orderport.store.lifecycle import Outcome, PoStatus

_REJECTED = (Outcome.REJECTED, Outcome.REFUSED)


def po_events(file_id: int, result: FileResult) -> Iterator[tuple[str, dict[str, Any]]]:
    """``po.accepted`` / ``po.held`` / ``po.rejected`` per PO the file created, changed or
    refused (duplicates raise nothing: nothing happened); made one at a time, as they are
    stored."""
    for po in result.pos:
        if po.outcome in (None, Outcome.DUPLICATE):
            continue
        if po.outcome in _REJECTED:
            kind = "po.rejected"
        elif po.outcome is Outcome.HELD or po.status is PoStatus.ON_HOLD:
            kind = "po.held"
        elif po.outcome is Outcome.CANCELED:
            continue  # reported as status.changed (canceled) by the tracking history
        else:
            kind = "po.accepted"
        yield (
            kind,
            {
                "po_number": po.po_number,
                "outcome": po.outcome.value if po.outcome else None,
                "status": po.status.value if po.status else None,
                "inbound_file_id": file_id,
                "errors": sum(1 for f in po.findings if f.is_error),
                "warnings": sum(1 for f in po.findings if not f.is_error),
            },
        )
