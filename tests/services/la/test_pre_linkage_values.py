"""RA -> LA over HTTP, on SQLite and PostgreSQL: new chains, the values the ACA decrypts (recomputed from each
chain's stored seed), the same request answering the same values, what the RA cannot read, and the refusals."""

from __future__ import annotations

import base64
import dataclasses
import json

import httpx
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, select

from scms.deployment import Deployment
from scms.dot2.errors import Ieee1609Error
from scms.dot2.spdu import SymmetricEncryptionKey
from scms.protocol.encrypted_plv import decrypt_plv
from scms.protocol.la_messages import PlvChainRequest, PlvRequest, PlvResponse
from scms.services.la import LaApps, create_la_app
from scms.services.la.tables import LA_METADATA, chains

from ._support import PLV_ROUTE, expected_plv

pytestmark = pytest.mark.anyio


def aca_keys(deployment: Deployment) -> dict[int, SymmetricEncryptionKey]:
    """The keys the ACA holds, by LaId (what `decrypt_plv` takes at the ACA)."""
    config = deployment.config
    return {config.la1.la_id: deployment.symmetric_key("aca", "plv-la1"),
            config.la2.la_id: deployment.symmetric_key("aca", "plv-la2")}


async def ask(client: httpx.AsyncClient, request: PlvRequest) -> PlvResponse:
    response = await client.post(PLV_ROUTE, content=request.to_json(), headers={"Content-Type": "application/json"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    return PlvResponse.from_json(response.content, request)


async def test_new_chains_decrypt_at_the_aca_to_the_chains_values(
    las: dict[str, LaApps], la1: httpx.AsyncClient, la2: httpx.AsyncClient, deployment: Deployment
) -> None:
    request = PlvRequest((PlvChainRequest(None, 600, 2, 3), PlvChainRequest(None, 601, 1, 2)))
    keys = aca_keys(deployment)
    for which, client in (("la1", la1), ("la2", la2)):
        answer = await ask(client, request)
        la_id = las[which].service.settings.la_id
        assert answer.la_id == la_id == deployment.config.service(which).la_id  # type: ignore[attr-defined]
        first, second = answer.chains
        assert first.chain_id != second.chain_id
        for chain in answer.chains:
            for i in range(chain.i_first, chain.i_first + chain.i_count):
                for j in range(chain.j_max):
                    encrypted = chain.plv(i, j)
                    assert encrypted.la_id == la_id
                    assert decrypt_plv(encrypted, keys) == expected_plv(las[which], chain.chain_id, i, j)
    with las["la1"].engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(chains)).scalar() == 2


async def test_the_same_request_answers_the_same_values(
    las: dict[str, LaApps], la1: httpx.AsyncClient, deployment: Deployment
) -> None:
    created = await ask(la1, PlvRequest((PlvChainRequest(None, 600, 3, 4),)))
    chain_id = created.chains[0].chain_id
    again = PlvRequest((PlvChainRequest(chain_id, 601, 2, 4),))     # later i-periods of the stored chain
    first, second = await ask(la1, again), await ask(la1, again)
    keys = aca_keys(deployment)

    def values(answer: PlvResponse) -> list[bytes]:
        return [decrypt_plv(plv, keys) for plv in answer.chains[0].enc_plvs]

    assert values(first) == values(second) == values(created)[4:]   # i = 601, 602 of the first answer
    assert first.chains[0].chain_id == chain_id
    assert [p.data for p in first.chains[0].enc_plvs] != [p.data for p in second.chains[0].enc_plvs]  # fresh nonces
    with las["la1"].engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(chains)).scalar() == 1


async def test_the_ra_cannot_read_a_pre_linkage_value(
    las: dict[str, LaApps], la1: httpx.AsyncClient, deployment: Deployment
) -> None:
    response = await la1.post(PLV_ROUTE, content=PlvRequest((PlvChainRequest(None, 600, 1, 20),)).to_json())
    answer = PlvResponse.from_json(response.content, PlvRequest((PlvChainRequest(None, 600, 1, 20),)))
    chain = answer.chains[0]
    la_id = las["la1"].service.settings.la_id
    entries = json.loads(response.content)["chains"][0]["encPlvs"]
    wire = response.content + b"".join(base64.b64decode(entry) for entry in entries)
    for j in range(20):
        plv = expected_plv(las["la1"], chain.chain_id, 600, j)
        assert plv not in wire                                          # nothing in clear on the wire
        other_las_key = deployment.symmetric_key("aca", "plv-la2")
        for keys in ({}, {la_id: SymmetricEncryptionKey(bytes(16))}, {la_id: other_las_key}):
            with pytest.raises(Ieee1609Error) as error:
                decrypt_plv(chain.plv(600, j), keys)                    # the RA holds no LA-ACA key
            assert error.value.header_value == "400-41"


async def test_chains_belong_to_one_la(la1: httpx.AsyncClient, la2: httpx.AsyncClient) -> None:
    made = await ask(la1, PlvRequest((PlvChainRequest(None, 600, 1, 1),)))
    elsewhere = PlvRequest((PlvChainRequest(made.chains[0].chain_id, 600, 1, 1),))
    refused = await la2.post(PLV_ROUTE, content=elsewhere.to_json())
    assert refused.status_code == 404 and refused.json()["reason"] == "unknown-chain"
    assert "Ieee-1609.2.1-Error" not in refused.headers


@pytest.mark.parametrize(("body", "code"), [
    (b'{"version": 1, "type": "plv-request", "chains": []}', "400-42"),
    (b'{"version": 2, "type": "plv-request", "chains": [{"chainId": null, "iFirst": 1, "iCount": 1, "jMax": 1}]}',
     "400-42"),
    (b'{"version": 1, "type": "plv-request", "chains": [{"chainId": null, "iFirst": 1, "iCount": 1, "jMax": 256}]}',
     "400-42"),
    (b"not json", "400-42"),
])
async def test_a_request_that_does_not_parse(la1: httpx.AsyncClient, body: bytes, code: str) -> None:
    response = await la1.post(PLV_ROUTE, content=body)
    assert (response.status_code, response.headers["Ieee-1609.2.1-Error"]) == (400, code)


async def test_an_i_period_before_the_chain_is_refused_and_stores_nothing(
    las: dict[str, LaApps], la1: httpx.AsyncClient
) -> None:
    made = await ask(la1, PlvRequest((PlvChainRequest(None, 600, 1, 1),)))
    early = PlvRequest((PlvChainRequest(None, 700, 1, 1), PlvChainRequest(made.chains[0].chain_id, 599, 1, 1)))
    response = await la1.post(PLV_ROUTE, content=early.to_json())
    assert (response.status_code, response.headers["Ieee-1609.2.1-Error"]) == (400, "400-32")
    with las["la1"].engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(chains)).scalar() == 1  # the new one not kept


async def test_a_body_over_the_limit_is_refused_unread(la1: httpx.AsyncClient, deployment: Deployment) -> None:
    limit = deployment.config.la1.max_body_size
    response = await la1.post(PLV_ROUTE, content=b" " * (limit + 1))
    assert (response.status_code, response.headers["Ieee-1609.2.1-Error"]) == (400, "400-42")


async def test_schema_health_and_openapi(las: dict[str, LaApps], la1: httpx.AsyncClient) -> None:
    def ours(_obj: object, name: str | None, kind: str, _reflected: bool, _other: object) -> bool:
        return kind != "table" or name in LA_METADATA.tables

    with las["la1"].engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": ours, "compare_type": True})
        assert compare_metadata(context, LA_METADATA) == []
    assert (await la1.get("/healthz")).json() == {"status": "alive"}
    ready = await la1.get("/readyz")
    assert ready.status_code == 200 and ready.json()["checks"] == {"database": "ok", "migrations": "ok"}
    paths = (await la1.get("/openapi.json")).json()["paths"]
    assert {"/v1/pre-linkage-values", "/v1/linkage-seeds"} <= set(paths)
    assert "[secure]" in repr(las["la1"].service.settings.aca_key)
    assert "release_token" not in repr(las["la1"].service.settings)


async def test_errors_stay_fine_under_a_coarse_configuration(deployment: Deployment, tmp_path: object) -> None:
    """scmsV3-error is about end entities: the LA's callers are components, which need the code."""
    config = deployment.config.model_copy(update={"la1": deployment.config.la1.model_copy(
        update={"error_mode": "coarse"})})
    apps = create_la_app(dataclasses.replace(deployment, config=config), "la1",
                         database_url=f"sqlite:///{tmp_path}/coarse.db")
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=apps.app), base_url="http://la1") as client:
            response = await client.post(PLV_ROUTE, content=b"{}")
        assert (response.status_code, response.headers["Ieee-1609.2.1-Error"]) == (400, "400-42")
    finally:
        apps.engine.dispose()
