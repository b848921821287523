"""The end entity's private key for a certificate it received (1609.2 clause 5.3.2; 1609.2.1 clause 9.3), checked
against the certificate before it is used.

| certificate | privateKeyInfo | private key |
|---|---|---|
| explicit, key as requested (enrollment, non-butterfly) | absent | the request key itself |
| explicit, butterfly | c (32 bytes) | cocoon key b + c |
| implicit | r (32 bytes) | ECQV: e·(request or cocoon key) + r |

Every result is checked: explicit, the derived key times G is the certificate's verificationKey; implicit, it is
e·P_U + Q_issuer. A mismatch, or a privateKeyInfo that is not a scalar below n, is 400-64 (invalid
verifyKeyIndicator); a missing or superfluous privateKeyInfo is 400-42.
"""

from __future__ import annotations

from scms.crypto import CryptoError, Point, SoftwareKey, ecqv_e, ecqv_private_key, explicit_private_key
from scms.dot2.certificate import Certificate
from scms.dot2.errors import ErrorCode, Ieee1609Error

__all__ = ["certificate_private_key"]


def certificate_private_key(
    certificate: Certificate,
    issuer: Certificate,
    issuer_key: Point,
    base_key: SoftwareKey,
    private_key_info: bytes | None,
    *,
    randomized: bool,
) -> SoftwareKey:
    """The private key of `certificate` from `base_key` (the request or cocoon key) and `private_key_info`.

    `randomized`: an explicit certificate's key is base + c (butterfly) rather than the base key itself.
    `issuer_key` is the verified public key of `issuer` (its chain was checked by the caller).
    """
    needs_info = certificate.is_implicit or randomized
    if (private_key_info is None) == needs_info:
        state = "missing" if needs_info else "present"
        raise Ieee1609Error(ErrorCode.FAILED_PARSING, f"privateKeyInfo {state} for {certificate}")
    try:
        if certificate.is_implicit:
            assert private_key_info is not None
            reconstruction = certificate.reconstruction_value(issuer_key.curve)
            assert reconstruction is not None
            e = ecqv_e(certificate.tbs_bytes(), issuer.canonical_bytes, issuer_key.curve)
            return ecqv_private_key(base_key, e, private_key_info, reconstruction, issuer_key)
        if private_key_info is not None:
            return explicit_private_key(base_key, private_key_info, certificate.verification_key)
    except CryptoError as exc:
        raise Ieee1609Error(ErrorCode.INVALID_VERIFY_KEY_INDICATOR, f"{certificate}: {exc}") from None
    if certificate.verification_key != base_key.public_point:
        raise Ieee1609Error(ErrorCode.INVALID_VERIFY_KEY_INDICATOR, f"{certificate} does not carry the request key")
    return base_key
