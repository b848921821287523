"""POST /v3/authorization-certificate (1609.2.1 clause 6.3.5.2) at the real RA, with devices enrolled at the real
ECA: the acknowledgement, its durability and idempotence, and every refusal with its `Ieee-1609.2.1-Error`."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from sqlalchemy import func, select

from scms.crypto import ButterflyVariant, HashedId8, SoftwareKey
from scms.deployment import parse_config
from scms.deployment.regions import RegionSpec
from scms.dot2.certificate_builder import sign_explicit
from scms.dot2.certificate_fields import CertificateId, PublicEncryptionKey, ValidityPeriod
from scms.dot2.certificate_template import CertificateTemplate
from scms.dot2.lint.certificate import lint_certificate
from scms.dot2.permissions import PsidSsp
from scms.dot2.time import Time32
from scms.protocol.butterfly_params import ButterflyKeys, NonButterflyKeys
from scms.protocol.ee_eca import EnrollmentResult
from scms.protocol.ee_ra_ack import read_cert_ack
from scms.protocol.ee_ra_request import build_authorization_request
from scms.protocol.ra_receiver import seal_for_ra
from scms.services.common.task_tables import jobs
from scms.services.ra.authorization_store import GENERATE_JOB
from scms.services.ra.authorization_tables import authorization_requests

from .._support import FakeClock, make_deployment
from ._scms import (
    AUTHORIZATION,
    COER,
    Ee,
    Scms,
    build_scms,
    enrolled_device,
    pseudonym_fields,
)

pytestmark = pytest.mark.anyio

WEEK = 7 * 24


async def post(http: httpx.AsyncClient, data: bytes) -> httpx.Response:
    return await http.post(AUTHORIZATION, content=data, headers=COER)


def assert_refused(response: httpx.Response, code: str) -> None:
    assert (response.status_code, response.headers.get("Ieee-1609.2.1-Error")) == (int(code[:3]), code), \
        response.text


def rows(scms: Scms) -> tuple[int, int]:
    """(accepted requests, generation jobs) in the RA's database."""
    with scms.ra.engine.connect() as connection:
        return (connection.execute(select(func.count()).select_from(authorization_requests)).scalar_one(),
                connection.execute(select(func.count()).where(jobs.c.kind == GENERATE_JOB)).scalar_one())


async def test_the_ack_names_the_request_and_the_request_is_committed_first(
        shared: Scms, http: httpx.AsyncClient) -> None:
    ee = await enrolled_device(shared, http)
    before = rows(shared)
    data, secrets = ee.authorization_request(pseudonym_fields(shared.now, hours=3 * WEEK))
    response = await post(http, data)
    assert response.status_code == 200 and response.headers["content-type"] == "application/octet-stream"
    ack = read_cert_ack(response.content, secrets.request_hash, ee.ra_certificate, shared.now)
    assert ack.request_hash == HashedId8.of(data) and ack.generation_time == shared.now
    periods = shared.deployment.global_policy.parameters.i_periods()
    current = periods.i_at(shared.now)       # the ACA certificate starts with it (scms.manager.profiles): the first
    assert periods.start(current) == shared.deployment.certificate("aca").validity.start < shared.now
    assert ack.first_i == current
    assert ack.next_dl_time == shared.now + 2          # GenerationSettings.download_delay_s of the tests
    assert rows(shared) == (before[0] + 1, before[1] + 1)
    stored = shared.ra.service.requests.find(secrets.request_hash)
    assert stored is not None and stored.ack == response.content and stored.state == "accepted"
    assert stored.enrollment_id == ee.enrollment.certificate.hashed_id8()
    assert (stored.i_first, stored.j_count) == (ack.first_i, 20)
    assert stored.i_last == periods.i_at(Time32(shared.now + 3 * WEEK * 3600 - 1))
    # the same bytes again (a retry after a lost answer): the same acknowledgement, nothing new stored
    again = await post(http, data)
    assert again.status_code == 200 and again.content == response.content
    assert rows(shared) == (before[0] + 1, before[1] + 1)
    # the device is provisioning now
    device = shared.ra.devices.get(stored.canonical_id)
    assert device is not None and device.state.value == "provisioning"


async def test_identification_requests_have_no_first_i(shared: Scms, http: httpx.AsyncClient) -> None:
    ee = await enrolled_device(shared, http)
    data, secrets = ee.identification_request(encrypted=True)
    response = await post(http, data)
    ack = read_cert_ack(response.content, secrets.request_hash, ee.ra_certificate, shared.now)
    assert ack.first_i is None
    stored = shared.ra.service.requests.find(secrets.request_hash)
    assert stored is not None and (stored.profile, stored.i_first, stored.j_count) == ("identification", None, 1)


