"""Hazardous material: raw butterfly key derivations (1609.2.1 §9.3); the protocol layer decides who calls what.

Use the RA / ACA / EE flows of `scms.protocol` instead; they call these in the right order and never send the
ACA what would let it link certificates (f, the caterpillar keys). Roles:
- EE: caterpillar key a (and h for the original variant), expansion key k (k_S, k_E).
- RA: cocoon public keys B = A + f(k_S, x_S(i,j))·G, and for the original variant J = H + f(k_E, x_E(i,j))·G.
- ACA: explicit: random c, U = B + c·G, sends c; implicit: ECQV with R_U = B (`scms.crypto.ecqv`).
- EE: b = a + f; explicit certificate key b + c; implicit certificate key e·b + r (`ecqv_private_key`).
The key the ACA encrypts its response to is the one uncertain derivation (standards notes §6.3 [U]); it lives in
`response_encryption_public_key` (RA/ACA side) and `response_decryption_key` (EE side) only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from scms.crypto import _scalar
from scms.crypto.butterfly_expansion import KeyPurpose, expansion_f
from scms.crypto.errors import InvalidKey
from scms.crypto.keys import SoftwareKey
from scms.crypto.points import Point

__all__ = [
    "ButterflyVariant",
    "ExplicitRandomization",
    "cocoon_private_key",
    "cocoon_public_key",
    "explicit_private_key",
    "explicit_randomize",
    "explicit_randomize_many",
    "response_decryption_key",
    "response_encryption_public_key",
]


class ButterflyVariant(Enum):
    """`AdditionalParams` alternatives of `EeRaCertRequest` (1609.2.1 §9.3): the `ra-butterflyType` parameter."""

    ORIGINAL = "original"  # two caterpillars (signing A, encryption H) and two expansion keys
    UNIFIED = "unified"  # one caterpillar, one expansion key
    COMPACT_UNIFIED = "compactUnified"  # as unified; the ACA response is encrypted but not signed


def cocoon_public_key(caterpillar: Point, expansion_key: bytes, i: int, j: int, purpose: KeyPurpose) -> Point:
    """RA: cocoon public key = caterpillar + f(k, x(i, j))·G (f·G by OpenSSL: f must stay unknown to the ACA)."""
    f = expansion_f(expansion_key, i, j, purpose, caterpillar.curve)
    return caterpillar + _scalar.secret_times_generator(caterpillar.curve, f)


def cocoon_private_key(
    caterpillar_key: SoftwareKey, expansion_key: bytes, i: int, j: int, purpose: KeyPurpose
) -> SoftwareKey:
    """EE: cocoon private key = caterpillar private key + f(k, x(i, j)) mod n."""
    return _scalar.key_plus(caterpillar_key, expansion_f(expansion_key, i, j, purpose, caterpillar_key.curve))


@dataclass(frozen=True, slots=True, repr=False)
class ExplicitRandomization:
    """The ACA's randomisation of one cocoon key B for an explicit certificate: c (`curve.size` bytes, for the EE
    only) and the certificate's verification key U = B + c·G."""

    cocoon: Point
    c: bytes
    certificate_key: Point

    def __repr__(self) -> str:
        return f"ExplicitRandomization({self.cocoon!r} -> {self.certificate_key!r}, c=[secure])"


def explicit_randomize(cocoon: Point) -> tuple[bytes, Point]:
    """ACA, explicit certificate: fresh random c; returns (c as `curve.size` bytes, U = B + c·G).

    c goes to the EE inside the encrypted response (`privateKeyInfo`) and nowhere else; U is the certificate's
    verification key.
    """
    drawn = explicit_randomize_many([cocoon])[0]
    return drawn.c, drawn.certificate_key


def explicit_randomize_many(cocoons: Sequence[Point]) -> list[ExplicitRandomization]:
    """`explicit_randomize` for each cocoon key (one curve), the additions B + c·G done together (one inversion)."""
    randomised = _scalar.randomise_points(cocoons)
    return [
        ExplicitRandomization(b, c.to_bytes(b.curve.size), u) for b, (c, u) in zip(cocoons, randomised, strict=True)
    ]


def explicit_private_key(cocoon_key: SoftwareKey, c: bytes, expected_public: Point | None = None) -> SoftwareKey:
    """EE, explicit certificate: u = b + c mod n; with `expected_public` (U from the certificate) check u·G == U."""
    c_int = _scalar.parse_scalar(cocoon_key.curve, c, "explicit randomiser c")
    key = _scalar.key_plus(cocoon_key, c_int)
    if expected_public is not None and key.public_point != expected_public:
        raise InvalidKey("derived private key does not match the certificate")
    return key


def response_encryption_public_key(
    variant: ButterflyVariant,
    signing_cocoon: Point,
    i: int,
    j: int,
    *,
    encryption_caterpillar: Point | None = None,
    encryption_expansion_key: bytes | None = None,
) -> Point:
    """RA/ACA: the public key the ACA encrypts its response for (i, j) to.

    - original: J = H + f(k_E, x_E(i, j))·G, computed by the RA and sent to the ACA as `certEncKey`;
    - unified and compact unified: the signing cocoon key B itself (from `verifyKeyIndicator`), as in the UBK paper
      (Simplicio et al. 2018: the PCA encrypts to the non-randomised cocoon key) and ETSI TS 102 941 §6.2.3.5.4.
      Alternative not taken [U]: a separate cocoon encryption key derived with x_E from the same caterpillar and
      expansion key (1609.2.1 §9.3.4.2 may say so); if confirmed, change it here and in `response_decryption_key`.
    """
    if variant is ButterflyVariant.ORIGINAL:
        if encryption_caterpillar is None or encryption_expansion_key is None:
            raise ValueError("the original variant needs the encryption caterpillar key and expansion key")
        return cocoon_public_key(encryption_caterpillar, encryption_expansion_key, i, j, KeyPurpose.ENCRYPTION)
    return signing_cocoon


def response_decryption_key(
    variant: ButterflyVariant,
    signing_cocoon_key: SoftwareKey,
    i: int,
    j: int,
    *,
    encryption_caterpillar_key: SoftwareKey | None = None,
    encryption_expansion_key: bytes | None = None,
) -> SoftwareKey:
    """EE: the private key matching `response_encryption_public_key` (same variant, same (i, j))."""
    if variant is ButterflyVariant.ORIGINAL:
        if encryption_caterpillar_key is None or encryption_expansion_key is None:
            raise ValueError("the original variant needs the encryption caterpillar key and expansion key")
        return cocoon_private_key(encryption_caterpillar_key, encryption_expansion_key, i, j, KeyPurpose.ENCRYPTION)
    return signing_cocoon_key
