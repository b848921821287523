"""The enrollment route (`eca_router`'s `_CoerRoute`): served without FastAPI's dependency solving, yet documented
and answering as a standard FastAPI route, and FastAPI's own handler wherever the route is not only a COER body."""

from __future__ import annotations

import json

import httpx
import pytest
from fastapi import APIRouter, Depends, FastAPI, Request, Response
from fastapi.routing import APIRoute

from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.services.common import CoerBody, coer_response
from scms.services.common.coer import coer_body
from scms.services.eca import api
from scms.services.eca.service import EcaService

from ._support import COER, ENROLL, Stack

pytestmark = pytest.mark.anyio


def _app(router: APIRouter) -> FastAPI:
    app = FastAPI()
    app.include_router(router)
    return app


def _echo_router(route_class: type[APIRoute]) -> APIRouter:
    router = APIRouter(route_class=route_class)

    @router.post("/echo")
    async def echo(body: CoerBody) -> Response:
        return coer_response(body[::-1])

    return router


def test_the_openapi_is_that_of_a_standard_route(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> None:
    service: EcaService = stack.eca.service
    ours = _app(api.eca_router(service)).openapi()
    monkeypatch.setattr(api, "_CoerRoute", APIRoute)
    standard = _app(api.eca_router(service)).openapi()
    assert json.dumps(ours, sort_keys=True) == json.dumps(standard, sort_keys=True)
    assert "/v3/enrollment-certificate" in ours["paths"]


async def test_the_body_reaches_the_handler_and_other_types_are_refused() -> None:
    app = _app(_echo_router(api._CoerRoute))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://x") as client:
        answer = await client.post("/echo", content=b"\x01\x02\x03", headers=COER)
        assert (answer.status_code, answer.content) == (200, b"\x03\x02\x01")
        with pytest.raises(Ieee1609Error) as refused:  # a bare app: no handler renders it
            await client.post("/echo", content=b"\x01", headers={"content-type": "application/json"})
        assert refused.value.error is ErrorCode.FAILED_PARSING


async def test_dependency_overrides_and_included_dependencies_are_honoured() -> None:
    seen: list[str] = []

    async def overridden(request: Request) -> bytes:
        return b"override"

    async def included(request: Request) -> None:
        seen.append(request.url.path)

    app = _app(_echo_router(api._CoerRoute))
    app.dependency_overrides[coer_body] = overridden
    guarded = FastAPI()
    guarded.include_router(_echo_router(api._CoerRoute))
    guarded.include_router(_echo_router(api._CoerRoute), prefix="/guarded", dependencies=[Depends(included)])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://x") as client:
        assert (await client.post("/echo", content=b"\x01", headers=COER)).content == b"edirrevo"
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=guarded), base_url="http://x") as client:
        assert (await client.post("/guarded/echo", content=b"\x01\x02", headers=COER)).content == b"\x02\x01"
        assert (await client.post("/echo", content=b"\x01\x02", headers=COER)).content == b"\x02\x01"
    assert seen == ["/guarded/echo"]


async def test_the_enrollment_route_answers_errors_as_before(http: httpx.AsyncClient) -> None:
    answer = await http.post(f"/eca{ENROLL}", content=b"\x00", headers={"content-type": "text/plain"})
    assert answer.status_code == 400
    assert answer.headers["Ieee-1609.2.1-Error"] == "400-42"
