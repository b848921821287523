"""Who may sign a CRL (1609.2 clause 7.4, CrlSsp of psid 256): the real ISS root and our own signer certificates."""

from __future__ import annotations

import pytest

from scms.crypto import HashedId8
from scms.dot2.certificate import Certificate
from scms.dot2.crl_authority import CrlPermissions, check_crl_authority, crl_permissions
from scms.dot2.errors import ErrorCode, Ieee1609Error
from vectors import case, case_params, unhex

from ._crl_fixtures import CRL_PSID, crl_ssp, make_certificate, make_craca


@pytest.mark.parametrize("param", case_params("real-certificates/iss-root.json"))
def test_real_root_ca_is_craca_for_series_256(param: tuple[str, int | None]) -> None:
    root = Certificate.from_bytes(unhex(case(param)["certificate"]))
    assert crl_permissions(root) == CrlPermissions(is_craca=True, series=(256,))
    assert check_crl_authority(root, root.hashed_id8(), 256).is_craca
    with pytest.raises(Ieee1609Error, match="not 1") as caught:
        check_crl_authority(root, root.hashed_id8(), 1)
    assert caught.value.error is ErrorCode.FAILED_CHAIN_VERIFICATION


def test_craca_signs_for_itself_only() -> None:
    craca = make_craca([1, 3]).certificate
    for series in (1, 3):
        check_crl_authority(craca, craca.hashed_id8(), series)
    with pytest.raises(Ieee1609Error, match="is not itself"):
        check_crl_authority(craca, HashedId8(bytes(8)), 1)
    with pytest.raises(Ieee1609Error, match=r"series \[1, 3\], not 2"):
        check_crl_authority(craca, craca.hashed_id8(), 2)


def test_crl_signer_whose_issuer_is_craca_names_its_issuer() -> None:
    craca = make_craca([1])
    signer = make_certificate(issuer=craca, permissions=[(CRL_PSID, crl_ssp([1], is_craca=False))]).certificate
    assert check_crl_authority(signer, craca.certificate.hashed_id8(), 1) == CrlPermissions(False, (1,))
    with pytest.raises(Ieee1609Error, match="is not its issuer"):
        check_crl_authority(signer, signer.hashed_id8(), 1)
    # A self-signed certificate cannot claim "issuerIsCraca": it names no issuer.
    orphan = make_certificate(permissions=[(CRL_PSID, crl_ssp([1], is_craca=False))]).certificate
    with pytest.raises(Ieee1609Error, match="is not its issuer"):
        check_crl_authority(orphan, orphan.hashed_id8(), 1)


@pytest.mark.parametrize(
    "permissions",
    [[(35, b"\x8c\x00")], [(CRL_PSID, None)], [(CRL_PSID, b"\x00\x02")]],
    ids=["no-psid-256", "psid-256-without-ssp", "ssp-not-a-crlssp"],
)
def test_certificates_without_a_valid_crlssp_may_not_sign_crls(permissions: list[tuple[int, bytes | None]]) -> None:
    holder = make_certificate(permissions=permissions).certificate
    assert crl_permissions(holder) is None
    with pytest.raises(Ieee1609Error, match="has no CrlSsp") as caught:
        check_crl_authority(holder, holder.hashed_id8(), 1)
    assert caught.value.header_value == "400-40"
