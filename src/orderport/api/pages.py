"""Pages for people, rendered on the server (Jinja2; no front-end build).

An analyst uploads a spreadsheet and reads each row's findings in plain words, then downloads
the annotated workbook (the answer a channel partner gets); a PO page shows versions, history,
bookings and findings; the operator page shows the ledger and what needs action. The browser
signs in with an API key, kept in an HttpOnly, SameSite=Strict cookie.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from orderport.api.context import COOKIE, Caller, SenderCaller, caller, state_of
from orderport.api.keys import Role, authenticate
from orderport.api.orderport_v1 import render
from orderport.api.problems import Problem
from orderport.api.submission import idempotency_key, process_body
from orderport.channels import safe_display_name
from orderport.pipeline.webhooks import dead_letters
from orderport.reports.actions import KIND_LABELS, ActionContext, collect_actions
from orderport.store import ledger, lifecycle, tracking
from orderport.store.outbox import items_for_file
from orderport.store.tables import outbox

router = APIRouter(prefix="/ui", include_in_schema=False)
templates = Jinja2Templates(directory=str(Path(__file__).with_name("templates")))

_STATE_WORDS = {
    "stored": "received and stored",
    "held": "stored, but on hold until its errors are corrected",
    "rejected": "refused: nothing of it was stored",
    "duplicate": "already received before: nothing was applied again",
    "failed": "could not be processed; an operator will look at it",
}
_OUTCOME_WORDS = {
    "created": "created",
    "updated": "updated",
    "held": "stored on hold (correct the errors below and send it again)",
    "rejected": "refused (correct the errors below and send it again)",
    "refused": "refused",
    "duplicate": "unchanged (the same as already stored)",
    "canceled": "canceled",
}
_ANSWER_LABELS = {
    "result_xlsx": "the annotated workbook",
    "result_csv": "the result file (CSV)",
    "result_json": "the result file (JSON)",
}


def _page(
    request: Request, name: str, title: str, who: Caller | None, **context: object
) -> Response:
    return templates.TemplateResponse(request, name, {"title": title, "who": who, **context})


def optional_caller(request: Request) -> Caller | None:
    try:
        return caller(request)
    except Problem:
        return None


@router.get("", response_class=HTMLResponse)
def home(who: Annotated[Caller | None, Depends(optional_caller)]) -> Response:
    if who is None:
        return RedirectResponse("/ui/login", 303)
    return RedirectResponse("/ui/operator" if who.key.role is Role.OPERATOR else "/ui/analyst", 303)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request) -> Response:
    return _page(request, "login.html", "Sign in", None)


@router.post("/login", response_class=HTMLResponse)
def login(request: Request, key: Annotated[str, Form(max_length=200)]) -> Response:
    with state_of(request).engine.connect() as conn:
        found = authenticate(conn, key.strip())
    if found is None:
        return _page(
            request, "login.html", "Sign in", None, error="That key is unknown or revoked."
        )
    target = "/ui/operator" if found.role is Role.OPERATOR else "/ui/analyst"
    answer = RedirectResponse(target, 303)
    answer.set_cookie(
        COOKIE, key.strip(), httponly=True, samesite="strict", secure=request.url.scheme == "https"
    )
    return answer


@router.post("/logout")
def logout() -> Response:
    answer = RedirectResponse("/ui/login", 303)
    answer.delete_cookie(COOKIE)
    return answer


@router.get("/analyst", response_class=HTMLResponse)
def analyst(request: Request, who: SenderCaller) -> Response:
    return _page(request, "analyst.html", "Check a spreadsheet", who)


@dataclass
class _Po:
    number: str | None
    outcome_words: str
    findings: list[dict[str, str]]
    link: str | None


@dataclass
class _Result:
    name: str
    state_words: str
    refused: bool
    held: bool = False
    file_error: str | None = None
    pos: list[_Po] = field(default_factory=list)
    answers: list[dict[str, Any]] = field(default_factory=list)


def _plain(finding: dict[str, Any]) -> dict[str, str]:
    return {
        "where": str(finding.get("location") or finding.get("path", "")),
        "message": str(finding["message"]),
        "severity": str(finding["severity"]),
    }


@router.post("/analyst", response_class=HTMLResponse)
async def analyst_upload(
    request: Request, who: SenderCaller, file: Annotated[UploadFile, File()]
) -> Response:
    body = await file.read()
    name = safe_display_name(file.filename or "upload")
    state = state_of(request)
    answer, _ = await run_in_threadpool(
        process_body,
        state,
        who.partner,
        body,
        name,
        endpoint="ui.upload",
        variant=None,
        idem_key=idempotency_key(request),
        render=render,
    )
    data = answer.body
    file_id = data.get("requestId")
    state_value = str(data.get("state", "rejected" if answer.status_code >= 400 else "stored"))
    result = _Result(
        name=name,
        state_words=_STATE_WORDS.get(state_value, state_value),
        refused=state_value in ("rejected", "failed") or answer.status_code >= 400,
        held=state_value == "held",
    )
    if "errors" in data and "title" in data:  # a problem: the file could not be read at all
        result.file_error = str(data.get("detail"))
    for po in data.get("purchaseOrders", []):
        outcome = str(po.get("outcome") or "rejected")
        stored = outcome not in ("rejected", "refused")
        result.pos.append(
            _Po(
                number=po.get("po_number"),
                outcome_words=_OUTCOME_WORDS.get(outcome, outcome),
                findings=[_plain(f) for f in po.get("findings", [])],
                link=f"/ui/po/{po['po_number']}" if stored and po.get("po_number") else None,
            )
        )
    if isinstance(file_id, int):
        with state.engine.connect() as conn:
            items = [i for i in items_for_file(conn, file_id) if i.kind in _ANSWER_LABELS]
        result.answers = [
            {"id": i.id, "filename": i.filename, "label": _ANSWER_LABELS[i.kind]} for i in items
        ]
    status = 200 if answer.status_code < 500 else 500
    page = _page(request, "analyst.html", "Check a spreadsheet", who, result=result)
    page.status_code = status
    return page


@router.get("/answers/{outbox_id}")
def download_answer(request: Request, outbox_id: int, who: SenderCaller) -> Response:
    """An answer file of the caller's own partner (never another's: 404)."""
    with state_of(request).engine.connect() as conn:
        row = conn.execute(
            outbox.select().where(outbox.c.id == outbox_id, outbox.c.partner_id == who.partner.id)
        ).first()
    if row is None or row.kind not in _ANSWER_LABELS:
        raise Problem(404, "Not found", f"no answer file {outbox_id}")
    return Response(
        bytes(row.content),
        media_type=row.media_type,
        headers={"Content-Disposition": f'attachment; filename="{row.filename}"'},
    )


@router.get("/po/{po_number}", response_class=HTMLResponse)
def po_page(request: Request, po_number: str, who: SenderCaller) -> Response:
    partner_id = who.partner.id
    with state_of(request).engine.connect() as conn:
        stored = lifecycle.get_po(conn, partner_id, po_number)
        if stored is None:
            raise Problem(404, "Not found", f"no purchase order {po_number!r}")
        events = tracking.status_history(conn, partner_id, po_number)
        bookings = tracking.bookings_for_po(conn, partner_id, po_number)
    return _page(
        request, "po.html", f"PO {po_number}", who, po=stored, events=events, bookings=bookings
    )


@router.get("/operator", response_class=HTMLResponse)
def operator_page(request: Request, who: Annotated[Caller, Depends(caller)]) -> Response:
    if who.key.role is not Role.OPERATOR:
        raise Problem(403, "Forbidden", "the operator page needs an operator key")
    engine = state_of(request).engine
    now = datetime.now(UTC)
    with engine.connect() as conn:
        files = ledger.list_files(conn, limit=100)
        # The nightly report's action list, as of now: one list of what needs an operator.
        items = collect_actions(conn, ActionContext(now=now, until=now))
    actions: list[dict[str, str]] = [
        {
            "what": f"{KIND_LABELS.get(a.kind, a.kind)}: {a.subject}",
            "partner": a.partner_id,
            "detail": a.detail,
            "command": a.action,
        }
        for a in items
    ]
    for d in dead_letters(engine):
        actions.append(
            {
                "what": f"webhook {d.outbox_id} dead after {d.attempts} tries",
                "partner": d.partner_id,
                "detail": f"{d.url}: {d.error or ''}",
                "command": f"orderport webhooks replay {d.outbox_id}",
            }
        )
    return _page(request, "operator.html", "Operator", who, files=files, actions=actions)
