"""Seed 001 over HTTP: batches of status events and booking confirmations (carriers,
warehouses), recorded by the same function as status and booking files, with the partner's
custom status codes."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from orderport.api.context import ApiState, PartnerCaller, state_of
from orderport.api.problems import TYPE_BASE
from orderport.api.submission import finding_json, require_json
from orderport.formats.base import FormatError
from orderport.partners import PartnerProfile
from orderport.pipeline.ingest import file_error_finding
from orderport.pipeline.tracking_intake import (
    TrackingFileKind,
    TrackingFileResult,
    detect_kind,
    ingest_tracking_file,
)
from orderport.store.archive import archive_bytes

router = APIRouter(prefix="/api/v1", tags=["Order status and bookings (seed 001)"])

_EXAMPLES = {
    TrackingFileKind.STATUS: {
        "document_type": "order_status",
        "events": [
            {
                "po_number": "PO-1001",
                "fulfillment_order": "EXT-1001",
                "code": "picked",
                "at": "2026-12-19T08:00:00Z",
                "location": "Newark DC",
            }
        ],
    },
    TrackingFileKind.BOOKING: {
        "document_type": "booking_confirmation",
        "bookings": [
            {
                "booking_reference": "MAEU-240117-01",
                "carrier": "MAEU",
                "mode": "ocean",
                "vessel": "Maersk Essen",
                "voyage": "214W",
                "origin": "CNSHA",
                "destination": "USNYC",
                "etd": "2026-12-18T18:00:00Z",
                "eta": "2027-01-09T06:00:00Z",
                "space_status": "confirmed",
                "purchase_orders": ["PO-1001"],
            }
        ],
    },
}


def _body(kind: TrackingFileKind) -> dict[str, Any]:
    schema = {"type": "object", "example": _EXAMPLES[kind]}
    content = {"application/json": {"schema": schema}}
    return {"requestBody": {"required": True, "content": content}}


def _record(
    state: ApiState, profile: PartnerProfile, body: bytes, kind: TrackingFileKind, name: str
) -> tuple[int, dict[str, Any]]:
    sha256, _ = archive_bytes(state.home, body)  # every request archived, like a file
    try:
        found = detect_kind(body, name)
    except FormatError as exc:
        return _unreadable(exc, name, sha256)
    if found is not kind:
        other = "status-events" if found is TrackingFileKind.STATUS else "booking-confirmations"
        return 422, _problem(
            422,
            "Wrong endpoint",
            f"this body is a {found.value} update; POST it to {other}",
            sha256,
        )
    with tempfile.TemporaryDirectory(prefix="orderport-api-") as folder:
        path = Path(folder) / name
        path.write_bytes(body)
        result = ingest_tracking_file(
            state.engine, path, profile.id, profile=profile, source=f"api:{sha256[:12]}"
        )
    if result.error is not None:
        return _unreadable(result.error, name, sha256)
    return _answer(result, sha256)


def _problem(status: int, title: str, detail: str, sha256: str, **extra: object) -> dict[str, Any]:
    kind = title.lower().replace(" ", "-")
    return {
        "type": TYPE_BASE + kind,
        "title": title,
        "status": status,
        "detail": detail,
        "archived": sha256,
        **extra,
    }


def _unreadable(exc: FormatError, name: str, sha256: str) -> tuple[int, dict[str, Any]]:
    finding = file_error_finding(exc, name)
    return 400, _problem(
        400, "Unreadable body", finding.message, sha256, errors=[finding_json(finding)]
    )


def _answer(result: TrackingFileResult, sha256: str) -> tuple[int, dict[str, Any]]:
    errors = [f for f in result.findings if f.is_error]
    body = {
        "recorded": len(result.recorded),
        "ids": result.recorded,
        "findings": [finding_json(f) for f in result.findings],
        "archived": sha256,
    }
    return (422 if errors and not result.recorded else 200), body


async def _handle(
    request: Request, profile: PartnerProfile, kind: TrackingFileKind
) -> JSONResponse:
    require_json(request)
    body = await request.body()
    name = f"api-{kind.value}.json"
    status, answer = await run_in_threadpool(_record, state_of(request), profile, body, kind, name)
    media = "application/problem+json" if "title" in answer else "application/json"
    return JSONResponse(answer, status, media_type=media)


@router.post(
    "/status-events",
    summary="A batch of status events (order_status document)",
    openapi_extra=_body(TrackingFileKind.STATUS),
    responses={
        200: {"description": "recorded (entries with findings skipped and listed)"},
        422: {"description": "nothing recorded"},
    },
)
async def post_status_events(request: Request, who: PartnerCaller) -> JSONResponse:
    return await _handle(request, who.partner, TrackingFileKind.STATUS)


@router.post(
    "/booking-confirmations",
    summary="A batch of booking confirmations (booking_confirmation document)",
    openapi_extra=_body(TrackingFileKind.BOOKING),
    responses={
        200: {"description": "recorded (entries with findings skipped and listed)"},
        422: {"description": "nothing recorded"},
    },
)
async def post_bookings(request: Request, who: PartnerCaller) -> JSONResponse:
    return await _handle(request, who.partner, TrackingFileKind.BOOKING)
