"""Seed 003 (Inspectorio ``PurchaseOrderPOST``) and seed 004 (Loupe ``purchaseorders/submit``),
each answered in that API's style. The pipeline decides; these only word its decision."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from orderport.api.context import PartnerCaller
from orderport.api.openapi_bodies import json_body
from orderport.api.requests_log import Answer
from orderport.api.submission import (
    Processed,
    duplicate_message,
    finding_json,
    handle_json,
    resent_refusal,
)
from orderport.store.lifecycle import Outcome

router = APIRouter(tags=["Inspectorio (seed 003) and Loupe (seed 004)"])

_STORED = (Outcome.CREATED, Outcome.UPDATED, Outcome.HELD, Outcome.CANCELED)


def _resent_status(processed: Processed) -> int:
    """A body refused before is "not accepted" (400) again in these APIs' terms; else 409."""
    return 400 if processed.first_refused else 409


def render_inspectorio(processed: Processed) -> Answer:
    """``{"data": {...}}`` on success; ``{"errorCode", "message", "errors": {pointer: [..]}}``."""
    if processed.duplicate:
        message = duplicate_message(processed)
        code = "VALIDATION_ERROR" if processed.first_refused else "DUPLICATE"
        return resent_refusal(processed) or Answer(
            _resent_status(processed), {"errorCode": code, "message": message, "errors": {}}
        )
    view = processed.pos[0] if processed.pos else None
    po = view.result if view else None
    findings = [finding_json(f) for f in po.findings] if po else []
    if po is not None and po.outcome is Outcome.DUPLICATE:
        message = duplicate_message(processed, po.po_number)
        return Answer(409, {"errorCode": "DUPLICATE", "message": message, "errors": {}})
    if view is None or po is None or po.outcome not in _STORED or view.stored is None:
        errors: dict[str, list[str]] = {}
        for f in findings:
            if f["severity"] == "error":
                errors.setdefault(f.get("pointer", f["path"]), []).append(f["message"])
        return Answer(
            400,
            {
                "errorCode": "VALIDATION_ERROR",
                "message": "the purchase order was not accepted; see errors",
                "errors": errors,
                "requestId": processed.file_id,
            },
        )
    stored = view.stored
    data: dict[str, Any] = {
        "po_number": stored.po_number,
        "uid": stored.document.get("external_id"),
        "status": stored.status.value,
        "outcome": po.outcome.value if po.outcome else None,
        "version": stored.current_version,
        "findings": findings,
    }
    first_stored = po.outcome is Outcome.CREATED or (
        po.outcome is Outcome.HELD and stored.current_version == 1
    )
    status = 201 if first_stored else 200
    return Answer(status, {"data": data, "requestId": processed.file_id})


def render_loupe(processed: Processed) -> Answer:
    """``{"success": true, "purchaseOrder": {...}}`` or ``{"success": false, "errors": [...]}``."""
    if processed.duplicate:
        message = duplicate_message(processed)
        return resent_refusal(processed) or Answer(
            _resent_status(processed),
            {"success": False, "errors": [{"field": None, "message": message}]},
        )
    orders: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    warnings: list[dict[str, Any]] = []
    duplicates = 0
    for view in processed.pos:
        po = view.result
        for f in po.findings:
            entry = {
                "field": f.location.pointer if f.location else None,
                "message": f.message,
                "code": f.code,
            }
            (errors if f.is_error else warnings).append(entry)
        if po.outcome is Outcome.DUPLICATE:
            duplicates += 1
            errors.append({"field": None, "message": duplicate_message(processed, po.po_number)})
        elif po.outcome in _STORED and view.stored is not None:
            orders.append(
                {
                    "customerReference": view.stored.po_number,
                    "status": view.stored.status.value,
                    "outcome": po.outcome.value if po.outcome else None,
                }
            )
    body: dict[str, Any] = {
        "success": bool(orders),
        "purchaseOrders": orders,
        "errors": errors,
        "warnings": warnings,
        "requestId": processed.file_id,
    }
    return Answer(200 if orders else (409 if duplicates else 400), body)


@router.post(
    "/api/inspectorio/purchase-orders",
    summary="PurchaseOrderPOST (Inspectorio style)",
    openapi_extra=json_body("inspectorio_purchase_order.schema.json"),
    responses={
        201: {"description": "created"},
        200: {"description": "updated or canceled"},
        400: {"description": "not accepted"},
        409: {"description": "duplicate"},
    },
)
async def inspectorio_post(request: Request, who: PartnerCaller) -> JSONResponse:
    return await handle_json(
        request,
        who.partner,
        endpoint="inspectorio.post",
        variant="inspectorio",
        name="inspectorio-purchase-order.json",
        render=render_inspectorio,
    )


@router.post(
    "/api/external/purchaseorders/submit",
    summary="Submit a purchase order (Loupe style)",
    openapi_extra=json_body("loupe_purchase_order.schema.json"),
    responses={
        200: {"description": "submitted"},
        400: {"description": "not accepted"},
        409: {"description": "duplicate"},
    },
)
async def loupe_submit(request: Request, who: PartnerCaller) -> JSONResponse:
    return await handle_json(
        request,
        who.partner,
        endpoint="loupe.submit",
        variant="loupe",
        name="loupe-purchase-order.json",
        render=render_loupe,
    )
