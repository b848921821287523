"""`InProcessTransport`: a `PeerClient` given it calls the peer's app directly and exchanges exactly what it would
have exchanged through `httpx.ASGITransport` (the same request reaches the app, the same answer comes back)."""

from __future__ import annotations

import json

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from scms.dot2.errors import ErrorCode
from scms.services.common import AppSettings, InProcessTransport, PeerClient, PeerError, PeerSettings, peer_error_code

from ._demo_app import demo_app

pytestmark = pytest.mark.anyio

SETTINGS = PeerSettings(name="ra", base_url="http://ra-internal")


async def seen(request: Request) -> Response:
    """Everything the app was given, back as JSON, with a header of its own."""
    body = await request.body()
    return JSONResponse({
        "method": request.method, "path": request.url.path, "query": sorted(request.query_params.multi_items()),
        "content_type": request.headers.get("content-type"), "extra": request.headers.get("x-extra"),
        "length": request.headers.get("content-length"), "body": body.hex(),
    }, status_code=201, headers={"X-Answer": "yes"})


async def broken(_request: Request) -> Response:
    raise RuntimeError("the app fails")


APP = Starlette(routes=[Route("/seen/{rest:path}", seen, methods=["GET", "POST", "PUT"]),
                        Route("/broken", broken)])

CALLS = [
    ("POST", "/seen/a/b", {"json": {"ü": 1, "list": [1, 2], "none": None}}),
    ("POST", "/seen/octets", {"content": b"\x00\x01\xff", "headers": {"Content-Type": "application/octet-stream"}}),
    ("GET", "/seen/q", {"params": {"b": "x y", "a": "1"}, "headers": {"X-Extra": "kept"}}),
    ("PUT", "/seen/empty", {}),
]


@pytest.mark.parametrize(("method", "path", "arguments"), CALLS, ids=[c[1] for c in CALLS])
async def test_the_app_sees_and_answers_what_it_would_through_httpx(method: str, path: str,
                                                                    arguments: dict[str, object]) -> None:
    answers = []
    for transport in (httpx.ASGITransport(app=APP), InProcessTransport(app=APP)):
        async with PeerClient(SETTINGS, transport) as client:
            answers.append(await client.request(method, path, **arguments))  # type: ignore[arg-type]
    through_httpx, in_process = answers
    assert in_process.status_code == through_httpx.status_code == 201
    assert in_process.json() == through_httpx.json()
    assert in_process.content == through_httpx.content
    assert in_process.headers["x-answer"] == "yes"
    assert in_process.headers["content-type"] == through_httpx.headers["content-type"]
    if "json" in arguments:  # the JSON body is the same bytes httpx sends
        sent = bytes.fromhex(in_process.json()["body"])
        assert sent == httpx.Request("POST", "http://x", json=arguments["json"]).content
        assert json.loads(sent) == arguments["json"]


async def test_a_component_app_answers_the_same_through_both() -> None:
    app = demo_app(AppSettings())
    async with PeerClient(SETTINGS, InProcessTransport(app=app)) as client:
        echoed = await client.post("/v3/echo", b"\x01\x02")
        refused = await client.get("/v3/fail/FAILED_DECRYPTION")
        with pytest.raises(PeerError) as crashed:
            await client.get("/v3/crash")
    assert echoed.content == b"\x02\x01" and peer_error_code(echoed) is None
    assert refused.status_code == 400 and peer_error_code(refused) is ErrorCode.FAILED_DECRYPTION
    assert (crashed.value.peer, crashed.value.status) == ("ra", 500)


async def test_an_exception_escaping_the_app_is_raised_or_a_500_as_with_httpx() -> None:
    async with PeerClient(SETTINGS, InProcessTransport(app=APP)) as client:
        with pytest.raises(RuntimeError, match="the app fails"):
            await client.get("/broken")
    async with PeerClient(SETTINGS, InProcessTransport(app=APP, raise_app_exceptions=False)) as client:
        with pytest.raises(PeerError) as caught:
            await client.get("/broken")
    assert caught.value.status == 500


async def test_any_httpx_client_can_use_it() -> None:
    async with httpx.AsyncClient(transport=InProcessTransport(app=APP), base_url="http://peer") as client:
        response = await client.post("/seen/x", content=b"abc")
    assert response.status_code == 201 and bytes.fromhex(response.json()["body"]) == b"abc"


async def test_a_head_request_gets_the_headers_without_the_body_as_with_httpx() -> None:
    answers = []
    for transport in (httpx.ASGITransport(app=APP), InProcessTransport(app=APP)):
        async with PeerClient(SETTINGS, transport) as client:
            answers.append(await client.request("HEAD", "/seen/h"))
    through_httpx, in_process = answers
    assert in_process.status_code == through_httpx.status_code == 201
    assert in_process.content == through_httpx.content == b""
    assert in_process.headers["content-length"] == through_httpx.headers["content-length"] != "0"
