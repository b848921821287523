"""The keys of an authorization certificate request (1609.2.1 clauses 6.3.5.2 and 9.3, `EeRaCertRequest
.additionalParams`; standards notes §6): the end entity's secret half and what travels to the RA.

| additionalParams | EE keeps (`ButterflyKeys`, `NonButterflyKeys`) | request carries (`ButterflyParams`) |
|---|---|---|
| original | caterpillar keys a (signing), h (encryption); k_S, k_E | A = a·G in tbsCert, k_S, H, k_E |
| unified / compactUnified | caterpillar key a, one expansion key k | A in tbsCert, k |
| encryptionKey (no butterfly) | the certificate key, the response decryption key | both public keys |
| absent (no butterfly) | the certificate key | its public key |

The RA derives per (i, j) the cocoon signing key B = A + f(k_S, x_S)·G and the key the ACA encrypts its response
to (`ButterflyParams.cocoon_public_key`, `response_encryption_key`); the EE derives the matching private keys
(`ButterflyKeys.cocoon_key`, `response_decryption_key`). The derivations are those of `scms.crypto.butterfly`,
including its one uncertain choice (the unified response key, docs/conformance.md). Expansion keys let whoever holds
them link an EE's certificates: reprs never show them.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from scms.crypto import (
    ButterflyVariant,
    Curve,
    InvalidPoint,
    KeyPurpose,
    Point,
    SoftwareKey,
    cocoon_private_key,
    cocoon_public_key,
    response_decryption_key,
    response_encryption_public_key,
)
from scms.dot2.certificate_fields import PublicEncryptionKey
from scms.dot2.errors import ErrorCode, Ieee1609Error

__all__ = ["EXPANSION_KEY_SIZE", "ButterflyKeys", "ButterflyParams", "NonButterflyKeys", "additional_params_from_coer"]

EXPANSION_KEY_SIZE = 16
"""`ButterflyExpansion.aes128`: a 16-byte AES-128 key."""


def _check(variant: ButterflyVariant, expansion: bytes, encryption: object, encryption_expansion: bytes | None) -> None:
    original = variant is ButterflyVariant.ORIGINAL
    if (encryption is None or encryption_expansion is None) == original:
        raise ValueError("the original variant needs an encryption caterpillar and expansion key, the others neither")
    if len(expansion) != EXPANSION_KEY_SIZE or (original and len(encryption_expansion or b"") != EXPANSION_KEY_SIZE):
        raise ValueError("a butterfly expansion key has 16 bytes")


@dataclass(frozen=True, repr=False)
class ButterflyParams:
    """The public butterfly parameters of a request, as the RA reads them."""

    variant: ButterflyVariant
    signing_caterpillar: Point
    """A, the tbsCert.verifyKeyIndicator of the request."""
    signing_expansion: bytes
    encryption_caterpillar: PublicEncryptionKey | None = None
    encryption_expansion: bytes | None = None

    def __post_init__(self) -> None:
        _check(self.variant, self.signing_expansion, self.encryption_caterpillar, self.encryption_expansion)

    def __repr__(self) -> str:
        return f"ButterflyParams({self.variant.value}, [secure])"

    def cocoon_public_key(self, i: int, j: int) -> Point:
        """RA: the cocoon signing key B(i, j), the key the ACA certifies (after randomising it)."""
        return cocoon_public_key(self.signing_caterpillar, self.signing_expansion, i, j, KeyPurpose.SIGNING)

    def response_encryption_key(self, i: int, j: int, cocoon: Point | None = None) -> Point:
        """RA: the key the ACA encrypts the (i, j) response to (original: J; unified variants: B). `cocoon`: B(i, j)
        when the caller has it already (`cocoon_public_key`), so that it is not expanded twice."""
        caterpillar = self.encryption_caterpillar
        return response_encryption_public_key(
            self.variant,
            self.cocoon_public_key(i, j) if cocoon is None else cocoon,
            i,
            j,
            encryption_caterpillar=None if caterpillar is None else caterpillar.point,
            encryption_expansion_key=self.encryption_expansion,
        )

    def to_coer(self) -> tuple[str, Any]:
        """The `AdditionalParams` value."""
        if self.variant is not ButterflyVariant.ORIGINAL:
            return (self.variant.value, ("aes128", self.signing_expansion))
        assert self.encryption_caterpillar is not None and self.encryption_expansion is not None
        original = {
            "signingExpansion": ("aes128", self.signing_expansion),
            "encryptionKey": self.encryption_caterpillar.to_coer(),
            "encryptionExpansion": ("aes128", self.encryption_expansion),
        }
        return ("original", original)


def _expansion(choice: tuple[str, Any]) -> bytes:
    kind, value = choice
    if kind != "aes128":
        raise Ieee1609Error(ErrorCode.FAILED_PARSING, f"unsupported butterfly expansion {kind}")
    return bytes(value)


def additional_params_from_coer(
    value: tuple[str, Any] | None, caterpillar: Point
) -> ButterflyParams | PublicEncryptionKey | None:
    """Read `additionalParams` (A = `caterpillar`, the requested key): butterfly parameters, a response encryption
    key (no butterfly), or None. 400-42 for an alternative we do not know, 400-64 for an unusable key."""
    if value is None:
        return None
    kind, content = value
    if kind != "encryptionKey" and caterpillar.curve is not Curve.P256:
        raise Ieee1609Error(ErrorCode.INVALID_VERIFY_KEY_INDICATOR, f"{kind} butterfly keys are P-256 keys")
    try:
        if kind == "encryptionKey":
            return PublicEncryptionKey.from_coer(content)
        if kind in ("unified", "compactUnified"):
            return ButterflyParams(ButterflyVariant(kind), caterpillar, _expansion(content))
        if kind == "original":
            encryption = PublicEncryptionKey.from_coer(content["encryptionKey"])
            signing = _expansion(content["signingExpansion"])
            encryption_expansion = _expansion(content["encryptionExpansion"])
            return ButterflyParams(ButterflyVariant.ORIGINAL, caterpillar, signing, encryption, encryption_expansion)
    except InvalidPoint as exc:
        raise Ieee1609Error(ErrorCode.INVALID_VERIFY_KEY_INDICATOR, f"additionalParams {kind}: {exc}") from None
    raise Ieee1609Error(ErrorCode.FAILED_PARSING, f"unsupported additionalParams {kind}")


@dataclass(frozen=True, repr=False)
class ButterflyKeys:
    """The end entity's butterfly secrets: caterpillar private keys and expansion keys."""

    variant: ButterflyVariant
    signing_caterpillar: SoftwareKey
    signing_expansion: bytes
    encryption_caterpillar: SoftwareKey | None = None
    encryption_expansion: bytes | None = None

    def __post_init__(self) -> None:
        _check(self.variant, self.signing_expansion, self.encryption_caterpillar, self.encryption_expansion)
        keys = (self.signing_caterpillar, self.encryption_caterpillar)
        if any(key is not None and key.curve is not Curve.P256 for key in keys):
            raise ValueError("butterfly keys are P-256 keys")

    @classmethod
    def generate(cls, variant: ButterflyVariant) -> ButterflyKeys:
        """Fresh caterpillar keys and expansion keys for `variant`."""
        if variant is ButterflyVariant.ORIGINAL:
            return cls(
                variant,
                SoftwareKey.generate(),
                secrets.token_bytes(EXPANSION_KEY_SIZE),
                SoftwareKey.generate(),
                secrets.token_bytes(EXPANSION_KEY_SIZE),
            )
        return cls(variant, SoftwareKey.generate(), secrets.token_bytes(EXPANSION_KEY_SIZE))

    def __repr__(self) -> str:
        return f"ButterflyKeys({self.variant.value}, [secure])"

    @property
    def request_key(self) -> Point:
        """A: the key the request's tbsCert names."""
        return self.signing_caterpillar.public_point

    def params(self) -> ButterflyParams:
        """What the request carries."""
        caterpillar = self.encryption_caterpillar
        return ButterflyParams(
            self.variant,
            self.request_key,
            self.signing_expansion,
            None if caterpillar is None else PublicEncryptionKey(caterpillar.public_point),
            self.encryption_expansion,
        )

    def cocoon_key(self, i: int, j: int) -> SoftwareKey:
        """b(i, j) = a + f(k_S, x_S(i, j)): the base of the (i, j) certificate's private key."""
        return cocoon_private_key(self.signing_caterpillar, self.signing_expansion, i, j, KeyPurpose.SIGNING)

    def response_decryption_key(self, i: int, j: int) -> SoftwareKey:
        """The private key of `ButterflyParams.response_encryption_key(i, j)`."""
        return response_decryption_key(
            self.variant,
            self.cocoon_key(i, j),
            i,
            j,
            encryption_caterpillar_key=self.encryption_caterpillar,
            encryption_expansion_key=self.encryption_expansion,
        )


@dataclass(frozen=True, repr=False)
class NonButterflyKeys:
    """No butterfly (identification / application certificates): the certificate's key (or ECQV request key)
    and, for a response the RA must not read, a response encryption key (`additionalParams.encryptionKey`)."""

    verification: SoftwareKey
    response_encryption: SoftwareKey | None = None

    def __repr__(self) -> str:
        encrypted = "" if self.response_encryption is None else ", encrypted response"
        return f"NonButterflyKeys([secure]{encrypted})"

    @property
    def request_key(self) -> Point:
        return self.verification.public_point

    def additional_params(self) -> tuple[str, Any] | None:
        key = self.response_encryption
        return None if key is None else ("encryptionKey", PublicEncryptionKey(key.public_point).to_coer())
