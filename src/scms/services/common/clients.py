"""HTTP between components: one client per peer, always with timeouts and bounded retries on connection errors.

The transport is an argument (DESIGN, "Interfaces"): `httpx.ASGITransport(app=...)` in the embedded default and in
tests, the network (optionally mutual TLS) otherwise. httpx errors enter our code here and leave it as
`PeerError`: a request that could not be sent or answered, or a 5xx answer. Other answers are returned to the
caller, which reads the peer's `Ieee-1609.2.1-Error` with `peer_error_code`. Given an `InProcessTransport` (the
peer's app in this process), a client calls the app directly with the same request (`in_process`), without the
httpx client's request building.
"""

from __future__ import annotations

import asyncio
import json as json_module
import ssl
from collections.abc import Mapping
from types import TracebackType

import httpx

from scms.dot2.errors import ErrorCode
from scms.services.common.errors import ERROR_HEADER, PeerError
from scms.services.common.in_process import InProcessTransport
from scms.services.common.settings import PeerSettings, TlsSettings

__all__ = ["PeerClient", "peer_error_code"]


class PeerClient:
    """An async client for one peer component (`async with PeerClient(settings) as client: ...`)."""

    def __init__(self, settings: PeerSettings, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.settings = settings
        self._in_process = transport if isinstance(transport, InProcessTransport) else None
        inner = transport or httpx.AsyncHTTPTransport(verify=_ssl_context(settings.tls) if settings.tls else True)
        self._client = httpx.AsyncClient(
            base_url=settings.base_url,
            transport=_RetryingTransport(inner, settings.connect_retries, settings.retry_backoff_s),
            timeout=httpx.Timeout(settings.timeout_s),
            follow_redirects=False,
        )

    async def request(self, method: str, path: str, *, content: bytes | None = None,
                      params: Mapping[str, str] | None = None, headers: Mapping[str, str] | None = None,
                      json: object = None) -> httpx.Response:
        """Send one request; the response unless it is a 5xx; PeerError when it could not be had."""
        if self._in_process is not None:
            response = await self._call_in_process(self._in_process, method, path, content, params, headers, json)
            if response.status_code >= 500:
                raise PeerError(self.settings.name, "server error", status=response.status_code)
            return response
        try:
            response = await self._client.request(method, path, content=content, params=params, headers=headers,
                                                  json=json)
        except httpx.HTTPError as exc:
            raise PeerError(self.settings.name, type(exc).__name__) from exc
        if response.status_code >= 500:
            raise PeerError(self.settings.name, "server error", status=response.status_code)
        return response

    async def _call_in_process(self, peer: InProcessTransport, method: str, path: str, content: bytes | None,
                               params: Mapping[str, str] | None, headers: Mapping[str, str] | None,
                               json: object) -> httpx.Response:
        """The request httpx would have sent (the same body, JSON encoded as httpx does), to the app in-process."""
        sent = {key.lower(): value for key, value in (headers or {}).items()}
        if json is not None and content is None:
            content = json_module.dumps(json, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()
            sent.setdefault("content-type", "application/json")
        query = str(httpx.QueryParams(params)).encode() if params else b""
        raw = [(key.encode(), value.encode()) for key, value in sent.items()]
        status, answered, body = await peer.call(method, path, query, raw, content or b"")
        return httpx.Response(status, headers=answered, content=body)

    async def get(self, path: str, *, params: Mapping[str, str] | None = None,
                  headers: Mapping[str, str] | None = None) -> httpx.Response:
        return await self.request("GET", path, params=params, headers=headers)

    async def post(self, path: str, content: bytes, *, media_type: str = "application/octet-stream",
                   headers: Mapping[str, str] | None = None) -> httpx.Response:
        merged = {"Content-Type": media_type, **(headers or {})}
        return await self.request("POST", path, content=content, headers=merged)

    async def aclose(self) -> None:
        await self._client.aclose()

    async def __aenter__(self) -> PeerClient:
        return self

    async def __aexit__(self, kind: type[BaseException] | None, value: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.aclose()


def peer_error_code(response: httpx.Response) -> ErrorCode | None:
    """The 1609.2.1 error a peer's response carries in `Ieee-1609.2.1-Error`, if it is one we know."""
    value = response.headers.get(ERROR_HEADER)
    return next((code for code in ErrorCode if code.header_value == value), None)


class _RetryingTransport(httpx.AsyncBaseTransport):
    """Retry a request that could not connect (nothing was sent), `retries` times with doubling sleeps."""

    def __init__(self, inner: httpx.AsyncBaseTransport, retries: int, backoff_s: float) -> None:
        self.inner = inner
        self.retries = retries
        self.backoff_s = backoff_s

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        for attempt in range(self.retries):
            try:
                return await self.inner.handle_async_request(request)
            except (httpx.ConnectError, httpx.ConnectTimeout):
                await asyncio.sleep(self.backoff_s * 2**attempt)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


def _ssl_context(tls: TlsSettings) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=str(tls.ca_file))
    if tls.cert_file is not None:
        context.load_cert_chain(str(tls.cert_file), str(tls.key_file) if tls.key_file else None)
    return context
