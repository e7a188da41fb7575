"""Tracking test helpers: stored POs, profiles, bookings (shared with integration tests)."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from typing import Any

from orderport.model import PurchaseOrder
from orderport.model.schema_export import FULL_EXAMPLE
from orderport.model.tracking import Booking
from orderport.partners import PartnerProfile

NOW = datetime(2026, 3, 21, 6, 0, tzinfo=UTC)


def make_po(po_number: str, **changes: Any) -> PurchaseOrder:
    data = copy.deepcopy(FULL_EXAMPLE)
    data["po_number"] = po_number
    data["external_id"] = f"X-{po_number}"
    data.update(changes)
    return PurchaseOrder.model_validate_json(json.dumps(data))


def make_profile(partner_id: str, **outbound: Any) -> PartnerProfile:
    data: dict[str, Any] = {
        "id": partner_id,
        "name": partner_id.title(),
        "tier": "quick_deploy",
        "channel": {"kind": "folder", "path": f"drop/{partner_id}"},
        "formats": {"accepted": ["json"]},
        "outbound": outbound,
    }
    mapping = outbound.pop("custom_status_codes", None)
    if mapping:
        data["tier"] = "assisted"
        data["mapping"] = {"custom_status_codes": mapping}
    return PartnerProfile.model_validate(data)


def make_booking(reference: str, pos: list[str], **changes: Any) -> Booking:
    data: dict[str, Any] = {
        "booking_reference": reference,
        "carrier": "MAEU",
        "mode": "ocean",
        "vessel": "Maersk Essen",
        "voyage": "214W",
        "origin": "CNSHA",
        "destination": "USLAX",
        "etd": "2026-03-22T18:00:00Z",
        "eta": "2026-04-08T06:00:00Z",
        "cargo_cutoff": "2026-03-20T12:00:00Z",
        "equipment": [{"type": "45G1", "count": 2}],
        "space_status": "confirmed",
        "purchase_orders": pos,
    }
    data.update(changes)
    return Booking.model_validate_json(json.dumps(data))
