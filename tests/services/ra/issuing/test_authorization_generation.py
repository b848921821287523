"""Certificate generation behind the RA (1609.2.1 clauses 6.3.3, 8.2, 9.3) with the real LAs and ACA: every butterfly
variant, explicit and implicit, and identification certificates plain and encrypted, read by the EE as a device
does (private key checked against the certificate, chain to the deployment's root, linkage value recomputed from
both LAs' stored seeds); the "not yet" answer until the batch exists; later i-periods generated when they come
within ra-maxPreloadTime; chains extended by a device's next request; cancelled and failed requests."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import func, select

from scms.crypto import ButterflyVariant
from scms.deployment import Deployment
from scms.dot2.certificate_fields import CertificateType
from scms.dot2.errors import ErrorCode
from scms.dot2.time import IValue, Time32
from scms.protocol.butterfly_params import ButterflyKeys
from scms.protocol.download_files import batch_filename, certificate_filename, read_batch_zip
from scms.protocol.ee_ra_ack import read_cert_ack
from scms.protocol.ra_aca_batch import AcaRaBatch, RaAcaBatch
from scms.services.common import JobState, RunnerSettings
from scms.services.common.task_tables import jobs
from scms.services.la.tables import chains
from scms.services.ra import generation_rounds
from scms.services.ra.authorization_policy import period_validity
from scms.services.ra.issuing_app import WARM_UP_JOB

from ...common.test_task_runner import settled
from .._support import FakeClock
from ._scms import (
    AUTHORIZATION,
    COER,
    THREADS,
    Ee,
    Scms,
    build_scms,
    enrolled_device,
    expected_linkage_value,
    pseudonym_fields,
    run_due_jobs,
    stored_request,
)

pytestmark = pytest.mark.anyio


def next_period(scms: Scms, ahead: int = 1) -> tuple[IValue, Time32]:
    periods = scms.deployment.global_policy.parameters.i_periods()
    i = IValue(periods.i_at(scms.now) + ahead)
    return i, periods.start(i)


async def download(http: httpx.AsyncClient, ee: Ee, name: str) -> httpx.Response:
    return await http.get(AUTHORIZATION, params={"filename": name}, headers=ee.download_header(name))


@pytest.mark.parametrize("variant", list(ButterflyVariant))
@pytest.mark.parametrize("kind", [CertificateType.IMPLICIT, CertificateType.EXPLICIT])
async def test_pseudonym_batches_of_every_variant(shared: Scms, http: httpx.AsyncClient, variant: ButterflyVariant,
                                                  kind: CertificateType) -> None:
    ee = await enrolled_device(shared, http)
    i, start = next_period(shared)
    data, secrets = ee.authorization_request(pseudonym_fields(start, hours=24), keys=ButterflyKeys.generate(variant),
                                             kind=kind)
    ack = read_cert_ack((await http.post(AUTHORIZATION, content=data, headers=COER)).content, secrets.request_hash,
                        ee.ra_certificate, shared.now)
    assert ack.first_i == i
    name = batch_filename(secrets.request_hash, i)
    not_yet = await download(http, ee, name)
    assert not_yet.status_code == 404 and "Ieee-1609.2.1-Error" not in not_yet.headers
    assert not_yet.json() == {"status": "not yet", "nextDlTime": ack.next_dl_time}
    assert int(not_yet.headers["Retry-After"]) == ack.next_dl_time - shared.now
    assert (await run_due_jobs(shared))[-1] == "complete: 1 file(s)"
    got = await download(http, ee, name)
    assert got.status_code == 200 and got.headers["content-disposition"] == f"attachment; filename={name}"
    batch = read_batch_zip(got.content, secrets.request_hash)
    assert batch.info.current_i == i and sorted(batch.responses) == list(range(20))
    assert batch.info.next_dl_time == shared.deployment.global_policy.parameters.i_periods().start(i + 1)
    certificates = ee.read_batch(got.content, secrets)
    request = stored_request(shared, data)
    validity = period_validity(shared.deployment.global_policy.parameters, i)
    for j, received in enumerate(certificates):
        linkage = received.certificate.id.linkage
        assert linkage is not None and linkage.i_cert == i
        assert linkage.linkage_value == expected_linkage_value(shared, request, i, j)
        assert received.certificate.validity == validity
        assert received.certificate.type is kind
    assert len({c.certificate.hashed_id8() for c in certificates}) == 20
    assert shared.ra.service.requests.find(secrets.request_hash).state == "complete"  # type: ignore[union-attr]


@pytest.mark.parametrize(("device_type", "encrypted", "kind"), [
    ("OBU", False, CertificateType.IMPLICIT),
    ("OBU", True, CertificateType.EXPLICIT),
    ("RSU", True, CertificateType.IMPLICIT),
    ("RSU", False, CertificateType.EXPLICIT),
])
async def test_identification_certificates_are_one_file(shared: Scms, http: httpx.AsyncClient, device_type: str,
                                                        encrypted: bool, kind: CertificateType) -> None:
    ee = await enrolled_device(shared, http, device_type)
    data, secrets = ee.identification_request(encrypted=encrypted, kind=kind)
    assert (await http.post(AUTHORIZATION, content=data, headers=COER)).status_code == 200
    name = certificate_filename(secrets.request_hash)
    assert (await download(http, ee, name)).status_code == 404
    assert (await run_due_jobs(shared))[-1] == "complete: 1 file(s)"
    got = await download(http, ee, name)
    assert got.status_code == 200
    received = ee.read_one(got.content, secrets)
    assert received.certificate.id.linkage is None and received.certificate.app_permissions[0].psid == 135
    assert received.certificate.validity.count == 168 and received.certificate.type is kind
    device = shared.ra.devices.get(stored_request(shared, data).canonical_id)
    assert device is not None and device.state.value == "enrolled"     # provisioned: no request left


async def test_later_periods_wait_for_ra_max_preload_time(shared: Scms, http: httpx.AsyncClient,
                                                          module_clock: FakeClock) -> None:
    service = shared.ra.service
    saved = service.settings
    week = saved.parameters.i_period_length
    service.settings = dataclasses.replace(saved, parameters=saved.parameters.model_copy(
        update={"ra_max_preload_time": 2 * week}))
    try:
        ee = await enrolled_device(shared, http)
        i, start = next_period(shared)
        data, secrets = ee.authorization_request(pseudonym_fields(start, hours=4 * week // 3600),
                                                 keys=ButterflyKeys.generate(ButterflyVariant.COMPACT_UNIFIED))
        assert (await http.post(AUTHORIZATION, content=data, headers=COER)).status_code == 200
        results = await run_due_jobs(shared)
        assert results == [f"planned i-periods {int(i)}..{i + 1}",
                           f"i-periods {int(i)}..{i + 1}; the next part from {i + 2}"]
        assert service.items.files(secrets.request_hash) == {i, i + 1}
        batch = read_batch_zip((await download(http, ee, batch_filename(secrets.request_hash, i + 1))).content)
        due = service.settings.parameters.i_periods().start(i + 2) - 2 * week
        assert batch.info.next_dl_time == max(due, stored_request(shared, data).received_at) + 2
        later = await download(http, ee, batch_filename(secrets.request_hash, i + 2))
        assert later.status_code == 404 and later.json()["nextDlTime"] == batch.info.next_dl_time
        assert await run_due_jobs(shared) == []                          # not due yet
        for k, result in ((2, f"i-periods {i + 2}..{i + 2}; the next part from {i + 3}"),
                          (3, "complete: 4 file(s)")):
            due_k = service.settings.parameters.i_periods().start(i + k) - 2 * week
            module_clock.now = max(module_clock.now, service.settings.datetime(Time32(due_k)) + dt.timedelta(seconds=1))
            assert (await run_due_jobs(shared))[-1] == result
        assert service.items.files(secrets.request_hash) == {i, i + 1, i + 2, i + 3}
        for k in range(4):
            got = await download(http, ee, batch_filename(secrets.request_hash, i + k))
            assert len(ee.read_batch(got.content, secrets)) == 20
    finally:
        service.settings = saved


async def test_a_device_s_next_request_extends_its_linkage_chains(shared: Scms, http: httpx.AsyncClient) -> None:
    ee = await enrolled_device(shared, http)
    i, start = next_period(shared)
    first, _ = ee.authorization_request(pseudonym_fields(start, hours=24))
    later_i, later_start = next_period(shared, 3)
    second, secrets = ee.authorization_request(pseudonym_fields(later_start, hours=24))
    la_chains_before = {which: _count(la.engine) for which, la in shared.las.items()}
    for data in (first, second):
        assert (await http.post(AUTHORIZATION, content=data, headers=COER)).status_code == 200
        await run_due_jobs(shared)
    one, two = stored_request(shared, first), stored_request(shared, second)
    assert (one.chain_1, one.chain_2) == (two.chain_1, two.chain_2) and one.chain_1 is not None
    assert {which: _count(la.engine) for which, la in shared.las.items()} == {
        which: count + 1 for which, count in la_chains_before.items()}
    got = await download(http, ee, batch_filename(secrets.request_hash, later_i))
    for j, received in enumerate(ee.read_batch(got.content, secrets)):
        assert received.certificate.id.linkage.linkage_value == expected_linkage_value(  # type: ignore[union-attr]
            shared, two, later_i, j)
    assert i != later_i


def _count(engine: object) -> int:
    with engine.connect() as connection:  # type: ignore[attr-defined]
        return int(connection.execute(select(func.count()).select_from(chains)).scalar_one())


async def test_a_device_blocked_after_its_request_gets_nothing_more(shared: Scms, http: httpx.AsyncClient) -> None:
    ee = await enrolled_device(shared, http)
    data, secrets = ee.authorization_request()
    assert (await http.post(AUTHORIZATION, content=data, headers=COER)).status_code == 200
    device = stored_request(shared, data).canonical_id
    assert (await http.post(f"/ra/registration/v1/devices/{device}/block")).status_code == 200
    assert await run_due_jobs(shared) == ["cancelled: device blocked or deleted"]
    assert stored_request(shared, data).state == "cancelled"
    assert shared.ra.service.items.files(secrets.request_hash) == set()
    name = batch_filename(secrets.request_hash, stored_request(shared, data).i_first or 0)
    response = await download(http, ee, name)
    assert response.headers["Ieee-1609.2.1-Error"] == "400-20"


class RefusingAca(httpx.AsyncBaseTransport):
    """Answers every request of a batch with a 1609.2.1 error (what an ACA says for requests it refuses)."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        batch = RaAcaBatch.from_json(await request.aread())
        refused = AcaRaBatch(tuple(ErrorCode.DISALLOWED_APP_PERMISSIONS for _ in batch.requests))
        return httpx.Response(200, content=refused.to_json())


