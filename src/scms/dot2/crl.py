"""IEEE 1609.2 CRLs (clause 7.3 `Ieee1609Dot2CrlBaseTypes`, 7.4 `Ieee1609Dot2Crl`, `Ieee1609Dot2CrlSsp`): one import
for the whole flow. Reference with examples: docs/api-dot2-crl.md.

Issuer side (CRACA or CRL signer):
    contents = build_hash_crl(header, [HashRevocation.for_certificate(c), ...], crl_serial=n)   # or build_linkage_crl
    secured = sign_crl(lint_crl(contents, signer_certificate, craca=None), signer_key)          # COER SecuredCrl

Relying-party side:
    crl = verify_crl(secured, certificates=[trusted_signer_certificate])   # VerifiedCrl, or Ieee1609Error
    revocation_status(certificate, crl)                                    # REVOKED / NOT_REVOKED / NOT_COVERED / ...
    current = apply_delta(RevocationSet.from_full(full_crl), delta_crl)    # full CRL + deltas, same questions

Where each piece lives: `crl_entries` (entry records), `crl_contents` (the CrlContents view), `crl_builders`,
`crl_authority` (CrlSsp), `lint/crl*.py` (lint before sign), `crl_signing`, `crl_verification`, `revocation_index`
(hash ids and linkage values per i-period, cached), `revocation`, `crl_delta`.
"""

from __future__ import annotations

from scms.dot2.crl_authority import CRL_PSID, CrlPermissions, check_crl_authority, crl_permissions
from scms.dot2.crl_builders import CrlHeader, build_hash_crl, build_linkage_crl
from scms.dot2.crl_contents import CrlContents, CrlKind
from scms.dot2.crl_delta import RevocationSet, apply_delta
from scms.dot2.crl_entries import GroupRevocation, HashRevocation, LinkageRevocation
from scms.dot2.crl_signing import SECURED_CRL_HEADER, sign_crl
from scms.dot2.crl_verification import VerifiedCrl, verify_crl
from scms.dot2.lint.crl import CRL_RECEIPT_RULES, CRL_RULES, LintedCrl, lint_crl
from scms.dot2.revocation import RevocationList, RevocationStatus, is_revoked, revocation_status
from scms.dot2.revocation_index import RevocationIndex

__all__ = [
    "CRL_PSID",
    "CRL_RECEIPT_RULES",
    "CRL_RULES",
    "SECURED_CRL_HEADER",
    "CrlContents",
    "CrlHeader",
    "CrlKind",
    "CrlPermissions",
    "GroupRevocation",
    "HashRevocation",
    "LinkageRevocation",
    "LintedCrl",
    "RevocationIndex",
    "RevocationList",
    "RevocationSet",
    "RevocationStatus",
    "VerifiedCrl",
    "apply_delta",
    "build_hash_crl",
    "build_linkage_crl",
    "check_crl_authority",
    "crl_permissions",
    "is_revoked",
    "lint_crl",
    "revocation_status",
    "sign_crl",
    "verify_crl",
]
