"""Orderport's own API: canonical PO JSON, file upload (any format), reads, the ledger."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from orderport.api.context import OperatorCaller, PartnerCaller, SenderCaller, state_of
from orderport.api.openapi_bodies import canonical_body
from orderport.api.problems import Problem
from orderport.api.requests_log import Answer
from orderport.api.submission import (
    Processed,
    duplicate_message,
    duplicate_status,
    finding_json,
    handle_json,
    idempotency_key,
    process_body,
    resent_refusal,
    response_for,
)
from orderport.channels import safe_display_name
from orderport.report import stored_po_json
from orderport.store import ledger, lifecycle, tracking
from orderport.store.ledger import FileState
from orderport.store.lifecycle import Outcome, StoredPo
from orderport.store.outbox import items_for_file

router = APIRouter(prefix="/api/v1", tags=["Orderport"])

_STORED = (Outcome.CREATED, Outcome.UPDATED, Outcome.HELD, Outcome.CANCELED)


def render(processed: Processed) -> Answer:
    """Our own answer: the file's state and each PO's outcome, status and findings."""
    outcome = processed.submitted.outcome
    body: dict[str, Any] = {
        "requestId": processed.file_id,
        "state": outcome.state.value,
        "format": outcome.format,
        "purchaseOrders": [
            {
                "po_number": v.result.po_number,
                "outcome": v.result.outcome.value if v.result.outcome else None,
                "status": v.result.status.value if v.result.status else None,
                "findings": [finding_json(f) for f in v.result.findings],
            }
            for v in processed.pos
        ],
    }
    if processed.duplicate:
        again = resent_refusal(processed)
        if again is not None:
            return again
        body["detail"] = duplicate_message(processed)
        return Answer(duplicate_status(processed), body)
    stored = any(v.result.outcome in _STORED for v in processed.pos)
    only_duplicates = bool(processed.pos) and all(
        v.result.outcome is Outcome.DUPLICATE for v in processed.pos
    )
    return Answer(200 if stored else (409 if only_duplicates else 422), body)


@router.post(
    "/purchase-orders",
    summary="Send canonical purchase order JSON",
    openapi_extra=canonical_body(),
    responses={
        200: {"description": "at least one PO stored"},
        409: {"description": "duplicate"},
        422: {"description": "rejected; see findings"},
    },
)
async def post_canonical(request: Request, who: PartnerCaller) -> JSONResponse:
    return await handle_json(
        request,
        who.partner,
        endpoint="v1.canonical",
        variant="canonical",
        name="purchase-order.json",
        render=render,
    )


RESULT_MEDIA_TYPES = (
    "text/csv",
    "application/json",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/edi-x12",
    "application/edifact",
)
"""What an upload can be answered with: the answers a channel partner gets (pipeline.answers)."""


@router.post(
    "/files",
    summary="Upload a file in any supported format; answered with the partner's result file",
    responses={
        200: {
            "description": "the result file a channel partner gets, in that partner's format",
            "content": {media: {} for media in RESULT_MEDIA_TYPES},
        }
    },
)
async def upload(
    request: Request,
    who: SenderCaller,
    file: Annotated[UploadFile, File(description="The PO file (CSV, XLSX, JSON, X12, EDIFACT)")],
) -> Response:
    body = await file.read()
    name = safe_display_name(file.filename or "upload")
    state = state_of(request)
    idem = idempotency_key(request)
    answer, replayed = await run_in_threadpool(
        process_body,
        state,
        who.partner,
        body,
        name,
        endpoint="v1.files",
        variant=None,
        idem_key=idem,
        render=render,
    )
    file_id = answer.body.get("requestId")
    if isinstance(file_id, int) and not replayed:
        with state.engine.connect() as conn:
            answers = [a for a in items_for_file(conn, file_id) if a.kind != "email"]
        if answers:
            first = answers[0]
            return Response(
                first.content,
                200,
                media_type=first.media_type,
                headers={
                    "X-Orderport-Request-Id": str(file_id),
                    "X-Orderport-State": str(answer.body.get("state", "")),
                    "Content-Disposition": f'attachment; filename="{first.filename}"',
                },
            )
    return response_for(answer, replayed=replayed)


def _stored(request: Request, partner_id: str, po_number: str) -> StoredPo:
    with state_of(request).engine.connect() as conn:
        stored = lifecycle.get_po(conn, partner_id, po_number)
    if stored is None:
        raise Problem(404, "Not found", f"no purchase order {po_number!r}")
    return stored


@router.get("/purchase-orders/{po_number}", summary="A stored PO: versions, history, findings")
async def get_po(request: Request, po_number: str, who: PartnerCaller) -> JSONResponse:
    stored = await run_in_threadpool(_stored, request, who.partner.id, po_number)
    body = stored_po_json(stored)
    body["versions"] = [
        {"version": v.version, "purpose": v.purpose.value, "created_at": v.created_at.isoformat()}
        for v in stored.versions
    ]
    return JSONResponse(body)


@router.get("/purchase-orders/{po_number}/status-history", summary="Status events of a PO")
async def status_history(request: Request, po_number: str, who: PartnerCaller) -> JSONResponse:
    partner_id = who.partner.id

    def run() -> list[dict[str, Any]]:
        _stored(request, partner_id, po_number)
        with state_of(request).engine.connect() as conn:
            events = tracking.status_history(conn, partner_id, po_number)
        return [
            {
                "id": e.id,
                "source": e.source,
                "recorded_at": e.recorded_at.isoformat(),
                **e.event.model_dump(mode="json", exclude_none=True),
            }
            for e in events
        ]

    return JSONResponse({"po_number": po_number, "events": await run_in_threadpool(run)})


@router.get("/purchase-orders/{po_number}/bookings", summary="Current bookings carrying a PO")
async def bookings(request: Request, po_number: str, who: PartnerCaller) -> JSONResponse:
    partner_id = who.partner.id

    def run() -> list[dict[str, Any]]:
        _stored(request, partner_id, po_number)
        with state_of(request).engine.connect() as conn:
            found = tracking.bookings_for_po(conn, partner_id, po_number)
        return [
            {
                "version": b.version,
                "source": b.source,
                "recorded_at": b.recorded_at.isoformat(),
                **b.booking.model_dump(mode="json", exclude_none=True),
            }
            for b in found
        ]

    return JSONResponse({"po_number": po_number, "bookings": await run_in_threadpool(run)})


@router.get("/purchase-orders/{po_number}/fulfillment-orders", summary="Fulfillment orders of a PO")
async def fulfillment_orders(request: Request, po_number: str, who: PartnerCaller) -> JSONResponse:
    stored = await run_in_threadpool(_stored, request, who.partner.id, po_number)
    return JSONResponse(
        {"po_number": po_number, "fulfillment_orders": stored_po_json(stored)["fulfillment_orders"]}
    )


@router.get("/ledger", summary="The intake ledger (operators)")
async def ledger_rows(
    request: Request,
    who: OperatorCaller,
    partner: Annotated[str | None, Query(max_length=100)] = None,
    state: Annotated[FileState | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> JSONResponse:
    def run() -> list[dict[str, Any]]:
        with state_of(request).engine.connect() as conn:
            rows = ledger.list_files(conn, partner_id=partner, state=state, limit=limit)
        return [
            {
                "id": r.id,
                "partner_id": r.partner_id,
                "original_name": r.original_name,
                "channel": r.channel,
                "state": r.state.value,
                "format": r.format,
                "received_at": r.received_at.isoformat(),
                "error": r.error,
            }
            for r in rows
        ]

    return JSONResponse({"files": await run_in_threadpool(run)})
