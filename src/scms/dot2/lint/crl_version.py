"""CrlContents.version is 1 (1609.2 clause 7.3, `CrlContents.version Uint8 (1)`)."""

from __future__ import annotations

from collections.abc import Iterator

from scms.dot2.lint._crl_context import CrlLintContext
from scms.dot2.lint.framework import Rule

__all__ = ["RULE"]

CRL_VERSION = 1


def check(ctx: CrlLintContext) -> Iterator[str]:
    if ctx.contents.version != CRL_VERSION:
        yield f"version {ctx.contents.version}, expected {CRL_VERSION}"


RULE = Rule("crl_version", "1609.2 7.3", check)
