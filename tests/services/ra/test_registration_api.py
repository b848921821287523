"""The operator's registration API over HTTP (httpx ASGI transport): bearer token on every route, registration,
the lifecycle through the API with its 409s, and the policy files."""

from __future__ import annotations

import dataclasses
import json

import httpx
import pytest

from scms.crypto import SoftwareKey
from scms.deployment import Deployment, dump_policy
from scms.services.ra import RaApps, canonical_id, create_ra_app

from ._support import FakeClock, operator_token, registration_body

pytestmark = pytest.mark.anyio

ROUTES = [
    ("POST", "/registration/v1/devices"),
    ("GET", "/registration/v1/devices/" + "ab" * 32),
    ("POST", "/registration/v1/devices/" + "ab" * 32 + "/block"),
    ("POST", "/registration/v1/devices/" + "ab" * 32 + "/unblock"),
    ("DELETE", "/registration/v1/devices/" + "ab" * 32),
    ("GET", "/registration/v1/policy/global"),
    ("GET", "/registration/v1/policy/devices/OBU"),
]


@pytest.mark.parametrize(("method", "path"), ROUTES)
@pytest.mark.parametrize("authorization", [None, "Bearer wrong-token-0123456789", "Basic b3BlcmF0b3I6eA==", "Bearer"])
async def test_every_route_needs_the_operator_token(
    ra: RaApps, deployment: Deployment, method: str, path: str, authorization: str | None
) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    if authorization == "Basic b3BlcmF0b3I6eA==":  # the right token under another scheme is refused too
        headers["Authorization"] = f"Basic {operator_token(deployment)}"
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=ra.public), base_url="http://ra") as http:
        response = await http.request(method, path, headers=headers, json=registration_body(SoftwareKey.generate()))
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert "Ieee-1609.2.1-Error" not in response.headers


async def test_register_and_read_a_device(operator: httpx.AsyncClient, ra_clock: FakeClock) -> None:
    key = SoftwareKey.generate()
    created = await operator.post("/registration/v1/devices", json=registration_body(key))
    assert created.status_code == 201
    body = created.json()
    assert body["canonical_id"] == canonical_id(key.public_point)
    assert body["state"] == "registered" and body["device_type"] == "OBU" and body["curve"] == "P-256"
    assert body["public_key"] == key.public_point.encode(compressed=True).hex()
    assert body["enrollment_certificates"] == [] and body["format_version"] == 1
    assert body["registered_at"] == body["updated_at"] == ra_clock.now.isoformat().replace("+00:00", "Z")

    ra_clock.advance(60)
    again = await operator.post("/registration/v1/devices", json=registration_body(key, compressed=False))
    assert again.status_code == 200 and again.json() == body  # the uncompressed form names the same key
    read = await operator.get(f"/registration/v1/devices/{body['canonical_id']}")
    assert read.status_code == 200 and read.json() == body
    conflict = await operator.post("/registration/v1/devices", json=registration_body(key, "RSU"))
    assert conflict.status_code == 409 and "registered as OBU" in conflict.json()["detail"]


@pytest.mark.parametrize(("change", "reason"), [
    ({"public_key": "02" + "ff" * 32}, "not a P-256 point"),
    ({"curve": "P-384"}, "not a P-384 point"),
])
async def test_a_key_that_is_no_point_is_400(operator: httpx.AsyncClient, change: dict[str, str], reason: str) -> None:
    response = await operator.post("/registration/v1/devices", json={**registration_body(SoftwareKey.generate()),
                                                                       **change})
    assert response.status_code == 400 and reason in response.json()["detail"]


@pytest.mark.parametrize("body", [
    {"device_type": "TRUCK", "curve": "P-256", "public_key": "02" + "11" * 32},
    {"device_type": "OBU", "curve": "P-521", "public_key": "02" + "11" * 32},
    {"device_type": "OBU", "public_key": "zz"},
    {"device_type": "OBU", "public_key": "02" + "11" * 32, "colour": "blue"},
])
async def test_a_body_that_does_not_fit_is_failed_parsing(operator: httpx.AsyncClient, body: dict[str, str]) -> None:
    response = await operator.post("/registration/v1/devices", json=body)
    assert (response.status_code, response.headers["Ieee-1609.2.1-Error"]) == (400, "400-42")


