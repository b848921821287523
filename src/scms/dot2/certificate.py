"""A read-only view of an IEEE 1609.2 certificate (§6.4.2 Certificate), built from its COER bytes.

`Certificate.from_bytes(data)` keeps the exact received bytes and the decoded value, and answers the standard's
questions: who issued it (`issuer`), what it may do (`app_permissions`, `permits`, `cert_issue_permissions`),
when (`validity`, `valid_at`), where (`region`), its identity (`hashed_id8`), its key (`public_key`, ECQV for an
implicit certificate) and whether its signature holds (`verify_signature`).

Hashing: the whole-certificate hash (§6.4.3; standards-notes §2) is over the CANONICAL encoding (compressed key
points, x-only rSig; see `scms.dot2.canonical`), with SHA-256 unless the certificate was signed with a 384-bit
curve (then SHA-384). An implicit certificate is always issued by a 256-bit key (the reconstruction value is an
EccP256CurvePoint), so it hashes with SHA-256.

Every failure raises `Ieee1609Error`: 400-42 when the bytes do not parse, 400-64 when a key or reconstruction value
is unusable, 400-43 when a signature does not verify, 400-40 when the given issuer is not this certificate's issuer.
"""

from __future__ import annotations

from functools import cached_property, lru_cache
from typing import Any

from scms.crypto import (
    Curve,
    HashAlgorithm,
    HashedId3,
    HashedId8,
    HashedId10,
    InvalidPoint,
    InvalidSignature,
    Point,
    Signature,
    ecqv_e,
    ecqv_public_key,
    signing_digest,
    verify_digest,
)
from scms.dot2._codec import decode, encode
from scms.dot2.canonical import canonical_certificate_bytes
from scms.dot2.certificate_fields import (
    CertificateId,
    CertificateType,
    IssuerId,
    PublicEncryptionKey,
    ValidityPeriod,
)
from scms.dot2.curve_points import SIGNATURE_CURVES, VERIFICATION_KEY_CURVES, point_from_coer, signature_from_coer
from scms.dot2.errors import ErrorCode, Ieee1609Error
from scms.dot2.permissions import (
    PsidGroupPermissions,
    PsidSsp,
    Ssp,
    app_permissions_from_coer,
    group_permissions_from_coer,
)
from scms.dot2.region import Region, region_from_coer
from scms.dot2.time import Time32, Time64

__all__ = ["Certificate"]


def _check_profile(value: dict[str, Any]) -> None:
    """ExplicitCertificate / ImplicitCertificate (§6.4.2): explicit = verificationKey + signature, implicit =
    reconstructionValue and no signature. The codec does not enforce these constraints, so we do (400-42)."""
    kind = value["type"]
    indicator = value["toBeSigned"]["verifyKeyIndicator"][0]
    signature = value.get("signature")
    if kind == "explicit" and (indicator != "verificationKey" or signature is None):
        raise Ieee1609Error(ErrorCode.FAILED_PARSING, "explicit certificate without verificationKey and signature")
    if kind == "implicit" and (indicator != "reconstructionValue" or signature is not None):
        raise Ieee1609Error(ErrorCode.FAILED_PARSING, "implicit certificate without reconstructionValue or signed")
    if signature is not None and signature[0] not in SIGNATURE_CURVES:
        raise Ieee1609Error(ErrorCode.FAILED_PARSING, f"unsupported signature algorithm {signature[0]}")


