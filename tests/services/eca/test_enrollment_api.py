"""Enrollment over HTTP (1609.2.1 clause 6.3.4.2) at the ECA, with the RA's registry in-process: explicit and
implicit, self-signed and canonical requests, what the certificate holds, and the RA's record."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

import httpx
import pytest
from sqlalchemy import func, insert, select

from scms import asn1
from scms.crypto import sha256
from scms.dot2.certificate_fields import CertificateId, CertificateType, ValidityPeriod
from scms.dot2.permissions import PsidGroupPermissions, PsidSsp, PsidSspRange, Ssp, SspRange
from scms.dot2.spdu import SignerSelf, sign_certificate_request
from scms.dot2.time import Time32
from scms.protocol.ee_eca import parse_enrollment_request
from scms.protocol.security_mgmt_ssp import Role, security_mgmt_ssp
from scms.services.common import PeerError
from scms.services.eca import EcaIssuer, plan_enrollment
from scms.services.eca.flows import _accepted
from scms.services.eca.tables import enrollments

from ._support import COER, ENROLL, Device, Stack, fields, read_response, register

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize("kind", list(CertificateType), ids=lambda k: k.value)
@pytest.mark.parametrize("canonical", [False, True], ids=["self-signed", "canonical"])
async def test_a_registered_device_enrols(stack: Stack, http: httpx.AsyncClient, kind: CertificateType,
                                          canonical: bool) -> None:
    device = await register(http)
    request, key = device.request(stack.clock.time32, kind=kind, canonical=canonical)
    response = await http.post(f"/eca{ENROLL}", content=request, headers=COER)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/octet-stream"
    result = read_response(stack, response.content, request, key)
    assert result.certificate.type is kind
    assert result.private_key.public_point == result.certificate.public_key(stack.deployment.certificate("eca"))
    state = (await http.get(f"/ra/registration/v1/devices/{device.canonical_id}")).json()
    assert state["state"] == "enrolled"
    assert state["enrollment_certificates"] == [result.certificate.hashed_id8().hex()]


async def test_the_certificate_holds_what_was_asked_and_what_the_eca_sets(stack: Stack, http: httpx.AsyncClient
                                                                          ) -> None:
    device = await register(http)
    now = stack.clock.time32
    template = fields(now, psids=(32, 135), years=2)
    request, key = device.request(now, template=template)
    result = read_response(stack, (await http.post(f"/eca{ENROLL}", content=request, headers=COER)).content,
                           request, key)
    certificate = result.certificate
    deployment = stack.deployment
    assert certificate.app_permissions == (PsidSsp(35, Ssp(security_mgmt_ssp(Role.EE))),)
    assert certificate.cert_request_permissions == template.cert_request_permissions
    assert certificate.validity == ValidityPeriod.years(now, 2)
    assert certificate.id == CertificateId.named("obu.example")
    assert certificate.crl_series == deployment.config.manager.crl.enrollment_series == 2
    assert certificate.craca_id == deployment.certificate("root").hashed_id3()
    assert certificate.region is None and certificate.encryption_key is None
    assert certificate.verification_key == key.public_point
    assert result.eca_chain == tuple(deployment.certificate(name) for name in ("eca", "ica", "root"))
    assert result.generation_time == now


async def test_nothing_asked_for_gets_the_device_policy(stack: Stack, http: httpx.AsyncClient) -> None:
    """A request without certRequestPermissions and with an empty validity (as OpenSCMS clients send) gets the
    device type's PSID/SSP set and the policy's enrollment validity from generationTime."""
    device = await register(http, "RSU")
    now = stack.clock.time32
    template = replace(fields(now), validity=ValidityPeriod(Time32(0), "hours", 0))
    request, key = device.request(now, template=template, kind=CertificateType.IMPLICIT)
    pdu = _request_value(request)
    del pdu["content"][1][1]["tbsCert"]["certRequestPermissions"]
    request = sign_certificate_request(asn1.encode("ScmsPdu", pdu), key=key, signer=SignerSelf())
    response = await http.post(f"/eca{ENROLL}", content=request, headers=COER)
    certificate = read_response(stack, response.content, request, key).certificate
    assert certificate.validity == ValidityPeriod.years(now, 6)  # device-rsu.json: enrollment_validity_years
    ranges = (PsidSspRange(135, SspRange(opaque=(b"",))),)  # RSU: identification for PSID 135, no SSP
    assert certificate.cert_request_permissions == (PsidGroupPermissions(ranges, 1, 0, app=True, enrol=False),)


def _request_value(request: bytes) -> dict[str, Any]:
    opaque = asn1.decode("Ieee1609Dot2Data", request)["content"][1]
    pdu: dict[str, Any] = asn1.decode("SignedCertificateRequest", opaque)["tbsRequest"]
    return pdu


async def test_the_same_request_again_gets_the_same_bytes_and_no_second_certificate(
    stack: Stack, http: httpx.AsyncClient
) -> None:
    device = await register(http)
    request, _ = device.request(stack.clock.time32, kind=CertificateType.IMPLICIT)
    first = await http.post(f"/eca{ENROLL}", content=request, headers=COER)
    stack.clock.advance(30)
    again = await http.post(f"/eca{ENROLL}", content=request, headers=COER)
    assert first.status_code == again.status_code == 200 and again.content == first.content
    assert _rows(stack, device) == 1
    state = (await http.get(f"/ra/registration/v1/devices/{device.canonical_id}")).json()
    assert len(state["enrollment_certificates"]) == 1

    other, _ = device.request(stack.clock.time32, kind=CertificateType.IMPLICIT)  # a new request: a new certificate
    assert (await http.post(f"/eca{ENROLL}", content=other, headers=COER)).content != first.content
    assert _rows(stack, device) == 2
    state = (await http.get(f"/ra/registration/v1/devices/{device.canonical_id}")).json()
    assert len(state["enrollment_certificates"]) == 2 and state["state"] == "enrolled"


async def test_concurrent_copies_of_one_request_get_one_certificate(stack: Stack, http: httpx.AsyncClient) -> None:
    device = await register(http)
    request, key = device.request(stack.clock.time32)
    answers = await asyncio.gather(*(http.post(f"/eca{ENROLL}", content=request, headers=COER) for _ in range(6)))
    assert {answer.status_code for answer in answers} == {200}
    assert len({answer.content for answer in answers}) == 1
    read_response(stack, answers[0].content, request, key)
    assert _rows(stack, device) == 1


async def test_a_failed_signing_stores_nothing_and_the_retry_issues(
    stack: Stack, http: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Signing failed (the request and its response are committed together): nothing was stored, the device is
    still registered, and the EE's retry is issued, once."""
    device = await register(http)
    request, key = device.request(stack.clock.time32, kind=CertificateType.IMPLICIT)
    with monkeypatch.context() as patch:
        def crash(*_args: object) -> None:
            raise RuntimeError("the signer went away")

        patch.setattr(EcaIssuer, "issue", crash)
        failed = await http.post(f"/eca{ENROLL}", content=request, headers=COER)
    assert (failed.status_code, failed.content) == (500, b"")
    assert stack.eca.service.store.find(sha256(request)) is None and _rows(stack, device) == 0
    assert (await http.get(f"/ra/registration/v1/devices/{device.canonical_id}")).json()["state"] == "registered"

    retry = await http.post(f"/eca{ENROLL}", content=request, headers=COER)
    assert retry.status_code == 200
    result = read_response(stack, retry.content, request, key)
    assert result.certificate.hashed_id8() == stack.eca.service.store.find(sha256(request)).certificate_hash  # type: ignore[union-attr]
    assert _rows(stack, device) == 1
    assert (await http.get(f"/ra/registration/v1/devices/{device.canonical_id}")).json()["state"] == "enrolled"


