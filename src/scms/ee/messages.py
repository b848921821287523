"""Signing and verifying V2X messages with the certificates the SCMS issued (IEEE 1609.2 clauses 5.2, 5.3.1, 6.3.4;
5.1.3 revocation): a BSM-like payload (PSID 32) signed with a pseudonym certificate, a service advertisement with an
identification certificate.

`sign_message(payload, psid, certificate, key, now)`: signedData around the unsecured payload, headerInfo
{psid, generationTime}, the signer certificate carried (`SignerCertificate`).

`verify_message(data, trust, now)` checks, in order, and stops at the first failure with `MessageRejected` (an
`Ieee1609Error`) whose `reason` says which check failed:

| reason | code | the message... |
|---|---|---|
| malformed | 400-42 | is not a signed SPDU with a signer certificate (or a known digest) and an unsecured payload |
| untrusted | 400-40 | has a signer that does not chain to a CTL root through the CCF's CAs (another SCMS; expired) |
| bad signature | 400-43 | does not verify with the signer's key (tampered) |
| wrong psid | 400-60 | is for another PSID than the one expected |
| future | 400-50 | carries a generationTime after `now` (+ the tolerance) |
| revoked | 400-40 | has a signer or CA certificate that a CRL of the composite CRL revokes, by hash or linkage value |
| revocation unknown | 400-40 | is covered by a CRL with entries we cannot evaluate (single-seed linkage) |

"untrusted" also covers a signer certificate that does not permit the message's PSID. The chain is checked at the
message's generationTime (a message verified later was signed when its certificate was valid); the trust, the CRLs
and the revocation decision are those the device holds at `now`.
`VerifiedMessage.revocation_checked` says whether some CRL covered the signer certificate at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from scms import asn1
from scms.crypto import Signer
from scms.dot2.certificate import Certificate
from scms.dot2.chain import VerifiedChain, verify_chain
from scms.dot2.crl import RevocationStatus, revocation_status
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.spdu import HeaderInfo, Ieee1609Dot2Data, SignerCertificate, sign_data, unsecured, verify_signed
from scms.dot2.time import Time32, Time64
from scms.ee.trust import TrustMaterial

__all__ = ["MessageRejected", "Rejection", "VerifiedMessage", "sign_message", "verify_message"]


class Rejection(Enum):
    MALFORMED = "malformed"
    UNTRUSTED = "untrusted signer"
    BAD_SIGNATURE = "bad signature"
    WRONG_PSID = "wrong psid"
    FUTURE = "generated in the future"
    REVOKED = "revoked"
    REVOCATION_UNKNOWN = "revocation unknown"


_CODES = {
    Rejection.MALFORMED: ErrorCode.FAILED_PARSING,
    Rejection.UNTRUSTED: ErrorCode.FAILED_CHAIN_VERIFICATION,
    Rejection.BAD_SIGNATURE: ErrorCode.FAILED_SIGNATURE_VERIFICATION,
    Rejection.WRONG_PSID: ErrorCode.INVALID_APP_PERMISSIONS,
    Rejection.FUTURE: ErrorCode.GENERATION_TIME_IN_FUTURE,
    Rejection.REVOKED: ErrorCode.FAILED_CHAIN_VERIFICATION,
    Rejection.REVOCATION_UNKNOWN: ErrorCode.FAILED_CHAIN_VERIFICATION,
}


class MessageRejected(Ieee1609Error):
    """A message that failed verification: `reason` names the check, the code and detail say more."""

    def __init__(self, reason: Rejection, detail: str) -> None:
        super().__init__(_CODES[reason], f"{reason.value}: {detail}")
        self.reason = reason


@dataclass(frozen=True)
class VerifiedMessage:
    payload: bytes
    psid: int
    generation_time: Time64 | None
    signer: Certificate
    chain: VerifiedChain
    revocation_checked: bool
    """Whether a CRL of the composite CRL covered the signer certificate (its CRACA and CRL series)."""


def _micros(now: Time32 | Time64) -> Time64:
    return now if isinstance(now, Time64) else Time64.from_time32(now)


def sign_message(payload: bytes, psid: int, certificate: Certificate, key: Signer, now: Time32 | Time64) -> bytes:
    """The COER signed SPDU of `payload` for `psid` at `now`, signed with `key` (the certificate's private key);
    ValueError when the certificate does not permit `psid` or is not valid at `now`."""
    if not certificate.permits(psid):
        raise ValueError(f"{certificate} does not permit psid {psid}")
    if not certificate.valid_at(now):
        raise ValueError(f"{certificate} is not valid at {int(now)}")
    header = HeaderInfo(psid=psid, generation_time=_micros(now))
    return sign_data(unsecured(payload), header=header, key=key, signer=SignerCertificate(certificate))


def _reject(reason: Rejection, detail: str) -> MessageRejected:
    return MessageRejected(reason, detail)


def _parse(data: bytes, known: Sequence[Certificate]) -> tuple[dict[str, Any], Certificate, tuple[Certificate, ...]]:
    try:
        signed = Ieee1609Dot2Data.from_bytes(data).expect("signedData")
    except Ieee1609Error as error:
        raise _reject(Rejection.MALFORMED, error.detail or str(error)) from None
    form, content = signed["signer"]
    if form == "certificate" and content:
        carried = tuple(Certificate(asn1.encode("Certificate", value), value) for value in content)
        return signed, carried[0], carried[1:]
    if form == "digest":
        found = next((c for c in known if c.hashed_id8() == content), None)
        if found is not None:
            return signed, found, ()
        raise _reject(Rejection.UNTRUSTED, f"signed by digest {content.hex()}, a certificate this device has not seen")
    raise _reject(Rejection.MALFORMED, f"signer {form}: a V2X message is signed by a certificate")


def _chain(signer: Certificate, others: Sequence[Certificate], trust: TrustMaterial, psid: int,
           moment: Time32 | Time64) -> VerifiedChain:
    try:
        return verify_chain(signer, [*trust.certificates, *others], trust.roots, moment, psid=psid)
    except Ieee1609Error as error:
        raise _reject(Rejection.UNTRUSTED, f"{signer} does not chain to a root CA of the device's CTL "
                      f"({error.detail or error})") from None


def _revocation(chain: VerifiedChain, trust: TrustMaterial) -> bool:
    covered = False
    for position, certificate in enumerate(chain.certificates[:-1]):
        for crl in trust.crls:
            status = revocation_status(certificate, crl)
            who = "the signer" if position == 0 else "its CA"
            where = f"CRL series {crl.series} of CRACA {crl.craca.hex()}"
            if status is RevocationStatus.REVOKED:
                raise _reject(Rejection.REVOKED, f"{who} {certificate} is revoked by {where}")
            if status is RevocationStatus.UNDETERMINED:
                raise _reject(Rejection.REVOCATION_UNKNOWN, f"{where} cannot be evaluated for {who} {certificate}")
            covered = covered or (position == 0 and status is RevocationStatus.NOT_REVOKED)
    return covered


def verify_message(
    data: bytes,
    trust: TrustMaterial,
    now: Time32 | Time64,
    *,
    psid: int | None = None,
    known: Sequence[Certificate] = (),
    future_tolerance_s: int = 0,
) -> VerifiedMessage:
    """Verify a signed V2X message (module docstring); `known`: certificates a digest signer may name."""
    signed, signer, others = _parse(data, known)
    header = HeaderInfo.from_coer(signed["tbsData"]["headerInfo"])
    moment = header.generation_time or now
    chain = _chain(signer, others, trust, header.psid, moment)
    try:
        verified = verify_signed(data, certificates=chain.certificates[1:], check_permissions=False)
        payload = verified.unsecured_payload()
    except Ieee1609Error as error:
        reason = Rejection.BAD_SIGNATURE if error.error is ErrorCode.FAILED_SIGNATURE_VERIFICATION else (
            Rejection.MALFORMED)
        raise _reject(reason, error.detail or str(error)) from None
    if psid is not None and header.psid != psid:
        raise _reject(Rejection.WRONG_PSID, f"psid {header.psid}, expected {psid}")
    if header.generation_time is not None and header.generation_time > _micros(now) + future_tolerance_s * 1_000_000:
        raise _reject(Rejection.FUTURE, f"generationTime {int(header.generation_time)} is after {int(_micros(now))}")
    checked = _revocation(chain, trust)
    return VerifiedMessage(payload, header.psid, header.generation_time, signer, chain, checked)
