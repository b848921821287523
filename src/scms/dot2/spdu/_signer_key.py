"""Finding the key that signed an SPDU or a certificate request from its `SignerIdentifier` (1609.2 clause 6.3.24).

digest: the signer is one of the certificates the caller gives, by HashedId8. certificate: the first carried
certificate is the signer. self: the caller supplies the key (e.g. the one a certificate request names). An
implicit signer certificate needs its issuer among the given (or carried) certificates to reconstruct its key.

A carried certificate becomes one `Certificate` view per distinct encoding, shared by every SPDU that carries the
same bytes (`carried_certificate`): an RA signs each of its thousands of requests to the ACA with the same
certificate, which is then decoded, hashed and read (key, permissions, role) once per process, not per request.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from scms.crypto import Curve, InvalidSignature, Point, signing_digest, verify_digest
from scms.dot2._codec import decode, encode
from scms.dot2.certificate import Certificate
from scms.dot2.curve_points import signature_from_coer
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.time import Time32, Time64

__all__ = ["CARRIED_CERTIFICATES_KEPT", "ResolvedSigner", "carried_certificate", "hash_id_of", "resolve_signer"]

# An implicit certificate issued by an implicit CA certificate is legal but rare; bound the recursion anyway.
MAX_IMPLICIT_DEPTH = 4
CARRIED_CERTIFICATES_KEPT = 256
"""How many distinct carried certificates `carried_certificate` keeps (least recently used ones are dropped)."""


def hash_id_of(curve: Curve) -> str:
    """The `HashAlgorithm` value that goes with a signing curve (SHA-256 / SHA-384, clause 5.3.1)."""
    return "sha256" if curve.size == 32 else "sha384"


@dataclass(frozen=True)
class ResolvedSigner:
    """The signer of an SPDU: its form, its verification key and (unless self) its certificate."""

    form: Literal["self", "digest", "certificate"]
    key: Point
    certificate: Certificate | None

    @property
    def signer_input(self) -> bytes:
        """What the signature hashes for the signer: its whole canonical certificate, or b"" for self."""
        return b"" if self.certificate is None else self.certificate.canonical_bytes

    def verify(self, hash_id: str, data_input: bytes, signature_value: tuple[str, Any]) -> None:
        """Check the signature over `data_input` (any r form); 400-43 on any mismatch."""
        try:
            signature = signature_from_coer(signature_value)
            if signature.curve is not self.key.curve or hash_id != hash_id_of(self.key.curve):
                raise InvalidSignature("signature, hash and key do not belong to the same curve")
            verify_digest(self.key, signing_digest(self.key.curve, data_input, self.signer_input), signature)
        except InvalidSignature as exc:
            raise Ieee1609Error(ErrorCode.FAILED_SIGNATURE_VERIFICATION, f"signer {self}: {exc}") from None

    def check_permits(self, psid: int) -> None:
        if self.certificate is not None and not self.certificate.permits(psid):
            raise Ieee1609Error(ErrorCode.FAILED_CHAIN_VERIFICATION, f"{self.certificate} does not permit psid {psid}")

    def check_valid_at(self, moment: Time32 | Time64) -> None:
        if self.certificate is not None and not self.certificate.valid_at(moment):
            raise Ieee1609Error(ErrorCode.FAILED_CHAIN_VERIFICATION, f"{self.certificate} not valid at {int(moment)}")

    def __str__(self) -> str:
        return "self" if self.certificate is None else f"{self.form} {self.certificate.hashed_id8()}"


def resolve_signer(
    value: tuple[str, Any], certificates: Sequence[Certificate], public_key: Point | None
) -> ResolvedSigner:
    """The signer a decoded `SignerIdentifier` names; 400-40 when it cannot be found or its key not obtained."""
    form, content = value
    if form == "self":
        if public_key is None:
            raise Ieee1609Error(ErrorCode.FAILED_CHAIN_VERIFICATION, "signer self: no verification key given")
        return ResolvedSigner("self", public_key, None)
    if form == "digest":
        found = next((c for c in certificates if c.hashed_id8() == content), None)
        if found is None:
            raise Ieee1609Error(ErrorCode.FAILED_CHAIN_VERIFICATION, f"unknown signer digest {content.hex()}")
        return ResolvedSigner("digest", _key(found, certificates, 0), found)
    if form == "certificate" and content:
        carried = [carried_certificate(cert) for cert in content]
        return ResolvedSigner("certificate", _key(carried[0], [*certificates, *carried[1:]], 0), carried[0])
    raise Ieee1609Error(ErrorCode.FAILED_PARSING, f"unusable signer identifier {form}")


def carried_certificate(value: dict[str, Any]) -> Certificate:
    """The view of a certificate carried in an SPDU, from its strictly decoded `value`: one shared view per
    distinct certificate, whose `data` is exactly the encoding of `value`.

    A view is found by the certificate's verifyKeyIndicator and taken only when its decoded value equals `value`:
    strict decoding accepts one canonical encoding per value, so equal values are equal bytes, and another
    certificate's bytes never get this view. A view is a pure function of its bytes, immutable but for what it
    computes once (cached properties) and the signatures it saw verify (facts about these bytes); it holds
    nothing secret. Certificates whose key indicator is not hashable (uncompressed points) are not kept.
    """
    key = _fingerprint(value)
    if key is not None:
        with _carried_lock:
            known = _carried.get(key)
            if known is not None:
                _carried.move_to_end(key)
        if known is not None and known[0] == value:
            return known[1]
    data = encode("Certificate", value)
    view = Certificate.from_bytes(data)  # its own value, shared with no SPDU
    if key is not None:
        # Compared with a decoding of its own that nobody else holds (not `view.value`, which callers can reach).
        kept = (decode("Certificate", data), view)
        with _carried_lock:
            _carried[key] = kept
            _carried.move_to_end(key)
            while len(_carried) > CARRIED_CERTIFICATES_KEPT:
                _carried.popitem(last=False)
    return view


_carried: OrderedDict[Hashable, tuple[dict[str, Any], Certificate]] = OrderedDict()
_carried_lock = threading.Lock()


def _fingerprint(value: dict[str, Any]) -> Hashable | None:
    key = (value["type"], value["toBeSigned"]["verifyKeyIndicator"])
    try:
        hash(key)
    except TypeError:
        return None
    return key


def _key(cert: Certificate, pool: Sequence[Certificate], depth: int) -> Point:
    if cert.is_explicit:
        return cert.public_key()
    issuer = next((c for c in pool if c.identified_by(cert.issuer)), None)
    if issuer is None or depth >= MAX_IMPLICIT_DEPTH:
        raise Ieee1609Error(ErrorCode.FAILED_CHAIN_VERIFICATION, f"{cert} is implicit and its issuer is not given")
    return cert.public_key(issuer, issuer_key=_key(issuer, pool, depth + 1))
