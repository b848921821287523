"""SPDUs an SCMS component signs for an end entity: `Ieee1609Dot2Data-Signed {Tbs, SecurityMgmtPsid}` (1609.2.1
clause 6.3.2, Annex A `Ieee1609Dot2Dot1Protocol`) with the ECA, RA or ACA certificate as the signer.

The 2022 template fixes headerInfo to psid 35 with every other field absent (the message carries its own
generationTime) and the signer to one certificate (`SignerSingleCert`); the signed data is `unsecuredData` holding
the COER of the message (an `ScmsPdu`, or, for an encrypted-then-signed SPDU, the encrypted `Ieee1609Dot2Data`).
The receiver checks the signature (400-43), the psid (400-42), the signer form and the signer's role (400-40).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from scms.asn1 import Encoded
from scms.crypto import Signer
from scms.dot2.certificate import Certificate
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.spdu import HeaderInfo, SignerCertificate, sign_data, unsecured, verify_signed
from scms.dot2.time import Time32
from scms.protocol.security_mgmt_ssp import SECURITY_MGMT_PSID, Role, certificate_role

__all__ = ["SignedPdu", "sign_pdu", "verify_pdu"]

_HEADER = HeaderInfo(psid=SECURITY_MGMT_PSID)
"""The template's headerInfo: psid 35, nothing else (an immutable value, shared by every signature)."""


def sign_pdu(payload: bytes, key: Signer, certificate: Certificate, now: Time32) -> bytes:
    """COER signedData (psid 35, signer = `certificate`) around `unsecured(payload)`.

    `certificate` must hold `key` and be valid at `now`; anything else is the caller's mistake (ValueError).
    """
    if certificate.verification_key != key.public_point:
        raise ValueError(f"the signing key does not belong to {certificate}")
    if not certificate.valid_at(now):
        raise ValueError(f"{certificate} is not valid at {int(now)}")
    inner = Encoded("Ieee1609Dot2Data", unsecured(payload))  # our own encoding: signed without decoding it again
    return sign_data(inner, header=_HEADER, key=key, signer=SignerCertificate(certificate))


@lru_cache(maxsize=64)
def _role(certificate: Certificate) -> Role | None:
    """`certificate_role`, remembered for the few certificates that sign most SPDUs (an RA opens thousands of
    answers signed by one ACA certificate); a certificate whose SSP does not decode raises each time."""
    return certificate_role(certificate)


@dataclass(frozen=True)
class SignedPdu:
    """A verified component-signed SPDU: the payload octets and the certificate that signed them."""

    payload: bytes
    signer: Certificate


def verify_pdu(
    data: bytes,
    role: Role,
    now: Time32,
    *,
    certificates: Sequence[Certificate] = (),
    expected: Certificate | None = None,
) -> SignedPdu:
    """Verify a component-signed SPDU; returns the unsecured payload and the signer certificate.

    The signer must be carried as one certificate (400-42 otherwise), hold the SecurityMgmtSsp `role`, list psid 35
    and be valid at `now` (400-40); with `expected`, it must be that certificate (400-40). `certificates` helps to
    reconstruct an implicit signer's key. The caller verifies the signer's chain.
    """
    signed = verify_signed(data, certificates=certificates, now=now)
    if signed.header.psid != SECURITY_MGMT_PSID:
        raise Ieee1609Error(ErrorCode.FAILED_PARSING, f"signed for psid {signed.header.psid}, not 35")
    signer = signed.signer.certificate
    if signed.signer.form != "certificate" or signer is None:
        raise Ieee1609Error(ErrorCode.FAILED_PARSING, f"signer {signed.signer.form}: one certificate is required")
    if _role(signer) is not role:
        raise Ieee1609Error(ErrorCode.FAILED_CHAIN_VERIFICATION, f"{signer} is not an {role.value.upper()} certificate")
    if expected is not None and signer != expected:
        raise Ieee1609Error(ErrorCode.FAILED_CHAIN_VERIFICATION, f"signed by {signer}, expected {expected}")
    return SignedPdu(signed.unsecured_payload(), signer)
