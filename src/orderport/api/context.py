"""What every request needs: the store, the data folder, the profiles, and who is calling."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine

from orderport.api.keys import ApiKey, Role, authenticate
from orderport.api.problems import Problem
from orderport.partners import PartnerProfile


@dataclass
class ApiState:
    engine: Engine
    home: Path
    profiles: Mapping[str, PartnerProfile]


@dataclass(frozen=True)
class Caller:
    key: ApiKey
    profile: PartnerProfile | None

    @property
    def partner(self) -> PartnerProfile:
        if self.profile is None:
            raise Problem(403, "Forbidden", "this key belongs to no partner")
        return self.profile


def state_of(request: Request) -> ApiState:
    state: ApiState = request.app.state.orderport
    return state


_UNAUTHORIZED = {"WWW-Authenticate": 'Bearer realm="orderport"'}
COOKIE = "orderport_key"
"""The pages' sign-in cookie (HttpOnly, SameSite=Strict): honoured on /ui pages only."""


def _presented(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if header:
        scheme, _, token = header.partition(" ")
        return token.strip() if scheme.lower() == "bearer" else None
    key = request.headers.get("x-api-key")
    if key is None and request.url.path.startswith("/ui"):
        key = request.cookies.get(COOKIE)
    return key


def caller(request: Request) -> Caller:
    """The authenticated caller; 401 without a live key, 403 when its partner has no profile."""
    presented = _presented(request)
    if not presented:
        raise Problem(
            401,
            "Unauthorized",
            "send your API key as 'Authorization: Bearer op_...' or 'X-API-Key'",
            headers=_UNAUTHORIZED,
        )
    state = state_of(request)
    with state.engine.connect() as conn:
        key = authenticate(conn, presented)
    if key is None:
        raise Problem(
            401, "Unauthorized", "the API key is unknown or revoked", headers=_UNAUTHORIZED
        )
    profile = None
    if key.partner_id is not None:
        profile = state.profiles.get(key.partner_id)
        if profile is None:
            raise Problem(403, "Forbidden", f"partner {key.partner_id!r} has no profile here")
    return Caller(key, profile)


def _needs(*roles: Role) -> object:
    def check(who: Annotated[Caller, Depends(caller)]) -> Caller:
        if who.key.role not in roles:
            allowed = " or ".join(r.value for r in roles)
            raise Problem(
                403, "Forbidden", f"a {who.key.role.value} key cannot do this ({allowed} only)"
            )
        return who

    return check


PartnerCaller = Annotated[Caller, Depends(_needs(Role.PARTNER))]
SenderCaller = Annotated[Caller, Depends(_needs(Role.PARTNER, Role.ANALYST))]
OperatorCaller = Annotated[Caller, Depends(_needs(Role.OPERATOR))]
