"""RFC 9457 problem details: every refused request says what is wrong and where.

Handlers turn validation errors, HTTP errors and ``Problem`` into ``application/problem+json``;
an unexpected exception becomes a 500 problem without the traceback (logged server-side).
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect

log = logging.getLogger(__name__)

MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "https://orderport.dev/problems/"


class Problem(Exception):
    """A refusal to answer as problem details."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str,
        *,
        kind: str | None = None,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
        **extra: object,
    ) -> None:
        super().__init__(detail)
        self.status, self.title, self.detail = status, title, detail
        self.kind = kind or title.lower().replace(" ", "-")
        self.errors = errors or []
        self.headers = headers or {}
        self.extra = extra


def problem_response(problem: Problem, instance: str | None = None) -> JSONResponse:
    body: dict[str, Any] = {
        "type": TYPE_BASE + problem.kind,
        "title": problem.title,
        "status": problem.status,
        "detail": problem.detail,
    }
    if instance:
        body["instance"] = instance
    if problem.errors:
        body["errors"] = problem.errors
    body.update(problem.extra)
    return JSONResponse(body, problem.status, headers=problem.headers, media_type=MEDIA_TYPE)


def _pointer(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc[1:]] if loc and loc[0] == "body" else [str(p) for p in loc]
    return "/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


def install(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> Response:
        if exc.status == 401 and request.url.path.startswith("/ui"):
            return RedirectResponse("/ui/login", 303)  # a person: to the sign-in page
        return problem_response(exc, request.url.path)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"detail": str(e.get("msg", "invalid")), "pointer": _pointer(tuple(e.get("loc", ())))}
            for e in exc.errors()
        ]
        where = ", ".join(f"{e['pointer']}: {e['detail']}" for e in errors[:5])
        problem = Problem(422, "Invalid request", where or "the request is invalid", errors=errors)
        return problem_response(problem, request.url.path)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        title = {404: "Not found", 405: "Method not allowed"}.get(exc.status_code, "HTTP error")
        problem = Problem(exc.status_code, title, str(exc.detail), headers=dict(exc.headers or {}))
        return problem_response(problem, request.url.path)

    @app.exception_handler(ClientDisconnect)
    async def _gone(request: Request, exc: ClientDisconnect) -> JSONResponse:
        problem = Problem(400, "Client disconnected", "the body ended before it was complete")
        return problem_response(problem, request.url.path)  # nobody reads it; no log noise

    @app.exception_handler(Exception)
    async def _bug(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        problem = Problem(500, "Internal error", "the server failed; the request is logged")
        return problem_response(problem, request.url.path)
