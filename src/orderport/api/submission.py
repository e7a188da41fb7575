"""One PO request end to end: Idempotency-Key, the pipeline (via the adapter), the answer.

Each API's ``render`` only turns what the pipeline decided into that API's response style.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from orderport.api import requests_log
from orderport.api.context import ApiState, state_of
from orderport.api.intake_adapter import JsonVariant, Submitted, submit
from orderport.api.problems import MEDIA_TYPE, TYPE_BASE, Problem
from orderport.api.requests_log import Answer, Earlier
from orderport.model import Finding
from orderport.partners import PartnerProfile
from orderport.pipeline.ingest import PoResult, file_error_finding
from orderport.store import ledger
from orderport.store.ledger import FileState
from orderport.store.lifecycle import Outcome, StoredPo, get_po

IDEMPOTENCY_KEY_MAX = 200
_REFUSED = (FileState.REJECTED, FileState.FAILED)


@dataclass
class PoView:
    result: PoResult
    stored: StoredPo | None


@dataclass
class Processed:
    """What the pipeline did with one request body."""

    submitted: Submitted
    pos: list[PoView] = field(default_factory=list)
    earlier: Answer | None = None
    """For a resent body: the same endpoint's answer to the request that first brought it."""
    first_refused: bool = False
    """For a resent body: the first copy was refused (nothing of it is stored)."""

    @property
    def file_id(self) -> int:
        return self.submitted.file_id

    @property
    def duplicate(self) -> bool:
        return self.submitted.outcome.state is FileState.DUPLICATE


Render = Callable[[Processed], Answer]


def finding_json(finding: Finding) -> dict[str, Any]:
    """A finding in the sender's terms: code, message, JSON pointer (or place), our path."""
    location = finding.location
    out: dict[str, Any] = {
        "code": finding.code,
        "severity": finding.severity.value,
        "message": finding.message,
        "path": finding.path,
    }
    if location is not None:
        if location.pointer is not None:
            out["pointer"] = location.pointer
        out["location"] = str(location)
    return out


def unreadable(processed: Processed) -> Answer | None:
    """A body that cannot be read at all: a 400 problem naming what and where."""
    outcome = processed.submitted.outcome
    if outcome.state is FileState.FAILED:
        return Answer(
            500,
            _problem(
                500,
                "Processing failed",
                f"request #{processed.file_id} was parked for an "
                "operator; nothing of it was applied",
                processed.file_id,
            ),
        )
    result = outcome.result
    if result is None or result.error is None:
        return None
    finding = file_error_finding(result.error, result.filename)
    error = finding_json(finding)
    return Answer(
        400,
        _problem(400, "Unreadable body", finding.message, processed.file_id, errors=[error]),
    )


def _problem(status: int, title: str, detail: str, file_id: int, **extra: object) -> dict[str, Any]:
    return {
        "type": TYPE_BASE + title.lower().replace(" ", "-"),
        "title": title,
        "status": status,
        "detail": detail,
        "requestId": file_id,
        **extra,
    }


def resent_refusal(processed: Processed) -> Answer | None:
    """A resent body that was refused the first time is refused again, never called a
    "duplicate" (which tells a 3PL client its first post succeeded): the same endpoint's
    answer again, or None to let the API word it (``duplicate_message``, status 422)."""
    earlier = processed.earlier
    if earlier is not None and earlier.status_code >= 400 and earlier.status_code != 409:
        return earlier
    return None


def duplicate_status(processed: Processed) -> int:
    return 422 if processed.first_refused else 409


def duplicate_message(processed: Processed, po_number: str | None = None) -> str:
    what = f"PO {po_number}" if po_number else "this request"
    first = processed.submitted.outcome.duplicate_of
    where = f" (first received as request #{first})" if first else ""
    if processed.first_refused and po_number is None:
        return (
            f"this body was already received and refused{where}; nothing of it was applied: "
            "correct it and send it again"
        )
    return (
        f"duplicate: {what} was already received and applied{where}; nothing was applied again. "
        "GET it by externalId or orderNo to see it."
    )


