"""`InProcessTransport`: a peer component's ASGI app reached in the same process, at the cost of one ASGI call.

It is an `httpx.ASGITransport` (any httpx client can use it, with the same behaviour), and a `PeerClient` given it
skips the httpx client altogether: `call` hands the peer's app an ASGI request built from the method, path, query,
headers and body the client would have sent (the same bytes and JSON), and returns the status, headers and body
the app answered. The peer's whole app still answers (its middlewares, routing, validation, error rendering), so
nothing on either side assumes one process: over the network the same client and routes exchange the same
messages. What it saves is the httpx client's request building (URL parsing and merging, cookies, header models),
about half of an in-process call's CPU time (docs/services.md, "Between components").
"""

from __future__ import annotations

import asyncio
from collections.abc import MutableMapping
from typing import Any

import httpx

__all__ = ["InProcessTransport"]

_HOST = "in-process"
_BODY_METHODS = ("POST", "PUT", "PATCH")
"""Sent with a Content-Length even when empty (as httpx sends them)."""


class InProcessTransport(httpx.ASGITransport):
    """The peer's ASGI app (`app`) in this process; `raise_app_exceptions` as `httpx.ASGITransport` (True)."""

    async def call(self, method: str, path: str, query: bytes, headers: list[tuple[bytes, bytes]],
                   body: bytes) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        """One request to the app: (status, response headers, response body). `headers` are lower-case."""
        sized = [(b"content-length", str(len(body)).encode())] if body or method in _BODY_METHODS else []
        scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
            "headers": [(b"host", _HOST.encode()), *headers, *sized],
            "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": query,
            "server": (_HOST, 80), "client": self.client, "root_path": self.root_path,
        }
        exchange = _Exchange(body)
        try:
            await self.app(scope, exchange.receive, exchange.send)
        except Exception:
            if self.raise_app_exceptions:
                raise
            exchange.finish(exchange.status)
        if exchange.status is None or not exchange.complete:
            raise RuntimeError("the in-process app did not complete its response")
        return exchange.status, exchange.headers, b"" if method == "HEAD" else b"".join(exchange.body)


class _Exchange:
    """The ASGI receive and send of one request: the body in one message, the response collected whole."""

    def __init__(self, body: bytes) -> None:
        self.request_body: bytes | None = body
        self.status: int | None = None
        self.headers: list[tuple[bytes, bytes]] = []
        self.body: list[bytes] = []
        self.complete = False
        self._done: asyncio.Event | None = None  # made only if the app listens for a disconnect

    async def receive(self) -> dict[str, Any]:
        if self.request_body is not None:
            body, self.request_body = self.request_body, None
            return {"type": "http.request", "body": body, "more_body": False}
        if not self.complete:
            self._done = self._done or asyncio.Event()
            await self._done.wait()
        return {"type": "http.disconnect"}

    async def send(self, message: MutableMapping[str, Any]) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            self.headers = list(message.get("headers", []))
        elif message["type"] == "http.response.body":
            self.body.append(message.get("body", b""))
            if not message.get("more_body", False):
                self.finish(self.status)

    def finish(self, status: int | None) -> None:
        self.status = 500 if status is None else status
        self.complete = True
        if self._done is not None:
            self._done.set()
