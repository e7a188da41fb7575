"""Webhook subscriptions (URL, events, secret) and the partner's live event stream (SSE)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Annotated, Literal

from fastapi import APIRouter, Header, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from fastapi.sse import EventSourceResponse, ServerSentEvent
from pydantic import BaseModel, ConfigDict, Field, HttpUrl

from orderport.api.context import PartnerCaller, state_of
from orderport.api.problems import Problem
from orderport.store import events as store_events

router = APIRouter(prefix="/api/v1", tags=["Webhooks and live stream"])

EventType = Literal[
    "po.accepted",
    "po.held",
    "po.rejected",
    "order.completed",
    "status.changed",
    "booking.confirmed",
    "booking.changed",
    "alert.raised",
]
STREAM_DEFAULT = ("status.changed", "order.completed", "booking.confirmed", "booking.changed")
POLL_SECONDS = 0.25


class SubscriptionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: HttpUrl = Field(description="Where to POST the events (http or https).")
    events: list[EventType] = Field(min_length=1, max_length=8)
    secret: str | None = Field(
        default=None,
        pattern=r"^whsec_[A-Za-z0-9+/]{32,128}={0,2}$",
        description="A Standard Webhooks secret (whsec_ + base64); generated when absent.",
    )


class SubscriptionOut(BaseModel):
    id: int
    url: str
    events: list[str]
    secret: str | None = None


@router.post("/webhooks", status_code=201, summary="Subscribe to events")
async def subscribe(body: SubscriptionIn, request: Request, who: PartnerCaller) -> SubscriptionOut:
    state = state_of(request)
    secret = body.secret or store_events.new_secret()

    def run() -> store_events.Subscription:
        with state.engine.begin() as conn:
            return store_events.subscribe(
                conn, who.partner.id, str(body.url), list(dict.fromkeys(body.events)), secret
            )

    created = await run_in_threadpool(run)
    return SubscriptionOut(
        id=created.id, url=created.url, events=list(created.events), secret=created.secret
    )


@router.get("/webhooks", summary="The partner's subscriptions (secrets not shown)")
async def list_subscriptions(request: Request, who: PartnerCaller) -> list[SubscriptionOut]:
    state = state_of(request)

    def run() -> list[store_events.Subscription]:
        with state.engine.connect() as conn:
            return store_events.subscriptions(conn, who.partner.id)

    return [
        SubscriptionOut(id=s.id, url=s.url, events=list(s.events))
        for s in await run_in_threadpool(run)
    ]


@router.delete("/webhooks/{subscription_id}", status_code=204, summary="Unsubscribe")
async def unsubscribe(
    subscription_id: Annotated[int, Field(ge=1, le=2**62)], request: Request, who: PartnerCaller
) -> Response:
    state = state_of(request)

    def run() -> bool:
        with state.engine.begin() as conn:
            return store_events.unsubscribe(conn, who.partner.id, subscription_id)

    if not await run_in_threadpool(run):
        raise Problem(404, "Not found", f"no subscription {subscription_id}")
    return Response(status_code=204)


@router.get(
    "/stream",
    response_class=EventSourceResponse,
    summary="Server-Sent Events: the partner's status and booking changes, resumable",
)
async def stream(
    request: Request,
    who: PartnerCaller,
    last_event_id: Annotated[
        str | None, Header(alias="Last-Event-ID", max_length=20, pattern=r"^[0-9]*$")
    ] = None,
    after: Annotated[int | None, Query(ge=0, le=2**62, description="Resume after this id.")] = None,
    types: Annotated[list[EventType] | None, Query()] = None,
) -> AsyncIterator[ServerSentEvent]:
    state = state_of(request)
    partner_id = who.partner.id
    cursor = int(last_event_id) if last_event_id else (after or 0)
    wanted = tuple(types) if types else STREAM_DEFAULT

    def fetch(since: int) -> list[store_events.PartnerEvent]:
        with state.engine.connect() as conn:
            return store_events.events_after(conn, partner_id, since, wanted)

    yield ServerSentEvent(comment="orderport stream", retry=2000)
    idle = 0.0
    while not await request.is_disconnected():
        batch = await run_in_threadpool(fetch, cursor)
        for event in batch:
            cursor = event.id
            yield ServerSentEvent(id=str(event.id), event=event.type, data=event.data)
        if batch:
            idle = 0.0
            continue
        await asyncio.sleep(POLL_SECONDS)
        idle += POLL_SECONDS
        if idle >= 15:
            idle = 0.0
            yield ServerSentEvent(comment="keep-alive")
