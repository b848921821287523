"""Verify a received `SecuredCrl` (IEEE 1609.2 clause 7.4; standards notes §8): `verify_crl(data, certificates=...)`.

Steps, each failure an Ieee1609Error whose detail names the rule:
1. parse and check the signature with the signer certificate (`scms.dot2.spdu.verify_signed`: 400-42 / 400-43;
   a signer digest not among `certificates` is 400-40);
2. `secured_crl_signature`: rSig is x-only (400-43). Our profile [U]: 1609.2 lets a verifier accept any r form,
   but x-only is the canonical one and the only one our signer emits; accepting the others would give one CRL several
   valid encodings (flipping the form byte to compressed-y-0 keeps the signature valid half of the time);
3. `secured_crl_header`: headerInfo is psid 256 and nothing else (400-42);
4. `secured_crl_payload`: the payload is an unsecuredData holding a CrlContents (400-42);
5. `crl_signer`: the signer is a certificate, not `self`, and one of `certificates` (400-40): a certificate the CRL
   carries itself is not trusted for that, since anyone can make one whose CrlSsp names any crlCraca (and the
   cracaId a certificate is matched on is only 3 bytes);
6. the receipt rules of the CRL linter (`CRL_RECEIPT_RULES`, shared with lint before sign): version 1, nextCrl after
   issueDate, the signer's CrlSsp (psid 256) covers crlCraca and crlSeries, the signer is valid at issueDate.

`certificates` are the certificates the caller trusts as CRL signers: validate their chains to a trust anchor first
(the certificate chain verifier of `scms.dot2`). Not done here: that chain validation, and deciding whether the CRL
is fresh enough (nextCrl against now is the caller's policy).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from scms.dot2 import _codec
from scms.dot2.certificate import Certificate
from scms.dot2.crl_contents import CrlContents
from scms.dot2.crl_signing import SECURED_CRL_HEADER
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.lint.crl import CRL_RECEIPT_RULES, CrlLintContext
from scms.dot2.lint.framework import run_rules
from scms.dot2.spdu.data import Ieee1609Dot2Data
from scms.dot2.spdu.signed import verify_signed

__all__ = ["VerifiedCrl", "verify_crl"]


class VerifiedCrl(CrlContents):
    """A CRL whose signature and signer authority verified: its contents (a `CrlContents`), the received bytes
    (`raw`) and the signer certificate (`signer`)."""

    def __init__(self, encoded: bytes, value: dict[str, Any], *, raw: bytes, signer: Certificate) -> None:
        super().__init__(encoded, value)
        self.raw = raw
        self.signer = signer

    def __repr__(self) -> str:
        return f"Verified{super().__repr__()[:-1]}, signer={self.signer.hashed_id8().hex()})"


def verify_crl(data: bytes, *, certificates: Sequence[Certificate]) -> VerifiedCrl:
    """Verify the SecuredCrl `data` against the signer certificate among `certificates`; raises Ieee1609Error."""
    signed = verify_signed(data, certificates=certificates, check_permissions=False)
    r_form = Ieee1609Dot2Data.from_bytes(data).expect("signedData")["signature"][1]["rSig"][0]
    if r_form != "x-only":
        raise Ieee1609Error(
            ErrorCode.FAILED_SIGNATURE_VERIFICATION, f"secured_crl_signature: rSig is {r_form}, not x-only"
        )
    if signed.header != SECURED_CRL_HEADER:
        raise Ieee1609Error(
            ErrorCode.FAILED_PARSING, f"secured_crl_header: a SecuredCrl header is psid 256 only, got {signed.header}"
        )
    try:
        encoded = signed.unsecured_payload()
        value = _codec.decode("CrlContents", encoded)
    except Ieee1609Error as exc:
        raise Ieee1609Error(ErrorCode.FAILED_PARSING, f"secured_crl_payload: {exc.detail}") from None
    signer = signed.signer.certificate
    if signer is None:
        raise Ieee1609Error(ErrorCode.FAILED_CHAIN_VERIFICATION, "crl_signer: a CRL is signed by a certificate")
    if signer not in certificates:
        raise Ieee1609Error(
            ErrorCode.FAILED_CHAIN_VERIFICATION, f"crl_signer: {signer} (carried in the CRL) is not a given certificate"
        )
    crl = VerifiedCrl(encoded, value, raw=bytes(data), signer=signer)
    run_rules(CRL_RECEIPT_RULES, CrlLintContext(crl, signer))
    return crl
