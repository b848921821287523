"""Bearer tokens of the components' own JSON routes (the RA's operator, the LAs' seed release): only the holder of
the configured token gets through, every refusal is 401 with `WWW-Authenticate: Bearer` in either error mode, a
route with no token configured refuses everyone (reading tokens: tests/deployment/test_tokens.py)."""

from __future__ import annotations

import httpx
import pytest
from fastapi import APIRouter, Depends, FastAPI

from scms.services.common import AppSettings, ErrorMode, bearer_guard, create_component_app

pytestmark = pytest.mark.anyio
TOKEN = b"a-token-of-twenty-four-c"


def guarded_app(token: bytes | None, mode: ErrorMode = ErrorMode.FINE) -> FastAPI:
    router = APIRouter(dependencies=[Depends(bearer_guard(token, description="test token", refusal="token needed"))])

    @router.get("/guarded")
    async def guarded() -> dict[str, str]:
        return {"secret": "behind the guard"}

    return create_component_app("ra", AppSettings(error_mode=mode), router)


async def ask(token: bytes | None, authorization: str | None, mode: ErrorMode = ErrorMode.FINE) -> httpx.Response:
    app = guarded_app(token, mode)
    headers = {} if authorization is None else {"Authorization": authorization}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://ra") as http:
        return await http.get("/guarded", headers=headers)


async def test_the_holder_of_the_token_gets_through() -> None:
    answer = await ask(TOKEN, f"Bearer {TOKEN.decode()}")
    assert answer.status_code == 200 and answer.json() == {"secret": "behind the guard"}
    assert (await ask(TOKEN, f"bearer {TOKEN.decode()}")).status_code == 200      # the scheme is case-insensitive


@pytest.mark.parametrize("mode", [ErrorMode.FINE, ErrorMode.COARSE])
@pytest.mark.parametrize("authorization", [
    None, "Bearer", "Bearer ", f"Basic {TOKEN.decode()}", f"Bearer {TOKEN.decode()}x", f"Bearer {TOKEN.decode()[:-1]}",
    f"Bearer {TOKEN.decode().upper()}",
])
async def test_every_other_request_is_401(authorization: str | None, mode: ErrorMode) -> None:
    answer = await ask(TOKEN, authorization, mode)
    assert answer.status_code == 401 and answer.headers["WWW-Authenticate"] == "Bearer"
    assert "behind the guard" not in answer.text and TOKEN.decode() not in answer.text


@pytest.mark.parametrize("authorization", [None, "Bearer ", f"Bearer {TOKEN.decode()}",
                                           "Bearer e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"])
async def test_with_no_token_configured_nobody_gets_through(authorization: str | None) -> None:
    """Fail closed: no configured token must never mean "no check", nor match an empty or well-known value."""
    answer = await ask(None, authorization)
    assert answer.status_code == 401 and answer.headers["WWW-Authenticate"] == "Bearer"


def test_the_openapi_names_the_scheme() -> None:
    openapi = guarded_app(TOKEN).openapi()
    assert openapi["components"]["securitySchemes"]["HTTPBearer"] == {
        "type": "http", "scheme": "bearer", "description": "test token"}
    assert openapi["paths"]["/guarded"]["get"]["security"] == [{"HTTPBearer": []}]
