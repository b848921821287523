"""Every end-entity flow through `scms up` over real HTTP, driven by `scms.ee.Device` exactly as a device does it
(1609.2.1 clauses 6.3.4-6.3.5): registered by the operator's token, bootstrapped from the anchor CTL (out of band)
with the URLs the policy gives, enrolled (explicit and implicit); pseudonym certificates for an OBU with every
butterfly variant (original, unified, compact unified) x explicit / implicit, two i-periods each; identification
certificates for an RSU, plain and encrypted; downloads (a "not yet" answer before the batch is ready, then the
files); successor enrollment, with downloads still signed by the enrollment certificate that made each request;
a V2X message signed by the OBU and verified by the RSU.

Every downloaded certificate is checked independently of the device: its private key signs for the certificate's
key (explicit: the key; implicit: reconstructed with the ACA certificate), its chain verifies to a root CA of the
deployment's CTL (the CTL verified by its electors), and each pseudonym certificate's linkage value is recomputed
from the seeds in the two LAs' databases of the chains the RA's database names for the request."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from scms.crypto import ButterflyVariant, HashedId8, linkage_value, pre_linkage_value, verify_digest
from scms.dot2 import verify_chain
from scms.dot2.certificate import Certificate
from scms.dot2.certificate_fields import CertificateType
from scms.dot2.time import Time32
from scms.ee import Device
from scms.ee.client import DownloadReport
from scms.ee.messages import MessageRejected, Rejection
from scms.ee.state import RequestRecord, StoredCertificate
from scms.protocol.ctl_trust import verify_first_ctl
from scms.protocol.download_files import batch_filename
from scms.protocol.ee_ra_download import AUTHORIZATION_HEADER, build_download_request

from ._up import ERROR, Up

VARIANTS = [(variant, kind) for variant in ButterflyVariant for kind in CertificateType]
PERIODS = 2
AUTHORIZATION = "/ra/v3/authorization-certificate"


@dataclass
class Fleet:
    obu: Device
    """Enrolled with an explicit certificate; asks for every pseudonym variant."""
    obu2: Device
    """Enrolled implicit; asks for pseudonyms, renews its enrollment, asks again."""
    rsu: Device
    pseudonyms: dict[tuple[ButterflyVariant, CertificateType], RequestRecord] = field(default_factory=dict)
    identification: dict[bool, RequestRecord] = field(default_factory=dict)
    before_successor: RequestRecord | None = None
    after_successor: RequestRecord | None = None
    not_yet: httpx.Response | None = None
    reports: dict[str, DownloadReport] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def _device(scms: Up, stack: contextlib.ExitStack, home: Path, kind: str, enrollment: CertificateType) -> Device:
    device = stack.enter_context(Device.create(home, kind))
    device.register(f"{scms.url}/ra", scms.token)            # the operator's step (DCM): canonical key, policies
    device.bootstrap(scms.deployment.ctls()[0])              # the anchor CTL, out of band
    device.enroll(certificate_type=enrollment)
    return device


def _probe(scms: Up, device: Device, record: RequestRecord) -> httpx.Response:
    """The download a device could try at once, before the batch can be ready (signed as the device signs it)."""
    assert record.first_i is not None
    enrollment = device.state.enrollments.current()
    filename = batch_filename(HashedId8(bytes.fromhex(record.request_hash)), record.first_i)
    header = build_download_request(filename, enrollment.private_key, enrollment.certificate,
                                    scms.deployment.certificate("ra"), scms.now())
    return httpx.get(f"{scms.url}{AUTHORIZATION}", params={"filename": filename},
                     headers={AUTHORIZATION_HEADER: header}, timeout=30)


@pytest.fixture(scope="module")
def fleet(scms: Up, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fleet]:
    with contextlib.ExitStack() as stack:
        yield _run_fleet(scms, stack, tmp_path_factory.mktemp("devices"))


def _run_fleet(scms: Up, stack: contextlib.ExitStack, home: Path) -> Fleet:
    begin = time.perf_counter()
    fleet = Fleet(_device(scms, stack, home / "obu-1", "obu", CertificateType.EXPLICIT),
                  _device(scms, stack, home / "obu-2", "obu", CertificateType.IMPLICIT),
                  _device(scms, stack, home / "rsu-1", "rsu", CertificateType.IMPLICIT))
    fleet.seconds["register, bootstrap, enroll 3 devices"] = time.perf_counter() - begin
    begin = time.perf_counter()
    for variant, kind in VARIANTS:
        record = fleet.obu.request("pseudonym", butterfly=variant, certificate_type=kind, periods=PERIODS)
        fleet.pseudonyms[variant, kind] = record
        if fleet.not_yet is None:
            fleet.not_yet = _probe(scms, fleet.obu, record)
    for encrypted in (False, True):
        fleet.identification[encrypted] = fleet.rsu.request("identification", butterfly=None,
                                                            encrypted_response=encrypted)
    fleet.before_successor = fleet.obu2.request("pseudonym", butterfly=ButterflyVariant.UNIFIED)
    fleet.seconds["9 authorization requests acknowledged"] = time.perf_counter() - begin
    begin = time.perf_counter()                  # while the RA generates the others' certificates
    fleet.obu2.successor(retry_interval=1, max_wait=60)
    fleet.after_successor = fleet.obu2.request("pseudonym", butterfly=ButterflyVariant.ORIGINAL)
    fleet.seconds["successor enrollment"] = time.perf_counter() - begin
    begin = time.perf_counter()
    for name in ("obu", "rsu", "obu2"):
        fleet.reports[name] = getattr(fleet, name).download(max_wait=120, retry_interval=1)
    fleet.seconds["downloads"] = time.perf_counter() - begin
    return fleet


def _roots(scms: Up) -> tuple[Certificate, ...]:
    """The root CAs of the deployment's latest CTL, the CTL verified by its electors (not by the device)."""
    return tuple(verify_first_ctl(scms.deployment.latest_ctl(), scms.now()).root_certificates)


