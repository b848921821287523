"""`RaAcaCertRequestSpdu`: one certificate request from the RA to the ACA (1609.2.1 clause 6.3.3 / Annex A
`Ieee1609Dot2Dot1AcaRaInterface.RaAcaCertRequest`; standards notes §6.2-6.4, §7.3).

    RaAcaCertRequest ::= {version 2, generationTime, type, flags {butterflyExplicit, cubk},
                          linkageInfo {encPlv1, encPlv2} OPTIONAL, certEncKey OPTIONAL, tbsCert}

The RA signs it as a `SignedCertificateRequest` with its RA certificate carried (`SignerSingleCert`). What the
standard's comments on the type demand, and what we check on receipt:

| field | rule | refused with |
|---|---|---|
| type explicit | tbsCert.verifyKeyIndicator is a verificationKey (the cocoon or requested key) | 400-64 |
| type implicit | tbsCert.verifyKeyIndicator is a reconstructionValue (the point the ACA adds k·G to) | 400-64 |
| flags.butterflyExplicit | only with type explicit: the ACA randomises the key, U = B + c·G | 400-34 |
| flags.cubk | only without certEncKey; answered AcaEeCertResponseCubkSpdu (encrypted to the request key) | 400-32 |
| certEncKey | present: answered AcaEeCertResponsePrivateSpdu encrypted to it; absent (no cubk): Plain | |
| linkageInfo | present only with tbsCert.id linkageData (its linkage-value a dummy the ACA replaces) | 400-32 |
| tbsCert | appPermissions present, certIssue/certRequestPermissions absent (cracaId, crlSeries: the ACA's) | 400-42 |
| flags | no bit other than the two named ones | 400-32 |

j is never sent: the RA keeps it (it names the download entry). The signer must hold the RA role; the caller's
callback verifies its chain; its certRequestPermissions must cover the requested appPermissions (400-30).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, Literal

from scms.asn1 import Encoded
from scms.crypto import Curve, HashedId8, InvalidPoint, Point, Signer
from scms.dot2.certificate import Certificate
from scms.dot2.certificate_fields import CertificateId, CertificateType, LinkageData, PublicEncryptionKey
from scms.dot2.certificate_template import CertificateTemplate
from scms.dot2.curve_points import point_to_coer
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.permission_consistency import app_permissions_violation
from scms.dot2.spdu import SignerCertificate, sign_certificate_request, verify_certificate_request
from scms.dot2.time import Time32
from scms.protocol._request_tbs import TbsRules, read_request_tbs, request_tbs_value
from scms.protocol._scms_pdu import check_generation_time, scms_pdu, scms_pdu_content
from scms.protocol.encrypted_plv import EncryptedPlv
from scms.protocol.security_mgmt_ssp import Role, certificate_role

__all__ = [
    "DUMMY_LINKAGE_VALUE",
    "RA_ACA_REQUEST_RULES",
    "AcaResponseKind",
    "LinkageInfo",
    "RaAcaCertRequest",
    "RaCertificateCheck",
    "VerifiedRaAcaRequest",
    "sign_ra_aca_request",
    "verify_ra_aca_request",
]

REQUEST_VERSION = 2
AcaResponseKind = Literal["plain", "private", "cubk"]
"""The `AcaResponse` alternatives."""
DUMMY_LINKAGE_VALUE = bytes(9)
"""What the RA puts in tbsCert.id.linkage-value: it knows no linkage value, the ACA computes it."""
RA_ACA_REQUEST_RULES = TbsRules("RaAcaCertRequest", app_permissions=True, cert_request_permissions=False,
                                linkage_id=True)
_BUTTERFLY_EXPLICIT = 0x80
_CUBK = 0x40

RaCertificateCheck = Callable[[Certificate, Time32], object]
"""Verifies the RA certificate's chain at a time (e.g. `lambda cert, now: verify_chain(cert, icas, roots, now)`),
raising Ieee1609Error (400-40) when it does not lead to a trusted root."""


@dataclass(frozen=True)
class LinkageInfo:
    """`LinkageInfo`: the two LAs' encrypted pre-linkage values for this certificate's (i, j)."""

    enc_plv1: EncryptedPlv
    enc_plv2: EncryptedPlv

    def to_coer(self) -> dict[str, Any]:
        return {"encPlv1": self.enc_plv1.to_coer(), "encPlv2": self.enc_plv2.to_coer()}

    @classmethod
    def from_coer(cls, value: dict[str, Any]) -> LinkageInfo:
        return cls(EncryptedPlv.from_coer(value["encPlv1"]), EncryptedPlv.from_coer(value["encPlv2"]))


@dataclass(frozen=True)
class RaAcaCertRequest:
    """One request: `template` is tbsCert without its key, `request_key` the point in its verifyKeyIndicator
    (verificationKey for explicit, reconstructionValue for implicit): a cocoon key, or the EE's own key."""

    generation_time: Time32
    cert_type: CertificateType
    template: CertificateTemplate
    request_key: Point
    butterfly_explicit: bool = False
    cubk: bool = False
    linkage: LinkageInfo | None = None
    cert_enc_key: PublicEncryptionKey | None = None

    def __post_init__(self) -> None:
        problem = _inconsistency(self.cert_type, self.butterfly_explicit, self.cubk, self.linkage, self.cert_enc_key,
                                 self.template)
        if problem is not None:
            raise ValueError(problem[1])
        if self.cert_type is CertificateType.IMPLICIT and self.request_key.curve is not Curve.P256:
            raise ValueError("an implicit certificate is requested with a P-256 reconstruction point")

    @property
    def response_kind(self) -> AcaResponseKind:
        """The `AcaResponse` alternative the ACA answers with: "cubk", "private" or "plain"."""
        return "cubk" if self.cubk else "plain" if self.cert_enc_key is None else "private"

    def to_coer(self) -> dict[str, Any]:
        template = self.template
        changes: dict[str, Any] = {}  # one copy of the template at most (a CA builds thousands of these)
        if self.linkage is not None:
            assert template.id.linkage is not None
            dummy = CertificateId.linkage_data(LinkageData(template.id.linkage.i_cert, DUMMY_LINKAGE_VALUE))
            if template.id != dummy:
                changes["id"] = dummy
        if template.verification_key != self.request_key:
            changes["verification_key"] = self.request_key
        if changes:
            template = replace(template, **changes)
        tbs = request_tbs_value(template, self.request_key, RA_ACA_REQUEST_RULES)
        if self.cert_type is CertificateType.IMPLICIT:
            tbs["verifyKeyIndicator"] = ("reconstructionValue", point_to_coer(self.request_key))
        flags = (_BUTTERFLY_EXPLICIT if self.butterfly_explicit else 0) | (_CUBK if self.cubk else 0)
        value: dict[str, Any] = {
            "version": REQUEST_VERSION,
            "generationTime": int(self.generation_time),
            "type": self.cert_type.value,
            "flags": (bytes((flags,)), 8),
            "tbsCert": tbs,
        }
        if self.linkage is not None:
            value["linkageInfo"] = self.linkage.to_coer()
        if self.cert_enc_key is not None:
            value["certEncKey"] = self.cert_enc_key.to_coer()
        return value

    @classmethod
    def from_coer(cls, value: dict[str, Any]) -> RaAcaCertRequest:
        """The typed request; Ieee1609Error with the codes of the module table."""
        cert_type = CertificateType(value["type"])
        flags = value["flags"][0][0]
        if flags & ~(_BUTTERFLY_EXPLICIT | _CUBK):
            raise Ieee1609Error(ErrorCode.DISALLOWED_OTHER_FIELDS, f"unknown RaAcaCertRequestFlags {flags:08b}")
        tbs = value["tbsCert"]
        wanted = "verificationKey" if cert_type is CertificateType.EXPLICIT else "reconstructionValue"
        if tbs["verifyKeyIndicator"][0] != wanted:
            raise Ieee1609Error(ErrorCode.INVALID_VERIFY_KEY_INDICATOR, f"a {cert_type.value} request has a {wanted}")
        template = read_request_tbs(tbs, RA_ACA_REQUEST_RULES)  # a reconstructionValue is read as a P-256 key
        key = template.verification_key
        assert key is not None
        template = replace(template, verification_key=None)
        linkage = None if "linkageInfo" not in value else LinkageInfo.from_coer(value["linkageInfo"])
        try:
            enc_key = None if "certEncKey" not in value else PublicEncryptionKey.from_coer(value["certEncKey"])
        except InvalidPoint as exc:
            raise Ieee1609Error(ErrorCode.FAILED_PARSING, f"certEncKey: {exc}") from None
        explicit, cubk = bool(flags & _BUTTERFLY_EXPLICIT), bool(flags & _CUBK)
        problem = _inconsistency(cert_type, explicit, cubk, linkage, enc_key, template)
        if problem is not None:
            raise Ieee1609Error(*problem)
        return cls(Time32(value["generationTime"]), cert_type, template, key, explicit, cubk, linkage, enc_key)


