"""What every end-entity request to the RA shares (1609.2.1 clause 6.3.5; standards notes §5.4, §10.3): it is
signed by the EE's enrollment certificate, then encrypted to the RA certificate's encryptionKey (certRecipInfo,
recipientId = HashedId8 of the RA certificate).

The RA opens it in this order, each step with its code: not one canonical `Ieee1609Dot2Data` 400-42; not
encrypted 400-10 (absent encryption); no certRecipInfo for our RA certificate 400-81 (wrong RA); the key unwrap or
the AES-CCM tag fails 400-41. The signer is then the enrollment certificate, carried as one certificate (400-42
otherwise), valid at the request's generationTime and at `now` (400-712), and trusted by the caller's check.
"""

from __future__ import annotations

from collections.abc import Callable

from scms.crypto import KeyAgreement
from scms.dot2.certificate import Certificate
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.spdu import CertRecipient, Ieee1609Dot2Data, RecipientPrivateKey, decrypt, encrypt
from scms.dot2.time import Time32

__all__ = ["EnrollmentCheck", "check_enrollment_certificate", "open_for_ra", "seal_for_ra"]

EnrollmentCheck = Callable[[Certificate, Time32], object]
"""The RA service's verdict on an enrollment certificate at a time: its chain to a trusted ECA and root, and the
device's state (registered, not blocked). Raises Ieee1609Error (400-40, 400-20, 400-21, 400-62, ...) to refuse."""


def seal_for_ra(signed: bytes, ra_certificate: Certificate) -> bytes:
    """Encrypt the signed SPDU `signed` to the RA certificate's encryptionKey."""
    return encrypt(signed, [CertRecipient(ra_certificate)])


def open_for_ra(data: bytes, ra_key: KeyAgreement, ra_certificate: Certificate) -> bytes:
    """The plaintext `Ieee1609Dot2Data` of a request encrypted to `ra_certificate`; raises 400-42/10/81/41."""
    view = Ieee1609Dot2Data.from_bytes(data)
    if view.kind != "encryptedData":
        raise Ieee1609Error(ErrorCode.ABSENT_ENCRYPTION, f"the request is {view.kind}, not encryptedData")
    ours = ra_certificate.hashed_id8()
    recipients = view.content["recipients"]
    if not any(kind == "certRecipInfo" and info["recipientId"] == ours for kind, info in recipients):
        named = ", ".join(f"{kind} {info['recipientId'].hex()}" for kind, info in recipients if isinstance(info, dict))
        raise Ieee1609Error(ErrorCode.WRONG_RA, f"encrypted for {named or 'another recipient'}, not {ours}")
    return decrypt(data, [RecipientPrivateKey.for_certificate(ra_key, ra_certificate)])


def check_enrollment_certificate(
    certificate: Certificate | None, generation_time: Time32, now: Time32, check: EnrollmentCheck
) -> Certificate:
    """The request's signer as an enrollment certificate valid at `generation_time` and `now` (400-712), passed to
    the service's `check` at `now`; a signer that is not one carried certificate is 400-42."""
    if certificate is None:
        raise Ieee1609Error(ErrorCode.FAILED_PARSING, "the request must be signed by one enrollment certificate")
    for moment in (generation_time, now):
        if not certificate.valid_at(moment):
            raise Ieee1609Error(
                ErrorCode.OUTSIDE_ENROLLMENT_CERTIFICATE_VALIDITY, f"{certificate} is not valid at {int(moment)}"
            )
    check(certificate, now)
    return certificate
