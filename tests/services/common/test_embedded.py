"""The embedded default through a real uvicorn server on a free port: components mounted under their prefixes."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from scms.dot2.errors import ErrorCode
from scms.services.common import (
    AppSettings,
    PeerClient,
    PeerError,
    PeerSettings,
    mount_components,
    peer_error_code,
)
from serving import served

from ._demo_app import Calls, Part, demo_app

pytestmark = pytest.mark.anyio


class Server:
    def __init__(self, url: str, log: list[str], calls: Calls) -> None:
        self.url, self.log, self.calls = url, log, calls


@pytest.fixture
def server() -> Iterator[Server]:
    """`mount_components` of two demo components, served by `serve` in a thread until the test ends."""
    log: list[str] = []
    calls = Calls()
    app = mount_components({
        "/ra": demo_app(AppSettings(max_body_bytes=4096), calls, lifecycle=(Part("ra runner", log),)),
        "/eca": demo_app(AppSettings(), lifecycle=(Part("eca runner", log),)),
    })
    with served(app, timeout=20) as url:
        yield Server(url, log, calls)
    assert log == ["start ra runner", "start eca runner", "stop eca runner", "stop ra runner"]


@pytest.fixture
async def ra(server: Server) -> AsyncIterator[PeerClient]:
    async with PeerClient(PeerSettings(name="ra", base_url=f"{server.url}/ra", timeout_s=0.2)) as client:
        yield client


def test_only_the_known_prefixes_are_mounted() -> None:
    with pytest.raises(ValueError, match="/ra/"):
        mount_components({"/ra/": demo_app(AppSettings())})


async def test_components_answer_under_their_prefixes(server: Server, ra: PeerClient) -> None:
    assert server.log == ["start ra runner", "start eca runner"]
    async with PeerClient(PeerSettings(name="eca", base_url=f"{server.url}/eca")) as eca:
        assert (await eca.get("/healthz")).json() == {"status": "alive"}
        echoed = await eca.post("/v3/echo", b"\x05\x06")
    assert echoed.content == b"\x06\x05"
    failure = await ra.get("/v3/fail/WRONG_RA")
    assert failure.status_code == 400 and peer_error_code(failure) is ErrorCode.WRONG_RA
    async with httpx.AsyncClient() as plain:
        assert (await plain.get(f"{server.url}/la1/healthz")).status_code == 404


async def test_swagger_ui_of_a_mounted_component_loads_its_own_openapi(server: Server) -> None:
    async with httpx.AsyncClient(base_url=server.url) as http:
        docs = await http.get("/ra/docs")
        spec = await http.get("/ra/openapi.json")
    assert "/ra/openapi.json" in docs.text
    assert "/v3/echo" in spec.json()["paths"]


async def _pieces() -> AsyncIterator[bytes]:
    for _ in range(64):
        yield b"\x00" * 1024


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
async def test_oversized_body_is_refused_over_the_network(server: Server, declared: bool) -> None:
    """The client reads the 400-42 (not a connection reset) although it was still sending."""
    content = b"\x00" * 65536 if declared else _pieces()
    async with httpx.AsyncClient(base_url=server.url) as http:
        response = await http.post("/ra/v3/echo", content=content,
                                   headers={"Content-Type": "application/octet-stream"})
    assert (response.status_code, response.headers["Ieee-1609.2.1-Error"]) == (400, "400-42")
    assert server.calls.bodies == []


async def test_a_peer_that_answers_too_late_is_a_peer_error(ra: PeerClient) -> None:
    with pytest.raises(PeerError) as caught:
        await ra.get("/v3/slow")
    assert (caught.value.peer, caught.value.reason) == ("ra", "ReadTimeout")


async def test_unexpected_errors_cross_the_network_as_bare_500s(ra: PeerClient) -> None:
    with pytest.raises(PeerError) as caught:
        await ra.get("/v3/crash")
    assert caught.value.status == 500