def _check_certificate(scms: Up, stored: StoredCertificate, kind: CertificateType) -> None:
    deployment = scms.deployment
    aca, certificate = deployment.certificate("aca"), stored.certificate
    assert certificate.type is kind
    public = certificate.public_key(aca)                      # implicit: reconstructed (ECQV) with the ACA's
    assert stored.private_key.public_point == public
    digest = hashlib.sha256(b"a V2X message " + certificate.data).digest()
    verify_digest(public, digest, stored.private_key.sign_digest(digest))
    at = Time32(max(int(scms.now()), int(certificate.validity.start)))   # the next i-period's are valid later
    chain = verify_chain(certificate, [aca, deployment.certificate("ica")], _roots(scms), at)
    assert chain.anchor == deployment.certificate("root") and chain.public_key == public


def test_timings(fleet: Fleet) -> None:
    for step, seconds in fleet.seconds.items():
        print(f"{step}: {seconds:.2f} s")                   # shown with -s
    assert sum(fleet.seconds.values()) < 45


def test_enrolled_devices_as_the_registry_sees_them(scms: Up, fleet: Fleet) -> None:
    with httpx.Client(base_url=scms.url, headers=scms.operator, timeout=30) as http:
        for device, enrollments in ((fleet.obu, 1), (fleet.rsu, 1), (fleet.obu2, 2)):
            status = device.status()
            assert status.enrollments == enrollments
            seen = http.get(f"/ra/registration/v1/devices/{status.canonical_id}").json()
            assert seen["state"] in ("enrolled", "provisioning")
            assert seen["enrollment_certificates"][-1] == status.enrollment
            assert len(seen["enrollment_certificates"]) == enrollments
    assert fleet.obu.state.enrollments.current().certificate.type is CertificateType.EXPLICIT
    assert fleet.obu2.state.enrollments.current().certificate.type is CertificateType.IMPLICIT


def test_not_yet_before_the_batch_is_ready(fleet: Fleet) -> None:
    answer = fleet.not_yet
    assert answer is not None and answer.status_code == 404, answer
    assert ERROR not in answer.headers and int(answer.headers["Retry-After"]) >= 1
    assert answer.json()["status"] == "not yet"
    first = fleet.pseudonyms[VARIANTS[0]]
    assert first.request_hash in {r.request_hash for r in fleet.obu.status().requests if r.complete}


@pytest.mark.parametrize(("variant", "kind"), VARIANTS, ids=[f"{v.value}-{k.value}" for v, k in VARIANTS])
def test_pseudonym_certificates(scms: Up, fleet: Fleet, variant: ButterflyVariant, kind: CertificateType) -> None:
    record = fleet.obu.state.requests.get(fleet.pseudonyms[variant, kind].request_hash)
    assert record.complete and record.first_i is not None
    # the current i-period, though the deployment was made just now: its ACA certificate starts at the i-period's
    # start (scms.manager.profiles.hierarchy_start), so the device can sign with a pseudonym today
    assert record.first_i == scms.deployment.global_policy.parameters.i_periods().i_at(scms.now())
    stored = fleet.obu.certificates(record.request_hash)
    per_period = scms.deployment.global_policy.parameters.base_cert_number
    assert sorted((int(c.i or 0), c.j) for c in stored) == [
        (i, j) for i in range(record.first_i, record.first_i + PERIODS) for j in range(per_period)]
    for certificate in stored:
        _check_certificate(scms, certificate, kind)
        linkage = certificate.certificate.id.linkage
        assert linkage is not None and int(linkage.i_cert) == certificate.i
        assert certificate.i is not None
        assert linkage.linkage_value == scms.expected_linkage_value(record.request_hash, certificate.i,
                                                                    certificate.j)
        assert {p.psid for p in certificate.certificate.app_permissions} == {32, 38}


