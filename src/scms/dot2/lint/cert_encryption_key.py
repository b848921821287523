"""The encryption key uses a supported algorithm (1609.2 §5.3.5 ECIES P-256 / brainpoolP256r1, §5.3.8 AES-CCM).

SM2 keys and SM4-CCM are defined by the standard but not supported by this implementation, so we never issue them.
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
    if key.curve.size != 32:
        yield f"encryption key on {key.curve.name}: ECIES keys are 256-bit"
    if key.symmetric_algorithm != "aes128Ccm":
        yield f"supportedSymmAlg {key.symmetric_algorithm} is not supported (aes128Ccm only)"


RULE = Rule("cert_encryption_key", "1609.2 5.3.5", check)