def _inconsistency(
    cert_type: CertificateType,
    butterfly_explicit: bool,
    cubk: bool,
    linkage: LinkageInfo | None,
    cert_enc_key: PublicEncryptionKey | None,
    template: CertificateTemplate,
) -> tuple[ErrorCode, str] | None:
    if butterfly_explicit and cert_type is not CertificateType.EXPLICIT:
        return ErrorCode.DISALLOWED_CERTIFICATE_TYPE, "flags.butterflyExplicit with an implicit certificate"
    if cubk and cert_enc_key is not None:
        return ErrorCode.DISALLOWED_OTHER_FIELDS, "flags.cubk with a certEncKey"
    if (linkage is not None) != (template.id.linkage is not None):
        return ErrorCode.DISALLOWED_OTHER_FIELDS, "linkageInfo goes with, and only with, an id of kind linkageData"
    return None


@lru_cache(maxsize=16)
def _is_ra_certificate(certificate: Certificate) -> bool:
    """Whether `certificate` holds the RA role, once per certificate (its role cannot change: a `Certificate` is
    immutable and equal certificates have equal canonical bytes); a malformed SSP raises every time (400-42)."""
    return certificate_role(certificate) is Role.RA


def sign_ra_aca_request(request: RaAcaCertRequest, key: Signer, certificate: Certificate) -> bytes:
    """RA: the COER `RaAcaCertRequestSpdu` for `request`, signed with the RA `certificate` (carried) and its `key`."""
    if not _is_ra_certificate(certificate):
        raise ValueError(f"{certificate} is not an RA certificate")
    if certificate.verification_key != key.public_point:
        raise ValueError(f"the signing key does not belong to {certificate}")
    pdu = scms_pdu("aca-ra", "raAcaCertRequest", request.to_coer())  # just encoded: no need to decode it again
    return sign_certificate_request(Encoded("ScmsPdu", pdu), key=key, signer=SignerCertificate(certificate))


