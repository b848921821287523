"""Enrollment end to end over real HTTP (1609.2.1 clause 6.3.4.2): `scms init` makes a deployment, the embedded
RA and ECA run on a uvicorn server on a free port (`/ra`, `/eca`; the ECA reaches the RA's internal app
in-process), the operator registers a device with the token `scms init` wrote, and the device enrols, explicit and
implicit, signing with its own key or with its canonical key. Each certificate is verified up to a root that the
deployment's CTL approves (the CTL itself verified by its electors), and the private key the device derives is
shown to sign for the certificate's key."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from scms.cli import app as scms_cli
from scms.crypto import SoftwareKey, verify_digest
from scms.deployment import Deployment, load_deployment
from scms.dot2 import verify_chain
from scms.dot2.certificate_fields import CertificateId, CertificateType, ValidityPeriod
from scms.dot2.certificate_template import CertificateTemplate
from scms.dot2.permissions import PsidGroupPermissions, PsidSspRange
from scms.dot2.time import LeapSeconds, Time32
from scms.protocol.ctl_trust import verify_first_ctl
from scms.protocol.ee_eca import CanonicalIdentity, build_enrollment_request, read_enrollment_response
from scms.services.common import mount_components
from scms.services.eca import create_eca_app
from scms.services.ra import canonical_id, create_ra_app
from serving import served


@dataclass(frozen=True)
class Server:
    url: str
    deployment: Deployment
    init_seconds: float

    @property
    def token(self) -> str:
        return self.deployment.secret("ra", "operator-token").strip().decode()

    def now(self) -> Time32:
        leap = LeapSeconds.fixed(self.deployment.global_policy.parameters.leap_seconds)
        return Time32.from_unix(time.time(), leap)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    directory: Path = tmp_path_factory.mktemp("e2e-enrollment") / "scms-data"
    started_init = time.perf_counter()
    result = CliRunner().invoke(scms_cli, ["init", "--dir", str(directory)])
    init_seconds = time.perf_counter() - started_init
    assert result.exit_code == 0, result.output
    deployment = load_deployment(directory)
    ra = create_ra_app(deployment)
    eca = create_eca_app(deployment, transport_to_ra=httpx.ASGITransport(app=ra.internal))
    with served(mount_components({"/ra": ra.public, "/eca": eca.public})) as url:
        yield Server(url, deployment, init_seconds)


@pytest.fixture
def http(server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=30) as client:
        yield client


def test_scms_init_and_start_up(server: Server, http: httpx.Client) -> None:
    print(f"scms init took {server.init_seconds:.2f} s")  # shown with -s (measured: docs/api-services.md)
    assert server.init_seconds < 60
    for component in ("ra", "eca"):
        assert http.get(f"/{component}/readyz").json()["status"] == "ready"
        assert http.get(f"/{component}/healthz").json() == {"status": "alive"}
    assert http.get("/ra/internal/v1/registration-check").status_code == 404  # not on the public port


def _register(server: Server, http: httpx.Client, key: SoftwareKey, device_type: str = "OBU") -> str:
    body = {"device_type": device_type, "curve": "P-256", "public_key": key.public_point.encode().hex()}
    response = http.post("/ra/registration/v1/devices", json=body,
                         headers={"Authorization": f"Bearer {server.token}"})
    assert response.status_code == 201, response.text
    identifier: str = response.json()["canonical_id"]
    assert identifier == canonical_id(key.public_point)
    return identifier


def _fields(now: Time32) -> CertificateTemplate:
    groups = (PsidGroupPermissions((PsidSspRange(32), PsidSspRange(38)), 1, 0, app=True),)
    return CertificateTemplate(id=CertificateId.none(), validity=ValidityPeriod.years(now, 3),
                               cert_request_permissions=groups)


@pytest.mark.parametrize("kind", list(CertificateType), ids=lambda k: k.value)
@pytest.mark.parametrize("canonical", [False, True], ids=["own-key", "canonical-key"])
def test_a_registered_device_enrols_over_http(server: Server, http: httpx.Client, kind: CertificateType,
                                              canonical: bool) -> None:
    canonical_key = SoftwareKey.generate()
    identifier = _register(server, http, canonical_key)
    key = SoftwareKey.generate() if canonical else canonical_key
    identity = CanonicalIdentity(identifier, canonical_key) if canonical else None
    now = server.now()
    request = build_enrollment_request(_fields(now), key, now, certificate_type=kind, canonical=identity)

    response = http.post("/eca/v3/enrollment-certificate", content=request,
                         headers={"Content-Type": "application/octet-stream"})
    assert response.status_code == 200, response.text

    trust = verify_first_ctl(server.deployment.latest_ctl(), now)  # the CTL, by its electors
    result = read_enrollment_response(response.content, request, key, trust.root_certificates, now)
    certificate = result.certificate
    assert certificate.type is kind
    chain = verify_chain(certificate, result.eca_chain, trust.root_certificates, now)
    assert chain.anchor == server.deployment.certificate("root")
    eca = server.deployment.certificate("eca")
    assert result.eca_chain[0] == eca
    # the derived private key signs for the certificate's key (explicit: the key itself; implicit: ECQV)
    digest = hashlib.sha256(b"a V2X message").digest()
    verify_digest(certificate.public_key(eca), digest, result.private_key.sign_digest(digest))

    device = http.get(f"/ra/registration/v1/devices/{identifier}",
                      headers={"Authorization": f"Bearer {server.token}"}).json()
    assert device["state"] == "enrolled"
    assert device["enrollment_certificates"] == [certificate.hashed_id8().hex()]


def test_refusals_over_http(server: Server, http: httpx.Client) -> None:
    key = SoftwareKey.generate()
    body = {"device_type": "RSU", "curve": "P-256", "public_key": key.public_point.encode().hex()}
    refused = http.post("/ra/registration/v1/devices", json=body)
    assert refused.status_code == 401 and refused.headers["WWW-Authenticate"] == "Bearer"
    now = server.now()
    unregistered = http.post("/eca/v3/enrollment-certificate", content=build_enrollment_request(_fields(now), key, now),
                             headers={"Content-Type": "application/octet-stream"})
    assert (unregistered.status_code, unregistered.headers["Ieee-1609.2.1-Error"]) == (400, "400-21")
