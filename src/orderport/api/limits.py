"""Guards before the app: a hard cap on request bodies, counted on the wire (Content-Length may
lie or be absent), and no NUL in the URL (PostgreSQL text cannot hold one)."""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from orderport.api.problems import MEDIA_TYPE, TYPE_BASE, Problem

DEFAULT_MAX_BODY = 10 * 1024 * 1024


class _TooLarge(Problem):
    """Raised while the app reads the body: the app's Problem handler answers 413."""

    def __init__(self, max_bytes: int) -> None:
        detail = f"the request body is larger than {max_bytes} bytes"
        super().__init__(413, "Body too large", detail, kind="body-too-large")


class BodyLimit:
    """Refuse bodies over ``max_bytes`` with a 413 problem before the app reads them whole."""

    def __init__(self, app: ASGIApp, max_bytes: int = DEFAULT_MAX_BODY) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if "\x00" in scope.get("path", "") or b"%00" in scope.get("query_string", b""):
            await self._refuse(scope, send, 400, "NUL in URL", "the URL holds a NUL character")
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await self._refuse_size(scope, send)
            return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise _TooLarge(self.max_bytes)
            return message

        async def tracked(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, tracked)
        except _TooLarge:
            if not started:
                await self._refuse_size(scope, send)

    async def _refuse_size(self, scope: Scope, send: Send) -> None:
        detail = f"the request body is larger than {self.max_bytes} bytes"
        await self._refuse(scope, send, 413, "Body too large", detail)

    async def _refuse(self, scope: Scope, send: Send, status: int, title: str, detail: str) -> None:
        body = json.dumps(
            {
                "type": TYPE_BASE + title.lower().replace(" ", "-"),
                "title": title,
                "status": status,
                "detail": detail,
                "instance": scope.get("path", "").replace("\x00", "\\0"),
            }
        ).encode()
        headers = [(b"content-type", MEDIA_TYPE.encode()), (b"content-length", b"%d" % len(body))]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
