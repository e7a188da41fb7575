"""The ASGI app: ``create_app`` wires the store, the profiles, the routers and the guards."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import Engine

from orderport.api import (
    orderport_v1,
    pages,
    problems,
    seed_styles,
    threepl,
    tracking_api,
    webhooks_api,
)
from orderport.api.context import ApiState
from orderport.api.limits import DEFAULT_MAX_BODY, BodyLimit
from orderport.api.openapi_bodies import COMPONENTS
from orderport.partners import PartnerProfile
from orderport.pipeline.webhooks import deliver_webhooks

log = logging.getLogger(__name__)

TITLE = "Orderport HTTP API"
VERSION = "1.0.0"


def create_app(
    engine: Engine,
    home: Path,
    profiles: Mapping[str, PartnerProfile],
    *,
    max_body: int = DEFAULT_MAX_BODY,
    webhooks_every: float | None = None,
) -> FastAPI:
    """The app; with ``webhooks_every`` it also sends due webhooks every so many seconds."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        task = (
            asyncio.create_task(_webhook_loop(engine, webhooks_every)) if webhooks_every else None
        )
        try:
            yield
        finally:
            if task is not None:
                task.cancel()

    app = FastAPI(
        lifespan=lifespan,
        title=TITLE,
        version=VERSION,
        description=(
            "The seeds' purchase order APIs (3PL, Inspectorio, Loupe) and Orderport's own, over "
            "the same processing path as file intake. Authenticate with "
            "`Authorization: Bearer op_...` (see `orderport keys create`)."
        ),
    )
    app.state.orderport = ApiState(engine=engine, home=home, profiles=profiles)
    problems.install(app)
    app.include_router(threepl.router)
    app.include_router(seed_styles.router)
    app.include_router(orderport_v1.router)
    app.include_router(tracking_api.router)
    app.include_router(webhooks_api.router)
    app.include_router(pages.router)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    app.add_middleware(BodyLimit, max_bytes=max_body)
    app.openapi = lambda: openapi_document(app)  # type: ignore[method-assign]
    return app


async def _webhook_loop(engine: Engine, every: float) -> None:
    while True:
        try:
            await run_in_threadpool(deliver_webhooks, engine)
        except Exception:  # the store away for a moment: try again next round
            log.exception("webhook delivery pass failed")
        await asyncio.sleep(every)


def openapi_document(app: FastAPI) -> dict[str, Any]:
    """FastAPI's document plus the input schemas and the bearer-key security scheme."""
    if app.openapi_schema is not None:
        return app.openapi_schema
    from fastapi.openapi.utils import get_openapi

    document = get_openapi(
        title=app.title, version=app.version, description=app.description, routes=app.routes
    )
    components = document.setdefault("components", {})
    components.setdefault("schemas", {}).update(dict(sorted(COMPONENTS.items())))
    components["securitySchemes"] = {"apiKey": {"type": "http", "scheme": "bearer"}}
    _problem_responses(document)
    document["security"] = [{"apiKey": []}]
    app.openapi_schema = document
    return document


PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "RFC 9457 problem details.",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object"}},
    },
    "required": ["type", "title", "status", "detail"],
}


def _problem_responses(document: dict[str, Any]) -> None:
    """Every 4xx may be a problem (application/problem+json); some APIs also answer their own
    JSON for some 4xx (the 3PL envelope with v4Errors, Inspectorio's errorCode)."""
    schemas = document["components"]["schemas"]
    schemas["Problem"] = PROBLEM_SCHEMA
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for path_item in document.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.setdefault("responses", {})
            for code, response in list(responses.items()):
                if code.startswith("4"):
                    response["content"] = {"application/json": {"schema": {}}, **problem}
            responses["4XX"] = {"description": "A problem (RFC 9457)", "content": problem}
            responses.setdefault("413", {"description": "Body too large", "content": problem})
