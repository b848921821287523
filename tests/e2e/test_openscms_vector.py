"""The RA service opens the authorization request an OpenSCMS client made (`openscms/kat/ee-ra-cert-request-obk.json`:
an EeRaCertRequestSpdu encrypted to OpenSCMS's RA, original butterfly keys, implicit), at its HTTP edge.

`create_ra_app` takes its keys from the deployment only, so the test builds the RA from a deployment of ours (made
two weeks before the vector's generationTime, the RA's clock at that time) and then gives its service the vector's
RA certificate and encryption private key and the vector's ECA certificate. Without them the request is for
another RA (400-81); with them the RA decrypts it, parses it, reconstructs the implicit enrollment certificate's key
with the vector's ECA certificate, and refuses at the next step, the enrollment certificate's chain (400-40): the
vector's ECA was issued by an OpenSCMS CA that is not in the vector (nor in our CTL), so the request can go no
further. The log line of the refusal names that ECA, which is only known after decryption and parsing."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import httpx
import pytest

from scms.crypto import Curve, SoftwareKey
from scms.deployment import DeploymentConfig, load_deployment
from scms.dot2.certificate import Certificate
from scms.dot2.time import LeapSeconds, Time32
from scms.manager import init_deployment
from scms.services.ra import create_ra_app
from scms.services.ra.service import RaKeys
from vectors import load_json, unhex

from ._up import COER, ERROR

VECTOR = "openscms/kat/ee-ra-cert-request-obk.json"
GENERATION_TIME = 689010383
"""The request's generationTime (tests/protocol/test_ee_ra_request.py reads it from the SPDU)."""


def _post(app: object, body: bytes) -> httpx.Response:
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
        async with httpx.AsyncClient(transport=transport, base_url="http://ra") as http:
            return await http.post("/v3/authorization-certificate", content=body, headers=COER)
    return asyncio.run(go())


def test_the_ra_opens_the_openscms_request_with_its_keys(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    kat = load_json(VECTOR)["input"]
    init_deployment(tmp_path / "scms-data", DeploymentConfig(), Time32(GENERATION_TIME - 14 * 86_400))
    deployment = load_deployment(tmp_path / "scms-data")
    leap = LeapSeconds.fixed(deployment.global_policy.parameters.leap_seconds)
    ra = create_ra_app(deployment, clock=lambda: Time32(GENERATION_TIME + 10).to_datetime(leap),
                       database_url=f"sqlite:///{tmp_path / 'ra.db'}")
    request = unhex(kat["ee_ra_cert_request_spdu"])

    refused = _post(ra.public, request)
    assert (refused.status_code, refused.headers[ERROR]) == (400, "400-81")      # for another RA

    openscms_eca = Certificate.from_bytes(unhex(kat["eca_certificate"]))
    service = ra.service
    service.certificate = Certificate.from_bytes(unhex(kat["ra_certificate"]))
    service.keys = RaKeys(service.keys.signing,
                          SoftwareKey.from_private_bytes(Curve.P256, unhex(kat["ra_encryption_private_key"])))
    service.eca_certificates = (*service.eca_certificates, openscms_eca)
    with caplog.at_level(logging.INFO, logger="scms.services.ra"):
        opened = _post(ra.public, request)
    assert (opened.status_code, opened.headers[ERROR]) == (400, "400-40")
    (logged,) = [r.getMessage() for r in caplog.records if r.getMessage().startswith("POST /v3/authorization")]
    assert f"issuer sha256:{openscms_eca.hashed_id8().hex()} not found" in logged   # the vector's ECA
    ra.engine.dispose()
