"""Who may sign a CRL: the `CrlSsp` of psid 256 (IEEE 1609.2 clause 7.4, `Ieee1609Dot2CrlSsp`; notes §1.5, §8).

A CRL signer's certificate carries appPermissions {psid 256, ssp = COER `CrlSsp {version 1, associatedCraca,
crls}`}:
- `associatedCraca = isCraca`: the signer is the CRACA, so `crlCraca` must be the HashedId8 of the signer itself;
- `associatedCraca = issuerIsCraca`: the signer's issuer is the CRACA, so `crlCraca` must be the HashedId8 named as
  the signer's issuer (a dedicated CRL signer certified by its CRACA);
- the CRL's `crlSeries` must be listed in `crls`.

`check_crl_authority` is the one implementation of these rules: the lint rule `crl_signer_ssp` (before signing) and
`verify_crl` (on receipt, through that rule) both call it. A failure is Ieee1609Error 400-40.
"""

from __future__ import annotations

from dataclasses import dataclass

from scms.crypto import HashedId8
from scms.dot2 import _codec
from scms.dot2.certificate import Certificate
from scms.dot2.errors import ErrorCode, Ieee1609Error

__all__ = ["CRL_PSID", "CrlPermissions", "check_crl_authority", "crl_permissions"]

CRL_PSID = 256
"""`CrlPsid`: the PSID of SecuredCrl headers and of the CRL signer's permission."""


@dataclass(frozen=True)
class CrlPermissions:
    """A decoded `CrlSsp`: is the holder the CRACA itself (or its issuer), and which series it may sign."""

    is_craca: bool
    series: tuple[int, ...]

    def craca_of(self, signer: Certificate) -> HashedId8 | None:
        """The HashedId8 that `crlCraca` must carry for CRLs signed by `signer` (None: unknowable)."""
        return signer.hashed_id8() if self.is_craca else signer.issuer.digest


def crl_permissions(certificate: Certificate) -> CrlPermissions | None:
    """The certificate's `CrlSsp`, or None if psid 256 is absent or its SSP is not a valid opaque CrlSsp."""
    for permission in certificate.app_permissions:
        if permission.psid != CRL_PSID or permission.ssp is None or permission.ssp.bitmap:
            continue
        try:
            value = _codec.decode("CrlSsp", permission.ssp.value)
        except Ieee1609Error:
            return None
        return CrlPermissions(value["associatedCraca"] == "isCraca", tuple(value["crls"]))
    return None


def _refuse(detail: str) -> Ieee1609Error:
    return Ieee1609Error(ErrorCode.FAILED_CHAIN_VERIFICATION, detail)


def check_crl_authority(signer: Certificate, crl_craca: HashedId8, crl_series: int) -> CrlPermissions:
    """Raise Ieee1609Error 400-40 unless `signer` may sign CRLs of (`crl_craca`, `crl_series`); return its CrlSsp."""
    permissions = crl_permissions(signer)
    if permissions is None:
        raise _refuse(f"{signer} has no CrlSsp (psid {CRL_PSID}): it may not sign CRLs")
    if crl_series not in permissions.series:
        raise _refuse(f"{signer} may sign CRL series {list(permissions.series)}, not {crl_series}")
    expected = permissions.craca_of(signer)
    if expected is None or bytes(expected) != bytes(crl_craca):
        relation = "itself" if permissions.is_craca else "its issuer"
        raise _refuse(f"crlCraca {crl_craca.hex()} is not {relation} ({signer} says associatedCraca {relation})")
    return permissions