class Certificate:
    """One certificate: `data` (received bytes), `value` (decoded), and the 1609.2 questions as methods."""

    def __init__(self, data: bytes, value: dict[str, Any]) -> None:
        """Use `from_bytes`; this trusts that `value` is the decoding of `data`."""
        self._data = bytes(data)
        _check_profile(value)
        self.__dict__["_value"] = value
        self._verified: set[tuple[Point, bytes]] = set()

    @classmethod
    def from_bytes(cls, data: bytes) -> Certificate:
        """Parse a COER `Certificate` (explicit or implicit); 400-42 if it does not decode strictly."""
        return cls(data, decode("Certificate", data))

    @classmethod
    def issued(cls, data: bytes, issuer: IssuerId, signature: tuple[str, Any] | None) -> Certificate:
        """For the certificate builder: `data` is the canonical encoding it has just made, with this issuer and
        signature. It is decoded only if someone reads the value (an issuing CA mostly needs the bytes and hash)."""
        certificate = cls.__new__(cls)
        certificate._data = bytes(data)
        certificate.__dict__.update(canonical_bytes=certificate._data, _issuer=issuer, signature_value=signature)
        certificate._verified = set()
        return certificate

    @cached_property
    def _value(self) -> dict[str, Any]:
        value: dict[str, Any] = decode("Certificate", self._data)
        _check_profile(value)
        return value

    @cached_property
    def _issuer(self) -> IssuerId:
        return IssuerId.from_coer(self._value["issuer"])

    # --- encodings -----------------------------------------------------------------------------------------------

    @property
    def data(self) -> bytes:
        """The exact bytes received."""
        return self._data

    @property
    def value(self) -> dict[str, Any]:
        """The decoded value (asn1tools conventions); read it, do not change it."""
        return self._value

    @cached_property
    def canonical_bytes(self) -> bytes:
        """The canonical COER (§6.1.2): `data` itself when it is already canonical."""
        return canonical_certificate_bytes(self._data, self._value)

    @property
    def is_canonical(self) -> bool:
        return self.canonical_bytes == self._data

    @cached_property
    def _tbs_bytes(self) -> bytes:
        # The tbs sits between the fixed header (preamble, version, type, issuer) and the signature: slicing the
        # canonical encoding gives the canonical COER of toBeSigned without re-encoding it.
        canonical = self.canonical_bytes
        head = 3 + len(encode("IssuerIdentifier", self._value["issuer"]))
        tail = len(encode("Signature", self.signature_value)) if self.signature_value is not None else 0
        return canonical[head : len(canonical) - tail]

    def tbs_bytes(self) -> bytes:
        """COER of the (canonical) `toBeSigned`: the data input of the signature and of the ECQV hash."""
        return self._tbs_bytes

    # --- header --------------------------------------------------------------------------------------------------

    @property
    def type(self) -> CertificateType:
        return CertificateType(self._value["type"])

    @property
    def is_explicit(self) -> bool:
        return bool(self._value["type"] == "explicit")

    @property
    def is_implicit(self) -> bool:
        return bool(self._value["type"] == "implicit")

    @property
    def issuer(self) -> IssuerId:
        return self._issuer

    @property
    def is_self_signed(self) -> bool:
        return self._issuer.is_self

    # --- toBeSigned ----------------------------------------------------------------------------------------------

    @property
    def tbs(self) -> dict[str, Any]:
        tbs: dict[str, Any] = self._value["toBeSigned"]
        return tbs

    @cached_property
    def id(self) -> CertificateId:
        return CertificateId.from_coer(self.tbs["id"])

    @property
    def craca_id(self) -> HashedId3:
        return HashedId3(self.tbs["cracaId"])

    @property
    def crl_series(self) -> int:
        return int(self.tbs["crlSeries"])

    @cached_property
    def validity(self) -> ValidityPeriod:
        return ValidityPeriod.from_coer(self.tbs["validityPeriod"])

    @cached_property
    def region(self) -> Region | None:
        value = self.tbs.get("region")
        return None if value is None else region_from_coer(value)

    @property
    def assurance_level(self) -> bytes | None:
        """The `SubjectAssurance` octet (bits 7-5 level, 1-0 confidence), None when absent."""
        value = self.tbs.get("assuranceLevel")
        return None if value is None else bytes(value)

    @cached_property
    def app_permissions(self) -> tuple[PsidSsp, ...]:
        return app_permissions_from_coer(self.tbs.get("appPermissions"))

    @cached_property
    def cert_issue_permissions(self) -> tuple[PsidGroupPermissions, ...]:
        return group_permissions_from_coer(self.tbs.get("certIssuePermissions"))

    @cached_property
    def cert_request_permissions(self) -> tuple[PsidGroupPermissions, ...]:
        return group_permissions_from_coer(self.tbs.get("certRequestPermissions"))

    @property
    def can_request_rollover(self) -> bool:
        return "canRequestRollover" in self.tbs

    @property
    def uses_cubk(self) -> bool:
        """`flags.usesCubk`: the certificate was issued through compact unified butterfly keys."""
        flags = self.tbs.get("flags")
        return flags is not None and bool(flags[0][0] & 0x80)

    @cached_property
    def encryption_key(self) -> PublicEncryptionKey | None:
        value = self.tbs.get("encryptionKey")
        if value is None:
            return None
        try:
            return PublicEncryptionKey.from_coer(value)
        except InvalidPoint as exc:
            raise Ieee1609Error(ErrorCode.INVALID_VERIFY_KEY_INDICATOR, f"{self}: encryptionKey: {exc}") from None

    @cached_property
    def verification_key(self) -> Point | None:
        """The explicit certificate's verification key (None for an implicit certificate)."""
        kind, indicator = self.tbs["verifyKeyIndicator"]
        if kind != "verificationKey":
            return None
        name, point = indicator
        curve = VERIFICATION_KEY_CURVES.get(name)
        try:
            if curve is None:
                raise InvalidPoint(f"unsupported verification key algorithm {name}")
            return point_from_coer(curve, point)
        except InvalidPoint as exc:
            raise Ieee1609Error(ErrorCode.INVALID_VERIFY_KEY_INDICATOR, f"{self}: verificationKey: {exc}") from None

    @property
    def reconstruction_value_coer(self) -> tuple[str, Any] | None:
        kind, indicator = self.tbs["verifyKeyIndicator"]
        return indicator if kind == "reconstructionValue" else None

    def reconstruction_value(self, curve: Curve = Curve.P256) -> Point | None:
        """P_U of an implicit certificate on the issuer's curve (None for an explicit certificate)."""
        choice = self.reconstruction_value_coer
        if choice is None:
            return None
        try:
            return point_from_coer(curve, choice)
        except InvalidPoint as exc:
            raise Ieee1609Error(ErrorCode.INVALID_VERIFY_KEY_INDICATOR, f"{self}: reconstructionValue: {exc}") from None

    # --- signature -----------------------------------------------------------------------------------------------

    @cached_property
    def signature_value(self) -> tuple[str, Any] | None:
        signature: tuple[str, Any] | None = self._value.get("signature")
        return signature

    @cached_property
    def signature(self) -> Signature | None:
        choice = self.signature_value
        if choice is None:
            return None
        try:
            return signature_from_coer(choice)
        except InvalidSignature as exc:
            raise Ieee1609Error(ErrorCode.FAILED_SIGNATURE_VERIFICATION, f"{self}: {exc}") from None

    # --- hashes --------------------------------------------------------------------------------------------------

    @property
    def hash_algorithm(self) -> HashAlgorithm:
        """The whole-certificate hash algorithm: that of the curve which signed it (SHA-256 for implicit)."""
        choice = self.signature_value
        if choice is None:
            return HashAlgorithm.SHA256
        return SIGNATURE_CURVES[choice[0]].hash_algorithm

    def hash(self, alg: HashAlgorithm | None = None) -> bytes:
        """The whole-certificate hash of the canonical encoding (default: `hash_algorithm`, computed once)."""
        own = self.hash_algorithm
        if alg is None or alg is own:
            return self._hash
        return alg.digest(self.canonical_bytes)

    @cached_property
    def _hash(self) -> bytes:
        return self.hash_algorithm.digest(self.canonical_bytes)

    def hashed_id8(self) -> HashedId8:
        return HashedId8.from_digest(self._hash)

    def hashed_id3(self) -> HashedId3:
        return HashedId3.from_digest(self._hash)

    def hashed_id10(self) -> HashedId10:
        return HashedId10.from_digest(self._hash)

    def identified_by(self, issuer_id: IssuerId) -> bool:
        """Whether `issuer_id` (a subject's issuer field) names this certificate."""
        if issuer_id.digest is None:
            return False
        return HashedId8.from_digest(self.hash(issuer_id.hash_algorithm)) == issuer_id.digest

    # --- questions -----------------------------------------------------------------------------------------------

    def valid_at(self, now: Time32 | Time64) -> bool:
        return self.validity.contains(now)

    def permits(self, psid: int, ssp: Ssp | bytes | None = None) -> bool:
        """Whether appPermissions allow signing for `psid` (with exactly this SSP when `ssp` is given)."""
        wanted = Ssp(ssp) if isinstance(ssp, bytes) else ssp
        for permission in self.app_permissions:
            if permission.psid != psid:
                continue
            if wanted is None or (permission.ssp is not None and permission.ssp.value == wanted.value):
                return True
        return False

    def _issuer_key(self, issuer: Certificate | None, issuer_key: Point | None) -> tuple[Point, bytes]:
        """(issuer's public key, signer input bytes) for this certificate, checking the issuer is the right one."""
        if issuer is None:
            if not self.is_self_signed:
                raise Ieee1609Error(ErrorCode.FAILED_CHAIN_VERIFICATION, f"{self}: its issuer certificate is needed")
            key = self.verification_key
            if key is None:
                raise Ieee1609Error(ErrorCode.FAILED_CHAIN_VERIFICATION, f"{self}: implicit and self-signed")
            return key, b""
        if not issuer.identified_by(self._issuer):
            raise Ieee1609Error(ErrorCode.FAILED_CHAIN_VERIFICATION, f"{self}: not issued by {issuer}")
        key = issuer_key if issuer_key is not None else issuer.public_key()
        return key, issuer.canonical_bytes

    def public_key(self, issuer: Certificate | None = None, *, issuer_key: Point | None = None) -> Point:
        """The certificate's verification key: explicit, read from it; implicit, Q = e·P_U + Q_issuer (§5.3.2).

        For an implicit certificate pass its `issuer` (and `issuer_key` when the issuer is itself implicit).
        """
        key = self.verification_key
        if key is not None:
            return key
        if issuer is None:
            raise Ieee1609Error(ErrorCode.FAILED_CHAIN_VERIFICATION, f"{self}: implicit, its issuer is needed")
        issuer_public, issuer_bytes = self._issuer_key(issuer, issuer_key)
        curve = issuer_public.curve
        if curve.size != 32:
            raise Ieee1609Error(ErrorCode.INVALID_VERIFY_KEY_INDICATOR, f"{self}: ECQV needs a 256-bit issuer key")
        reconstruction = self.reconstruction_value(curve)
        assert reconstruction is not None
        try:
            return _ecqv_public_key(self.tbs_bytes(), issuer_bytes, reconstruction, issuer_public)
        except InvalidPoint as exc:
            raise Ieee1609Error(ErrorCode.INVALID_VERIFY_KEY_INDICATOR, f"{self}: reconstruction: {exc}") from None

    def verify_signature(self, issuer: Certificate | None = None, *, issuer_key: Point | None = None) -> None:
        """Check an explicit certificate's signature (§5.3.1: H(H(tbs) ‖ H(issuer cert or ""))); raises 400-43."""
        signature = self.signature
        if signature is None:
            raise Ieee1609Error(ErrorCode.FAILED_SIGNATURE_VERIFICATION, f"{self}: implicit, no signature")
        key, signer_input = self._issuer_key(issuer, issuer_key)
        if (key, signer_input) in self._verified:
            return  # this view already verified under this key and issuer (views are immutable)
        if key.curve is not signature.curve:
            raise Ieee1609Error(ErrorCode.FAILED_SIGNATURE_VERIFICATION, f"{self}: signature not on the issuer's curve")
        digest = signing_digest(key.curve, self.tbs_bytes(), signer_input)
        try:
            verify_digest(key, digest, signature)
        except InvalidSignature:
            raise Ieee1609Error(ErrorCode.FAILED_SIGNATURE_VERIFICATION, f"{self}: signature does not verify") from None
        self._verified.add((key, signer_input))

    # --- identity ------------------------------------------------------------------------------------------------

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Certificate) and other.canonical_bytes == self.canonical_bytes

    def __hash__(self) -> int:
        return hash(self.canonical_bytes)

    def __repr__(self) -> str:
        return f"Certificate({self._value['type']}, {self.hashed_id8()})"

    def __str__(self) -> str:
        return f"certificate {self.hashed_id8()}"


@lru_cache(maxsize=4096)
def _ecqv_public_key(tbs: bytes, issuer_bytes: bytes, reconstruction: Point, issuer_public: Point) -> Point:
    """Q = e·P_U + Q_issuer, remembered: a pure function of public values, and an RA sees the same implicit
    enrollment certificate on every request of a device (each time in a new view)."""
    return ecqv_public_key(ecqv_e(tbs, issuer_bytes, reconstruction.curve), reconstruction, issuer_public)
