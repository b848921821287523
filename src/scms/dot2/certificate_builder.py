"""Sign explicit certificates and issue implicit ones (1609.2 §5.3.1, §5.3.2, §6.4.2) from a linted tbs.

    linted = lint_certificate(template, issuer)            # scms.dot2.lint.certificate
    root = sign_explicit(linted, None, root_key)            # self-signed: issuer = self(hash of the key's curve)
    ica = sign_explicit(lint_certificate(t, root), root, root_key)
    ee, r = issue_implicit(lint_certificate(t2, ica), request_point, ica, ica_key)

Only a `LintedTbs` is accepted (lint before sign). The signature is canonical (x-only r, §6.1.2) and the key points
of the tbs are compressed (the template writes them so; the lint rejects a received tbs that is not), so the bytes
we sign are the canonical bytes every verifier hashes. Each signature and each ECQV issuance is audited: one event
on logger `scms.audit` before and one after, naming the type, the issuer's HashedId8 and the profile, never a key.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any, NamedTuple

from scms.asn1 import Encoded
from scms.crypto import (
    EcqvIssuance,
    Point,
    Signer,
    SoftwareKey,
    ecqv_begin,
    ecqv_e_from_issuer_hash,
    ecqv_finish,
    signing_digest,
    signing_digest_from_signer_hash,
)
from scms.dot2._codec import encode
from scms.dot2.certificate import Certificate
from scms.dot2.certificate_fields import IssuerId
from scms.dot2.curve_points import point_to_coer, signature_to_coer
from scms.dot2.lint.certificate import LintedTbs

__all__ = ["AUDIT_LOGGER", "ImplicitIssuance", "issue_implicit", "sign_explicit"]

AUDIT_LOGGER = logging.getLogger("scms.audit")


class ImplicitIssuance(NamedTuple):
    """An implicit certificate and its private-key reconstruction value r (32 bytes, for the EE only)."""

    certificate: Certificate
    reconstruction_value_r: bytes

    def __repr__(self) -> str:
        return f"ImplicitIssuance({self.certificate!r}, r=[secure])"


def _audit(
    event: str, kind: str, issuer: Certificate | None, profile: str, certificate: Certificate | None = None
) -> None:
    if not AUDIT_LOGGER.isEnabledFor(logging.INFO):
        return  # nobody listens: name nothing (hashing the new certificate costs an ACA a few percent)
    issuer_name = "self" if issuer is None else str(issuer.hashed_id8())
    fields = {"event": event, "type": kind, "issuer": issuer_name, "profile": profile}
    if certificate is not None:
        fields["subject"] = str(certificate.hashed_id8())
    AUDIT_LOGGER.info("%s %s issuer=%s profile=%s", event, kind, issuer_name, profile, extra={"audit": fields})


def _check_linted(linted: object, issuer: Certificate | None, implicit: bool) -> LintedTbs:
    if not isinstance(linted, LintedTbs):
        raise TypeError("certificates are signed only from a LintedTbs (run lint_certificate first)")
    if linted.issuer != issuer:
        raise ValueError("the tbs was linted against another issuer")
    if linted.is_implicit != implicit:
        raise ValueError("the tbs is for an implicit certificate" if implicit is False else "the tbs has a key")
    return linted


@lru_cache(maxsize=64)
def _issuer_id(issuer: Certificate) -> IssuerId:
    # How the certificates `issuer` issues name it: worked out once per issuer certificate, not per certificate.
    return IssuerId(issuer.hash_algorithm, issuer.hashed_id8())


def _certificate(kind: str, issuer: IssuerId, tbs: bytes, signature: Any = None) -> Certificate:
    # `tbs` is the encoding that was hashed and signed; it goes into the certificate unchanged.
    value: dict[str, Any] = {
        "version": 3,
        "type": kind,
        "issuer": issuer.to_coer(),
        "toBeSigned": Encoded("ToBeSignedCertificate", tbs),
    }
    if signature is not None:
        value["signature"] = signature
    # The view decodes these bytes when its value is first read: it then holds exactly what a receiver would see.
    return Certificate.issued(encode("Certificate", value), issuer, signature)


def sign_explicit(
    linted: LintedTbs, issuer: Certificate | None, signer: Signer, *, profile: str = "certificate"
) -> Certificate:
    """Sign an explicit certificate; `issuer` None = self-signed with the key in the tbs (which `signer` must hold)."""
    linted = _check_linted(linted, issuer, implicit=False)
    tbs = linted.tbs
    curve = signer.curve
    tbs_bytes = encode("ToBeSignedCertificate", tbs)
    if issuer is None:
        if linted.template.verification_key != signer.public_point:
            raise ValueError("a self-signed certificate is signed with the key it carries")
        issuer_id, digest = IssuerId(curve.hash_algorithm), signing_digest(curve, tbs_bytes)
    else:
        issuer_key = issuer.verification_key
        if issuer_key is not None and issuer_key != signer.public_point:
            raise ValueError("the signer does not hold the issuer certificate's key")
        issuer_id = _issuer_id(issuer)
        # The issuer certificate's hash is computed once per certificate object, not once per issued certificate.
        digest = signing_digest_from_signer_hash(curve, tbs_bytes, issuer.hash(curve.hash_algorithm))
    _audit("certificate.sign.begin", "explicit", issuer, profile)
    signature = signer.sign_digest(digest).to_x_only()
    certificate = _certificate("explicit", issuer_id, tbs_bytes, signature_to_coer(signature))
    _audit("certificate.sign.end", "explicit", issuer, profile, certificate)
    return certificate


def issue_implicit(
    linted: LintedTbs,
    request_point: Point,
    issuer: Certificate,
    ca_key: SoftwareKey,
    *,
    profile: str = "certificate",
    issuance: EcqvIssuance | None = None,
) -> ImplicitIssuance:
    """ECQV issuance (§5.3.2): P_U = R_U + k·G into the tbs, e from the final tbs and the issuer, r = e·k + d_CA.

    `request_point` is the EE's request key R_U or a butterfly cocoon key; `ca_key` the issuer's private key;
    `issuance` the ECQV begun ahead for `request_point` (`ecqv_begin_many`, a piece of requests at once), else
    begun here.
    """
    linted = _check_linted(linted, issuer, implicit=True)
    issuer_key = issuer.verification_key
    if issuer_key is None or issuer_key != ca_key.public_point:
        raise ValueError("the CA key does not match the (explicit) issuer certificate")
    if request_point.curve is not ca_key.curve:
        raise ValueError("the request point is not on the issuer's curve")
    if issuance is None:
        issuance = ecqv_begin(request_point)
    elif issuance.request_point is not request_point and issuance.request_point != request_point:
        raise ValueError("the ECQV issuance was begun for another request point")
    tbs = linted.tbs
    tbs["verifyKeyIndicator"] = ("reconstructionValue", point_to_coer(issuance.reconstruction_point))
    tbs_bytes = encode("ToBeSignedCertificate", tbs)
    e = ecqv_e_from_issuer_hash(tbs_bytes, issuer.hash(ca_key.curve.hash_algorithm), ca_key.curve)
    _audit("certificate.issue.begin", "implicit", issuer, profile)
    r = ecqv_finish(issuance, e, ca_key)
    certificate = _certificate("implicit", _issuer_id(issuer), tbs_bytes)
    _audit("certificate.issue.end", "implicit", issuer, profile, certificate)
    return ImplicitIssuance(certificate, r)
