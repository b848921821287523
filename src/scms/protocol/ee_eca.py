"""Enrollment between an end entity and the ECA (1609.2.1 clause 6.3.4.2; standards notes §10.1): both sides of
`EeEcaCertRequestSpdu` and `EcaEeCertResponseSpdu`, as pure steps (time is an argument).

    EE   build_enrollment_request(fields, request_key, now, ...)        -> EeEcaCertRequestSpdu bytes
    ECA  parse_enrollment_request(data, now, max_age, canonical_key=)   -> EnrollmentRequest (or Ieee1609Error)
    ECA  open_enrollment_request(data).verify(key, now, max_age)        the same in two steps (the key looked up
                                                                         in between, e.g. from the registry)
    ECA  build_enrollment_response(request_hash, certificate, r, ...)   -> EcaEeCertResponseSpdu bytes
    EE   read_enrollment_response(response, request, request_key, ...)  -> EnrollmentResult (certificate + key)

The request is a signedCertificateRequest with signer `self`: signed with the requested key, or, when it carries
the `canonicalId` the device was registered under (clause 4.1.4.2), with the canonical key. `tbsCert` asks for
the certificate (certRequestPermissions, region, validity; cracaId 000000, crlSeries 0) and names the key as a
verificationKey whether the certificate is to be explicit or implicit (then it is the ECQV request key R_U).
The response is signed by the ECA certificate (psid 35) and carries `requestHash` = HashedId8 of the request SPDU
exactly as received, the ECA chain up to the root, the certificate and, for an implicit certificate, the ECQV
reconstruction value r. Whether the device is registered and may enrol is the ECA service's decision, not this
module's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from scms import asn1
from scms.crypto import HashedId8, Point, Signer, SoftwareKey
from scms.dot2.certificate import Certificate
from scms.dot2.certificate_fields import CertificateType
from scms.dot2.certificate_template import CertificateTemplate
from scms.dot2.chain import verify_chain
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.spdu import Ieee1609Dot2Data, SignerSelf, sign_certificate_request
from scms.dot2.spdu.cert_request import verify_decoded_certificate_request
from scms.dot2.time import Time32
from scms.protocol._certificate_key import certificate_private_key
from scms.protocol._codec import decode
from scms.protocol._request_tbs import (
    ENROLLMENT_RULES,
    ReceivedCertificateRequest,
    read_request_tbs,
    request_tbs_value,
)
from scms.protocol._scms_pdu import check_generation_time, open_scms_pdu, scms_pdu, scms_pdu_content
from scms.protocol._signed_pdu import sign_pdu, verify_pdu
from scms.protocol.security_mgmt_ssp import SECURITY_MGMT_PSID, Role

__all__ = [
    "CanonicalIdentity",
    "CanonicalKeyLookup",
    "EnrollmentRequest",
    "EnrollmentResult",
    "OpenedEnrollmentRequest",
    "build_enrollment_request",
    "build_enrollment_response",
    "certificates_from_coer",
    "open_enrollment_request",
    "parse_enrollment_request",
    "read_enrollment_response",
]

_VERSION = 2

CanonicalKeyLookup = Callable[[str], Point]
"""ECA side: the canonical public key registered under a canonicalId; raises Ieee1609Error (e.g. 400-21) if none."""


@dataclass(frozen=True, repr=False)
class CanonicalIdentity:
    """EE side: the canonicalId a device was registered under and its canonical private key (clause 4.1.4.2)."""

    canonical_id: str
    key: Signer

    def __repr__(self) -> str:
        return f"CanonicalIdentity({self.canonical_id!r}, [secure])"


def build_enrollment_request(
    fields: CertificateTemplate,
    request_key: Signer,
    now: Time32,
    *,
    certificate_type: CertificateType = CertificateType.IMPLICIT,
    canonical: CanonicalIdentity | None = None,
) -> bytes:
    """EE: the COER `EeEcaCertRequestSpdu` asking for `fields` (certRequestPermissions, region, validity, id) with
    `request_key` as the certificate's key (explicit) or ECQV request key (implicit), generated at `now`.

    Signed with `request_key`, or with the canonical key when `canonical` is given (the request then carries the
    canonicalId). A template that breaks the request's constraints is refused (ValueError).
    """
    request: dict[str, Any] = {
        "version": _VERSION,
        "generationTime": int(now),
        "type": certificate_type.value,
        "tbsCert": request_tbs_value(fields, request_key.public_point, ENROLLMENT_RULES),
    }
    if canonical is not None:
        request["canonicalId"] = canonical.canonical_id
    pdu = scms_pdu("eca-ee", "eeEcaCertRequest", request)
    return sign_certificate_request(pdu, key=request_key if canonical is None else canonical.key, signer=SignerSelf())


@dataclass(frozen=True, repr=False)
class EnrollmentRequest(ReceivedCertificateRequest):
    """ECA side: a verified enrollment request and what it asks for (`tbs.verification_key`: the requested key,
    the ECQV request key R_U when implicit)."""

    canonical_id: str | None

    def __repr__(self) -> str:
        return f"EnrollmentRequest({self.request_hash}, {self.certificate_type.value}, canonicalId={self.canonical_id})"


@dataclass(frozen=True, repr=False)
class OpenedEnrollmentRequest:
    """ECA side: an enrollment request read but not yet verified (`open_enrollment_request`), holding what finding
    the key that signed it needs: the canonicalId (the canonical key is the registry's), else the requested key."""

    raw: bytes
    opaque: bytes
    """The signedCertificateRequest content of `raw`."""
    signed: dict[str, Any]
    """The decoded SignedCertificateRequest."""
    content: dict[str, Any]
    """The EeEcaCertRequest."""
    tbs: CertificateTemplate
    canonical_id: str | None

    def verify(self, key: Point | None, now: Time32, max_age: int | None) -> EnrollmentRequest:
        """The request, verified with `key` (None: the requested key); 400-43, then 400-50 / 400-70 for its
        generationTime (after `now`, or older than `max_age` seconds)."""
        verify_decoded_certificate_request(self.raw, self.opaque, self.signed, public_key=key)
        generation_time = Time32(self.content["generationTime"])
        check_generation_time(generation_time, now, max_age, ErrorCode.OUTSIDE_ECA_MAX_AGE)
        return EnrollmentRequest(self.raw, generation_time, CertificateType(self.content["type"]), self.tbs,
                                 self.canonical_id)

    def __repr__(self) -> str:
        return f"OpenedEnrollmentRequest({HashedId8.of(self.raw)}, canonicalId={self.canonical_id})"


def open_enrollment_request(data: bytes) -> OpenedEnrollmentRequest:
    """ECA: read an `EeEcaCertRequestSpdu` up to its signature; 400-42 when it is not a self-signed enrollment
    request (or breaks the tbsCert constraints), 400-64 for an unusable requested key. Then `verify` it with the
    key `canonical_id` names, or with the requested key when it names none."""
    opaque = Ieee1609Dot2Data.from_bytes(data).expect("signedCertificateRequest")
    signed = decode("SignedCertificateRequest", opaque)
    form = signed["signer"][0]
    if form != "self":
        raise Ieee1609Error(ErrorCode.FAILED_PARSING, f"an enrollment request is self-signed, not {form}")
    content = scms_pdu_content(signed["tbsRequest"], "eca-ee", "eeEcaCertRequest")
    tbs = read_request_tbs(content["tbsCert"], ENROLLMENT_RULES)
    return OpenedEnrollmentRequest(bytes(data), bytes(opaque), signed, content, tbs, content.get("canonicalId"))


def parse_enrollment_request(
    data: bytes, now: Time32, max_age: int | None, *, canonical_key: CanonicalKeyLookup | None = None
) -> EnrollmentRequest:
    """ECA: verify and read an `EeEcaCertRequestSpdu`; raises Ieee1609Error.

    400-42 when it is not a self-signed enrollment request (or breaks the tbsCert constraints); 400-64 for an
    unusable requested key; 400-43 when the signature does not verify with the requested key, or with the key
    `canonical_key(canonicalId)` returns when the request carries a canonicalId (400-21 without a lookup);
    400-50 for a generationTime after `now`, 400-70 when older than `max_age` seconds (eca-maxAge).
    """
    opened = open_enrollment_request(data)
    if opened.canonical_id is None:
        key = opened.tbs.verification_key
    elif canonical_key is None:
        raise Ieee1609Error(ErrorCode.UNREGISTERED_ENROLLMENT_CERTIFICATE, "no canonical key registry to check with")
    else:
        key = canonical_key(opened.canonical_id)
    return opened.verify(key, now, max_age)


def build_enrollment_response(
    request_hash: HashedId8,
    certificate: Certificate,
    private_key_info: bytes | None,
    eca_key: Signer,
    eca_chain: Sequence[Certificate],
    now: Time32,
) -> bytes:
    """ECA: the COER `EcaEeCertResponseSpdu` for the request with `request_hash`, signed at `now` by `eca_chain[0]`
    (whose private key is `eca_key`); `eca_chain` runs from the ECA certificate up to the root.

    `private_key_info` is the ECQV reconstruction value r of an implicit `certificate` (absent for explicit ones).
    """
    if not eca_chain or not eca_chain[0].identified_by(certificate.issuer):
        raise ValueError("the certificate is not issued by the first certificate of the ECA chain")
    # Explicit = signed (1609.2 clause 6.4.2, which the certificate view enforces): asked of the signature, so that
    # a certificate the builder has just made is not decoded for it.
    if (private_key_info is None) != (certificate.signature_value is not None):
        raise ValueError("privateKeyInfo goes with an implicit certificate, and only there")
    response: dict[str, Any] = {
        "version": _VERSION,
        "generationTime": int(now),
        "requestHash": bytes(request_hash),
        "ecaCertChain": [asn1.Encoded("Certificate", cert.data) for cert in eca_chain],
        "certificate": asn1.Encoded("Certificate", certificate.data),
    }
    if private_key_info is not None:
        response["privateKeyInfo"] = private_key_info
    return sign_pdu(scms_pdu("eca-ee", "ecaEeCertResponse", response), eca_key, eca_chain[0], now)


@dataclass(frozen=True)
class EnrollmentResult:
    """EE side: the enrollment certificate, its private key (checked against it) and the ECA chain."""

    certificate: Certificate
    private_key: SoftwareKey
    eca_chain: tuple[Certificate, ...]
    generation_time: Time32


def certificates_from_coer(values: Sequence[dict[str, Any]]) -> tuple[Certificate, ...]:
    """Certificate views of decoded certificates (e.g. a response's chain)."""
    return tuple(Certificate(asn1.encode("Certificate", value), value) for value in values)


def read_enrollment_response(
    response: bytes,
    request: bytes,
    request_key: SoftwareKey,
    trust_anchors: Sequence[Certificate],
    now: Time32,
) -> EnrollmentResult:
    """EE: verify an `EcaEeCertResponseSpdu` answering `request` (the bytes we sent) and derive the private key.

    400-43: the signature does not verify; 400-42: not an enrollment response, requestHash is not HashedId8 of
    `request`, privateKeyInfo missing or superfluous; 400-40: the signer is not the first certificate of
    ecaCertChain, not an ECA, or its chain does not lead to one of `trust_anchors`, or the certificate is not
    issued by it or does not verify in that chain; 400-64: the certificate's key does not match `request_key`.
    """
    signed = verify_pdu(response, Role.ECA, now)
    value = open_scms_pdu(signed.payload, "eca-ee", "ecaEeCertResponse")
    if value["requestHash"] != HashedId8.of(request):
        raise Ieee1609Error(ErrorCode.FAILED_PARSING, "requestHash does not name the request we sent")
    chain = certificates_from_coer(value["ecaCertChain"])
    if not chain or chain[0] != signed.signer:
        raise Ieee1609Error(ErrorCode.FAILED_CHAIN_VERIFICATION, "the signer is not the first certificate of the chain")
    eca_key = verify_chain(signed.signer, chain[1:], trust_anchors, now, psid=SECURITY_MGMT_PSID).public_key
    (certificate,) = certificates_from_coer([value["certificate"]])
    if not signed.signer.identified_by(certificate.issuer):
        raise Ieee1609Error(ErrorCode.FAILED_CHAIN_VERIFICATION, f"{certificate} is not issued by {signed.signer}")
    verify_chain(certificate, chain, trust_anchors, Time32(max(now, certificate.validity.start)))
    private_key = certificate_private_key(
        certificate, signed.signer, eca_key, request_key, value.get("privateKeyInfo"), randomized=False
    )
    return EnrollmentResult(certificate, private_key, chain, Time32(value["generationTime"]))
