"""Hazardous material: raw SHA-2 and HashedIdN over bytes you chose; hash only canonical COER.

Use `scms.dot2` (certificate hash, HashedId8 of a certificate or SPDU) instead: it hashes the canonical COER
encoding, which is what IEEE 1609.2 §6.3 (HashedId3/8/10/32/48) requires. Here a HashedIdN is a value type, never
a hex string: the low-order (last) N bytes of the hash, SHA-256 unless the caller says otherwise.
"""

from __future__ import annotations

import hashlib
from enum import Enum
from typing import ClassVar, Self

__all__ = [
    "HashAlgorithm",
    "HashedId3",
    "HashedId8",
    "HashedId10",
    "HashedId32",
    "HashedId48",
    "sha256",
    "sha384",
]


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def sha384(data: bytes) -> bytes:
    return hashlib.sha384(data).digest()


class HashAlgorithm(Enum):
    """The two hash algorithms of 1609.2 `HashAlgorithm` used here (sha256 = 0, sha384 = 1)."""

    SHA256 = "sha256"
    SHA384 = "sha384"

    @property
    def size(self) -> int:
        return 32 if self is HashAlgorithm.SHA256 else 48

    def digest(self, data: bytes) -> bytes:
        # Direct constructors (hashlib.new() looks the name up on every call), found by the member's value.
        return _CONSTRUCTORS[self._value_](data).digest()


_CONSTRUCTORS = {"sha256": hashlib.sha256, "sha384": hashlib.sha384}


class _HashedId(bytes):
    """The last `length` bytes of a hash; subclasses fix the length."""

    length: ClassVar[int] = 0

    def __new__(cls, value: bytes) -> Self:
        if len(value) != cls.length:
            raise ValueError(f"{cls.__name__} takes {cls.length} bytes, got {len(value)}")
        return super().__new__(cls, value)

    @classmethod
    def from_digest(cls, digest: bytes) -> Self:
        """The low-order bytes of a hash already computed (e.g. the whole-certificate hash)."""
        if len(digest) < cls.length:
            raise ValueError(f"{cls.__name__} needs a hash of at least {cls.length} bytes")
        return bytes.__new__(cls, digest[len(digest) - cls.length :])  # the length is right: skip __new__'s check

    @classmethod
    def of(cls, data: bytes, alg: HashAlgorithm = HashAlgorithm.SHA256) -> Self:
        """Hash `data` (canonical COER) with `alg` and keep the low-order bytes."""
        return cls.from_digest(alg.digest(data))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.hex()})"

    def __str__(self) -> str:
        return self.hex()


class HashedId3(_HashedId):
    length = 3


class HashedId8(_HashedId):
    length = 8


class HashedId10(_HashedId):
    length = 10


class HashedId32(_HashedId):
    length = 32


class HashedId48(_HashedId):
    """The SHA-384 analogue (whole SHA-384 output), used by certificate trust lists."""

    length = 48

    @classmethod
    def of(cls, data: bytes, alg: HashAlgorithm = HashAlgorithm.SHA384) -> Self:
        return cls.from_digest(alg.digest(data))
