"""crlCraca is the HashedId8 of the CRACA the caller names (1609.2 clause 7.3, 5.1.3.2).

The CRACA is the certificate named by the caller, or the signer itself when none is named (a CRACA signing its own
CRLs). Certificates in scope carry the last 3 bytes of this value as their cracaId, so a wrong crlCraca silently
revokes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator

from scms.dot2.lint._crl_context import CrlLintContext
from scms.dot2.lint.framework import Rule

__all__ = ["RULE"]


def check(ctx: CrlLintContext) -> Iterator[str]:
    craca = ctx.craca or ctx.signer
    expected = craca.hashed_id8()
    if bytes(ctx.contents.craca) != bytes(expected):
        yield f"crlCraca {ctx.contents.craca.hex()} is not the HashedId8 {expected.hex()} of the CRACA {craca}"


RULE = Rule("crl_craca_matches", "1609.2 7.3", check)