@dataclass(frozen=True)
class VerifiedRaAcaRequest:
    """A request the ACA may act on: the request, the RA certificate that signed it and the request hash (the
    HashedId8 of the SPDU as received, which `AcaRaCertResponse.requestHash` echoes)."""

    request: RaAcaCertRequest
    ra_certificate: Certificate
    request_hash: HashedId8


def verify_ra_aca_request(
    data: bytes, now: Time32, *, check_ra: RaCertificateCheck, certificates: Sequence[Certificate] = ()
) -> VerifiedRaAcaRequest:
    """ACA: verify a `RaAcaCertRequestSpdu` received at `now`; raises Ieee1609Error.

    400-42 unparsable or not a raAcaCertRequest; 400-43 the signature fails; 400-40 the signer is not one carried
    RA certificate, or `check_ra(certificate, now)` refuses its chain; 400-50 generationTime after `now`; 400-30 the
    RA's certRequestPermissions do not cover the requested appPermissions; the codes of `RaAcaCertRequest.from_coer`.
    `certificates` helps to reconstruct an implicit RA certificate's key.
    """
    verified = verify_certificate_request(data, certificates=certificates)
    ra_certificate = verified.signer.certificate
    if verified.signer.form != "certificate" or ra_certificate is None:
        raise Ieee1609Error(ErrorCode.FAILED_CHAIN_VERIFICATION, "not signed by one carried RA certificate")
    if not _is_ra_certificate(ra_certificate):
        raise Ieee1609Error(ErrorCode.FAILED_CHAIN_VERIFICATION, f"{ra_certificate} is not an RA certificate")
    check_ra(ra_certificate, now)
    request = RaAcaCertRequest.from_coer(scms_pdu_content(verified.scms_pdu(), "aca-ra", "raAcaCertRequest"))
    check_generation_time(request.generation_time, now, None, ErrorCode.GENERATION_TIME_IN_FUTURE)
    violation = app_permissions_violation(request.template.app_permissions, ra_certificate.cert_request_permissions)
    if violation:
        raise Ieee1609Error(ErrorCode.DISALLOWED_APP_PERMISSIONS, f"{ra_certificate}: {violation}")
    return VerifiedRaAcaRequest(request, ra_certificate, HashedId8.of(data))