def _gather(state: ApiState, partner_id: str, submitted: Submitted, endpoint: str) -> Processed:
    processed = Processed(submitted)
    with state.engine.connect() as conn:
        result = submitted.outcome.result
        for po in result.pos if result else []:
            kept = po.outcome not in (None, Outcome.REJECTED, Outcome.REFUSED)
            stored = get_po(conn, partner_id, po.po_number) if kept and po.po_number else None
            processed.pos.append(PoView(po, stored))
        first = submitted.outcome.duplicate_of
        if processed.duplicate and first is not None:
            processed.earlier = requests_log.answer_for_file(conn, first, endpoint)
            original = ledger.get(conn, first)
            processed.first_refused = original is not None and original.state in _REFUSED
    return processed


def _response(answer: Answer, *, replayed: bool = False) -> JSONResponse:
    body = answer.body
    is_problem = str(body.get("type", "")).startswith(TYPE_BASE) and "title" in body
    headers = {"Idempotent-Replayed": "true"} if replayed else {}
    if "requestId" in body:
        headers["X-Orderport-Request-Id"] = str(body["requestId"])
    return JSONResponse(
        body,
        answer.status_code,
        media_type=MEDIA_TYPE if is_problem else "application/json",
        headers=headers,
    )


def _idempotency_key(request: Request) -> str | None:
    key = request.headers.get("idempotency-key")
    if key is None:
        return None
    if not key or len(key) > IDEMPOTENCY_KEY_MAX or not key.isascii() or not key.isprintable():
        raise Problem(
            400,
            "Invalid Idempotency-Key",
            f"the Idempotency-Key header must be 1 to {IDEMPOTENCY_KEY_MAX} printable ASCII "
            "characters",
        )
    return key


def require_json(request: Request) -> None:
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media != "application/json" and not media.endswith("+json"):
        raise Problem(
            415,
            "Unsupported media type",
            f"send the body as application/json (Content-Type was {media or 'missing'!r})",
        )


def process_body(
    state: ApiState,
    profile: PartnerProfile,
    body: bytes,
    name: str,
    *,
    endpoint: str,
    variant: JsonVariant | None,
    idem_key: str | None,
    render: Render,
) -> tuple[Answer, bool]:
    """Reserve the key, run the pipeline, store and return the answer (and whether replayed)."""
    request_hash = hashlib.sha256(endpoint.encode() + b"\0" + body).hexdigest()
    with state.engine.begin() as conn:
        reserved = requests_log.reserve(conn, profile.id, idem_key, request_hash, endpoint)
    if isinstance(reserved, Earlier):
        if reserved.request_hash != request_hash:
            raise Problem(
                422,
                "Idempotency-Key reused",
                f"Idempotency-Key {idem_key!r} was used for a different request; use a new key",
            )
        if reserved.answer is None:
            raise Problem(
                409,
                "Request in progress",
                f"a request with Idempotency-Key {idem_key!r} is still being processed; retry",
                headers={"Retry-After": "1"},
            )
        return reserved.answer, True
    try:
        detail = {"endpoint": endpoint, **({"idempotency_key": idem_key} if idem_key else {})}
        submitted = submit(
            state.engine, state.home, profile, body, name, variant=variant, detail=detail
        )
        processed = _gather(state, profile.id, submitted, endpoint)
        answer = unreadable(processed) or render(processed)
    except BaseException:
        with state.engine.begin() as conn:
            requests_log.forget(conn, reserved.row_id)
        raise
    with state.engine.begin() as conn:
        requests_log.finish(conn, reserved.row_id, submitted.file_id, answer)
    return answer, False


async def handle_json(
    request: Request,
    profile: PartnerProfile,
    *,
    endpoint: str,
    variant: JsonVariant,
    name: str,
    render: Render,
) -> JSONResponse:
    """A JSON PO request: read the (size-limited) body and process it like a file."""
    require_json(request)
    idem_key = _idempotency_key(request)
    body = await request.body()
    answer, replayed = await run_in_threadpool(
        process_body,
        state_of(request),
        profile,
        body,
        name,
        endpoint=endpoint,
        variant=variant,
        idem_key=idem_key,
        render=render,
    )
    return _response(answer, replayed=replayed)


def response_for(answer: Answer, *, replayed: bool = False) -> JSONResponse:
    return _response(answer, replayed=replayed)


def idempotency_key(request: Request) -> str | None:
    return _idempotency_key(request)
