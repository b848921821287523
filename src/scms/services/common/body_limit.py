"""Request bodies over the configured size are refused before the handler runs (1609.2.1 clause 6: 400-42).

The middleware reads the whole body before it calls the app: a declared `Content-Length` over the limit is
refused at once, without reading a byte; a body without one (chunked) is counted as it arrives and refused the
moment it passes the limit. Only a body that fits is handed on, so no handler and no decoder ever sees more.
1609.2.1 has no code of its own for an oversized body; it is input that cannot be parsed, 400-42.
"""

from __future__ import annotations

import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.services.common.errors import render_error
from scms.services.common.settings import ErrorMode

__all__ = ["BodyLimitMiddleware"]

_LOG = logging.getLogger(__name__)


class BodyLimitMiddleware:
    """Pure ASGI middleware: buffer the request body up to `max_bytes`, refuse it past that."""

    def __init__(self, app: ASGIApp, *, max_bytes: int, error_mode: ErrorMode) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.error_mode = error_mode

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _declared_length(scope)
        if declared is None or declared > self.max_bytes:
            await self._refuse(scope, receive, send, "declared body length invalid or over the limit")
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._refuse(scope, receive, send, "streamed body over the limit")
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        await self.app(scope, _replay(b"".join(chunks), receive), send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, detail: str) -> None:
        _LOG.info("refused %s %s: %s", scope["method"], scope["path"], detail)
        # No `Connection: close`: the server discards what the client still sends (uvicorn does), so the client
        # reads this answer instead of a connection reset.
        await render_error(Ieee1609Error(ErrorCode.FAILED_PARSING, detail), self.error_mode)(scope, receive, send)


def _declared_length(scope: Scope) -> int | None:
    """The Content-Length as a number; 0 if absent; None if it is malformed or given twice."""
    values = [value for name, value in scope["headers"] if name == b"content-length"]
    if not values:
        return 0
    if len(values) > 1 or not values[0].isdigit():
        return None
    return int(values[0])


def _replay(body: bytes, receive: Receive) -> Receive:
    """A `receive` that gives the buffered body once, then whatever the server sends next (a disconnect)."""
    delivered = False

    async def replay() -> Message:
        nonlocal delivered
        if delivered:
            return await receive()
        delivered = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay
