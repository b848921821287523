"""MA -> LA seed release over HTTP: the bearer token, the released seed against both LAs' pre-linkage values (the
linkage values a CRL entry made from the two releases would recompute), idempotence and its audit row."""

from __future__ import annotations

import base64
import dataclasses
import logging
import secrets
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from scms.crypto import linkage_seed_after, linkage_value, pre_linkage_value
from scms.deployment import Deployment, DeploymentError
from scms.deployment.keystore import write_secret_file
from scms.protocol.encrypted_plv import decrypt_plv
from scms.protocol.la import linkage_revocation
from scms.protocol.la_messages import PlvChainRequest, PlvRequest, PlvResponse
from scms.services.la import RELEASE_TOKEN, LaApps, SeedRelease, create_la_app
from scms.services.la.tables import seed_releases

from ..ra._support import FakeClock
from ._support import PLV_ROUTE, SEED_ROUTE, TOKENS, stored_seed
from .test_pre_linkage_values import aca_keys, ask

pytestmark = pytest.mark.anyio


def release_body(chain_id: bytes, i_rev: int) -> dict[str, object]:
    return {"version": 1, "type": "seed-release-request", "chainId": base64.b64encode(chain_id).decode(),
            "iRev": i_rev}


def bearer(which: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKENS[which].decode()}"}


async def test_released_seeds_recompute_the_certificates_linkage_values(
    las: dict[str, LaApps], la1: httpx.AsyncClient, la2: httpx.AsyncClient, deployment: Deployment,
    caplog: pytest.LogCaptureFixture,
) -> None:
    request = PlvRequest((PlvChainRequest(None, 600, 4, 3),))
    answers = {"la1": await ask(la1, request), "la2": await ask(la2, request)}
    keys = aca_keys(deployment)
    releases = []
    caplog.set_level(logging.INFO)
    for which, client in (("la1", la1), ("la2", la2)):
        chain_id = answers[which].chains[0].chain_id
        response = await client.post(SEED_ROUTE, json=release_body(chain_id, 602), headers=bearer(which))
        assert response.status_code == 200, response.text
        body = response.json()
        assert set(body) == {"version", "type", "laId", "chainId", "iRev", "linkageSeed", "releasedAt"}
        release = SeedRelease.model_validate_json(response.content).release()
        la_id = las[which].service.settings.la_id
        i_first, seed = stored_seed(las[which], chain_id)
        assert (release.la_id, release.i) == (la_id, 602)
        assert release.seed == linkage_seed_after(la_id, seed, 602 - i_first)
        assert release.seed.hex() not in caplog.text and body["linkageSeed"] not in caplog.text
        releases.append(release)
    entry = linkage_revocation(*releases, i_max=603, jmax=3)               # what the MA puts in a linkage CRL
    assert (entry.la1_id, entry.la2_id) == (releases[0].la_id, releases[1].la_id)
    for i in (602, 603):
        for j in range(3):
            from_seeds = linkage_value(*(pre_linkage_value(r.la_id, linkage_seed_after(r.la_id, r.seed, i - 602), j)
                                         for r in releases))
            from_plvs = linkage_value(*(decrypt_plv(answers[w].chains[0].plv(i, j), keys) for w in ("la1", "la2")))
            assert from_seeds == from_plvs                                 # the ACA's lv of certificate (i, j)
    assert "linkage seed released" in caplog.text


async def test_a_release_is_recorded_once(las: dict[str, LaApps], la1: httpx.AsyncClient, clock: FakeClock) -> None:
    chain_id = (await ask(la1, PlvRequest((PlvChainRequest(None, 600, 1, 1),)))).chains[0].chain_id
    first = await la1.post(SEED_ROUTE, json=release_body(chain_id, 610), headers=bearer("la1"))
    clock.advance(3600)
    again = await la1.post(SEED_ROUTE, json=release_body(chain_id, 610), headers=bearer("la1"))
    assert first.json() == again.json()                                     # same seed, first release's time
    with las["la1"].engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(seed_releases)).scalar() == 1


@pytest.mark.parametrize("authorization", [None, "Bearer release-token-of-la2-9876543210", "Bearer ", "Basic x"])
async def test_a_release_needs_the_las_own_token(la1: httpx.AsyncClient, authorization: str | None) -> None:
    chain_id = (await ask(la1, PlvRequest((PlvChainRequest(None, 600, 1, 1),)))).chains[0].chain_id
    headers = {} if authorization is None else {"Authorization": authorization}
    response = await la1.post(SEED_ROUTE, json=release_body(chain_id, 600), headers=headers)
    assert response.status_code == 401 and response.headers["WWW-Authenticate"] == "Bearer"
    assert "linkageSeed" not in response.text


