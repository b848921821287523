"""The CRLs of the root CRACA, signed by the CRL signer (1609.2 §5.1.3, clause 7.3-7.4; standards notes §8).

The root CA is the CRACA of every certificate below it; the CRL signer (CrlSsp issuerIsCraca, listing every
series) signs one CRL per series: hash-based for the CA series (CA and component certificates), the enrollment
series and the identification series, linkage-based for the pseudonym series (its `iRev` is the i-period of
`issueDate`). `initial_crls` makes the first, empty one of each ("nothing revoked", crlSerial 1 for the hash
CRLs); the `scms manager crl` operations reuse `crl_header` and `sign_series_crl` for the next ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from scms.crypto import HashedId8
from scms.deployment.config import DeploymentConfig
from scms.dot2.certificate import Certificate
from scms.dot2.crl import CrlContents, CrlHeader, build_hash_crl, build_linkage_crl, lint_crl, sign_crl
from scms.dot2.time import Time32
from scms.manager.hierarchy import Hierarchy, Holder

__all__ = ["CrlKindName", "IssuedCrl", "crl_header", "initial_crls", "sign_series_crl"]

CrlKindName = Literal["hash", "linkage"]


@dataclass(frozen=True)
class IssuedCrl:
    """A signed CRL (COER `SecuredCrl`) with what names it: CRACA, series, kind and our count of it."""

    craca: HashedId8
    series: int
    kind: CrlKindName
    number: int
    secured: bytes


def crl_header(config: DeploymentConfig, craca: Certificate, series: int, now: Time32) -> CrlHeader:
    """issueDate `now`, nextCrl `now` + `manager.crl.next_crl_hours`, crlCraca = HashedId8 of the CRACA."""
    return CrlHeader(series, craca.hashed_id8(), now, Time32(now + config.manager.crl.next_crl_hours * 3600))


def sign_series_crl(contents: CrlContents, signer: Holder, craca: Certificate) -> bytes:
    """Lint the contents against the signer and its CRACA, then sign them (COER `SecuredCrl`)."""
    return sign_crl(lint_crl(contents, signer.certificate, craca), signer.signing_key)


def initial_crls(config: DeploymentConfig, hierarchy: Hierarchy, now: Time32) -> tuple[IssuedCrl, ...]:
    """The first (empty) CRL of every series of the root CRACA, signed by the CRL signer."""
    crl = config.manager.crl
    root, signer = hierarchy.certificate("root"), hierarchy["crl-signer"]
    issued = []
    for series in crl.hash_series:
        contents = build_hash_crl(crl_header(config, root, series, now), [], crl_serial=1)
        issued.append(IssuedCrl(root.hashed_id8(), series, "hash", 1, sign_series_crl(contents, signer, root)))
    i_rev = int(config.policy.i_periods().i_at(now))  # the codec takes plain ints, not IValue
    contents = build_linkage_crl(crl_header(config, root, crl.pseudonym_series, now), i_rev=i_rev)
    secured = sign_series_crl(contents, signer, root)
    issued.append(IssuedCrl(root.hashed_id8(), crl.pseudonym_series, "linkage", 1, secured))
    return tuple(issued)
