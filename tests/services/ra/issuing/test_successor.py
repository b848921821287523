"""Successor enrollment through the RA (1609.2.1 clauses 6.3.5.4, 6.3.5.5) with the real ECA behind it: the
acknowledgement, "not yet" until the ECA answered, the `<hash>_enroll.oer` download read by the device against its
inner request, the ECA's refusal passed on, ra-minWait, and downloads by another enrollment certificate refused."""

from __future__ import annotations

import dataclasses

import httpx
import pytest

from scms.crypto import HashedId8, SoftwareKey
from scms.dot2.certificate_fields import CertificateType
from scms.protocol.download_files import enrollment_filename
from scms.protocol.ee_eca import read_enrollment_response
from scms.protocol.ee_ra_ack import read_enrollment_ack
from scms.protocol.ee_ra_successor import build_successor_request

from ...eca._support import fields
from .._support import FakeClock
from ._scms import (
    COER,
    SUCCESSOR,
    Ee,
    Scms,
    enrolled_device,
    run_due_jobs,
)

pytestmark = pytest.mark.anyio


def successor_request(ee: Ee, **changes: object) -> tuple[bytes, bytes, SoftwareKey]:
    now = ee.scms.now
    new_key = SoftwareKey.generate()
    outer, inner = build_successor_request(fields(now, **changes), new_key, ee.enrollment.private_key,
                                           ee.enrollment.certificate, ee.ra_certificate, now,
                                           certificate_type=CertificateType.IMPLICIT)
    return outer, inner, new_key


async def test_a_successor_certificate_through_the_ra(shared: Scms, http: httpx.AsyncClient) -> None:
    ee = await enrolled_device(shared, http)
    outer, inner, new_key = successor_request(ee)
    answer = await http.post(SUCCESSOR, content=outer, headers=COER)
    assert answer.status_code == 200
    request_hash = HashedId8.of(outer)
    info = read_enrollment_ack(answer.content, request_hash, ee.ra_certificate, shared.now)
    assert info.next_dl_time == shared.now + 2
    assert (await http.post(SUCCESSOR, content=outer, headers=COER)).content == answer.content   # a retry
    name = enrollment_filename(request_hash)
    not_yet = await http.get(SUCCESSOR, params={"filename": name}, headers=ee.download_header(name))
    assert not_yet.status_code == 404 and not_yet.json()["nextDlTime"] == info.next_dl_time
    assert await run_due_jobs(shared) == ["issued"]
    got = await http.get(SUCCESSOR, params={"filename": name}, headers=ee.download_header(name))
    assert got.status_code == 200 and got.headers["content-disposition"] == f"attachment; filename={name}"
    renewed = read_enrollment_response(got.content, inner, new_key, (shared.deployment.certificate("root"),),
                                       shared.now)
    assert renewed.certificate != ee.enrollment.certificate
    other = await enrolled_device(shared, http)
    refused = await http.get(SUCCESSOR, headers=other.download_header(name))
    assert refused.headers["Ieee-1609.2.1-Error"] == "400-62"
    # the new enrollment certificate is the device's now: it may ask the RA for authorization certificates
    device = shared.ra.devices.device_of_enrollment_certificate(renewed.certificate.hashed_id8())
    assert device is not None and device == shared.ra.devices.device_of_enrollment_certificate(
        ee.enrollment.certificate.hashed_id8())


async def test_the_eca_s_refusal_is_what_the_download_answers(shared: Scms, http: httpx.AsyncClient) -> None:
    ee = await enrolled_device(shared, http)
    outer, _, _ = successor_request(ee, psids=(32, 99))      # PSID 99 is in no OBU authorization set: 400-31
    assert (await http.post(SUCCESSOR, content=outer, headers=COER)).status_code == 200
    assert await run_due_jobs(shared) == ["refused 400-31"]
    name = enrollment_filename(HashedId8.of(outer))
    refused = await http.get(SUCCESSOR, headers=ee.download_header(name))
    assert (refused.status_code, refused.headers["Ieee-1609.2.1-Error"]) == (400, "400-31")


async def test_successor_refusals(shared: Scms, http: httpx.AsyncClient, module_clock: FakeClock) -> None:
    service = shared.ra.service
    saved = service.settings
    service.settings = dataclasses.replace(saved, parameters=saved.parameters.model_copy(update={"ra_min_wait": 60}))
    try:
        ee = await enrolled_device(shared, http)
        assert (await http.post(SUCCESSOR, content=successor_request(ee)[0], headers=COER)).status_code == 200
        module_clock.advance(10)
        soon = await http.post(SUCCESSOR, content=successor_request(ee)[0], headers=COER)
        assert soon.headers["Ieee-1609.2.1-Error"] == "400-711"
        module_clock.advance(60)
        assert (await http.post(SUCCESSOR, content=successor_request(ee)[0], headers=COER)).status_code == 200
        assert (await http.post(SUCCESSOR, content=b"\x01\x02", headers=COER)).headers["Ieee-1609.2.1-Error"] == \
            "400-42"
        authorization, _ = ee.authorization_request()         # an authorization request is not a successor request
        assert (await http.post(SUCCESSOR, content=authorization, headers=COER)).headers[
            "Ieee-1609.2.1-Error"] == "400-42"
        # a batch name is not a file of this endpoint
        assert (await http.get(SUCCESSOR, headers=ee.download_header("00" * 8 + "_1.zip"))).headers[
            "Ieee-1609.2.1-Error"] == "400-42"
    finally:
        service.settings = saved
        await run_due_jobs(shared)