@pytest.fixture
def refused_scms(deployment: Deployment, tmp_path: object, clock: FakeClock) -> Iterator[Scms]:
    built = build_scms(deployment, f"sqlite:///{tmp_path}/ra.db", clock, transports={"aca": RefusingAca()})
    yield built
    built.close()


async def test_requests_the_aca_refuses_fail_and_are_never_downloadable(refused_scms: Scms) -> None:
    scms = refused_scms
    async with scms.running(ra_runner=False) as http:
        ee = await enrolled_device(scms, http)
        data, secrets = ee.authorization_request()
        assert (await http.post(AUTHORIZATION, content=data, headers=COER)).status_code == 200
        assert (await run_due_jobs(scms))[-1] == "failed"
        assert stored_request(scms, data).state == "failed"
        name = batch_filename(secrets.request_hash, stored_request(scms, data).i_first or 0)
        response = await download(http, ee, name)
        assert response.status_code == 404 and "Retry-After" not in response.headers and response.content == b""


class BusyOnce(httpx.AsyncBaseTransport):
    """The ACA's app, answering its first call 503 (not answered in time) as a slow ACA does."""

    def __init__(self) -> None:
        self.app: object = None
        self.calls = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        if self.calls == 1:
            return httpx.Response(503, headers={"Retry-After": "5"})
        return await httpx.ASGITransport(app=self.app).handle_async_request(request)  # type: ignore[arg-type]


