"""The ASGI app: ``create_app`` wires the store, the profiles, the routers and the guards."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from sqlalchemy import Engine

from orderport.api import (
    orderport_v1,
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

TITLE = "Orderport HTTP API"
VERSION = "1.0.0"


def create_app(
    engine: Engine,
    home: Path,
    profiles: Mapping[str, PartnerProfile],
    *,
    max_body: int = DEFAULT_MAX_BODY,
) -> FastAPI:
    app = FastAPI(
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

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    app.add_middleware(BodyLimit, max_bytes=max_body)
    app.openapi = lambda: openapi_document(app)  # type: ignore[method-assign]
    return app


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
    document["security"] = [{"apiKey": []}]
    app.openapi_schema = document
    return document