async def test_a_request_an_older_version_accepted_is_issued_as_planned(stack: Stack, http: httpx.AsyncClient
                                                                       ) -> None:
    """Older versions committed the accepted request and its plan before signing: a row left accepted by an
    attempt that died is issued from its stored plan by the retry."""
    device = await register(http)
    now = stack.clock.time32
    request, key = device.request(now, template=fields(now, psids=(32, 38)))
    service = stack.eca.service
    parsed = parse_enrollment_request(request, now, service.settings.max_age)
    registration = await service.registry.by_key(parsed.requested_key)
    plan = plan_enrollment(parsed, service.settings.device_types["OBU"], service.settings.issuing,
                           service.issuer.certificate, now)
    narrower = (PsidGroupPermissions((PsidSspRange(32),), 1, 0, app=True),)  # not what a plan made now would be
    accepted = _accepted(parsed, registration, replace(plan, cert_request_permissions=narrower))
    with stack.eca.engine.begin() as connection:
        connection.execute(insert(enrollments).values(
            request_digest=accepted.request_digest, request_hash=bytes(accepted.request_hash),
            canonical_id=accepted.canonical_id, device_type="OBU", generation_time=int(now), received_at=int(now),
            certificate_type="explicit", planned_tbs=accepted.planned_tbs, state="accepted"))
    stack.clock.advance(5)
    retry = await http.post(f"/eca{ENROLL}", content=request, headers=COER)
    assert retry.status_code == 200
    certificate = read_response(stack, retry.content, request, key).certificate
    assert certificate.tbs_bytes() == accepted.planned_tbs and certificate.cert_request_permissions == narrower
    assert _rows(stack, device) == 1


async def test_a_failed_enrolled_report_is_sent_again_with_the_stored_response(
    stack: Stack, http: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The response was committed, then the RA could not record it (503 to the EE): the EE's retry of the same
    request gets the stored response, and the RA records the certificate then."""
    device = await register(http)
    request, key = device.request(stack.clock.time32)
    registry = stack.eca.service.registry
    with monkeypatch.context() as patch:
        async def away(*_args: object) -> None:
            raise PeerError("ra", "away")

        patch.setattr(registry, "enrolled", away)
        failed = await http.post(f"/eca{ENROLL}", content=request, headers=COER)
    assert failed.status_code == 503
    stored = stack.eca.service.store.find(sha256(request))
    assert stored is not None and stored.response is not None
    assert (await http.get(f"/ra/registration/v1/devices/{device.canonical_id}")).json()["state"] == "registered"

    retry = await http.post(f"/eca{ENROLL}", content=request, headers=COER)
    assert (retry.status_code, retry.content) == (200, stored.response)
    state = (await http.get(f"/ra/registration/v1/devices/{device.canonical_id}")).json()
    certificate = read_response(stack, retry.content, request, key).certificate
    assert state["state"] == "enrolled" and state["enrollment_certificates"] == [certificate.hashed_id8().hex()]


def _rows(stack: Stack, device: Device) -> int:
    """The ECA's enrollment rows of `device`."""
    statement = select(func.count()).select_from(enrollments).where(enrollments.c.canonical_id == device.canonical_id)
    with stack.eca.engine.connect() as connection:
        return int(connection.execute(statement).scalar_one())
