"""Key points in a certificate are compressed (1609.2 §6.1.2 canonicalization; §6.4.8 ToBeSignedCertificate notes).

The verification key / reconstruction value and the encryption key of the tbs that is signed must be
compressed-y-0/1: anything else makes the signed bytes differ from the canonical bytes every verifier hashes.
"""

from __future__ import annotations

from collections.abc import Iterator

from scms.dot2.errors import ErrorCode
from scms.dot2.lint._cert_context import CertificateLintContext
from scms.dot2.lint.framework import Rule

__all__ = ["RULE"]

_COMPRESSED = ("compressed-y-0", "compressed-y-1")


def check(ctx: CertificateLintContext) -> Iterator[str]:
    indicator = ctx.tbs.get("verifyKeyIndicator")
    if indicator is not None:
        kind, value = indicator
        form = value[1][0] if kind == "verificationKey" else value[0]
        if form not in _COMPRESSED:
            yield f"verifyKeyIndicator.{kind} is {form}, not compressed"
    encryption = ctx.tbs.get("encryptionKey")
    if encryption is not None and encryption["publicKey"][1][0] not in _COMPRESSED:
        yield f"encryptionKey is {encryption['publicKey'][1][0]}, not compressed"


RULE = Rule("cert_points_compressed", "1609.2 6.1.2", check, ErrorCode.INVALID_VERIFY_KEY_INDICATOR)