async def test_refusals(la1: httpx.AsyncClient) -> None:
    chain_id = (await ask(la1, PlvRequest((PlvChainRequest(None, 600, 1, 1),)))).chains[0].chain_id
    unknown = await la1.post(SEED_ROUTE, json=release_body(bytes(16), 600), headers=bearer("la1"))
    assert unknown.status_code == 404 and unknown.json()["reason"] == "unknown-chain"
    early = await la1.post(SEED_ROUTE, json=release_body(chain_id, 599), headers=bearer("la1"))
    assert (early.status_code, early.headers["Ieee-1609.2.1-Error"]) == (400, "400-32")
    for change in ({"iRev": "600"}, {"iRev": True}, {"chainId": "AAAA"}, {"colour": 1}, {"chainId_": 1},
                   {"chainId": base64.b64encode(bytes(16)).decode().replace("==", "A=")}):
        bad = await la1.post(SEED_ROUTE, json={**release_body(chain_id, 600), **change}, headers=bearer("la1"))
        assert (bad.status_code, bad.headers["Ieee-1609.2.1-Error"]) == (400, "400-42"), change
    snake = {"version": 1, "type": "seed-release-request", "chain_id": base64.b64encode(chain_id).decode(),
             "i_rev": 600}
    assert (await la1.post(SEED_ROUTE, json=snake, headers=bearer("la1"))).status_code == 400


def test_scms_init_gives_each_la_its_own_token(deployment: Deployment, tmp_path: Path) -> None:
    for which in ("la1", "la2"):
        apps = create_la_app(deployment, which, clock=FakeClock(), database_url=f"sqlite:///{tmp_path}/{which}.db")
        try:
            token = (deployment.layout.root / which / "secrets" / "release-token").read_bytes().strip()
            assert apps.service.settings.release_token == token and len(token) == 43
        finally:
            apps.engine.dispose()


async def test_without_a_configured_token_nobody_gets_a_seed(deployment: Deployment, tmp_path: Path) -> None:
    kept = {name: named for name, named in deployment.manifest.secrets.items() if name != "la2"}
    without = dataclasses.replace(deployment, manifest=deployment.manifest.model_copy(update={"secrets": kept}))
    apps = create_la_app(without, "la2", clock=FakeClock(), database_url=f"sqlite:///{tmp_path}/la2.db")
    try:
        assert apps.service.settings.release_token is None
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=apps.app), base_url="http://la2") as client:
            made = PlvRequest((PlvChainRequest(None, 600, 1, 1),))
            answer = PlvResponse.from_json((await client.post(PLV_ROUTE, content=made.to_json())).content, made)
            refused = await client.post(SEED_ROUTE, json=release_body(answer.chains[0].chain_id, 600),
                                        headers={"Authorization": "Bearer "})
            assert refused.status_code == 401
    finally:
        apps.engine.dispose()


def test_an_unknown_la_is_refused(deployment: Deployment) -> None:
    with pytest.raises(ValueError, match="no linkage authority 'la3'"):
        create_la_app(deployment, "la3")


def _with_release_token(deployment: Deployment, which: str, token: bytes) -> Deployment:
    """The deployment (this session's) with a new `release-token` secret file for `which`."""
    relative = f"{which}/secrets/release-token-{secrets.token_hex(4)}"
    write_secret_file(deployment.layout.root / relative, token)
    manifest = deployment.manifest.model_copy(update={"secrets": {**deployment.manifest.secrets,
                                                                   which: {RELEASE_TOKEN: relative}}})
    return dataclasses.replace(deployment, manifest=manifest)


async def test_the_token_comes_from_the_deployment_and_the_app_runs_its_lifespan(
    deployment: Deployment, tmp_path: Path
) -> None:
    configured = _with_release_token(deployment, "la2", b"a-token-from-the-deployment-1234\n")
    apps = create_la_app(configured, "la2", clock=FakeClock(), database_url=f"sqlite:///{tmp_path}/la2.db")
    assert apps.service.settings.release_token == b"a-token-from-the-deployment-1234"
    transport = httpx.ASGITransport(app=apps.app)
    async with apps.app.router.lifespan_context(apps.app), httpx.AsyncClient(transport=transport,
                                                                             base_url="http://la2") as client:
        made = PlvRequest((PlvChainRequest(None, 600, 1, 1),))
        answer = PlvResponse.from_json((await client.post(PLV_ROUTE, content=made.to_json())).content, made)
        released = await client.post(SEED_ROUTE, json=release_body(answer.chains[0].chain_id, 600),
                                     headers={"Authorization": "Bearer a-token-from-the-deployment-1234"})
        assert released.status_code == 200
    short = _with_release_token(deployment, "la1", b"too-short")
    with pytest.raises(DeploymentError, match="16 characters or more"):
        create_la_app(short, "la1", database_url=f"sqlite:///{tmp_path}/la1.db")
