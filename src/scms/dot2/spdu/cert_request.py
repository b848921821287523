"""Signed certificate requests (1609.2.1 clause 6.3.4 / 7.2 `SignedCertificateRequest`; standards-notes §3).

`Ieee1609Dot2Data.content.signedCertificateRequest` is an Opaque holding the COER of
`SignedCertificateRequest {hashAlgorithmId, tbsRequest ScmsPdu, signer, signature}`. The signature covers
`H(H(COER tbsRequest) || H(signer input))`: the signer input is the enrolment certificate that signs (digest or
certificate form), or empty for `self` (signed with the requested key, or the canonical key of a first
enrolment request).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from scms.asn1 import Encoded
from scms.crypto import InvalidPoint, Point, Signer, signing_digest
from scms.dot2._codec import decode, encode
from scms.dot2.certificate import Certificate
from scms.dot2.curve_points import VERIFICATION_KEY_CURVES, point_from_coer, signature_to_coer
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.spdu._audit import audited_signature
from scms.dot2.spdu._signer_key import ResolvedSigner, hash_id_of, resolve_signer
from scms.dot2.spdu.data import PROTOCOL_VERSION, Ieee1609Dot2Data
from scms.dot2.spdu.signer import SignerForm

__all__ = [
    "VerifiedCertificateRequest",
    "requested_verification_key",
    "sign_certificate_request",
    "verify_certificate_request",
    "verify_decoded_certificate_request",
]


def sign_certificate_request(tbs_request: bytes | Encoded, *, key: Signer, signer: SignerForm) -> bytes:
    """COER `Ieee1609Dot2Data` (signedCertificateRequest) around `tbs_request`, the COER of an `ScmsPdu`.

    Bytes are decoded strictly first (400-42 when they are not one canonical ScmsPdu). A caller that has just
    encoded the ScmsPdu passes `Encoded("ScmsPdu", data)` instead and vouches for it: it is not decoded again.
    """
    if isinstance(tbs_request, Encoded):
        if tbs_request.type_name != "ScmsPdu":
            raise ValueError(f"tbsRequest is an ScmsPdu, not {tbs_request.type_name}")
        data = tbs_request.data
        pdu: dict[str, Any] | None = None
    else:
        data = bytes(tbs_request)
        pdu = decode("ScmsPdu", data)

    def what() -> dict[str, object]:  # only when the signature is audited
        content = (pdu if pdu is not None else decode("ScmsPdu", data))["content"][1][0]
        return {"type": "SignedCertificateRequest", "content": content, "signer": str(signer)}

    digest = signing_digest(key.curve, data, signer.signer_input)
    signature = audited_signature(key, digest, what).to_x_only()
    request = {
        "hashAlgorithmId": hash_id_of(key.curve),
        "tbsRequest": Encoded("ScmsPdu", data),  # decoded strictly above, or vouched for: written as it is
        "signer": signer.to_coer(),
        "signature": signature_to_coer(signature),
    }
    opaque = encode("SignedCertificateRequest", request)
    content = ("signedCertificateRequest", opaque)
    return encode("Ieee1609Dot2Data", {"protocolVersion": PROTOCOL_VERSION, "content": content})


@dataclass(frozen=True)
class VerifiedCertificateRequest:
    """A certificate request whose signature verified: the received bytes, the request and its signer."""

    raw: bytes
    tbs_request: bytes
    """COER of the ScmsPdu that was signed."""
    signer: ResolvedSigner
    tbs_value: dict[str, Any] | None = field(default=None, repr=False, compare=False)
    """The strict decoding of `tbs_request` when the verifier has it (`scms_pdu` then does not decode again)."""

    def scms_pdu(self) -> dict[str, Any]:
        """The decoded `ScmsPdu` (e.g. `content = ("eca-ee", ("eeEcaCertRequest", {...}))`); read it, do not
        change it."""
        if self.tbs_value is not None:
            return self.tbs_value
        return cast(dict[str, Any], decode("ScmsPdu", self.tbs_request))


def verify_certificate_request(
    data: bytes, *, certificates: Sequence[Certificate] = (), public_key: Point | None = None
) -> VerifiedCertificateRequest:
    """Verify a signedCertificateRequest `Ieee1609Dot2Data`; raises Ieee1609Error (400-42, 400-43, 400-40).

    digest/certificate signers are found as for signed data (an implicit enrolment certificate needs its ECA
    certificate among `certificates`). For `self`, `public_key` is the key to check with; when None, the
    verification key the request asks a certificate for (tbsCert.verifyKeyIndicator) is used.
    """
    opaque = Ieee1609Dot2Data.from_bytes(data).expect("signedCertificateRequest")
    return verify_decoded_certificate_request(data, opaque, decode("SignedCertificateRequest", opaque),
                                              certificates=certificates, public_key=public_key)


def verify_decoded_certificate_request(
    data: bytes, opaque: bytes, request: dict[str, Any], *, certificates: Sequence[Certificate] = (),
    public_key: Point | None = None,
) -> VerifiedCertificateRequest:
    """`verify_certificate_request` for a caller that has decoded `data` already (to read what it needs to find
    the key, e.g. an enrollment request's canonicalId): `opaque` is its signedCertificateRequest content and
    `request` the `SignedCertificateRequest` that the strict decoding of `opaque` gave."""
    if request["signer"][0] == "self" and public_key is None:
        public_key = requested_verification_key(request["tbsRequest"])
    signer = resolve_signer(request["signer"], certificates, public_key)
    tbs_request = _tbs_request_bytes(opaque, request, signer)
    signer.verify(request["hashAlgorithmId"], tbs_request, request["signature"])
    return VerifiedCertificateRequest(bytes(data), tbs_request, signer, request["tbsRequest"])


def _tbs_request_bytes(opaque: bytes, request: dict[str, Any], signer: ResolvedSigner) -> bytes:
    """The COER of tbsRequest (what the signature covers), cut out of `opaque` rather than encoded again: the
    strict decoding took `opaque` only as the one canonical encoding of `request`, a SEQUENCE without preamble
    whose hashAlgorithmId comes before tbsRequest and signer and signature after it."""
    head = len(encode("HashAlgorithm", request["hashAlgorithmId"]))
    identifier = request["signer"]
    if identifier[0] == "certificate" and len(identifier[1]) == 1 and signer.certificate is not None:
        # The one carried certificate's view holds exactly its encoding: no need to encode it again.
        identifier = ("certificate", [Encoded("Certificate", signer.certificate.data)])
    tail = len(encode("SignerIdentifier", identifier)) + len(encode("Signature", request["signature"]))
    return bytes(opaque[head : len(opaque) - tail])


def requested_verification_key(scms_pdu: dict[str, Any]) -> Point | None:
    """The verification key a request's `tbsCert.verifyKeyIndicator` names, None when it names none.

    That is the key of a self-signed enrolment request without canonicalId (1609.2.1 clause 6.3.4.2); with a
    canonicalId the request is signed with the canonical key, which the ECA knows from registration.
    """
    _, (_, request) = scms_pdu["content"]
    tbs = request.get("tbsCert") if isinstance(request, dict) else None
    if tbs is None:
        return None
    kind, indicator = tbs["verifyKeyIndicator"]
    curve = VERIFICATION_KEY_CURVES.get(indicator[0]) if kind == "verificationKey" else None
    if curve is None:
        return None
    try:
        return point_from_coer(curve, indicator[1])
    except InvalidPoint as exc:
        raise Ieee1609Error(ErrorCode.INVALID_VERIFY_KEY_INDICATOR, f"requested key: {exc}") from None
