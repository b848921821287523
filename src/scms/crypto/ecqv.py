"""Hazardous material: raw ECQV implicit-certificate arithmetic; the hash input must be canonical COER.

Use the implicit-certificate functions of `scms.dot2` instead: they build the `ToBeSignedCertificate`, put the
reconstruction value in it and hash the right bytes. 1609.2 §5.3.2 profiles SEC 4 with one material difference:
e = SHA-256(SHA-256(tbs) ‖ SHA-256(issuer certificate)) read as a big-endian integer mod n — the FULL hash, not
SEC 4's leftmost ⌊log2 n⌋ bits (verified on real GHS/ISS certificates; standards notes §4). The CA works in two
steps because the tbs it hashes contains the reconstruction value P_U: `ecqv_begin` (random k, P_U = R_U + k·G),
then `ecqv_finish` (r = e·k + d_CA mod n); `ecqv_begin_many` begins many issuances with one modular inversion,
and `ecqv_issuing` reads the CA's scalar once for a piece of them.
The EE computes d_U = e·k_U + r and checks it against Q_U = e·P_U + Q_CA.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from scms.crypto import _scalar
from scms.crypto.curves import Curve
from scms.crypto.errors import InvalidKey
from scms.crypto.keys import SoftwareKey
from scms.crypto.points import Point

__all__ = [
    "EcqvIssuance",
    "ecqv_begin",
    "ecqv_begin_many",
    "ecqv_e",
    "ecqv_e_from_issuer_hash",
    "ecqv_finish",
    "ecqv_issuing",
    "ecqv_private_key",
    "ecqv_public_key",
]


def ecqv_e(tbs: bytes, issuer_certificate: bytes, curve: Curve = Curve.P256) -> int:
    """e = int(H(H(tbs) ‖ H(issuer_certificate))) mod n, H = SHA-256 on P-256 (SHA-384 on 384-bit curves [U]).

    `tbs` is the COER `ToBeSignedCertificate` of the new certificate, `issuer_certificate` the whole COER issuer
    `Certificate`.
    """
    return ecqv_e_from_issuer_hash(tbs, curve.hash_algorithm.digest(issuer_certificate), curve)


def ecqv_e_from_issuer_hash(tbs: bytes, issuer_hash: bytes, curve: Curve = Curve.P256) -> int:
    """`ecqv_e` given H(issuer certificate) (the issuer's certificate hash, computed once per issuer)."""
    digest = curve.hash_algorithm.digest
    return int.from_bytes(digest(digest(tbs) + issuer_hash)) % curve.n


class EcqvIssuance:
    """The CA's state between `ecqv_begin` and `ecqv_finish`: the secret k (read out of OpenSSL by `_scalar`), P_U,
    and the request point R_U it randomises (so that an issuance begun ahead is finished for the right request).

    Single use: finishing twice with two different e would reveal k and then the CA's private key.
    """

    __slots__ = ("_finished", "_k", "_reconstruction_point", "_request_point")

    def __init__(self, k: int, reconstruction_point: Point, request_point: Point) -> None:
        self._k = k
        self._finished = False
        self._reconstruction_point = reconstruction_point
        self._request_point = request_point

    @property
    def request_point(self) -> Point:
        """R_U: the request (or cocoon) point this issuance randomises."""
        return self._request_point

    @property
    def reconstruction_point(self) -> Point:
        """P_U, to be put (compressed) in `verifyKeyIndicator.reconstructionValue` of the tbs."""
        return self._reconstruction_point

    def __repr__(self) -> str:
        return f"EcqvIssuance({self.reconstruction_point!r}, [secure])"


def ecqv_begin(request_point: Point) -> EcqvIssuance:
    """CA step 1: draw k, P_U = R_U + k·G (k·G by OpenSSL). R_U is the EE's request key or a butterfly cocoon key."""
    return ecqv_begin_many([request_point])[0]


def ecqv_begin_many(request_points: Sequence[Point]) -> list[EcqvIssuance]:
    """`ecqv_begin` for each point (one curve), the additions R_U + k·G done together (one modular inversion)."""
    randomised = _scalar.randomise_points(request_points)
    return [EcqvIssuance(k, p_u, r_u) for r_u, (k, p_u) in zip(request_points, randomised, strict=True)]


def ecqv_finish(issuance: EcqvIssuance, e: int, ca_key: SoftwareKey) -> bytes:
    """CA step 2: the private key reconstruction value r = e·k + d_CA mod n, `curve.size` bytes big-endian."""
    if issuance._finished:
        raise ValueError("this ECQV issuance is already finished")
    if ca_key.curve is not issuance.reconstruction_point.curve:
        raise ValueError("CA key on another curve than the request")
    issuance._finished = True
    k, issuance._k = issuance._k, 0  # the issuance no longer holds the secret
    return _scalar.ecqv_response_value(e, k, ca_key)


@contextmanager
def ecqv_issuing(ca_key: SoftwareKey) -> Iterator[None]:
    """A piece of issuances by one CA: within it, `ecqv_finish` with `ca_key` reads the CA's scalar out of OpenSSL
    once (on entering) instead of once per certificate (~6-12 µs each in the ACA's flow), and forgets it on leaving
    (see `scms.crypto._scalar`). Nested and concurrent pieces with one key share the read-out."""
    with _scalar.holding(ca_key):
        yield


def ecqv_public_key(e: int, reconstruction_point: Point, issuer_public: Point) -> Point:
    """Q_U = e·P_U + Q_CA: anyone's reconstruction of the certificate's public key (public values only)."""
    return reconstruction_point.mul_public(e) + issuer_public


def ecqv_private_key(
    request_key: SoftwareKey,
    e: int,
    r: bytes,
    reconstruction_point: Point,
    issuer_public: Point | None = None,
) -> SoftwareKey:
    """EE: d_U = e·k_U + r mod n. With `issuer_public`, check d_U·G == e·P_U + Q_CA first (InvalidKey if not)."""
    r_int = _scalar.parse_scalar(request_key.curve, r, "reconstruction value r")
    key = _scalar.key_times_plus(e, request_key, r_int)
    if issuer_public is not None and key.public_point != ecqv_public_key(e, reconstruction_point, issuer_public):
        raise InvalidKey("reconstructed private key does not match the certificate")
    return key