async def test_garbage_wrong_type_and_unencrypted_requests(shared: Scms, http: httpx.AsyncClient) -> None:
    ee = await enrolled_device(shared, http)
    assert_refused(await post(http, b"\x03\x81garbage"), "400-42")
    data, _ = ee.authorization_request()
    assert_refused(await http.post(AUTHORIZATION, content=data, headers={"Content-Type": "text/plain"}),
                   "400-42")
    signed = shared.ra.service.receiver(lambda *_: None).open(data)   # what the EE signed, not encrypted
    assert_refused(await post(http, signed), "400-10")
    ma = shared.deployment.certificate("ma")                       # encrypted for another certificate
    assert_refused(await post(http, seal_for_ra(signed, ma)), "400-81")
    tampered = data[:-1] + bytes([data[-1] ^ 1])                    # the AES-CCM tag no longer matches
    assert_refused(await post(http, tampered), "400-41")


async def test_signature_and_chain_refusals(shared: Scms, http: httpx.AsyncClient) -> None:
    ee = await enrolled_device(shared, http)
    now = shared.now
    keys = ButterflyKeys.generate(ButterflyVariant.UNIFIED)
    forged, _ = build_authorization_request(pseudonym_fields(now), keys, SoftwareKey.generate(),
                                            ee.enrollment.certificate, ee.ra_certificate, now)
    assert_refused(await post(http, forged), "400-43")
    # an "enrollment certificate" of our own making: no chain to the deployment's ECA and root
    own_key = SoftwareKey.generate()
    template = CertificateTemplate(id=CertificateId.named("self.example"), validity=ValidityPeriod.years(now, 1),
                                   app_permissions=(PsidSsp(32),), verification_key=own_key.public_point)
    own = sign_explicit(lint_certificate(template, None), None, own_key)
    stranger = EnrollmentResult(own, own_key, (), now)
    data, _ = ee.authorization_request(enrollment=stranger)
    assert_refused(await post(http, data), "400-40")


async def test_device_state_refusals(shared: Scms, http: httpx.AsyncClient) -> None:
    blocked, deleted = await enrolled_device(shared, http), await enrolled_device(shared, http)
    for ee, action, code in ((blocked, "block", "400-20"), (deleted, "delete", "400-21")):
        identifier = shared.ra.devices.device_of_enrollment_certificate(
            ee.enrollment.certificate.hashed_id8())
        assert identifier is not None
        path = f"/ra/registration/v1/devices/{identifier.canonical_id}"
        answer = await (http.delete(path) if action == "delete" else http.post(f"{path}/block"))
        assert answer.status_code == 200
        data, _ = ee.authorization_request()
        assert_refused(await post(http, data), code)


async def test_policy_refusals(shared: Scms, http: httpx.AsyncClient) -> None:
    ee = await enrolled_device(shared, http)
    now = shared.now
    cases = [
        (pseudonym_fields(now, psids=(99,)), None, "400-30"),                 # beyond the enrollment cert
        (pseudonym_fields(now, psids=(32, 135)), None, "400-30"),             # in no one set
        (pseudonym_fields(now, psids=(135,)), None, "400-34"),                # a butterfly identification
        (pseudonym_fields(now), NonButterflyKeys(SoftwareKey.generate()), "400-34"),  # pseudonyms, no butterfly
        (pseudonym_fields(now, encryption_key=PublicEncryptionKey(SoftwareKey.generate().public_point)), None,
         "400-32"),
        (pseudonym_fields(now, hours=4 * 8766), None, "400-35"),               # past the enrollment certificate
        (pseudonym_fields(Time32(now + 94_670_857)), None, "400-78"),           # starts after ra-maxGenDelay
    ]
    for fields_, keys, code in cases:
        data, _ = ee.authorization_request(fields_, keys=keys)
        assert_refused(await post(http, data), code)
    identification, _ = ee.identification_request(encrypted=False, hours=169)   # the set allows 168 hours
    assert_refused(await post(http, identification), "400-35")


