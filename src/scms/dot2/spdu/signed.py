"""Signed SPDUs (1609.2 clause 5.3.1, 6.3.4 SignedData): `sign_data` and `verify_signed`.

The caller decides every header field (`HeaderInfo`), the signer form and the inner data; the signature is
ECDSA over `H(H(COER tbsData) || H(COER signer certificate or b"" for self))` with r sent x-only (clause 6.3.29).
Verification accepts every r form, finds the signer key (a given certificate by digest, the certificate carried in
the SPDU, or a caller-supplied key for `self`) and, on request, checks the signer certificate's permissions and
validity. It does not validate the certificate chain: combine with the certificate chain verifier for that.

A signer carried as one certificate that the caller also gives (an RA verifying its ACA's thousands of answers) is
recognised by its bytes (`read_signed_parts`): the SPDU is then decoded around it, and the given certificate object,
whose key, hash and permissions are worked out once, is the signer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from scms.asn1 import CodecError, Encoded, decode_prefix
from scms.crypto import CryptoError, HashAlgorithm, Point, Signer, signing_digest_from_signer_hash
from scms.dot2._codec import encode
from scms.dot2.certificate import Certificate
from scms.dot2.curve_points import signature_to_coer
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.spdu._audit import audited_signature
from scms.dot2.spdu._canonical import canonical_tbs_data
from scms.dot2.spdu._signer_key import ResolvedSigner, hash_id_of, resolve_signer
from scms.dot2.spdu.data import PROTOCOL_VERSION, Ieee1609Dot2Data, inner_data
from scms.dot2.spdu.header import HeaderInfo
from scms.dot2.spdu.signer import SignerForm, SignerSelf
from scms.dot2.time import Time32, Time64

__all__ = ["SignedParts", "VerifiedSignedData", "read_signed_parts", "sign_data", "verify_signed"]

_SIGNED_DATA = b"\x03\x81"
"""COER of an `Ieee1609Dot2Data` before its SignedData: protocolVersion 3, then the tag of the content's root
alternative 1 (signedData). The SEQUENCE has no optional field and no extension marker, hence no preamble."""

_ONE_CERTIFICATE = b"\x81\x01\x01"
"""COER of a `SignerIdentifier` before its one certificate: the tag of alternative 1 (certificate), then the
quantity of the SEQUENCE OF: length 1, value 1."""


def sign_data(
    inner: bytes | Encoded | None = None,
    *,
    header: HeaderInfo,
    key: Signer,
    signer: SignerForm,
    ext_data_hash: bytes | None = None,
) -> bytes:
    """COER `Ieee1609Dot2Data` (signedData) over `inner` (the COER of an Ieee1609Dot2Data, e.g. `unsecured(x)`)
    or, for a detached signature, `ext_data_hash` (the SHA-256 of the external data).

    `inner` as bytes is decoded first (what is not an Ieee1609Dot2Data is refused); as `asn1.Encoded` (bytes that
    `encrypt` or `sign_data` has just returned) it is taken as it is.

    Nothing is added to `header`: a SecuredCrl is `sign_data(unsecured(crl), header=HeaderInfo(psid=256), ...)`.
    """
    if (inner is None) == (ext_data_hash is None):
        raise ValueError("sign either inner data or an external data hash")
    if inner is not None:
        payload: dict[str, Any] = {"data": inner_data(inner)}
    else:
        payload = {"extDataHash": ("sha256HashedData", ext_data_hash)}
    tbs = encode("ToBeSignedData", {"payload": payload, "headerInfo": header.to_coer()})
    digest = signing_digest_from_signer_hash(key.curve, tbs, _signer_hash(signer, key.curve.hash_algorithm))
    # The audit event's fields are built only when the audit logger listens.
    signature = audited_signature(
        key, digest, lambda: {"type": "SignedData", "psid": header.psid, "signer": str(signer)}
    ).to_x_only()
    signed = {
        "hashId": hash_id_of(key.curve),
        "tbsData": Encoded("ToBeSignedData", tbs),
        "signer": signer.to_coer(),
        "signature": signature_to_coer(signature),
    }
    return encode("Ieee1609Dot2Data", {"protocolVersion": PROTOCOL_VERSION, "content": ("signedData", signed)})


def _signer_hash(signer: SignerForm, alg: HashAlgorithm) -> bytes:
    """H(signer input): H(b"") for self, else the hash of the signer certificate (`Certificate.hash`, computed once
    per certificate object: an ACA signs thousands of responses with one certificate)."""
    if isinstance(signer, SignerSelf):
        return alg.digest(signer.signer_input)
    return signer.certificate.hash(alg)


@dataclass(frozen=True)
class VerifiedSignedData:
    """A signed SPDU whose signature verified: the received bytes, its header and payload, and who signed it."""

    raw: bytes
    header: HeaderInfo
    payload: dict[str, Any]
    signer: ResolvedSigner

    @property
    def data(self) -> bytes | None:
        """COER of the signed inner `Ieee1609Dot2Data` (None for a detached signature over extDataHash)."""
        inner = self.payload.get("data")
        return None if inner is None else encode("Ieee1609Dot2Data", inner)

    def unsecured_payload(self) -> bytes:
        """The octets of the inner unsecuredData (400-42 if the signed data holds anything else); read from the
        decoded payload, which holds them as received."""
        inner = self.payload.get("data")
        if inner is None:
            raise Ieee1609Error(ErrorCode.FAILED_PARSING, "the signed payload is an external data hash")
        kind, content = inner["content"]
        if kind != "unsecuredData":
            raise Ieee1609Error(ErrorCode.FAILED_PARSING, f"expected unsecuredData content, got {kind}")
        return bytes(content)


@dataclass(frozen=True)
class SignedParts:
    """A signedData read around a known signer certificate (`read_signed_parts`)."""

    content: dict[str, Any]
    """The SignedData value, equal to what the strict decoding of the whole SPDU gives."""
    tbs_data: bytes
    """The tbsData octets exactly as received."""
    signer: Certificate
    """The given certificate whose bytes the SPDU carries as its one signer certificate."""


def read_signed_parts(data: bytes, signers: Sequence[Certificate]) -> SignedParts | None:
    """Strictly decode the signedData `data` when its signer is one carried certificate whose bytes are exactly
    those of one of `signers`; None for anything else (then decode the whole, which also reports every defect).

    COER lays the components of SignedData end to end with nothing around them, so decoding each at its place,
    with the certificate bytes recognised (already strictly decoded in the given certificate) and no byte after
    the signature, accepts exactly what the decoding of the whole accepts, with the same value. It saves decoding
    a certificate per SPDU and gives the signer as the given object, whose derived values are computed once.
    """
    data = bytes(data)
    if not data.startswith(_SIGNED_DATA):
        return None
    try:
        hash_id, used = decode_prefix("HashAlgorithm", data[2:])
        at = 2 + used
        tbs, used = decode_prefix("ToBeSignedData", data[at:])
        tbs_data = data[at : at + used]
        at += used
        if not data.startswith(_ONE_CERTIFICATE, at):
            return None
        at += len(_ONE_CERTIFICATE)
        signer = next((c for c in signers if data.startswith(c.data, at)), None)
        if signer is None:
            return None
        signature, used = decode_prefix("Signature", data[at + len(signer.data) :])
    except CodecError:
        return None
    if at + len(signer.data) + used != len(data):
        return None
    content = {"hashId": hash_id, "tbsData": tbs, "signer": ("certificate", [signer.value]), "signature": signature}
    return SignedParts(content, bytes(tbs_data), signer)


def verify_signed(
    data: bytes,
    *,
    certificates: Sequence[Certificate] = (),
    public_key: Point | None = None,
    now: Time32 | Time64 | None = None,
    check_permissions: bool = True,
) -> VerifiedSignedData:
    """Verify a signed `Ieee1609Dot2Data` and return what it carries; raises Ieee1609Error.

    `certificates`: certificates the signer may be among (by digest) and the issuers implicit signer certificates
    need for key reconstruction. `public_key`: the key of a `self` signer. With `check_permissions`, the signer
    certificate must list the header psid in its appPermissions and be valid at generationTime (if present) and at
    `now` (if given); a generationTime after `now` is 400-50.
    """
    parts = read_signed_parts(data, certificates) if certificates else None
    if parts is None:
        signed = Ieee1609Dot2Data.from_bytes(data).expect("signedData")
        header = _header(signed["tbsData"]["headerInfo"])
        signer = resolve_signer(signed["signer"], certificates, public_key)
        _check_signature(signed, signer)
    else:
        signed = parts.content
        header = _header(signed["tbsData"]["headerInfo"])
        signer = _given_signer(parts.signer, certificates)
        _check_signature(signed, signer, parts.tbs_data)
    if now is not None and header.generation_time is not None and header.generation_time > _micros(now):
        raise Ieee1609Error(ErrorCode.GENERATION_TIME_IN_FUTURE, f"generationTime {int(header.generation_time)}")
    if check_permissions and signer.certificate is not None:
        signer.check_permits(header.psid)
        for moment in (header.generation_time, now):
            if moment is not None:
                signer.check_valid_at(moment)
    return VerifiedSignedData(bytes(data), header, signed["tbsData"]["payload"], signer)


def _header(value: dict[str, Any]) -> HeaderInfo:
    try:
        return HeaderInfo.from_coer(value)
    except (CryptoError, ValueError) as exc:
        raise Ieee1609Error(ErrorCode.FAILED_PARSING, f"headerInfo: {exc}") from None


def _given_signer(certificate: Certificate, certificates: Sequence[Certificate]) -> ResolvedSigner:
    """The signer carried as `certificate`, one of `certificates`: its key found as for a digest naming it."""
    named = resolve_signer(("digest", certificate.hashed_id8()), certificates, None)
    return ResolvedSigner("certificate", named.key, certificate)


def _check_signature(signed: dict[str, Any], signer: ResolvedSigner, tbs_data: bytes | None = None) -> None:
    # 6.1.2: what was signed is the canonical tbsData, whatever point forms travelled; `tbs_data`, the octets
    # received (the strict COER of the value), are that when the canonical form changes nothing.
    tbs = signed["tbsData"]
    canonical = canonical_tbs_data(tbs)
    data_input = tbs_data if tbs_data is not None and canonical == tbs else encode("ToBeSignedData", canonical)
    signer.verify(signed["hashId"], data_input, signed["signature"])


def _micros(moment: Time32 | Time64) -> Time64:
    return moment if isinstance(moment, Time64) else Time64.from_time32(moment)
