"""The `tbsCert` of a certificate request (1609.2.1 clauses 6.3.4.2 `EeEcaCertRequest` and 6.3.5.2
`EeRaCertRequest`): the fields the end entity asks for, typed as a `CertificateTemplate` with the requested key.

Each request type constrains its tbsCert (Annex A, `WITH COMPONENTS`; the codec does not check these):

| constraint | enrollment (eca-ee) | authorization (ee-ra) |
|---|---|---|
| cracaId '000000'H, crlSeries 0 | yes | yes |
| id linkageData | absent | allowed (the RA replaces it) |
| appPermissions | absent | present |
| certIssuePermissions | absent | absent |
| certRequestPermissions | present | absent |
| verifyKeyIndicator | verificationKey (names the curve, also for implicit certificates) | same |

A builder refuses a template that breaks them (ValueError). A receiver refuses with 400-42, except where the
issuing CA replaces the field anyway and a deployed client is known to send something else (docs/conformance.md):
cracaId and crlSeries are ignored, an absent certRequestPermissions in an enrollment request is read as "none
asked for" (the ECA's policy decides), and a P-256 `reconstructionValue` is read as the requested key.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from scms.crypto import HashedId8, Point
from scms.dot2.certificate_fields import CertificateType
from scms.dot2.certificate_template import ROOT_CRACA_ID, CertificateTemplate
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.time import Time32

__all__ = [
    "AUTHORIZATION_RULES",
    "ENROLLMENT_RULES",
    "ReceivedCertificateRequest",
    "TbsRules",
    "read_request_tbs",
    "request_tbs_value",
]


@dataclass(frozen=True)
class TbsRules:
    """What one request type allows in its tbsCert."""

    name: str
    app_permissions: bool
    """appPermissions present (True) or absent (False)."""
    cert_request_permissions: bool
    """certRequestPermissions present (True) or absent (False)."""
    linkage_id: bool
    """Whether an id of kind linkageData is allowed."""


ENROLLMENT_RULES = TbsRules("EeEcaCertRequest", app_permissions=False, cert_request_permissions=True, linkage_id=False)
AUTHORIZATION_RULES = TbsRules("EeRaCertRequest", app_permissions=True, cert_request_permissions=False, linkage_id=True)


def _violations(template: CertificateTemplate, rules: TbsRules) -> list[str]:
    problems = []
    if bool(template.app_permissions) != rules.app_permissions:
        problems.append("appPermissions " + ("absent" if rules.app_permissions else "present"))
    if template.cert_issue_permissions:
        problems.append("certIssuePermissions present")
    if rules.cert_request_permissions is False and template.cert_request_permissions:
        problems.append("certRequestPermissions present")
    if not rules.linkage_id and template.id.linkage is not None:
        problems.append("id is linkageData")
    return problems


def request_tbs_value(template: CertificateTemplate, key: Point, rules: TbsRules) -> dict[str, Any]:
    """The COER tbsCert of a request for `template` with `key` as verificationKey; ValueError when it breaks `rules`."""
    if template.verification_key not in (None, key):
        raise ValueError("the template names another verification key than the request key")
    if template.craca_id != bytes(ROOT_CRACA_ID) or template.crl_series != 0 or template.uses_cubk:
        raise ValueError(f"{rules.name}: cracaId must be 000000, crlSeries 0 and no flags")
    problems = _violations(template, rules)
    if rules.cert_request_permissions and not template.cert_request_permissions:
        problems.append("certRequestPermissions absent")
    if problems:
        raise ValueError(f"{rules.name}.tbsCert: " + ", ".join(problems))
    return (template if template.verification_key == key else replace(template, verification_key=key)).tbs_value()


def read_request_tbs(tbs: dict[str, Any], rules: TbsRules) -> CertificateTemplate:
    """The typed tbsCert of a received request, `verification_key` = the requested key; 400-42 / 400-64 on defects."""
    kind, indicator = tbs["verifyKeyIndicator"]
    # The CA sets cracaId and crlSeries itself: the request's values are not kept.
    tbs = {**tbs, "cracaId": bytes(ROOT_CRACA_ID), "crlSeries": 0}
    if kind == "reconstructionValue":  # tolerated: a P-256 point (OpenSCMS clients send the key in this form)
        tbs["verifyKeyIndicator"] = ("verificationKey", ("ecdsaNistP256", indicator))
    template = CertificateTemplate.from_tbs_value(tbs)  # 400-64 for a key it cannot read
    assert template.verification_key is not None  # a verificationKey indicator always gives one
    problems = _violations(template, rules)
    if problems:
        raise Ieee1609Error(ErrorCode.FAILED_PARSING, f"{rules.name}.tbsCert: " + ", ".join(problems))
    return template



@dataclass(frozen=True)
class ReceivedCertificateRequest:
    """What every received certificate request has: its bytes, generationTime, certificate type and tbsCert."""

    raw: bytes
    """The request SPDU exactly as received."""
    generation_time: Time32
    certificate_type: CertificateType
    tbs: CertificateTemplate
    """The requested fields; `verification_key` is the requested key (an ECQV request key or butterfly caterpillar
    signing key A when the certificate is to be implicit or butterfly)."""

    @property
    def request_hash(self) -> HashedId8:
        """HashedId8 of the request as received: the answer's requestHash (and the download file names)."""
        return HashedId8.of(self.raw)

    @property
    def requested_key(self) -> Point:
        key = self.tbs.verification_key
        assert key is not None  # read_request_tbs guarantees it
        return key