async def test_butterfly_variants_outside_ra_butterfly_type_are_refused(shared: Scms, http: httpx.AsyncClient) -> None:
    with shared.policy(butterfly_types=(ButterflyVariant.UNIFIED,)):
        ee = await enrolled_device(shared, http)
        data, _ = ee.authorization_request(keys=ButterflyKeys.generate(ButterflyVariant.ORIGINAL))
        assert_refused(await post(http, data), "400-34")
        data, _ = ee.authorization_request(keys=ButterflyKeys.generate(ButterflyVariant.UNIFIED))
        assert (await post(http, data)).status_code == 200


async def test_region_outside_the_device_policy_is_refused(shared: Scms, http: httpx.AsyncClient) -> None:
    service = shared.ra.service
    saved = service.settings
    obu = saved.device_policies["OBU"].model_copy(update={"region": RegionSpec(countries=[840])})
    service.settings = dataclasses.replace(saved, device_policies={**saved.device_policies, "OBU": obu})
    try:
        ee = await enrolled_device(shared, http)
        canada = RegionSpec(countries=[124]).to_region()
        data, _ = ee.authorization_request(pseudonym_fields(shared.now, region=canada))
        assert_refused(await post(http, data), "400-33")
        usa = RegionSpec(countries=[840]).to_region()
        data, secrets = ee.authorization_request(pseudonym_fields(shared.now, region=usa))
        assert (await post(http, data)).status_code == 200
        stored = service.requests.find(secrets.request_hash)
        assert stored is not None
    finally:
        service.settings = saved


async def test_generation_time_refusals(shared: Scms, module_clock: FakeClock, http: httpx.AsyncClient
                                        ) -> None:
    ee = await enrolled_device(shared, http)
    start = shared.now
    future, _ = ee.authorization_request(now=Time32(start + 1))
    assert_refused(await post(http, future), "400-50")
    before_enrollment, _ = ee.authorization_request(now=Time32(start - 5))   # the certificate starts at `start`
    assert_refused(await post(http, before_enrollment), "400-712")
    module_clock.advance(400)
    stale, _ = ee.authorization_request(now=Time32(start + 50))              # 350 s old > ra-maxAge 300
    assert_refused(await post(http, stale), "400-77")
    fresh, _ = ee.authorization_request(now=Time32(shared.now - 299))
    assert (await post(http, fresh)).status_code == 200


async def test_ra_max_reqs_and_min_wait_count_per_enrollment_certificate_and_set(
        shared: Scms, module_clock: FakeClock, http: httpx.AsyncClient) -> None:
    with shared.policy(ra_max_reqs=2, ra_min_wait=60):
        ee, other = await enrolled_device(shared, http), await enrolled_device(shared, http)
        assert (await post(http, ee.authorization_request()[0])).status_code == 200
        module_clock.advance(30)
        assert_refused(await post(http, ee.authorization_request()[0]), "400-711")
        assert (await post(http, ee.identification_request(encrypted=False)[0])).status_code == 200  # other set
        assert (await post(http, other.authorization_request()[0])).status_code == 200   # other certificate
        module_clock.advance(31)
        assert (await post(http, ee.authorization_request()[0])).status_code == 200
        module_clock.advance(61)
        assert_refused(await post(http, ee.authorization_request()[0]), "400-79")


@pytest.fixture(scope="module")
def coarse(tmp_path_factory: pytest.TempPathFactory, module_clock: FakeClock) -> Iterator[Scms]:
    directory = tmp_path_factory.mktemp("ra-coarse")
    deployment = make_deployment(directory / "scms-data", parse_config('[ra]\nerror_mode = "coarse"\n'))
    built = build_scms(deployment, f"sqlite:///{directory / 'ra.db'}", module_clock)
    yield built
    built.close()


@pytest.fixture(scope="module")
async def coarse_http(coarse: Scms) -> AsyncIterator[httpx.AsyncClient]:
    async with coarse.running(ra_runner=False) as client:
        yield client


async def test_coarse_mode_hides_every_refusal_behind_a_bare_500(coarse: Scms, coarse_http: httpx.AsyncClient
                                                                  ) -> None:
    http = coarse_http
    ee: Ee = await enrolled_device(coarse, http)
    for data in (b"garbage", ee.authorization_request(pseudonym_fields(coarse.now, psids=(99,)))[0]):
        response = await post(http, data)
        assert (response.status_code, response.content) == (500, b"")
        assert "Ieee-1609.2.1-Error" not in response.headers
    good, secrets = ee.authorization_request()
    response = await post(http, good)
    assert read_cert_ack(response.content, secrets.request_hash, ee.ra_certificate, coarse.now)
