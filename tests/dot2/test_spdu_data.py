"""`Ieee1609Dot2Data` view and the unsecured builder (1609.2 clause 6.3.1) on the OpenSCMS captures."""

from __future__ import annotations

from pathlib import Path

import pytest

from scms.crypto import HashedId8
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.spdu import Ieee1609Dot2Data, unsecured
from vectors import VECTORS_DIR, openscms_dat_params, read_bytes

# Content kind of each Ieee1609Dot2Data capture, from the first two bytes the vectors README explains.
KINDS = {
    "CertificateManagementInfoStatusSpdu.dat": "signedData",
    "DecryptedEeRaCertRequestSpdu.dat": "signedCertificateRequest",
    "EeRaCertRequest.dat": "encryptedData",
    "EncryptedEeEcaCertRequestSpdu.dat": "signedCertificateRequest",
    "EeEcaCertRequestSpdu.dat": "signedCertificateRequest",
    "EeRaSuccessorEnrollmentCertRequestSpdu.dat": "encryptedData",
    "OscmsCertificateChainFileSpdu.dat": "unsecuredData",
    "composite-crl-file.dat": "unsecuredData",
}
# Unsecured SPDU -> the capture of the ScmsPdu it carries.
UNSECURED_PAYLOADS = {
    "OscmsCertificateChainFileSpdu.dat": "OscmsCertificateChainFile.dat",
    "composite-crl-file.dat": "composite-crl-scms-pdu.dat",
}


@pytest.mark.parametrize("path", openscms_dat_params())
def test_view_of_every_capture(path: Path) -> None:
    data = read_bytes(path)
    if path.name not in KINDS:
        with pytest.raises(Ieee1609Error) as info:  # a Certificate or a bare ScmsPdu is no Ieee1609Dot2Data
            Ieee1609Dot2Data.from_bytes(data)
        assert info.value.error is ErrorCode.FAILED_PARSING
        return
    view = Ieee1609Dot2Data.from_bytes(data)
    assert view.kind == KINDS[path.name]
    assert view.raw == data
    assert view.canonical_bytes == data  # OpenSCMS sends compressed points and x-only r
    assert view.hashed_id8() == HashedId8.of(data)


@pytest.mark.parametrize("name", sorted(UNSECURED_PAYLOADS))
def test_unsecured_builder_reproduces_the_capture(name: str) -> None:
    spdu = read_bytes(VECTORS_DIR / "openscms" / name)
    payload = read_bytes(VECTORS_DIR / "openscms" / UNSECURED_PAYLOADS[name])
    assert Ieee1609Dot2Data.from_bytes(spdu).unsecured_payload() == payload
    assert unsecured(payload) == spdu


def test_unsecured_layout() -> None:
    assert unsecured(b"\xaa\xbb") == bytes.fromhex("038002aabb")
    assert Ieee1609Dot2Data.from_bytes(bytes.fromhex("038002aabb")).unsecured_payload() == b"\xaa\xbb"


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(bytes.fromhex("028002aabb"), id="protocol-version-2"),
        pytest.param(bytes.fromhex("038002aabbcc"), id="trailing-byte"),
        pytest.param(bytes.fromhex("038003aabb"), id="truncated"),
        pytest.param(b"", id="empty"),
    ],
)
def test_malformed_is_failed_parsing(data: bytes) -> None:
    with pytest.raises(Ieee1609Error) as info:
        Ieee1609Dot2Data.from_bytes(data)
    assert info.value.error is ErrorCode.FAILED_PARSING


def test_expect_names_both_kinds() -> None:
    view = Ieee1609Dot2Data.from_bytes(unsecured(b"x"))
    with pytest.raises(Ieee1609Error, match="expected signedData content, got unsecuredData") as info:
        view.expect("signedData")
    assert info.value.error is ErrorCode.FAILED_PARSING
