"""Sign a linted CRL as a `SecuredCrl` (IEEE 1609.2 clause 7.4; standards notes §8).

A SecuredCrl is an `Ieee1609Dot2Data` signedData whose headerInfo carries psid 256 and nothing else (no
generationTime, no expiryTime: the CRL's own issueDate / nextCrl say when), whose payload is an unsecuredData holding
the COER of `CrlContents`, and whose signer is the `digest` of the CRACA or CRL-signer certificate (the signature
still hashes that whole certificate, notes §3). The SignedData itself is built by `scms.dot2.spdu.sign_data`.

Only a `LintedCrl` (from `scms.dot2.lint.crl.lint_crl`) is accepted: lint before sign. Each signature is audited
on the `scms.audit` logger (one event before, one after; what is signed, never the key).
"""

from __future__ import annotations

import logging

from scms.crypto import Signer
from scms.dot2.crl_authority import CRL_PSID
from scms.dot2.lint.crl import LintedCrl
from scms.dot2.spdu.data import unsecured
from scms.dot2.spdu.header import HeaderInfo
from scms.dot2.spdu.signed import sign_data
from scms.dot2.spdu.signer import SignerDigest

__all__ = ["SECURED_CRL_HEADER", "sign_crl"]

SECURED_CRL_HEADER = HeaderInfo(psid=CRL_PSID)
"""The only headerInfo a SecuredCrl may carry."""

_AUDIT = logging.getLogger("scms.audit")


def sign_crl(linted: LintedCrl, key: Signer) -> bytes:
    """COER `SecuredCrl` of `linted.contents`, signed with `key`, the private key of `linted.signer`."""
    if not isinstance(linted, LintedCrl):
        raise TypeError("sign_crl takes a LintedCrl: run scms.dot2.lint.crl.lint_crl first")
    signer = linted.signer
    if signer.verification_key is not None and signer.verification_key != key.public_point:
        raise ValueError(f"the key does not belong to the signer certificate {signer}")
    contents = linted.contents
    event = {
        "type": "SecuredCrl",
        "kind": contents.kind.value,
        "crlSeries": contents.series,
        "crlCraca": contents.craca.hex(),
        "issueDate": int(contents.issue_date),
        "signer": signer.hashed_id8().hex(),
    }
    _AUDIT.info("crl.sign.begin", extra={"audit": {"event": "crl.sign.begin", **event}})
    secured = sign_data(unsecured(contents.encoded), header=SECURED_CRL_HEADER, key=key, signer=SignerDigest(signer))
    _AUDIT.info("crl.sign.end", extra={"audit": {"event": "crl.sign.end", **event}})
    return secured