async def test_a_batch_the_aca_could_not_answer_in_time_is_sent_again(
        deployment: Deployment, tmp_path: object, clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(generation_rounds, "_BUSY_WAIT_S", 0.0)
    busy = BusyOnce()
    scms = build_scms(deployment, f"sqlite:///{tmp_path}/ra.db", clock, transports={"aca": busy})
    try:
        async with scms.running(ra_runner=False) as client:
            ee = await enrolled_device(scms, client)
            data, _ = ee.authorization_request()
            assert (await client.post(AUTHORIZATION, content=data, headers=COER)).status_code == 200
            assert (await run_due_jobs(scms))[-1].startswith("complete: ")   # the i-periods of now: 1 or 2 files
            assert busy.calls == 2
    finally:
        scms.close()


POOL = dataclasses.replace(THREADS, cpu_workers=2)
"""The RA's runner as the embedded default has it: CPU steps in a pool of two spawned processes."""


def _jobs_of_kind(scms: Scms, kind: str) -> list[int]:
    with scms.ra.engine.connect() as connection:
        return list(connection.scalars(select(jobs.c.id).where(jobs.c.kind == kind)))


@pytest.mark.parametrize("runner", [THREADS, POOL], ids=["threads", "pool"])
async def test_the_ra_s_own_runner_generates_in_the_background(deployment: Deployment, tmp_path: object,
                                                              clock: FakeClock, runner: RunnerSettings) -> None:
    scms = build_scms(deployment, f"sqlite:///{tmp_path}/ra.db", clock, ra_runner=runner)
    try:
        async with scms.running() as client:
            warm_ups = await asyncio.to_thread(_jobs_of_kind, scms, WARM_UP_JOB)
            if runner.cpu_workers:    # enqueued at start: every process loads before the first request needs it
                assert len(warm_ups) == 1
                [warm_up] = await settled(scms.jobs, warm_ups, timeout=60)
                assert (warm_up.state, warm_up.result) == (JobState.SUCCEEDED, "2 processes ready")
            else:
                assert warm_ups == []
            ee = await enrolled_device(scms, client)
            i, start = next_period(scms)
            data, secrets = ee.authorization_request(pseudonym_fields(start, hours=24))
            assert (await client.post(AUTHORIZATION, content=data, headers=COER)).status_code == 200
            name = batch_filename(secrets.request_hash, i)
            for _ in range(300):
                got = await download(client, ee, name)
                if got.status_code == 200:
                    break
                assert got.json()["status"] == "not yet"
                await asyncio.sleep(0.05)
            assert len(ee.read_batch(got.content, secrets)) == 20
    finally:
        scms.close()


class TickingClock(FakeClock):
    """A clock that moves one second each time it is read: the ACA signs its answers after the RA's round began."""

    def __call__(self) -> dt.datetime:
        self.advance(1)
        return self.now


async def test_answers_signed_after_the_round_began_are_accepted(deployment: Deployment, tmp_path: object) -> None:
    clock = TickingClock()
    scms = build_scms(deployment, f"sqlite:///{tmp_path}/ra.db", clock)
    try:
        async with scms.running(ra_runner=False) as client:
            ee = await enrolled_device(scms, client)
            data, _ = ee.authorization_request()
            assert (await client.post(AUTHORIZATION, content=data, headers=COER)).status_code == 200
            assert (await run_due_jobs(scms))[-1].startswith("complete: ")   # the i-periods of now: 1 or 2 files
    finally:
        scms.close()
