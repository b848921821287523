"""Random and mutated inputs never make `decode` raise anything but CodecError.

Mutations of real encodings (bit flips, truncations, insertions, deletions, length-byte rewrites, spliced random
runs) reach deep into the decoder, past the first few bytes where random data already fails. Whenever a mutated
input is accepted, it is a canonical encoding of a valid value: it re-encodes to itself. The normal run is a few
thousand inputs per type; `-m slow` runs ten times as many.
"""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest

from scms.asn1 import CodecError, decode, encode

from ._samples import crl_contents, real_certificates, secured_crl, spdus

_LENGTH_BYTES = (0x00, 0x01, 0x7F, 0x80, 0x81, 0x82, 0x84, 0x88, 0x8F, 0xFF)


def _mutate(rng: random.Random, data: bytes) -> bytes:
    buffer = bytearray(data)
    for _ in range(rng.choice((1, 1, 1, 2, 3))):
        action = rng.randrange(6)
        at = rng.randrange(len(buffer) + 1) if buffer else 0
        if action == 0 and buffer:  # flip one bit
            at = min(at, len(buffer) - 1)
            buffer[at] ^= 1 << rng.randrange(8)
        elif action == 1:  # truncate
            del buffer[at:]
        elif action == 2:  # insert random bytes
            buffer[at:at] = rng.randbytes(rng.randrange(1, 4))
        elif action == 3 and buffer:  # delete a few bytes
            del buffer[at : at + rng.randrange(1, 4)]
        elif action == 4 and buffer:  # rewrite a byte with a length-determinant form
            buffer[min(at, len(buffer) - 1)] = rng.choice(_LENGTH_BYTES)
        elif action == 5:  # splice a random run
            buffer[at : at + 4] = rng.randbytes(4)
    return bytes(buffer)


def _hammer(type_name: str, seeds: list[bytes], count: int, rng: random.Random) -> int:
    accepted = 0
    for index in range(count):
        data = rng.randbytes(rng.randrange(0, 64)) if index % 10 == 0 else _mutate(rng, rng.choice(seeds))
        try:
            value = decode(type_name, data)
        except CodecError as error:
            assert error.type_name == type_name
            assert -1 < error.offset <= max(len(data), 1 << 22)
            continue
        assert encode(type_name, value) == data
        accepted += 1
    return accepted


_CASES: dict[str, Callable[[], list[bytes]]] = {
    "Certificate": real_certificates,
    "Ieee1609Dot2Data": spdus,
    "SecuredCrl": lambda: [secured_crl()],
    "CrlContents": lambda: [crl_contents()],
}


@pytest.mark.parametrize("type_name", sorted(_CASES))
def test_mutated_inputs_raise_only_codec_error(type_name: str) -> None:
    seeds = _CASES[type_name]()
    _hammer(type_name, seeds, 2500, random.Random(f"robust-{type_name}"))


@pytest.mark.slow
@pytest.mark.parametrize("type_name", sorted(_CASES))
def test_mutated_inputs_raise_only_codec_error_long(type_name: str) -> None:
    seeds = _CASES[type_name]()
    _hammer(type_name, seeds, 25000, random.Random(f"robust-long-{type_name}"))


def test_some_mutations_are_valid_encodings() -> None:
    """The mutator does produce accepted inputs (so the re-encode assertion above is exercised)."""
    accepted = _hammer("CrlContents", [crl_contents()], 500, random.Random("accepted"))
    assert accepted > 0