def test_linkage_seeds_released_over_http_give_the_certificates_linkage_values(scms: Up, fleet: Fleet) -> None:
    """What an MA does to revoke the OBU from an i-period on: each LA releases its chain's seed for that i-period
    (bearer token); the pair gives every linkage value of the OBU's certificates of that i-period."""
    record = fleet.pseudonyms[ButterflyVariant.UNIFIED, CertificateType.IMPLICIT]
    stored = fleet.obu.certificates(record.request_hash)
    i_rev = max(int(c.i or 0) for c in stored)
    released = []
    for la, chain in zip(("la1", "la2"), scms.chains(record.request_hash), strict=True):
        token = scms.deployment.secret(la, "release-token").strip().decode()
        answer = httpx.post(f"{scms.url}/{la}/v1/linkage-seeds", headers={"Authorization": f"Bearer {token}"},
                            json={"version": 1, "type": "seed-release-request",
                                  "chainId": base64.b64encode(chain).decode(), "iRev": i_rev}, timeout=30)
        assert answer.status_code == 200, answer.text
        released.append((answer.json()["laId"], base64.b64decode(answer.json()["linkageSeed"])))
    assert [la_id for la_id, _ in released] == [scms.deployment.config.la1.la_id, scms.deployment.config.la2.la_id]
    (la1, seed1), (la2, seed2) = released
    of_i_rev = [c for c in stored if c.i == i_rev]
    assert len(of_i_rev) == scms.deployment.global_policy.parameters.base_cert_number
    for certificate in of_i_rev:
        linkage = certificate.certificate.id.linkage
        assert linkage is not None
        plv1, plv2 = pre_linkage_value(la1, seed1, certificate.j), pre_linkage_value(la2, seed2, certificate.j)
        assert linkage.linkage_value == linkage_value(plv1, plv2)


@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])
def test_identification_certificates(scms: Up, fleet: Fleet, encrypted: bool) -> None:
    record = fleet.identification[encrypted]
    (stored,) = fleet.rsu.certificates(record.request_hash)
    assert stored.i is None and stored.certificate.id.linkage is None
    _check_certificate(scms, stored, CertificateType.IMPLICIT)
    assert [p.psid for p in stored.certificate.app_permissions] == [135]


def test_successor_enrollment(scms: Up, fleet: Fleet) -> None:
    assert fleet.before_successor is not None and fleet.after_successor is not None
    enrollments = fleet.obu2.state.index.enrollments
    assert len(enrollments) == 2 and enrollments[0].hashed_id8 != enrollments[1].hashed_id8
    current = fleet.obu2.state.enrollments.current()
    verify_chain(current.certificate, [scms.deployment.certificate("eca"), scms.deployment.certificate("ica")],
                 _roots(scms), scms.now())
    # each request is downloaded by the enrollment certificate that made it: the old one for the first
    for record, enrollment in ((fleet.before_successor, enrollments[0]), (fleet.after_successor, enrollments[1])):
        assert record.enrollment == enrollment.hashed_id8
        stored = fleet.obu2.certificates(record.request_hash)
        assert len(stored) == scms.deployment.global_policy.parameters.base_cert_number
        for certificate in stored[:3]:
            _check_certificate(scms, certificate, CertificateType.IMPLICIT)


def test_a_v2x_message_from_the_obu_verifies_at_the_rsu(fleet: Fleet) -> None:
    message = fleet.obu.sign(b"basic safety message", psid=32)
    verified = fleet.rsu.verify(message, psid=32)
    assert verified.payload == b"basic safety message" and verified.revocation_checked
    assert verified.signer.id.linkage is not None                   # a pseudonym certificate signed it
    with pytest.raises(MessageRejected) as rejected:
        fleet.rsu.verify(message.replace(b"basic", b"BASIC"), psid=32)
    assert rejected.value.reason is Rejection.BAD_SIGNATURE
    with pytest.raises(MessageRejected) as rejected:
        fleet.rsu.verify(message, psid=135)
    assert rejected.value.reason is Rejection.WRONG_PSID
