"""The RA's distribution-centre endpoints (1609.2.1 clauses 6.3.5.7-6.3.5.14) serve the deployment's published
files, each verified here the way a device verifies it (CTL from the anchor, CCF, composite CRL, CRL, CMIS), with
400-42 for a malformed query parameter and a bare 404 for a name of nothing served."""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from scms.deployment import Deployment, load_deployment
from scms.deployment.verification import TrustError, verify_deployment
from scms.dot2.certificate import Certificate
from scms.dot2.crl import verify_crl
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.time import Time32
from scms.ee.ctl_file import read_ctl_file
from scms.manager import rotate
from scms.protocol.ccf import verify_ccf
from scms.protocol.composite_crl import verify_composite_crl
from scms.protocol.ctl import assemble_ctl, build_tbs_ctl
from scms.protocol.ctl_contents import elector_id, root_ca_id
from scms.protocol.ctl_signature import sign_ctl
from scms.protocol.ctl_trust import follow_ctl, verify_first_ctl
from scms.protocol.info_status import verify_info_status
from scms.services.common import AppSettings, create_component_app
from scms.services.ra import RaApps, create_ra_app
from scms.services.ra.distribution import PublishedFiles
from scms.services.ra.distribution_routes import distribution_router

from .._support import FakeClock

pytestmark = pytest.mark.anyio


@pytest.fixture
async def http(ra: RaApps) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=ra.public), base_url="http://ra") as client:
        yield client


def series(deployment: Deployment) -> str:
    return deployment.manifest.ctl_series_id


async def test_certificates(http: httpx.AsyncClient, deployment: Deployment) -> None:
    got = await http.get("/v3/ra-certificate")
    assert got.status_code == 200 and got.content == deployment.certificate("ra").data
    for name in ("root", "ica", "eca", "aca", "crl-signer", "ma"):
        certificate = deployment.certificate(name)
        got = await http.get("/v3/ca-certificate", params={"certId": certificate.hashed_id8().hex().upper()})
        assert got.status_code == 200 and Certificate.from_bytes(got.content) == certificate, name
    elector = deployment.certificate("elector-1").hashed_id8().hex()
    assert (await http.get("/v3/ca-certificate", params={"certId": elector})).status_code == 404
    ma = deployment.certificate("ma")
    got = await http.get("/v3/ma-certificate", params={"psid": "20"})          # BSM, 0x20
    assert got.status_code == 200 and got.content == ma.data


async def test_files_verify_as_a_device_verifies_them(http: httpx.AsyncClient, deployment: Deployment,
                                                      clock: FakeClock) -> None:
    now = clock.time32
    got = await http.get("/v3/ctl", params={"ctlSeriesId": series(deployment), "ctlSequenceNumber": "1"})
    assert got.headers["content-disposition"] == f"attachment; filename=ctl_{series(deployment)}_1.zip"
    (ctl,) = read_ctl_file(got.content, bytes.fromhex(series(deployment)))
    trust = verify_first_ctl(ctl.raw, now)
    assert ctl.raw == deployment.latest_ctl()
    ccf = await http.get("/v3/ccf-ctl", params={"ctlSeriesId": series(deployment)})
    assert ccf.headers["content-disposition"] == "attachment; filename=ccf_1.oer"
    verified = verify_ccf(ccf.content, trust, now)
    composite = await http.get("/v3/composite-crl-ctl", params={"ctlSeriesId": series(deployment)})
    assert composite.headers["content-disposition"] == "attachment; filename=composite-crl_1.oer"
    verify_composite_crl(composite.content, trust, now, certificates=verified.ccf.others)
    for (craca, crl_series), data in deployment.latest_crls().items():
        got = await http.get("/v3/crl", params={"craca": craca, "crlSeries": str(crl_series)})
        assert got.content == data
        assert verify_crl(got.content, certificates=verified.ccf.others).series == crl_series
    status = await http.get("/v3/certificate-management-info-status")
    disposition = status.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="scms-management-infostatus_ra.') and disposition.endswith(
        '.oer"')
    info = verify_info_status(status.content, trust.root_certificates, now,
                              intermediates=[deployment.certificate("ica")]).status
    assert info.ctl[0].sequence_number == 1 and len(info.crl) == len(deployment.latest_crls())
    assert info.ra == deployment.certificate("ra").validity.start


