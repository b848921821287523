"""HashedIdN value types: the low-order bytes of the hash (1609.2 §6.3), never hex strings."""

from __future__ import annotations

import hashlib
import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scms.crypto import HashAlgorithm, HashedId3, HashedId8, HashedId10, HashedId32, HashedId48, sha256, sha384

SHA256_TYPES = [(HashedId3, 3), (HashedId8, 8), (HashedId10, 10), (HashedId32, 32)]


@given(st.binary(max_size=300))
def test_hashed_ids_are_the_last_bytes_of_the_hash(data: bytes) -> None:
    digest = hashlib.sha256(data).digest()
    for cls, length in SHA256_TYPES:
        value = cls.of(data)
        assert isinstance(value, cls) and isinstance(value, bytes)
        assert value == digest[-length:] and len(value) == length
    assert HashedId48.of(data) == hashlib.sha384(data).digest()
    assert HashedId8.of(data, HashAlgorithm.SHA384) == hashlib.sha384(data).digest()[-8:]
    assert HashedId8.from_digest(sha384(data)) == hashlib.sha384(data).digest()[-8:]
    assert sha256(data) == HashAlgorithm.SHA256.digest(data) == digest


def test_hashed_id_of_the_empty_string_matches_the_standards_notes() -> None:
    # standards-notes §1.1: SHA-256("") -> HashedId8 a495991b7852b855, HashedId3 52b855.
    assert HashedId8.of(b"") == bytes.fromhex("a495991b7852b855")
    assert HashedId3.of(b"") == bytes.fromhex("52b855")
    assert HashedId10.of(b"") == bytes.fromhex("934ca495991b7852b855")


def test_hashed_ids_check_length_and_print_as_hex() -> None:
    value = HashedId8(bytes.fromhex("7ac9efd3cc396921"))
    assert repr(value) == "HashedId8(7ac9efd3cc396921)"
    assert str(value) == "7ac9efd3cc396921"
    assert hash(value) == hash(bytes(value))
    for cls, length in [*SHA256_TYPES, (HashedId48, 48)]:
        for wrong in (length - 1, length + 1):
            with pytest.raises(ValueError, match=f"takes {length} bytes"):
                cls(bytes(wrong))
    with pytest.raises(ValueError):
        HashedId48.from_digest(bytes(32))


def test_hash_algorithm_sizes() -> None:
    assert HashAlgorithm.SHA256.size == len(sha256(b"")) == 32
    assert HashAlgorithm.SHA384.size == len(sha384(b"")) == 48


def test_hashed_ids_pickle_as_their_own_type() -> None:
    value = HashedId10.of(b"certificate")
    copy = pickle.loads(pickle.dumps(value))
    assert type(copy) is HashedId10 and copy == value
