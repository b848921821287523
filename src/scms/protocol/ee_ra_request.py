"""Authorization certificate request, `EeRaCertRequestSpdu` (1609.2.1 clause 6.3.5.2; standards notes §6, §10.1),
both sides as pure steps (time is an argument).

    EE  build_authorization_request(fields, keys, enrollment key + certificate, ra_certificate, now)
            -> (EeRaCertRequestSpdu bytes, RequestSecrets)
    RA  open_authorization_request(data, ra: RaReceiver, now, max_age=)
            -> AuthorizationRequest (or Ieee1609Error)

The request is `EeRa1609Dot2AuthenticatedCertRequestSpdu`: a signedCertificateRequest around
`ScmsPdu {ee-ra: eeRaCertRequest}`, signed by the enrollment certificate (carried, `SignerSingleCert`), then
encrypted to the RA certificate. `tbsCert` names the requested key as a verificationKey (the caterpillar signing
key A for butterfly requests, also for implicit certificates); `additionalParams` says how the ACA derives keys
and encrypts its responses (`scms.protocol.butterfly_params`). The request hash that names the downloads and that
the acknowledgement carries is HashedId8 of the encrypted SPDU exactly as sent (docs/conformance.md).

RA errors, in the order they are checked: those of opening (`scms.protocol.ra_receiver`: 400-42, 400-10, 400-81,
400-41, 400-40, 400-43), 400-42 for a request that breaks the EeRaCertRequest constraints, 400-64 unusable
requested keys, 400-50 generationTime after `now`, 400-77 older than `max_age` (ra-maxAge), then the enrollment
certificate (400-712 not valid then or now, and whatever `RaReceiver.check_enrollment` raises). Policy
(permissions, region, validity, rates) is the RA service's; `AuthorizationRequest.check_within_enrollment` offers
the enrollment certificate's own bounds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scms.crypto import ButterflyVariant, HashedId8, Signer
from scms.dot2.certificate import Certificate
from scms.dot2.certificate_fields import CertificateType, PublicEncryptionKey
from scms.dot2.certificate_template import CertificateTemplate
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.permission_consistency import app_permissions_violation
from scms.dot2.permissions import PsidGroupPermissions
from scms.dot2.region import region_within
from scms.dot2.spdu import SignerCertificate, sign_certificate_request
from scms.dot2.time import Time32
from scms.protocol._request_tbs import (
    AUTHORIZATION_RULES,
    ReceivedCertificateRequest,
    read_request_tbs,
    request_tbs_value,
)
from scms.protocol._scms_pdu import check_generation_time, scms_pdu, scms_pdu_content
from scms.protocol.butterfly_params import ButterflyKeys, ButterflyParams, NonButterflyKeys, additional_params_from_coer
from scms.protocol.ra_receiver import RaReceiver, seal_for_ra

__all__ = [
    "AuthorizationRequest",
    "RequestKeys",
    "RequestSecrets",
    "build_authorization_request",
    "open_authorization_request",
]

_VERSION = 2

RequestKeys = ButterflyKeys | NonButterflyKeys


@dataclass(frozen=True, repr=False)
class RequestSecrets:
    """EE side: what it must keep to use the certificates it will download for this request."""

    request_hash: HashedId8
    certificate_type: CertificateType
    keys: RequestKeys

    @property
    def variant(self) -> ButterflyVariant | None:
        """The butterfly variant, None for a non-butterfly request."""
        return self.keys.variant if isinstance(self.keys, ButterflyKeys) else None

    def __repr__(self) -> str:
        return f"RequestSecrets({self.request_hash}, {self.certificate_type.value}, {self.keys!r})"


def build_authorization_request(
    fields: CertificateTemplate,
    keys: RequestKeys,
    enrollment_key: Signer,
    enrollment_certificate: Certificate,
    ra_certificate: Certificate,
    now: Time32,
    *,
    certificate_type: CertificateType = CertificateType.IMPLICIT,
) -> tuple[bytes, RequestSecrets]:
    """EE: the COER `EeRaCertRequestSpdu` asking for `fields` (appPermissions, region, validity; id none, name or
    linkageData) with `keys`, signed at `now` by the enrollment certificate and encrypted to `ra_certificate`.

    Returns the bytes to POST and the secrets to keep; a template that breaks the request's constraints is refused
    (ValueError).
    """
    request: dict[str, Any] = {
        "version": _VERSION,
        "generationTime": int(now),
        "type": certificate_type.value,
        "tbsCert": request_tbs_value(fields, keys.request_key, AUTHORIZATION_RULES),
    }
    additional = keys.params().to_coer() if isinstance(keys, ButterflyKeys) else keys.additional_params()
    if additional is not None:
        request["additionalParams"] = additional
    pdu = scms_pdu("ee-ra", "eeRaCertRequest", request)
    signed = sign_certificate_request(pdu, key=enrollment_key, signer=SignerCertificate(enrollment_certificate))
    data = seal_for_ra(signed, ra_certificate)
    return data, RequestSecrets(HashedId8.of(data), certificate_type, keys)


@dataclass(frozen=True, repr=False)
class AuthorizationRequest(ReceivedCertificateRequest):
    """RA side: an opened, verified authorization request (`raw`: the encrypted SPDU as received) and what it asks
    for (`tbs.verification_key`: the requested key, the caterpillar signing key A for butterfly requests)."""

    butterfly: ButterflyParams | None
    response_encryption_key: PublicEncryptionKey | None
    """additionalParams.encryptionKey of a non-butterfly request: the ACA encrypts its response to it."""
    enrollment_certificate: Certificate

    def check_within_enrollment(self) -> None:
        """The enrollment certificate's own bounds (1609.2 clause 5.1.2.4): the requested appPermissions within its
        certRequestPermissions (400-30) and the requested region within its region (400-33)."""
        cert = self.enrollment_certificate
        as_issuer = tuple(PsidGroupPermissions(g.subject, 1, 0, app=True) for g in cert.cert_request_permissions)
        violation = app_permissions_violation(self.tbs.app_permissions, as_issuer)
        if violation:
            raise Ieee1609Error(ErrorCode.DISALLOWED_APP_PERMISSIONS, f"{cert}: {violation}")
        if not region_within(self.tbs.region, cert.region):
            raise Ieee1609Error(ErrorCode.DISALLOWED_REGION, f"the requested region is not within {cert}'s")

    def __repr__(self) -> str:
        kind = self.butterfly.variant.value if self.butterfly is not None else "non-butterfly"
        return f"AuthorizationRequest({self.request_hash}, {self.certificate_type.value}, {kind})"


def open_authorization_request(
    data: bytes, ra: RaReceiver, now: Time32, *, max_age: int | None
) -> AuthorizationRequest:
    """RA: decrypt, verify and read an `EeRaCertRequestSpdu` received at `now`; raises Ieee1609Error (module doc).

    `max_age` is ra-maxAge in seconds (None: not enforced).
    """
    verified = ra.open_certificate_request(data)
    value = scms_pdu_content(verified.scms_pdu(), "ee-ra", "eeRaCertRequest")
    tbs = read_request_tbs(value["tbsCert"], AUTHORIZATION_RULES)
    assert tbs.verification_key is not None
    extra = additional_params_from_coer(value.get("additionalParams"), tbs.verification_key)
    generation_time = Time32(value["generationTime"])
    check_generation_time(generation_time, now, max_age, ErrorCode.OUTSIDE_RA_MAX_AGE)
    return AuthorizationRequest(
        bytes(data),
        generation_time,
        CertificateType(value["type"]),
        tbs,
        extra if isinstance(extra, ButterflyParams) else None,
        extra if isinstance(extra, PublicEncryptionKey) else None,
        ra.enrollment_signer(verified, generation_time, now),
    )
