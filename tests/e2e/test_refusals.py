"""Refusals at the HTTP edge of `scms up` (1609.2.1 clause 6.2, REST API v3 errors in the fine mode): each request
is what a broken, stale, foreign or malicious device could send, over real HTTP; each answer is asserted by its
status and its `Ieee-1609.2.1-Error` header. The devices are set up with `scms.ee.Device`; the bad requests are
made with the protocol layer's EE side (`scms.protocol`), then broken where the test says."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from scms.crypto import ButterflyVariant, HashedId8, SoftwareKey
from scms.deployment import DeploymentConfig
from scms.dot2.certificate import Certificate
from scms.dot2.certificate_fields import CertificateId, CertificateType, ValidityPeriod
from scms.dot2.certificate_template import CertificateTemplate
from scms.dot2.permissions import PsidGroupPermissions, PsidSsp, PsidSspRange
from scms.dot2.time import Time32
from scms.ee import Device
from scms.manager import build_deployment
from scms.protocol.butterfly_params import ButterflyKeys
from scms.protocol.download_files import batch_filename
from scms.protocol.ee_eca import CanonicalIdentity, build_enrollment_request
from scms.protocol.ee_ra_download import AUTHORIZATION_HEADER, build_download_request
from scms.protocol.ee_ra_request import build_authorization_request

from ._up import COER, ERROR, Up

AUTHORIZATION = "/ra/v3/authorization-certificate"
ENROLLMENT = "/eca/v3/enrollment-certificate"
REGISTRY = "/ra/registration/v1/devices"


@pytest.fixture
def homes() -> Iterator[contextlib.ExitStack]:
    """Closes the devices a test made."""
    with contextlib.ExitStack() as stack:
        yield stack


def _enrolled(scms: Up, stack: contextlib.ExitStack, home: Path, kind: str = "obu") -> Device:
    device = stack.enter_context(Device.create(home, kind))
    device.register(f"{scms.url}/ra", scms.token)
    device.bootstrap(scms.deployment.ctls()[0])
    device.enroll()
    return device


def _pseudonyms(now: Time32, psids: tuple[int, ...] = (32, 38)) -> CertificateTemplate:
    return CertificateTemplate(id=CertificateId.none(), validity=ValidityPeriod.hours(now, 24),
                               app_permissions=tuple(PsidSsp(p) for p in psids))


def _authorization(scms: Up, device: Device, *, now: Time32 | None = None, psids: tuple[int, ...] = (32, 38),
                   signing_key: SoftwareKey | None = None, ra: Certificate | None = None) -> bytes:
    """An EeRaCertRequestSpdu of `device`, as scms.protocol builds it; the arguments break it."""
    enrollment = device.state.enrollments.current()
    at = scms.now() if now is None else now
    data, _ = build_authorization_request(
        _pseudonyms(at, psids), ButterflyKeys.generate(ButterflyVariant.UNIFIED),
        signing_key or enrollment.private_key, enrollment.certificate, ra or scms.deployment.certificate("ra"), at)
    return data


def _enrollment(now: Time32, key: SoftwareKey, canonical: CanonicalIdentity | None = None) -> bytes:
    permissions = (PsidGroupPermissions((PsidSspRange(32), PsidSspRange(38)), 1, 0, app=True),)
    fields = CertificateTemplate(id=CertificateId.none(), validity=ValidityPeriod.years(now, 3),
                                 cert_request_permissions=permissions)
    return build_enrollment_request(fields, key, now, certificate_type=CertificateType.IMPLICIT, canonical=canonical)


def _refused(response: httpx.Response, code: str) -> None:
    assert (response.status_code, response.headers.get(ERROR)) == (int(code[:3]), code), response.text
    assert response.json()["error"] == code                       # the fine mode's body names the code


def _post(web: httpx.Client, path: str, body: bytes) -> httpx.Response:
    return web.post(path, content=body, headers=COER)


def test_unregistered_device_400_21(scms: Up, web: httpx.Client, homes: contextlib.ExitStack,
                                    tmp_path: Path) -> None:
    stranger = SoftwareKey.generate()
    _refused(_post(web, ENROLLMENT, _enrollment(scms.now(), stranger)), "400-21")
    device = _enrolled(scms, homes, tmp_path / "obu")            # enrolled, then deleted by the operator
    deleted = web.delete(f"{REGISTRY}/{device.status().canonical_id}", headers=scms.operator)
    assert deleted.status_code == 200 and deleted.json()["state"] == "deleted"
    _refused(_post(web, AUTHORIZATION, _authorization(scms, device)), "400-21")


def test_blocked_device_400_20(scms: Up, web: httpx.Client, homes: contextlib.ExitStack, tmp_path: Path) -> None:
    device = _enrolled(scms, homes, tmp_path / "obu")
    canonical_id = device.status().canonical_id
    assert canonical_id is not None
    blocked = web.post(f"{REGISTRY}/{canonical_id}/block", headers=scms.operator)
    assert blocked.status_code == 200 and blocked.json()["state"] == "blocked"
    _refused(_post(web, AUTHORIZATION, _authorization(scms, device)), "400-20")
    again = _enrollment(scms.now(), SoftwareKey.generate(),
                        CanonicalIdentity(canonical_id, device.state.canonical_key()))
    _refused(_post(web, ENROLLMENT, again), "400-20")
    assert web.post(f"{REGISTRY}/{canonical_id}/unblock", headers=scms.operator).status_code == 200
    assert _post(web, AUTHORIZATION, _authorization(scms, device)).status_code == 200


def test_bad_signature_400_43(scms: Up, web: httpx.Client, homes: contextlib.ExitStack, tmp_path: Path) -> None:
    key = SoftwareKey.generate()
    registered = web.post(REGISTRY, headers=scms.operator, json={
        "device_type": "OBU", "curve": "P-256", "public_key": key.public_point.encode().hex()})
    assert registered.status_code == 201
    request = bytearray(_enrollment(scms.now(), key))
    request[-1] ^= 0x01                                           # the last octet of the signature's s
    _refused(_post(web, ENROLLMENT, bytes(request)), "400-43")
    device = _enrolled(scms, homes, tmp_path / "obu")              # signed by a key that is not the certificate's
    _refused(_post(web, AUTHORIZATION, _authorization(scms, device, signing_key=SoftwareKey.generate())), "400-43")


def test_undecryptable_400_41_and_wrong_recipient_400_81(scms: Up, web: httpx.Client,
                                                         homes: contextlib.ExitStack, tmp_path: Path) -> None:
    device = _enrolled(scms, homes, tmp_path / "obu")
    sealed = bytearray(_authorization(scms, device))
    sealed[-1] ^= 0x01                                            # the AES-CCM tag no longer matches
    _refused(_post(web, AUTHORIZATION, bytes(sealed)), "400-41")
    elsewhere = build_deployment(DeploymentConfig(), scms.now()).hierarchy.certificate("ra")
    _refused(_post(web, AUTHORIZATION, _authorization(scms, device, ra=elsewhere)), "400-81")


def test_unparsable_400_42(scms: Up, web: httpx.Client) -> None:
    for path in (AUTHORIZATION, ENROLLMENT, "/ra/v3/successor-enrollment-certificate"):
        _refused(_post(web, path, b"\x03\x81\x00garbage"), "400-42")
        _refused(web.post(path, content=b"\x03", headers={"Content-Type": "application/json"}), "400-42")
    _refused(web.get(AUTHORIZATION, params={"filename": "00_1.zip"}, headers={AUTHORIZATION_HEADER: "not base64!"}),
             "400-42")


def test_oversized_body_refused_before_decoding(scms: Up, web: httpx.Client) -> None:
    limit = scms.deployment.config.ra.max_body_size
    for path in (AUTHORIZATION, ENROLLMENT):
        _refused(_post(web, path, bytes(limit + 1)), "400-42")
        assert _post(web, path, bytes(limit)).headers[ERROR] == "400-42"    # read, then not parsable


def test_generation_time_in_the_future_400_50_and_too_old(scms: Up, web: httpx.Client,
                                                          homes: contextlib.ExitStack, tmp_path: Path) -> None:
    device = _enrolled(scms, homes, tmp_path / "obu")
    now = scms.now()
    _refused(_post(web, AUTHORIZATION, _authorization(scms, device, now=Time32(now + 3600))), "400-50")
    max_age = scms.deployment.global_policy.parameters.ra_max_age
    _refused(_post(web, AUTHORIZATION, _authorization(scms, device, now=Time32(now - max_age - 60))), "400-77")
    canonical = CanonicalIdentity(device.status().canonical_id or "", device.state.canonical_key())
    key = SoftwareKey.generate()
    _refused(_post(web, ENROLLMENT, _enrollment(Time32(now + 3600), key, canonical)), "400-50")
    eca_max_age = scms.deployment.global_policy.parameters.eca_max_age
    _refused(_post(web, ENROLLMENT, _enrollment(Time32(now - eca_max_age - 60), key, canonical)), "400-70")


def test_disallowed_permissions_400_30(scms: Up, web: httpx.Client, homes: contextlib.ExitStack,
                                       tmp_path: Path) -> None:
    device = _enrolled(scms, homes, tmp_path / "obu")              # 135 is not in the OBU's pseudonym set
    _refused(_post(web, AUTHORIZATION, _authorization(scms, device, psids=(32, 135))), "400-30")


def test_download_by_another_enrollment_certificate_400_62(scms: Up, web: httpx.Client,
                                                            homes: contextlib.ExitStack, tmp_path: Path) -> None:
    owner, other = _enrolled(scms, homes, tmp_path / "owner"), _enrolled(scms, homes, tmp_path / "other")
    record = owner.request("pseudonym", butterfly=ButterflyVariant.UNIFIED)
    assert record.first_i is not None
    filename = batch_filename(HashedId8(bytes.fromhex(record.request_hash)), record.first_i)
    ra = scms.deployment.certificate("ra")
    for device, code in ((other, "400-62"), (owner, None)):
        enrollment = device.state.enrollments.current()
        header = build_download_request(filename, enrollment.private_key, enrollment.certificate, ra, scms.now())
        answer = web.get(AUTHORIZATION, params={"filename": filename}, headers={AUTHORIZATION_HEADER: header})
        if code is not None:
            _refused(answer, code)
        else:                                                     # the owner: the file, or "not yet"
            assert answer.status_code in (200, 404) and ERROR not in answer.headers
    report = owner.download(max_wait=60, retry_interval=1)
    assert report.certificates == scms.deployment.global_policy.parameters.base_cert_number


def test_operator_api_needs_the_token(scms: Up, web: httpx.Client) -> None:
    body = {"device_type": "OBU", "curve": "P-256", "public_key": SoftwareKey.generate().public_point.encode().hex()}
    assert web.post(REGISTRY, json=body).status_code == 401
    assert web.post(REGISTRY, json=body, headers={"Authorization": "Bearer " + "x" * 43}).status_code == 401
    assert web.get("/ra/registration/v1/policy/global").status_code == 401


def test_internal_routes_are_not_on_the_public_port(scms: Up, web: httpx.Client) -> None:
    """The RA's ways into the LAs (pre-linkage values) and the ACA (certificate requests) stay in-process: on the
    public port they do not exist, while the components' health and the LAs' token-guarded seed release do."""
    for path in ("/la1/v1/pre-linkage-values", "/la2/v1/pre-linkage-values", "/aca/v1/certificate-requests"):
        answer = web.post(path, content=b"{}", headers={"Content-Type": "application/json"})
        assert answer.status_code == 404 and ERROR not in answer.headers, path
    for component in ("la1", "la2", "aca"):
        assert web.get(f"/{component}/readyz").status_code == 200
    assert web.post("/la1/v1/linkage-seeds", json={}).status_code == 401              # there, behind its token
