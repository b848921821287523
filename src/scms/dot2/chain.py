"""Certificate chain verification (1609.2 §5.1.2 consistency, §5.2.3.2 chain, §5.3.1 / §5.3.2 keys).

`verify_chain(cert, intermediates, trust_anchors, now, psid=None)` builds the path from `cert` up by issuer HashedId8
to one of the caller's trust anchors (self-signed explicit certificates the caller trusts; with none given the chain
fails: we never fail open), then checks every link top-down:

* the anchor: self-signed, explicit, its self-signature verifies, valid at `now`;
* an explicit subject: its signature verifies with the issuer's (possibly reconstructed) key;
  an implicit subject: its key is reconstructed by ECQV with the issuer (the only check ECQV permits), the issuer's
  key is 256-bit, and it is not self-signed;
* the issuer holds certIssuePermissions; the subject's appPermissions, certIssuePermissions and
  certRequestPermissions lie within them (PSIDs, SSP ranges, eeType, chain length; `permission_consistency`);
* validity: the subject is valid at `now` and its validity period lies within the issuer's;
* region: the subject's region lies within the issuer's effective region (absent = inherited / unrestricted);
* with `psid`, the end certificate's appPermissions contain it.

Every failure raises `Ieee1609Error(FAILED_CHAIN_VERIFICATION, "<HashedId8>: <rule>")` (400-40).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from scms.crypto import Point
from scms.dot2.certificate import Certificate
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.permission_consistency import (
    app_permissions_violation,
    issue_permissions_violation,
    request_permissions_violation,
)
from scms.dot2.region import Region, region_within
from scms.dot2.time import Time32, Time64

__all__ = ["MAX_CHAIN_LENGTH", "VerifiedChain", "verify_chain"]

MAX_CHAIN_LENGTH = 8
"""Longest path we build (root, ICAs, CA, end entity): a guard against loops and hostile inputs."""


@dataclass(frozen=True)
class VerifiedChain:
    """A verified path: `certificates[0]` is the subject, `certificates[-1]` the trust anchor."""

    certificates: tuple[Certificate, ...]
    public_key: Point

    @property
    def subject(self) -> Certificate:
        return self.certificates[0]

    @property
    def anchor(self) -> Certificate:
        return self.certificates[-1]


def _fail(cert: Certificate, rule: str) -> Ieee1609Error:
    return Ieee1609Error(ErrorCode.FAILED_CHAIN_VERIFICATION, f"{cert.hashed_id8()}: {rule}")


def _build_path(
    cert: Certificate, intermediates: Sequence[Certificate], anchors: Sequence[Certificate]
) -> list[Certificate]:
    path = [cert]
    current = cert
    while current not in anchors:
        if current.is_self_signed:
            raise _fail(current, "self-signed but not among the trust anchors")
        if len(path) >= MAX_CHAIN_LENGTH:
            raise _fail(cert, f"no trust anchor within {MAX_CHAIN_LENGTH} certificates")
        issuer = next((c for c in (*anchors, *intermediates) if c.identified_by(current.issuer)), None)
        if issuer is None:
            raise _fail(current, f"issuer {current.issuer} not found among the given certificates")
        if issuer in path:
            raise _fail(current, "the issuer path loops")
        path.append(issuer)
        current = issuer
    return path


def _check_anchor(anchor: Certificate, now: Time32 | Time64) -> Point:
    if not anchor.is_self_signed or not anchor.is_explicit:
        raise _fail(anchor, "a trust anchor must be a self-signed explicit certificate")
    try:
        anchor.verify_signature()
    except Ieee1609Error as exc:
        raise _fail(anchor, f"self-signature: {exc.detail or exc}") from None
    if not anchor.valid_at(now):
        raise _fail(anchor, f"not valid at {int(now)}")
    key = anchor.verification_key
    assert key is not None
    return key


def _check_link(
    subject: Certificate, issuer: Certificate, issuer_key: Point, issuer_region: Region | None, now: Time32 | Time64
) -> Point:
    """Check one link; returns the subject's public key."""
    if subject.is_implicit and subject.is_self_signed:
        raise _fail(subject, "an implicit certificate cannot be self-signed")
    groups = issuer.cert_issue_permissions
    if not groups:
        raise _fail(subject, f"issuer {issuer.hashed_id8()} has no certIssuePermissions")
    try:
        if subject.is_explicit:
            subject.verify_signature(issuer, issuer_key=issuer_key)
            key = subject.public_key()
        else:
            key = subject.public_key(issuer, issuer_key=issuer_key)
    except Ieee1609Error as exc:
        raise _fail(subject, f"{'signature' if subject.is_explicit else 'key reconstruction'}: {exc.detail}") from None
    if not subject.valid_at(now):
        raise _fail(subject, f"not valid at {int(now)}")
    if not subject.validity.within(issuer.validity):
        raise _fail(subject, "validity period not within the issuer's")
    if not region_within(subject.region, issuer_region):
        raise _fail(subject, "region not within the issuer's region")
    for violation in (
        app_permissions_violation(subject.app_permissions, groups),
        issue_permissions_violation(subject.cert_issue_permissions, groups),
        request_permissions_violation(subject.cert_request_permissions, groups),
    ):
        if violation:
            raise _fail(subject, violation)
    return key


def verify_chain(
    cert: Certificate,
    intermediates: Sequence[Certificate],
    trust_anchors: Sequence[Certificate],
    now: Time32 | Time64,
    psid: int | None = None,
) -> VerifiedChain:
    """Verify `cert` up to one of `trust_anchors` at `now`; returns the path and the subject's key, or raises 400-40."""
    if not trust_anchors:
        raise _fail(cert, "no trust anchor given")
    path = _build_path(cert, intermediates, trust_anchors)
    key = _check_anchor(path[-1], now)
    region = path[-1].region
    for subject, issuer in zip(reversed(path[:-1]), reversed(path[1:]), strict=True):
        key = _check_link(subject, issuer, key, region, now)
        region = subject.region if subject.region is not None else region
    if psid is not None and not cert.permits(psid):
        raise _fail(cert, f"appPermissions do not include psid {psid}")
    return VerifiedChain(tuple(path), key)
