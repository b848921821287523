"""The ECA's HTTP client of the RA's registry against RA answers that the real RA gives rarely or never: a 404 that is
not "unregistered" (a wrong URL), an unreadable registration, other statuses, a 409 on the enrollment report."""

from __future__ import annotations

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from scms.crypto import HashedId8, SoftwareKey
from scms.dot2.errors import Ieee1609Error
from scms.services.common import PeerClient, PeerError, PeerSettings
from scms.services.eca import HttpRaRegistry

pytestmark = pytest.mark.anyio


def registry(check: Response, enrolled: Response | None = None) -> HttpRaRegistry:
    async def answer_check(_request: Request) -> Response:
        return check

    async def answer_enrolled(_request: Request) -> Response:
        return enrolled or Response(status_code=200)

    app = Starlette(routes=[
        Route("/internal/v1/registration-check", answer_check, methods=["POST"]),
        Route("/internal/v1/devices/{identifier}/enrolled", answer_enrolled, methods=["POST"]),
    ])
    return HttpRaRegistry(PeerClient(PeerSettings("ra", "http://ra"), transport=httpx.ASGITransport(app=app)))


KEY = SoftwareKey.generate().public_point


@pytest.mark.parametrize("answer", [
    JSONResponse({"detail": "Not Found"}, status_code=404),
    Response(b"<html>not found</html>", status_code=404),
    JSONResponse({"detail": "bad"}, status_code=400),
    JSONResponse({"canonical_id": "x", "curve": "P-999", "public_key": "02", "device_type": "OBU",
                  "state": "registered"}),
    JSONResponse(["not", "an", "object"]),
    Response(b"not json", media_type="application/json"),
], ids=["404-wrong-url", "404-html", "400", "unknown-curve", "list", "not-json"])
async def test_answers_that_are_not_a_registration_are_peer_errors(answer: Response) -> None:
    with pytest.raises(PeerError):
        await registry(answer).by_key(KEY)


async def test_unregistered_is_400_21_and_a_canonical_id_not_of_ours_never_reaches_the_ra() -> None:
    unregistered = JSONResponse({"detail": "no device", "reason": "unregistered"}, status_code=404)
    with pytest.raises(Ieee1609Error) as error:
        await registry(unregistered).by_key(KEY)
    assert error.value.header_value == "400-21"
    for odd in ("A" * 64, "z" * 64, "ab" * 31, "../" + "a" * 61, "ab" * 32 + "\n"):
        with pytest.raises(Ieee1609Error) as error:
            await registry(JSONResponse({}, status_code=500)).by_canonical_id(odd)
        assert error.value.header_value == "400-21"


async def test_a_refused_enrollment_report_is_400_20_other_failures_peer_errors() -> None:
    with pytest.raises(Ieee1609Error) as error:
        await registry(Response(), enrolled=JSONResponse({"detail": "blocked"}, status_code=409)).enrolled(
            "ab" * 32, HashedId8(bytes(8)))
    assert error.value.header_value == "400-20"
    with pytest.raises(PeerError):
        await registry(Response(), enrolled=Response(status_code=404)).enrolled("ab" * 32, HashedId8(bytes(8)))
    await registry(Response()).enrolled("ab" * 32, HashedId8(bytes(8)))


async def test_the_registration_carries_the_key_the_ra_names() -> None:
    """Asked by the requested key, the RA may name that key (the registration reuses it) or, wrongly, another."""
    def answer(key: SoftwareKey | None) -> JSONResponse:
        named = KEY if key is None else key.public_point
        return JSONResponse({"canonical_id": "ab" * 32, "curve": "P-256", "device_type": "OBU",
                             "public_key": named.encode(compressed=True).hex(), "state": "registered"})

    same = await registry(answer(None)).by_key(KEY)
    other = SoftwareKey.generate()
    named_other = await registry(answer(other)).by_key(KEY)
    assert same.canonical_key == KEY and same.device_type == "OBU"
    assert named_other.canonical_key == other.public_point != KEY
