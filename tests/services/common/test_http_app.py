"""The common HTTP edge over real HTTP (httpx's ASGI transport): errors, body limits, content type, OpenAPI."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import httpx
import pytest

from scms.services.common import AppSettings, ErrorMode, coer_response

from ._demo_app import SECRET, Calls, demo_app

pytestmark = pytest.mark.anyio
FINE = AppSettings(error_mode=ErrorMode.FINE, max_body_bytes=4096)
COARSE = AppSettings(error_mode=ErrorMode.COARSE, max_body_bytes=4096)


def client(settings: AppSettings, calls: Calls | None = None) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=demo_app(settings, calls)), base_url="http://demo")


@pytest.mark.parametrize(("name", "status", "header"), [
    ("FAILED_SIGNATURE_VERIFICATION", 400, "400-43"),
    ("UNREGISTERED_ENROLLMENT_CERTIFICATE", 400, "400-21"),
    ("OUTSIDE_RA_MAX_OVERLAP", 400, "400-710"),
    ("OUTSIDE_ENROLLMENT_CERTIFICATE_VALIDITY", 400, "400-712"),
])
async def test_fine_mode_renders_status_and_header(name: str, status: int, header: str) -> None:
    async with client(FINE) as http:
        response = await http.get(f"/v3/fail/{name}")
    assert response.status_code == status
    assert response.headers["Ieee-1609.2.1-Error"] == header
    assert response.json()["error"] == header
    assert SECRET not in response.text  # the detail stays in the server's log


async def test_coarse_mode_is_a_bare_500() -> None:
    async with client(COARSE) as http:
        response = await http.get("/v3/fail/FAILED_SIGNATURE_VERIFICATION")
    assert response.status_code == 500
    assert "Ieee-1609.2.1-Error" not in response.headers
    assert response.content == b""


async def test_invalid_query_is_failed_parsing() -> None:
    async with client(FINE) as http:
        missing = await http.get("/v3/ctl")
        malformed = await http.get("/v3/ctl", params={"ctlSeriesId": "not-hex"})
        good = await http.get("/v3/ctl", params={"ctlSeriesId": "0011223344556677"})
    for response in (missing, malformed):
        assert (response.status_code, response.headers["Ieee-1609.2.1-Error"]) == (400, "400-42")
        assert "not-hex" not in response.text and "ctlSeriesId" not in response.text
    assert good.json() == "0011223344556677"


async def test_unexpected_exception_is_a_bare_500_logged_without_its_message(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="scms.services")
    for settings in (FINE, COARSE):
        async with client(settings) as http:
            response = await http.get("/v3/crash")
        assert response.status_code == 500
        assert response.content == b""
        assert "Ieee-1609.2.1-Error" not in response.headers
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "builtins.ValueError" in logged and "_demo_app.py" in logged and "in crash" in logged
    assert SECRET not in logged


async def test_ieee1609_errors_are_logged_with_detail_but_the_detail_is_not_sent(
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="scms.services")
    async with client(FINE) as http:
        response = await http.get("/v3/fail/FAILED_DECRYPTION")
    assert response.headers["Ieee-1609.2.1-Error"] == "400-41"
    assert any("detail naming a field" in record.getMessage() for record in caplog.records)


async def test_peer_unavailable_is_503_fine_and_500_coarse() -> None:
    async with client(FINE) as fine, client(COARSE) as coarse:
        assert (await fine.get("/v3/peer")).status_code == 503
        response = await coarse.get("/v3/peer")
    assert response.status_code == 500 and response.content == b""


async def test_coer_body_round_trip_and_file_name() -> None:
    calls = Calls()
    async with client(FINE, calls) as http:
        response = await http.post("/v3/echo", content=b"\x01\x02\x03",
                                   headers={"Content-Type": "application/octet-stream"})
    assert response.status_code == 200
    assert response.content == b"\x03\x02\x01"
    assert response.headers["content-type"] == "application/octet-stream"
    assert response.headers["content-disposition"] == "attachment; filename=echo_1.oer"
    assert calls.bodies == [b"\x01\x02\x03"]


@pytest.mark.parametrize("content_type", [None, "application/json", "text/plain", "application/octet-streamx"])
async def test_wrong_content_type_is_failed_parsing_before_the_handler(content_type: str | None) -> None:
    calls = Calls()
    headers = {"Content-Type": content_type} if content_type else {}
    async with client(FINE, calls) as http:
        response = await http.post("/v3/echo", content=b"\x01", headers=headers)
    assert (response.status_code, response.headers["Ieee-1609.2.1-Error"]) == (400, "400-42")
    assert calls.bodies == []


class Chunks:
    """A request body sent in pieces, counting how many the server pulled."""

    def __init__(self, count: int, size: int) -> None:
        self.count, self.size, self.pulled = count, size, 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for _ in range(self.count):
            self.pulled += 1
            yield b"\xaa" * self.size


@pytest.mark.parametrize("settings", [FINE, COARSE], ids=["fine", "coarse"])
async def test_declared_oversized_body_is_refused_unread(settings: AppSettings) -> None:
    calls, body = Calls(), Chunks(count=10, size=1000)
    headers = {"Content-Type": "application/octet-stream", "Content-Length": "10000"}
    async with client(settings, calls) as http:
        response = await http.post("/v3/echo", content=body, headers=headers)
    assert calls.bodies == [] and body.pulled == 0
    if settings.error_mode is ErrorMode.FINE:
        assert (response.status_code, response.headers["Ieee-1609.2.1-Error"]) == (400, "400-42")
    else:
        assert (response.status_code, response.content) == (500, b"")


async def test_streamed_oversized_body_is_refused_as_soon_as_it_passes_the_limit() -> None:
    calls, body = Calls(), Chunks(count=100, size=1000)
    async with client(FINE, calls) as http:
        response = await http.post("/v3/echo", content=body, headers={"Content-Type": "application/octet-stream"})
    assert (response.status_code, response.headers["Ieee-1609.2.1-Error"]) == (400, "400-42")
    assert calls.bodies == []
    assert body.pulled == 5  # 4096 bytes allowed: the fifth 1000-byte piece passes the limit


async def test_streamed_body_within_the_limit_arrives_whole() -> None:
    calls, body = Calls(), Chunks(count=4, size=1024)
    async with client(FINE, calls) as http:
        response = await http.post("/v3/echo", content=body, headers={"Content-Type": "application/octet-stream"})
    assert response.status_code == 200
    assert calls.bodies == [b"\xaa" * 4096]


def _scope(headers: list[tuple[bytes, bytes]]) -> dict[str, object]:
    """An ASGI scope for `POST /v3/echo`, for requests no HTTP client would send."""
    return {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
            "path": "/v3/echo", "raw_path": b"/v3/echo", "query_string": b"", "headers": headers,
            "scheme": "http", "server": ("demo", 80), "client": ("127.0.0.1", 1), "root_path": ""}


@pytest.mark.parametrize("length", ["abc", "-1", "1, 1"])
async def test_malformed_content_length_is_refused(length: str) -> None:
    calls = Calls()
    app = demo_app(FINE, calls)
    scope_headers = [(b"content-type", b"application/octet-stream"), (b"content-length", length.encode())]
    sent: list[dict[str, object]] = []

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    await app(_scope(scope_headers), receive, send)
    start = sent[0]
    assert start["status"] == 400
    assert (b"ieee-1609.2.1-error", b"400-42") in list(start["headers"])  # type: ignore[call-overload]
    assert calls.bodies == []


@pytest.mark.parametrize("name", ["a b.oer", "x;y", "a\r\nSet-Cookie: z", "", "é.oer"])
def test_download_names_are_plain_tokens(name: str) -> None:
    with pytest.raises(ValueError):
        coer_response(b"", filename=name)


async def test_a_client_gone_mid_body_reaches_no_handler() -> None:
    calls = Calls()
    app = demo_app(FINE, calls)
    messages = iter([{"type": "http.request", "body": b"\x01" * 100, "more_body": True}, {"type": "http.disconnect"}])
    sent: list[object] = []

    async def receive() -> object:
        return next(messages)

    async def send(message: object) -> None:
        sent.append(message)

    await app(_scope([(b"content-type", b"application/octet-stream")]), receive, send)
    assert calls.bodies == [] and sent == []


async def test_openapi_and_swagger_ui() -> None:
    async with client(FINE) as http:
        spec = (await http.get("/openapi.json")).json()
        docs = await http.get("/docs")
    assert spec["info"]["title"] == "SCMS DEMO"
    assert {"/v3/echo", "/healthz", "/readyz"} <= set(spec["paths"])
    assert "application/octet-stream" in spec["paths"]["/v3/echo"]["post"]["requestBody"]["content"]
    assert docs.status_code == 200 and "swagger-ui" in docs.text and "/openapi.json" in docs.text