async def test_bad_and_unknown_parameters(http: httpx.AsyncClient, deployment: Deployment) -> None:
    other = "00" * 7 + "ff"
    for path, params in (("/v3/ca-certificate", {}), ("/v3/ca-certificate", {"certId": "12"}),
                         ("/v3/ctl", {"ctlSeriesId": "xyz"}), ("/v3/ctl", {}),
                         ("/v3/ctl", {"ctlSeriesId": series(deployment), "ctlSequenceNumber": "65536"}),
                         ("/v3/ccf-ctl", {"ctlSeriesId": "0" * 15}), ("/v3/composite-crl-ctl", {}),
                         ("/v3/crl", {"craca": "0" * 16}), ("/v3/crl", {"craca": "0" * 16, "crlSeries": "-1"}),
                         ("/v3/ma-certificate", {"psid": "123456789"}), ("/v3/ma-certificate", {})):
        got = await http.get(path, params=params)
        assert (got.status_code, got.headers.get("Ieee-1609.2.1-Error")) == (400, "400-42"), (path, params)
    for path, params in (("/v3/ca-certificate", {"certId": "0" * 16}), ("/v3/ctl", {"ctlSeriesId": other}),
                         ("/v3/ctl", {"ctlSeriesId": series(deployment), "ctlSequenceNumber": "2"}),
                         ("/v3/ccf-ctl", {"ctlSeriesId": other}), ("/v3/composite-crl-ctl", {"ctlSeriesId": other}),
                         ("/v3/crl", {"craca": "0" * 16, "crlSeries": "1"})):
        got = await http.get(path, params=params)
        assert (got.status_code, got.content) == (404, b""), (path, params)


async def test_the_ctl_zip_holds_every_ctl_from_the_number_asked(deployment: Deployment, clock: FakeClock) -> None:
    now = clock.time32
    trust = verify_first_ctl(deployment.latest_ctl(), now)
    electors = [deployment.certificate(name) for name in deployment.elector_names]
    tbs = build_tbs_ctl(bytes.fromhex(series(deployment)), 2, Time32(now + 1),
                        elector_approve=[elector_id(e) for e in electors],
                        root_ca_approve=[root_ca_id(deployment.certificate("root"))], quorum=trust.quorum)
    signatures = [sign_ctl(tbs, deployment.signing_key(name), deployment.certificate(name), now)
                  for name in deployment.elector_names[:trust.quorum]]
    second = assemble_ctl(tbs, signatures, [*electors, deployment.certificate("root")])
    files = PublishedFiles.load(deployment, deployment.signing_key("ra"), now)
    files = dataclasses.replace(files, ctls={**files.ctls, 2: second})
    app = create_component_app("ra", AppSettings(), distribution_router(lambda: files))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://ra") as http:
        whole = await http.get("/v3/ctl", params={"ctlSeriesId": series(deployment), "ctlSequenceNumber": "1"})
        latest = await http.get("/v3/ctl", params={"ctlSeriesId": series(deployment)})
    ctls = read_ctl_file(whole.content, bytes.fromhex(series(deployment)))
    assert [c.sequence_number for c in ctls] == [1, 2]
    assert follow_ctl(verify_first_ctl(ctls[0].raw, now), ctls[1].raw, Time32(now + 2)).sequence_number == 2
    assert latest.headers["content-disposition"] == f"attachment; filename=ctl_{series(deployment)}_2.zip"
    assert [c.raw for c in read_ctl_file(latest.content, bytes.fromhex(series(deployment)))] == [second]


async def test_the_published_files_are_checked_at_start(deployment: Deployment, tmp_path: Path,
                                                        clock: FakeClock) -> None:
    """A tampered CRL stops the RA at start rather than being served to devices: the deployment's verification names
    the file; a CRL tampered with after a verification (handed in as `verified`) fails the RA's own check."""
    copy = tmp_path / "copy"
    shutil.copytree(deployment.layout.root, copy)
    report = verify_deployment(copy, clock.time32, key_owners=("ra",))
    tampered = load_deployment(copy)
    entry = tampered.manifest.crls[0]
    data = bytearray((copy / entry.file).read_bytes())
    data[-1] ^= 1
    (copy / entry.file).write_bytes(bytes(data))
    with pytest.raises(TrustError) as refused:
        create_ra_app(load_deployment(copy), clock=clock, database_url=f"sqlite:///{tmp_path / 'ra.db'}")
    assert refused.value.artifact == entry.file and refused.value.code in ("400-43", "400-42")
    assert not (tmp_path / "ra.db").exists()                    # refused before the database was opened
    with pytest.raises(Ieee1609Error) as raised:
        create_ra_app(load_deployment(copy), clock=clock, database_url=f"sqlite:///{tmp_path / 'ra.db'}",
                      verified=report)
    assert raised.value.error in (ErrorCode.FAILED_SIGNATURE_VERIFICATION, ErrorCode.FAILED_PARSING)


def test_the_information_status_dates_a_rotation_in_the_same_i_period(deployment: Deployment, tmp_path: Path,
                                                                       clock: FakeClock) -> None:
    """The RA rotated a minute later: its new certificate starts at the i-period's start like the old one
    (scms.manager.profiles), so the status dates the RA certificate and the CCF by the rotation."""
    copy = tmp_path / "copy"
    shutil.copytree(deployment.layout.root, copy)
    rotated_at = Time32(clock.time32 + 60)
    rotate(copy, "ra", rotated_at)
    after = load_deployment(copy)
    assert after.certificate("ra").validity.start == deployment.certificate("ra").validity.start < rotated_at
    files = PublishedFiles.load(after, after.signing_key("ra"), rotated_at)
    trust = verify_first_ctl(after.latest_ctl(), rotated_at)
    info = verify_info_status(files.info_status[1], trust.root_certificates, rotated_at,
                              intermediates=[after.certificate("ica")]).status
    assert info.ra == rotated_at and info.ca_ccf == rotated_at
