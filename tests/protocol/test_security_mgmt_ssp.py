"""SecurityMgmtSsp (1609.2.1 clause 6.3): the PSID 35 SSP of every SCMS role, its bytes and its parsing."""

from __future__ import annotations

import pytest

from scms.dot2 import ErrorCode, Ieee1609Error
from scms.dot2.certificate import Certificate
from scms.protocol import Role, SecurityMgmtSsp, certificate_role, certificate_ssp, role_of, security_mgmt_ssp
from vectors import VECTORS_DIR, case, case_params, read_bytes, unhex

from ._trust_fixtures import Curve, make_elector, make_issued, make_root


@pytest.mark.parametrize(
    ("role", "kwargs", "expected"),
    [
        # CHOICE index in the low bits of the tag (0x80 + index), then the SEQUENCE preamble (extension bit 0)
        # and version: elector is alternative 0, root 1, ..., ee 12.
        (Role.ELECTOR, {}, "800002"),
        (Role.ROOT, {"version": 1}, "810001"),  # the real ISS root's SSP (standards notes §1.5)
        (Role.ICA, {}, "830002"),
        (Role.CRL_SIGNER, {}, "860002"),
        (Role.RA, {}, "8b0002"),  # OpenSCMS's RA certificate
        (Role.EE, {}, "8c0002"),
        (Role.LA, {"la_id": 0x1234}, "8800021234"),  # laId Uint16 after version
        (Role.MA, {"relevant_psids": [32, 38]}, "8a0002010201200126"),  # SequenceOfPsid: count, then each Psid
        # dc is an extension addition: tag 0x8d, then an open-type length (2) around the SEQUENCE.
        (Role.DC, {}, "8d020002"),
    ],
)
def test_ssp_bytes(role: Role, kwargs: dict[str, object], expected: str) -> None:
    data = security_mgmt_ssp(role, **kwargs)  # type: ignore[arg-type]
    assert data.hex() == expected
    parsed = SecurityMgmtSsp.from_bytes(data)
    assert parsed.role is role and role_of(data) is role
    assert parsed.to_bytes() == data


def test_role_by_name() -> None:
    assert security_mgmt_ssp("aca") == security_mgmt_ssp(Role.ACA) == bytes.fromhex("850002")


@pytest.mark.parametrize("garbage", ["", "81", "810002ff", "8e0002", "ff", "810100", "880002"])
def test_role_of_garbage_is_a_parsing_error(garbage: str) -> None:
    """Empty, truncated, trailing bytes, unknown alternative, set extension bit without additions, la without laId."""
    with pytest.raises(Ieee1609Error) as caught:
        role_of(bytes.fromhex(garbage))
    assert caught.value.error is ErrorCode.FAILED_PARSING


def test_builder_refuses_inconsistent_fields() -> None:
    with pytest.raises(ValueError, match="la_id"):
        security_mgmt_ssp(Role.LA)
    with pytest.raises(ValueError, match="la_id"):
        security_mgmt_ssp(Role.RA, la_id=1)
    with pytest.raises(ValueError, match="relevant_psids"):
        security_mgmt_ssp(Role.MA)
    with pytest.raises(ValueError, match="version"):
        security_mgmt_ssp(Role.ROOT, version=3)
    with pytest.raises(ValueError):
        security_mgmt_ssp("nobody")


def test_certificate_role_of_our_certificates() -> None:
    root = make_root()
    elector = make_elector(curve=Curve.P384)
    ica = make_issued(root, "ica.test", Role.ICA)
    assert certificate_role(root.cert) is Role.ROOT
    assert certificate_role(elector.cert) is Role.ELECTOR
    assert certificate_role(ica.cert) is Role.ICA
    ssp = certificate_ssp(ica.cert)
    assert ssp is not None and ssp.version == 2


@pytest.mark.parametrize("param", case_params("real-certificates/iss-root.json"))
def test_certificate_role_of_the_real_iss_root(param: tuple[str, int | None]) -> None:
    cert = Certificate.from_bytes(unhex(case(param)["certificate"]))
    ssp = certificate_ssp(cert)
    assert ssp == SecurityMgmtSsp(Role.ROOT, 1)


def test_certificate_role_of_openscms_ra() -> None:
    cert = Certificate.from_bytes(read_bytes(VECTORS_DIR / "openscms" / "RaCertificate.dat"))
    assert certificate_role(cert) is Role.RA
