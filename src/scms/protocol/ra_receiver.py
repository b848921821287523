"""What every end-entity request to the RA shares (1609.2.1 clause 6.3.5; standards notes §5.4, §10.3): it is
signed by the EE's enrollment certificate, then encrypted to the RA certificate's encryptionKey (certRecipInfo,
recipientId = HashedId8 of the RA certificate). `RaReceiver` holds what the RA needs to open one.

The RA opens a request in this order, each step with its code: not one canonical `Ieee1609Dot2Data` 400-42; not
encrypted 400-10 (absent encryption); no certRecipInfo for our RA certificate 400-81 (wrong RA); the key unwrap or
the AES-CCM tag fails 400-41; the signer's key cannot be found (an implicit enrollment certificate whose ECA
certificate is not among `eca_certificates`) 400-40; the signature fails 400-43. After the message's own checks,
the signer must be the enrollment certificate, carried as one certificate (400-42 otherwise), valid at the
request's generationTime and at `now` (400-712), and accepted by the service's `check_enrollment`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from scms.crypto import KeyAgreement
from scms.dot2.certificate import Certificate
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.spdu import (
    CertRecipient,
    Ieee1609Dot2Data,
    RecipientPrivateKey,
    VerifiedCertificateRequest,
    VerifiedSignedData,
    decrypt,
    encrypt,
    verify_certificate_request,
)
from scms.dot2.time import Time32

__all__ = ["EnrollmentCheck", "RaReceiver", "seal_for_ra"]

EnrollmentCheck = Callable[[Certificate, Time32], object]
"""The RA service's verdict on an enrollment certificate at a time: its chain to a trusted ECA and root, and the
device's state (registered, not blocked). Raises Ieee1609Error (400-40, 400-20, 400-21, 400-62, ...) to refuse."""


def seal_for_ra(signed: bytes, ra_certificate: Certificate) -> bytes:
    """EE: encrypt the signed SPDU `signed` to the RA certificate's encryptionKey."""
    return encrypt(signed, [CertRecipient(ra_certificate)])


@dataclass(frozen=True, repr=False)
class RaReceiver:
    """The RA's side of every EE request: its certificate, the private key of that certificate's encryptionKey,
    the ECA certificates that reconstruct implicit enrollment certificates' keys, and the service's verdict on an
    enrollment certificate (`check_enrollment(certificate, now)`: chain, registration, device state)."""

    certificate: Certificate
    decryption_key: KeyAgreement
    check_enrollment: EnrollmentCheck
    eca_certificates: Sequence[Certificate] = ()

    def __repr__(self) -> str:
        return f"RaReceiver({self.certificate}, [secure])"

    def open(self, data: bytes) -> bytes:
        """The plaintext `Ieee1609Dot2Data` of a request encrypted to our certificate; raises 400-42/10/81/41."""
        view = Ieee1609Dot2Data.from_bytes(data)
        if view.kind != "encryptedData":
            raise Ieee1609Error(ErrorCode.ABSENT_ENCRYPTION, f"the request is {view.kind}, not encryptedData")
        ours = self.certificate.hashed_id8()
        recipients = view.content["recipients"]
        if not any(kind == "certRecipInfo" and info["recipientId"] == ours for kind, info in recipients):
            named = ", ".join(f"{k} {i['recipientId'].hex()}" for k, i in recipients if isinstance(i, dict))
            raise Ieee1609Error(ErrorCode.WRONG_RA, f"encrypted for {named or 'another recipient'}, not {ours}")
        return decrypt(data, [RecipientPrivateKey.for_certificate(self.decryption_key, self.certificate)])

    def open_certificate_request(self, data: bytes) -> VerifiedCertificateRequest:
        """Open and verify a signed certificate request encrypted to us (the signer is checked later)."""
        return verify_certificate_request(self.open(data), certificates=self.eca_certificates)

    def enrollment_signer(
        self, verified: VerifiedCertificateRequest | VerifiedSignedData, generation_time: Time32, now: Time32
    ) -> Certificate:
        """The verified request's signer as an enrollment certificate valid at `generation_time` and `now`
        (400-712) that `check_enrollment` accepts at `now`; a signer that is not one carried certificate is 400-42."""
        signer = verified.signer
        certificate = signer.certificate if signer.form == "certificate" else None
        if certificate is None:
            raise Ieee1609Error(ErrorCode.FAILED_PARSING, "the request must be signed by one enrollment certificate")
        for moment in (generation_time, now):
            if not certificate.valid_at(moment):
                raise Ieee1609Error(
                    ErrorCode.OUTSIDE_ENROLLMENT_CERTIFICATE_VALIDITY, f"{certificate} is not valid at {int(moment)}"
                )
        self.check_enrollment(certificate, now)
        return certificate
