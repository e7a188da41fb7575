"""Tracking unit-test fixtures; helpers live in tracking_helpers.py (shared with integration)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

sys.path.insert(0, str(Path(__file__).parent))

from tracking_helpers import make_po

from orderport.store import lifecycle


@pytest.fixture
def store_po(engine: Engine) -> Callable[..., int]:
    """Register the partner (once) and apply a PO; returns the PO id."""

    def _store(partner_id: str, po_number: str, **changes: Any) -> int:
        with engine.begin() as conn:
            lifecycle.upsert_partner(conn, partner_id, partner_id.title())
            result = lifecycle.apply(conn, partner_id, make_po(po_number, **changes), [])
        assert result.po_id is not None
        return result.po_id

    return _store
