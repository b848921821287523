"""IEEE 1609.2 objects: certificates, secured data (SPDUs), CRLs, time — the recipes above `scms.crypto`.

The most used names are re-exported here; each submodule documents the rest (docs/api.md):
`scms.dot2.certificate`, `certificate_builder`, `chain`, `lint`, `spdu`, `crl`, `time`, `errors`.
"""

from scms.dot2.certificate import Certificate
from scms.dot2.certificate_builder import issue_implicit, sign_explicit
from scms.dot2.certificate_template import CertificateTemplate
from scms.dot2.chain import VerifiedChain, verify_chain
from scms.dot2.crl import build_hash_crl, build_linkage_crl, lint_crl, revocation_status, sign_crl, verify_crl
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.lint.certificate import lint_certificate
from scms.dot2.spdu import (
    HeaderInfo,
    Ieee1609Dot2Data,
    decrypt,
    encrypt,
    sign_certificate_request,
    sign_data,
    unsecured,
    verify_certificate_request,
    verify_signed,
)
from scms.dot2.time import IPeriods, IValue, Time32, Time64

__all__ = [
    "Certificate",
    "CertificateTemplate",
    "ErrorCode",
    "HeaderInfo",
    "IPeriods",
    "IValue",
    "Ieee1609Dot2Data",
    "Ieee1609Error",
    "Time32",
    "Time64",
    "VerifiedChain",
    "build_hash_crl",
    "build_linkage_crl",
    "decrypt",
    "encrypt",
    "issue_implicit",
    "lint_certificate",
    "lint_crl",
    "revocation_status",
    "sign_certificate_request",
    "sign_crl",
    "sign_data",
    "sign_explicit",
    "unsecured",
    "verify_certificate_request",
    "verify_chain",
    "verify_crl",
    "verify_signed",
]
