"""Every refusal of the enrollment endpoint, each with its status and exact `Ieee-1609.2.1-Error` value
(standards notes §10.3), and the coarse error mode and an unreachable RA."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import httpx
import pytest

from scms.crypto import Curve, SoftwareKey
from scms.deployment import Deployment
from scms.deployment.regions import RegionSpec
from scms.dot2.certificate_fields import CertificateType, PublicEncryptionKey, ValidityPeriod
from scms.dot2.time import Time32
from scms.protocol.ee_eca import CanonicalIdentity, build_enrollment_request
from scms.services.eca import create_eca_app

from ..ra._support import FakeClock
from ._support import COER, ENROLL, Device, Stack, build_stack, fields, read_response, register

pytestmark = pytest.mark.anyio


def assert_refused(response: httpx.Response, header: str) -> None:
    assert (response.status_code, response.headers.get("Ieee-1609.2.1-Error")) == (int(header[:3]), header), \
        response.text
    assert response.json() == {"error": header, "meaning": response.json()["meaning"]}


async def enrol(http: httpx.AsyncClient, request: bytes) -> httpx.Response:
    return await http.post(f"/eca{ENROLL}", content=request, headers=COER)


@pytest.mark.parametrize("body", [b"", b"\x03\x81\x00", bytes(range(200))], ids=["empty", "cut", "junk"])
async def test_unparsable_request_is_400_42(http: httpx.AsyncClient, body: bytes) -> None:
    assert_refused(await enrol(http, body), "400-42")


async def test_wrong_content_type_and_oversized_body_are_400_42(stack: Stack, http: httpx.AsyncClient) -> None:
    device = await register(http)
    request, _ = device.request(stack.clock.time32)
    as_json = await http.post(f"/eca{ENROLL}", content=request, headers={"Content-Type": "application/json"})
    assert_refused(as_json, "400-42")
    limit = stack.deployment.config.eca.max_body_size
    assert_refused(await enrol(http, request + bytes(limit)), "400-42")


async def test_bad_signatures_are_400_43(stack: Stack, http: httpx.AsyncClient) -> None:
    device = await register(http)
    request, _ = device.request(stack.clock.time32)
    tampered = bytearray(request)
    tampered[-3] ^= 0x40
    assert_refused(await enrol(http, bytes(tampered)), "400-43")
    # names the device's canonicalId, but is signed with another key
    impostor = CanonicalIdentity(device.canonical_id, SoftwareKey.generate())
    forged = build_enrollment_request(fields(stack.clock.time32), SoftwareKey.generate(), stack.clock.time32,
                                      canonical=impostor)
    assert_refused(await enrol(http, forged), "400-43")


async def test_generation_time_in_the_future_is_400_50_and_too_old_is_400_70(stack: Stack,
                                                                             http: httpx.AsyncClient) -> None:
    device = await register(http)
    future, _ = device.request(Time32(stack.clock.time32 + 5))
    assert_refused(await enrol(http, future), "400-50")
    old, _ = device.request(stack.clock.time32)
    stack.clock.advance(stack.deployment.global_policy.parameters.eca_max_age + 1)
    assert_refused(await enrol(http, old), "400-70")


async def test_unregistered_and_deleted_devices_are_400_21(stack: Stack, http: httpx.AsyncClient) -> None:
    stranger = Device(SoftwareKey.generate())
    assert_refused(await enrol(http, stranger.request(stack.clock.time32)[0]), "400-21")
    assert_refused(await enrol(http, stranger.request(stack.clock.time32, canonical=True)[0]), "400-21")
    not_ours = CanonicalIdentity("obu-0001", SoftwareKey.generate())  # not a canonical id the RA gives out
    odd = build_enrollment_request(fields(stack.clock.time32), SoftwareKey.generate(), stack.clock.time32,
                                   canonical=not_ours)
    assert_refused(await enrol(http, odd), "400-21")

    device = await register(http)
    await http.delete(f"/ra/registration/v1/devices/{device.canonical_id}")
    assert_refused(await enrol(http, device.request(stack.clock.time32, canonical=True)[0]), "400-21")


async def test_a_blocked_device_is_400_20_even_for_a_retry(stack: Stack, http: httpx.AsyncClient) -> None:
    device = await register(http)
    request, _ = device.request(stack.clock.time32)
    assert (await enrol(http, request)).status_code == 200
    assert (await http.post(f"/ra/registration/v1/devices/{device.canonical_id}/block")).status_code == 200
    assert_refused(await enrol(http, request), "400-20")
    assert_refused(await enrol(http, device.request(stack.clock.time32, canonical=True)[0]), "400-20")
    await http.post(f"/ra/registration/v1/devices/{device.canonical_id}/unblock")
    assert (await enrol(http, request)).status_code == 200


@pytest.mark.parametrize(("device_type", "psids"), [("OBU", (32, 99)), ("RSU", (32,)), ("RSU", (135, 38))])
async def test_psids_outside_the_device_policy_are_400_31(stack: Stack, http: httpx.AsyncClient, device_type: str,
                                                           psids: tuple[int, ...]) -> None:
    device = await register(http, device_type)
    request, _ = device.request(stack.clock.time32, template=fields(stack.clock.time32, psids=psids))
    assert_refused(await enrol(http, request), "400-31")


async def test_an_encryption_key_is_400_32(stack: Stack, http: httpx.AsyncClient) -> None:
    device = await register(http)
    template = fields(stack.clock.time32, encryption_key=PublicEncryptionKey(SoftwareKey.generate().public_point))
    assert_refused(await enrol(http, device.request(stack.clock.time32, template=template)[0]), "400-32")


async def test_implicit_with_a_p384_key_is_400_34_explicit_is_fine(stack: Stack, http: httpx.AsyncClient) -> None:
    device = await register(http)
    key = SoftwareKey.generate(Curve.P384)
    implicit, _ = device.request(stack.clock.time32, kind=CertificateType.IMPLICIT, canonical=True, key=key)
    assert_refused(await enrol(http, implicit), "400-34")
    explicit, _ = device.request(stack.clock.time32, kind=CertificateType.EXPLICIT, canonical=True, key=key)
    response = await enrol(http, explicit)
    assert response.status_code == 200
    assert read_response(stack, response.content, explicit, key).certificate.verification_key == key.public_point


async def test_validity_outside_the_policy_is_400_35_and_a_late_start_400_72(stack: Stack,
                                                                             http: httpx.AsyncClient) -> None:
    device = await register(http)
    now = stack.clock.time32
    too_long = fields(now, years=7)  # device-obu.json: enrollment_validity_years = 6
    assert_refused(await enrol(http, device.request(now, template=too_long)[0]), "400-35")
    eca_end = stack.deployment.certificate("eca").validity.end
    beyond_eca = fields(now, validity=ValidityPeriod.hours(Time32(eca_end - 3600), 2))
    late = Time32(eca_end - 3600 - stack.deployment.global_policy.parameters.eca_max_wait)
    assert_refused(await enrol(http, device.request(now, template=beyond_eca)[0]), "400-72")
    stack.clock.now = late.to_datetime()  # a request generated just within eca-maxWait of that start
    assert_refused(await enrol(http, device.request(late, template=beyond_eca)[0]), "400-35")
    stack.clock.now = now.to_datetime()
    max_wait = stack.deployment.global_policy.parameters.eca_max_wait
    starts_late = fields(now, validity=ValidityPeriod.years(Time32(now + max_wait + 1), 1))
    assert_refused(await enrol(http, device.request(now, template=starts_late)[0]), "400-72")
    just_in_time = fields(now, validity=ValidityPeriod.years(Time32(now + max_wait), 1))
    assert (await enrol(http, device.request(now, template=just_in_time)[0])).status_code == 200


def _variant(deployment: Deployment, *, region: RegionSpec | None = None, **parameters: int) -> Deployment:
    policy = deployment.global_policy
    global_policy = policy.model_copy(update={"parameters": policy.parameters.model_copy(update=parameters)})
    obu = deployment.device_policies["OBU"].model_copy(update={"region": region})
    return dataclasses.replace(deployment, global_policy=global_policy,
                               device_policies={**deployment.device_policies, "OBU": obu})


async def test_region_outside_the_device_policy_is_400_33(deployment: Deployment, tmp_path: Path) -> None:
    stack = build_stack(_variant(deployment, region=RegionSpec(countries=[840])), FakeClock(), tmp_path)
    try:
        async with stack.clients() as http:
            device = await register(http)
            now = stack.clock.time32
            canada = fields(now, region=RegionSpec(countries=[124]).to_region())
            assert_refused(await enrol(http, device.request(now, template=canada)[0]), "400-33")
            usa = RegionSpec(countries=[840]).to_region()
            for template in (fields(now, region=usa), fields(now)):  # absent: the policy's region
                request, key = device.request(now, template=template)
                response = await enrol(http, request)
                assert read_response(stack, response.content, request, key).certificate.region == usa
    finally:
        stack.close()


async def test_eca_max_reqs_is_400_71_and_eca_min_wait_400_73(deployment: Deployment, tmp_path: Path) -> None:
    clock = FakeClock()
    stack = build_stack(_variant(deployment, eca_max_reqs=2, eca_min_wait=60), clock, tmp_path)
    try:
        async with stack.clients() as http:
            device = await register(http)
            assert (await enrol(http, device.request(clock.time32)[0])).status_code == 200
            clock.advance(59)
            assert_refused(await enrol(http, device.request(clock.time32, canonical=True)[0]), "400-73")
            clock.advance(1)
            assert (await enrol(http, device.request(clock.time32, canonical=True)[0])).status_code == 200
            clock.advance(3600)
            assert_refused(await enrol(http, device.request(clock.time32, canonical=True)[0]), "400-71")
            other = await register(http)  # per device: another one is not limited
            assert (await enrol(http, other.request(clock.time32)[0])).status_code == 200
            clock.advance(7 * 24 * 3600 - 3600 - 60 + 1)  # the first request leaves the 7 x 24 h window
            assert (await enrol(http, device.request(clock.time32, canonical=True)[0])).status_code == 200
    finally:
        stack.close()


async def test_coarse_mode_answers_a_bare_500(deployment: Deployment, tmp_path: Path) -> None:
    config = deployment.config.model_copy(
        update={"eca": deployment.config.eca.model_copy(update={"error_mode": "coarse"})})
    stack = build_stack(dataclasses.replace(deployment, config=config), FakeClock(), tmp_path)
    try:
        async with stack.clients() as http:
            for request in (b"junk", Device(SoftwareKey.generate()).request(stack.clock.time32)[0]):
                response = await enrol(http, request)
                assert (response.status_code, response.content) == (500, b"")
                assert "Ieee-1609.2.1-Error" not in response.headers
    finally:
        stack.close()


async def test_an_unreachable_ra_is_503(deployment: Deployment, tmp_path: Path) -> None:
    async def broken(scope: object, receive: object, send: object) -> None:
        raise RuntimeError("the RA fell over")

    clock = FakeClock()
    eca = create_eca_app(deployment, transport_to_ra=httpx.ASGITransport(app=broken, raise_app_exceptions=False),
                         clock=clock, database_url=f"sqlite:///{tmp_path / 'eca.sqlite'}")
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=eca.public), base_url="http://eca") as http:
            request, _ = Device(SoftwareKey.generate()).request(clock.time32)
            response = await http.post(ENROLL, content=request, headers=COER)
        assert (response.status_code, response.content) == (503, b"")
    finally:
        eca.engine.dispose()
