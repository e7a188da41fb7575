"""Seed 002, the 3PL Purchase Order API: create, update, cancel, approve, get.

Answers carry ``resource.total`` (1 when the PO was created or changed, 0 when not) and our
findings as ``v4Errors``/``v4Warnings`` (code, message, JSON pointer). A retried post answers an
error containing "duplicate" and applies nothing.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from orderport.api.context import PartnerCaller, state_of
from orderport.api.lookups import po_numbers_by_external_id
from orderport.api.openapi_bodies import json_body
from orderport.api.problems import Problem
from orderport.api.requests_log import Answer
from orderport.api.submission import (
    Processed,
    duplicate_message,
    duplicate_status,
    finding_json,
    handle_json,
    resent_refusal,
)
from orderport.model import Finding
from orderport.store import lifecycle
from orderport.store.lifecycle import ApplyResult, Outcome, StoredPo

router = APIRouter(prefix="/api/3pl", tags=["3PL purchase order API (seed 002)"])

APPLIED = (Outcome.CREATED, Outcome.UPDATED, Outcome.HELD, Outcome.CANCELED, Outcome.APPROVED)


def po_item(stored: StoredPo, outcome: Outcome | None = None) -> dict[str, Any]:
    item: dict[str, Any] = {
        "purchaseOrderNo": stored.po_number,
        "externalId": stored.external_id,
        "status": stored.status.value,
        "version": stored.current_version,
        "fulfillmentOrders": [
            {"externalId": o.external_id, "warehouse": o.warehouse_code, "status": o.status.value}
            for o in stored.fulfillment_orders
        ],
    }
    if outcome is not None:
        item["outcome"] = outcome.value
    return item


def envelope(
    items: list[dict[str, Any]],
    errors: list[dict[str, Any]],
    warnings: list[dict[str, Any]],
    request_id: int | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "resource": {"total": len(items), "items": items},
        "v4Errors": errors,
        "v4Warnings": warnings,
    }
    if request_id is not None:
        body["requestId"] = request_id
    return body


def _split(findings: list[Finding]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    errors = [finding_json(f) for f in findings if f.is_error]
    warnings = [finding_json(f) for f in findings if not f.is_error]
    return errors, warnings


def render(processed: Processed) -> Answer:
    if processed.duplicate:
        again = resent_refusal(processed)
        if again is not None:
            return again
        code = "refused_before" if processed.first_refused else "duplicate"
        error = {"code": code, "severity": "error", "message": duplicate_message(processed)}
        return Answer(duplicate_status(processed), envelope([], [error], [], processed.file_id))
    items: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    warnings: list[dict[str, Any]] = []
    duplicates = 0
    for view in processed.pos:
        po = view.result
        found_errors, found_warnings = _split(po.findings)
        errors += found_errors
        warnings += found_warnings
        if po.outcome is Outcome.DUPLICATE:
            duplicates += 1
            message = duplicate_message(processed, po.po_number)
            errors.append({"code": "duplicate", "severity": "error", "message": message})
        elif po.outcome in APPLIED and view.stored is not None:
            items.append(po_item(view.stored, po.outcome))
    status = 200 if items else (409 if duplicates else 422)
    return Answer(status, envelope(items, errors, warnings, processed.file_id))


_BODY = json_body("threepl_purchase_order.schema.json")


@router.post(
    "/purchase-orders",
    summary="Create a purchase order",
    openapi_extra=_BODY,
    responses={
        200: {"description": "created (resource.total = 1); v4Warnings may be present"},
        409: {"description": "duplicate: the same PO was already received"},
        422: {"description": "not created (resource.total = 0); see v4Errors"},
    },
)
async def create(request: Request, who: PartnerCaller) -> JSONResponse:
    return await handle_json(
        request,
        who.partner,
        endpoint="3pl.create",
        variant="threepl",
        name="3pl-purchase-order.json",
        render=render,
    )


def _body_po_number(body: bytes) -> object:
    try:
        doc = json.loads(body)
    except (ValueError, RecursionError):
        return None  # unreadable: the pipeline says what and where
    return doc.get("purchaseOrderNo") if isinstance(doc, dict) else None


@router.put(
    "/purchase-orders/{orderNo}",
    summary="Update (correct) a purchase order",
    openapi_extra=_BODY,
    responses={
        200: {"description": "updated (resource.total = 1)"},
        404: {"description": "no such PO"},
        409: {"description": "duplicate: nothing changed"},
        422: {"description": "not updated; see v4Errors"},
    },
)
async def update(request: Request, orderNo: str, who: PartnerCaller) -> JSONResponse:
    body = await request.body()
    named = _body_po_number(body)
    if named is not None and named != orderNo:
        raise Problem(
            422,
            "Mismatched order number",
            f"the body's purchaseOrderNo {named!r} is not the {orderNo!r} of the URL",
            errors=[{"detail": "must equal the URL's orderNo", "pointer": "/purchaseOrderNo"}],
        )
    state = state_of(request)
    with state.engine.connect() as conn:
        known = lifecycle.get_po(conn, who.partner.id, orderNo) is not None
    if not known:
        raise Problem(404, "Not found", f"no purchase order {orderNo!r}; create it with POST")
    return await handle_json(
        request,
        who.partner,
        endpoint="3pl.update",
        variant="threepl",
        name="3pl-purchase-order-update.json",
        render=render,
    )


def _action_answer(result: ApplyResult, stored: StoredPo | None, po_number: str) -> JSONResponse:
    errors, warnings = _split(result.findings)
    if result.outcome is Outcome.REFUSED:
        unknown = any(f.code == lifecycle.PO_UNKNOWN for f in result.findings)
        if unknown:
            raise Problem(404, "Not found", f"no purchase order {po_number!r}")
        return JSONResponse(envelope([], errors, warnings), 409)
    if result.outcome is Outcome.DUPLICATE:
        note = f"PO {po_number} already was {result.status.value if result.status else 'so'}"
        warnings.append({"code": "unchanged", "severity": "warning", "message": note})
    items = [po_item(stored, result.outcome)] if stored is not None else []
    return JSONResponse(envelope(items, errors, warnings), 200)


_ACTION_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "done (or already so: see v4Warnings)"},
    404: {"description": "no such PO"},
    409: {"description": "not possible in the PO's status; see v4Errors"},
}


@router.post(
    "/purchase-orders/{orderNo}/approve",
    summary="Approve a purchase order",
    responses=_ACTION_RESPONSES,
)
async def approve(request: Request, orderNo: str, who: PartnerCaller) -> JSONResponse:
    state = state_of(request)
    partner_id = who.partner.id

    def run() -> tuple[ApplyResult, StoredPo | None]:
        with state.engine.begin() as conn:
            result = lifecycle.approve(conn, partner_id, orderNo, actor=f"api:{who.key.key_id}")
            return result, lifecycle.get_po(conn, partner_id, orderNo)

    result, stored = await run_in_threadpool(run)
    return _action_answer(result, stored, orderNo)


@router.post(
    "/purchase-orders/{orderNo}/cancel",
    summary="Cancel a purchase order",
    responses=_ACTION_RESPONSES,
)
async def cancel(
    request: Request,
    orderNo: str,
    who: PartnerCaller,
    reason: Annotated[str, Query(max_length=500)] = "canceled by partner (API)",
) -> JSONResponse:
    state = state_of(request)
    partner_id = who.partner.id

    def run() -> tuple[ApplyResult, StoredPo | None]:
        with state.engine.begin() as conn:
            result = lifecycle.cancel(
                conn, partner_id, orderNo, reason, actor=f"api:{who.key.key_id}"
            )
            return result, lifecycle.get_po(conn, partner_id, orderNo)

    result, stored = await run_in_threadpool(run)
    return _action_answer(result, stored, orderNo)


@router.get("/purchase-orders", summary="Get purchase orders by externalId or orderNo")
async def get(
    request: Request,
    who: PartnerCaller,
    externalId: Annotated[str | None, Query(max_length=120)] = None,
    orderNo: Annotated[str | None, Query(max_length=100)] = None,
) -> JSONResponse:
    if (externalId is None) == (orderNo is None):
        raise Problem(
            400,
            "Missing query",
            "give exactly one of externalId or orderNo",
            errors=[{"detail": "exactly one is required", "parameter": "externalId|orderNo"}],
        )
    state = state_of(request)
    partner_id = who.partner.id

    def run() -> list[StoredPo]:
        with state.engine.connect() as conn:
            numbers = (
                [orderNo]
                if orderNo is not None
                else po_numbers_by_external_id(conn, partner_id, externalId or "")
            )
            found = [lifecycle.get_po(conn, partner_id, n) for n in numbers]
        return [s for s in found if s is not None]

    stored = await run_in_threadpool(run)
    return JSONResponse(envelope([po_item(s) for s in stored], [], []))
