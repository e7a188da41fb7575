"""The canonical JSON of a PO and its content hash: how the store recognises a resubmission."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from orderport.model import PurchaseOrder


def canonical_document(po: PurchaseOrder) -> dict[str, Any]:
    """The PO as JSON-ready data (decimals and dates as strings), as stored in po_versions."""
    return po.model_dump(mode="json")


def document_hash(document: dict[str, Any]) -> str:
    """SHA-256 of the document serialised with sorted keys and no insignificant whitespace."""
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def content_hash(po: PurchaseOrder) -> str:
    return document_hash(canonical_document(po))
