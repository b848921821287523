"""Successor enrollment at the ECA (1609.2.1 clause 6.3.5.4): the inner request a device builds
(`build_successor_request`) forwarded by the RA to the ECA's internal app, answered with a response the device
reads; the refusals (400-62, 400-21, 400-20, 400-42), idempotence, and fine errors even in coarse mode."""

from __future__ import annotations

import base64
import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from scms.crypto import SoftwareKey
from scms.deployment import Deployment
from scms.dot2.certificate_fields import CertificateType
from scms.protocol.ee_eca import CanonicalIdentity, EnrollmentResult, build_enrollment_request
from scms.protocol.ee_ra_successor import build_successor_request

from ..ra._support import FakeClock
from ._support import COER, ENROLL, Device, Stack, build_stack, fields, read_response, register

pytestmark = pytest.mark.anyio

FORWARD = "/internal/v1/successor-enrollment"


@pytest.fixture
async def ra_side(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    """What the RA holds: a client of the ECA's internal app."""
    transport = httpx.ASGITransport(app=stack.eca.internal)
    async with httpx.AsyncClient(transport=transport, base_url="http://eca-internal") as client:
        yield client


async def enrolled(stack: Stack, http: httpx.AsyncClient) -> tuple[Device, EnrollmentResult]:
    device = await register(http)
    request, key = device.request(stack.clock.time32, kind=CertificateType.IMPLICIT)
    response = await http.post(f"/eca{ENROLL}", content=request, headers=COER)
    return device, read_response(stack, response.content, request, key)


def successor(stack: Stack, current: EnrollmentResult) -> tuple[bytes, SoftwareKey]:
    """The inner EeEcaCertRequestSpdu of the device's successor request (what the RA forwards)."""
    new_key = SoftwareKey.generate()
    _, inner = build_successor_request(fields(stack.clock.time32), new_key, current.private_key, current.certificate,
                                       stack.deployment.certificate("ra"), stack.clock.time32)
    return inner, new_key


def forward(device: Device, inner: bytes, current: EnrollmentResult | None = None) -> dict[str, object]:
    body: dict[str, object] = {"version": 1, "canonical_id": device.canonical_id,
                               "request": base64.b64encode(inner).decode()}
    if current is not None:
        body["enrollment_certificate"] = current.certificate.hashed_id8().hex()
    return body


async def test_a_forwarded_successor_request_gets_a_new_certificate_once(
    stack: Stack, http: httpx.AsyncClient, ra_side: httpx.AsyncClient
) -> None:
    device, current = await enrolled(stack, http)
    stack.clock.advance(3600)
    inner, new_key = successor(stack, current)
    answer = await ra_side.post(FORWARD, json=forward(device, inner, current))
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/octet-stream"
    result = read_response(stack, answer.content, inner, new_key)
    assert result.certificate.hashed_id8() != current.certificate.hashed_id8()
    assert result.private_key.public_point == result.certificate.public_key(stack.deployment.certificate("eca"))
    again = await ra_side.post(FORWARD, json=forward(device, inner))  # the RA's job ran twice
    assert again.content == answer.content
    seen = (await http.get(f"/ra/registration/v1/devices/{device.canonical_id}")).json()
    assert seen["enrollment_certificates"] == [current.certificate.hashed_id8().hex(),
                                               result.certificate.hashed_id8().hex()]
    # and the successor's certificate can sign the next successor request
    stack.clock.advance(3600)
    later, later_key = successor(stack, result)
    third = await ra_side.post(FORWARD, json=forward(device, later, result))
    third_certificate = read_response(stack, third.content, later, later_key).certificate
    assert third_certificate.type is CertificateType.IMPLICIT  # build_successor_request asks for implicit
    assert third_certificate.hashed_id8() not in (current.certificate.hashed_id8(), result.certificate.hashed_id8())


async def test_refusals(stack: Stack, http: httpx.AsyncClient, ra_side: httpx.AsyncClient) -> None:
    device, current = await enrolled(stack, http)
    other, elsewhere = await enrolled(stack, http)
    inner, _ = successor(stack, current)

    def refused(response: httpx.Response, header: str) -> None:
        assert (response.status_code, response.headers.get("Ieee-1609.2.1-Error")) == (400, header), response.text

    refused(await ra_side.post(FORWARD, json=forward(device, inner, elsewhere)), "400-62")  # another's certificate
    stranger = Device(SoftwareKey.generate())
    refused(await ra_side.post(FORWARD, json=forward(stranger, inner)), "400-21")
    canonical = build_enrollment_request(fields(stack.clock.time32), SoftwareKey.generate(), stack.clock.time32,
                                         canonical=CanonicalIdentity(device.canonical_id, device.canonical))
    refused(await ra_side.post(FORWARD, json=forward(device, canonical)), "400-42")
    refused(await ra_side.post(FORWARD, json={**forward(device, inner), "request": "not base64!"}), "400-42")
    refused(await ra_side.post(FORWARD, json={**forward(device, inner), "version": 2}), "400-42")
    await http.post(f"/ra/registration/v1/devices/{device.canonical_id}/block")
    refused(await ra_side.post(FORWARD, json=forward(device, inner, current)), "400-20")
    assert (await http.post(f"/eca{FORWARD}", json=forward(other, inner))).status_code == 404  # not public


async def test_the_internal_app_answers_fine_errors_in_coarse_mode(deployment: Deployment, tmp_path: Path) -> None:
    config = deployment.config.model_copy(
        update={"eca": deployment.config.eca.model_copy(update={"error_mode": "coarse"})})
    stack = build_stack(dataclasses.replace(deployment, config=config), FakeClock(), tmp_path)
    try:
        transport = httpx.ASGITransport(app=stack.eca.internal)
        async with httpx.AsyncClient(transport=transport, base_url="http://eca-internal") as ra_side:
            stranger = Device(SoftwareKey.generate())
            answer = await ra_side.post(FORWARD, json=forward(stranger, stranger.request(stack.clock.time32)[0]))
        assert (answer.status_code, answer.headers["Ieee-1609.2.1-Error"]) == (400, "400-21")
    finally:
        stack.close()
