"""The RA's internal API for the ECA: registration checks by canonical id or by key, the idempotent "enrolled"
report, and the separation of the internal and public apps."""

from __future__ import annotations

import httpx
import pytest

from scms.crypto import SoftwareKey

from ._support import registration_body

pytestmark = pytest.mark.anyio

CHECK = "/internal/v1/registration-check"


async def _register(operator: httpx.AsyncClient, key: SoftwareKey, device_type: str = "OBU") -> str:
    response = await operator.post("/registration/v1/devices", json=registration_body(key, device_type))
    assert response.status_code == 201
    identifier: str = response.json()["canonical_id"]
    return identifier


async def test_registration_check_by_id_and_by_key(operator: httpx.AsyncClient, internal: httpx.AsyncClient) -> None:
    key = SoftwareKey.generate()
    identifier = await _register(operator, key, "RSU")
    by_id = await internal.post(CHECK, json={"canonical_id": identifier})
    assert by_id.status_code == 200
    assert by_id.json() == {"format_version": 1, "canonical_id": identifier, "device_type": "RSU", "curve": "P-256",
                            "public_key": key.public_point.encode(compressed=True).hex(), "state": "registered"}
    by_key = await internal.post(CHECK, json={"public_key": key.public_point.encode(compressed=False).hex()})
    assert by_key.json() == by_id.json()

    await operator.post(f"/registration/v1/devices/{identifier}/block")
    assert (await internal.post(CHECK, json={"canonical_id": identifier})).json()["state"] == "blocked"


async def test_registration_check_refusals(internal: httpx.AsyncClient) -> None:
    stranger = SoftwareKey.generate().public_point.encode().hex()
    for body in ({"public_key": stranger}, {"canonical_id": "ef" * 32}):
        unknown = await internal.post(CHECK, json=body)
        assert unknown.status_code == 404 and unknown.json()["reason"] == "unregistered"
    assert (await internal.post("/internal/v1/registration-checks", json={})).json() == {"detail": "Not Found"}
    both = await internal.post(CHECK, json={"canonical_id": "ef" * 32, "public_key": stranger})
    assert both.status_code == 400 and (await internal.post(CHECK, json={})).status_code == 400
    not_a_point = await internal.post(CHECK, json={"public_key": "03" + "ff" * 32})
    assert not_a_point.status_code == 400 and "not a P-256 point" in not_a_point.json()["detail"]


async def test_enrolled_is_idempotent_and_refused_for_a_blocked_device(
    operator: httpx.AsyncClient, internal: httpx.AsyncClient
) -> None:
    identifier = await _register(operator, SoftwareKey.generate())
    report = {"enrollment_certificate": "0102030405060708"}
    first = await internal.post(f"/internal/v1/devices/{identifier}/enrolled", json=report)
    assert first.status_code == 200 and first.json()["state"] == "enrolled"
    again = await internal.post(f"/internal/v1/devices/{identifier}/enrolled", json=report)
    assert again.json() == first.json()
    seen = (await operator.get(f"/registration/v1/devices/{identifier}")).json()
    assert (seen["state"], seen["enrollment_certificates"]) == ("enrolled", ["0102030405060708"])

    await operator.post(f"/registration/v1/devices/{identifier}/block")
    refused = await internal.post(f"/internal/v1/devices/{identifier}/enrolled",
                                  json={"enrollment_certificate": "1112131415161718"})
    assert refused.status_code == 409 and "is blocked: enrol is not allowed" in refused.json()["detail"]
    unknown = await internal.post(f"/internal/v1/devices/{'aa' * 32}/enrolled", json=report)
    assert unknown.status_code == 404

    other = await _register(operator, SoftwareKey.generate())
    stolen = await internal.post(f"/internal/v1/devices/{other}/enrolled", json=report)
    assert stolen.status_code == 409 and "another device" in stolen.json()["detail"]


async def test_internal_routes_are_not_on_the_public_app(
    operator: httpx.AsyncClient, internal: httpx.AsyncClient
) -> None:
    identifier = await _register(operator, SoftwareKey.generate())
    on_public = await operator.post(CHECK, json={"canonical_id": identifier})
    assert on_public.status_code == 404
    enrolled = await operator.post(f"/internal/v1/devices/{identifier}/enrolled",
                                   json={"enrollment_certificate": "00" * 8})
    assert enrolled.status_code == 404
    assert (await internal.get(f"/registration/v1/devices/{identifier}")).status_code == 404
    assert "/internal/v1/registration-check" not in (await operator.get("/openapi.json")).json()["paths"]
    assert (await internal.get("/readyz")).json()["status"] == "ready"
