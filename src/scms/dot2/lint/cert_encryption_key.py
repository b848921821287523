"""The encryption key's symmetric algorithm is supported (1609.2 §5.3.8: AES-128-CCM).

SM4-CCM (and SM2 keys) are defined by the standard but not supported here, so we never issue them. The key's curve
needs no rule: a `PublicEncryptionKey` can only hold an ECIES curve (NIST P-256 or brainpoolP256r1, §5.3.5).
"""

from __future__ import annotations

from collections.abc import Iterator

from scms.dot2.lint._cert_context import CertificateLintContext
from scms.dot2.lint.framework import Rule

__all__ = ["RULE"]


def check(ctx: CertificateLintContext) -> Iterator[str]:
    key = ctx.template.encryption_key
    if key is None:
        return
    if key.symmetric_algorithm != "aes128Ccm":
        yield f"supportedSymmAlg {key.symmetric_algorithm} is not supported (aes128Ccm only)"


RULE = Rule("cert_encryption_key", "1609.2 5.3.5", check, reads=frozenset({"encryption_key"}))