async def test_unknown_and_malformed_ids(operator: httpx.AsyncClient) -> None:
    unknown = await operator.get("/registration/v1/devices/" + "cd" * 32)
    assert unknown.status_code == 404 and unknown.json()["detail"] == f"no device {'cd' * 32}"
    assert (await operator.post("/registration/v1/devices/" + "cd" * 32 + "/block")).status_code == 404
    malformed = await operator.get("/registration/v1/devices/CD" + "cd" * 31)
    assert malformed.status_code == 400


async def test_block_unblock_delete_and_the_illegal_ones(operator: httpx.AsyncClient) -> None:
    key = SoftwareKey.generate()
    device = (await operator.post("/registration/v1/devices", json=registration_body(key, "RSU"))).json()
    path = f"/registration/v1/devices/{device['canonical_id']}"

    blocked = await operator.post(f"{path}/block")
    assert blocked.status_code == 200
    assert (blocked.json()["state"], blocked.json()["blocked_from"]) == ("blocked", "registered")
    twice = await operator.post(f"{path}/block")
    assert twice.status_code == 409
    assert twice.json()["detail"] == f"device {device['canonical_id']} is blocked: block is not allowed"

    unblocked = await operator.post(f"{path}/unblock")
    assert unblocked.status_code == 200 and unblocked.json()["state"] == "registered"
    assert unblocked.json()["blocked_from"] is None
    assert (await operator.post(f"{path}/unblock")).status_code == 409

    deleted = await operator.delete(path)
    assert deleted.status_code == 200 and deleted.json()["state"] == "deleted"
    assert (await operator.delete(path)).status_code == 409
    assert (await operator.post(f"{path}/block")).status_code == 409
    again = await operator.post("/registration/v1/devices", json=registration_body(key, "RSU"))
    assert again.status_code == 409 and "was deleted" in again.json()["detail"]
    assert (await operator.get(path)).json()["state"] == "deleted"


async def test_policy_files(operator: httpx.AsyncClient, deployment: Deployment) -> None:
    global_policy = await operator.get("/registration/v1/policy/global")
    assert global_policy.status_code == 200 and global_policy.headers["content-type"] == "application/json"
    assert global_policy.content == dump_policy(deployment.global_policy)
    assert global_policy.json()["parameters"]["eca-maxAge"] == deployment.config.policy.eca_max_age
    for device_type in ("OBU", "rsu"):
        policy = await operator.get(f"/registration/v1/policy/devices/{device_type}")
        assert policy.status_code == 200
        assert json.loads(policy.content)["device_type"] == device_type.upper()
        assert policy.content == dump_policy(deployment.device_policies[device_type.upper()])
    assert (await operator.get("/registration/v1/policy/devices/truck")).status_code == 404


async def test_coarse_error_mode_keeps_the_operator_answers(deployment: Deployment, tmp_path: object) -> None:
    """scmsV3-error = coarse hides 1609.2.1 errors, not the operator API's own 401/404/409."""
    ra_config = deployment.config.ra.model_copy(update={"error_mode": "coarse"})
    config = deployment.config.model_copy(update={"ra": ra_config})
    coarse = dataclasses.replace(deployment, config=config)
    apps = create_ra_app(coarse, clock=FakeClock(), database_url=f"sqlite:///{tmp_path}/coarse.sqlite")
    headers = {"Authorization": f"Bearer {operator_token(deployment)}"}
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=apps.public), base_url="http://ra") as http:
            assert (await http.get("/registration/v1/policy/global")).status_code == 401
            assert (await http.get("/registration/v1/devices/" + "ab" * 32, headers=headers)).status_code == 404
            bad = await http.post("/registration/v1/devices", headers=headers, json={"device_type": "TRUCK"})
            assert (bad.status_code, bad.content) == (500, b"")  # a body that does not parse: coarse like the rest
    finally:
        apps.engine.dispose()
