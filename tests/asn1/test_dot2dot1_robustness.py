"""Hostile input for every IEEE 1609.2.1 SPDU type, ScmsPdu and SignedCertificateRequest: only `CodecError` escapes.

Inputs are the OpenSCMS captures and KAT SPDUs mutated (bit flips, truncations, insertions, deletions, forged length
determinants, duplicated slices, splices of two seeds) plus random bytes, from a seeded generator so that a failure
names a reproducible case. Whatever decodes must be canonical: it re-encodes to exactly the input, flat and deep.
Without this, a malformed request reaching the RA or ECA could raise an arbitrary library exception (a 500 instead
of a 400-42), or two different byte strings could decode to one value and break request-hash bookkeeping.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Callable
from functools import cache

import pytest

from scms.asn1 import CodecError, decode, encode
from scms.asn1.layers import decode_deep, encode_deep
from scms.asn1.spdu_layers_dot2dot1 import SHAPES
from vectors import load_json, openscms_dat_params, read_bytes, unhex

MUTATIONS_PER_TYPE = 2500
RANDOM_PER_TYPE = 500

TARGETS = [shape.spdu for shape in SHAPES] + ["ScmsPdu", "SignedCertificateRequest"]


@cache
def _seeds() -> dict[str, tuple[bytes, ...]]:
    """Valid encodings to mutate, by the family of types they belong to."""
    files = [read_bytes(param.values[0]) for param in openscms_dat_params()]
    spdus = [data for data in files if data[:1] == b"\x03"]
    spdus.append(unhex(load_json("openscms/kat/ee-ra-cert-request-obk.json")["input"]["ee_ra_cert_request_spdu"]))
    spdus.append(unhex(load_json("openscms/kat/request-hash.json")["input"]["spdu"]))
    pdus = [data for data in files if data[:1] == b"\x02"]
    requests = []
    for data in spdus:
        kind, content = decode("Ieee1609Dot2Data", data)["content"]
        if kind == "signedCertificateRequest":
            requests.append(content)
            pdus.append(encode("ScmsPdu", decode("SignedCertificateRequest", content)["tbsRequest"]))
    return {"spdu": tuple(spdus), "ScmsPdu": tuple(pdus), "SignedCertificateRequest": tuple(requests)}


def _family(type_name: str) -> str:
    return type_name if type_name in ("ScmsPdu", "SignedCertificateRequest") else "spdu"


# A forged length determinant (X.696 clause 8.6): short form, long forms up to 8 length octets, the empty long
# form and the 127-octet form that no sane input uses.
_LENGTHS = [
    b"\x00",
    b"\x7f",
    b"\x80",
    b"\x81\xff",
    b"\x82\xff\xff",
    b"\x84\xff\xff\xff\xff",
    b"\x88" + b"\xff" * 8,
    b"\xff",
]


def _flip(rng: random.Random, data: bytearray, _other: bytes) -> bytearray:
    for _ in range(rng.randint(1, 4)):
        position = rng.randrange(len(data))
        data[position] ^= 1 << rng.randrange(8)
    return data


def _truncate(rng: random.Random, data: bytearray, _: bytes) -> bytearray:
    return data[: rng.randrange(len(data))]


def _insert(rng: random.Random, data: bytearray, _: bytes) -> bytearray:
    position = rng.randrange(len(data) + 1)
    return data[:position] + bytearray(rng.randbytes(rng.randint(1, 4))) + data[position:]


def _delete(rng: random.Random, data: bytearray, _: bytes) -> bytearray:
    start = rng.randrange(len(data))
    return data[:start] + data[start + rng.randint(1, 8) :]


def _forge_length(rng: random.Random, data: bytearray, _: bytes) -> bytearray:
    position = rng.randrange(len(data))
    length = rng.choice(_LENGTHS)
    return data[:position] + bytearray(length) + data[position + rng.choice([0, len(length)]) :]


def _duplicate(rng: random.Random, data: bytearray, _: bytes) -> bytearray:
    start = rng.randrange(len(data))
    piece = data[start : start + rng.randint(1, 64)]
    position = rng.randrange(len(data) + 1)
    return data[:position] + piece + data[position:]


def _splice(rng: random.Random, data: bytearray, other: bytes) -> bytearray:
    return data[: rng.randrange(len(data) + 1)] + bytearray(other[rng.randrange(len(other) + 1) :])


_MUTATORS: list[Callable[[random.Random, bytearray, bytes], bytearray]] = [
    _flip,
    _truncate,
    _insert,
    _delete,
    _forge_length,
    _duplicate,
    _splice,
]


def _inputs(type_name: str) -> list[bytes]:
    rng = random.Random(zlib.crc32(type_name.encode()))  # the same cases on every run
    seeds = _seeds()[_family(type_name)]
    cases = []
    for _ in range(MUTATIONS_PER_TYPE):
        data = bytearray(rng.choice(seeds))
        for _ in range(rng.randint(1, 3)):
            if data:
                data = rng.choice(_MUTATORS)(rng, data, rng.choice(seeds))
        cases.append(bytes(data))
    for _ in range(RANDOM_PER_TYPE):
        head = rng.choice(
            [b"", b"\x03", b"\x02", bytes([3, rng.randrange(0x80, 0x85)]), bytes([2, rng.randrange(0x80, 0x8C)])]
        )
        cases.append(head + rng.randbytes(rng.randint(0, 300)))
    return cases


def _survives(type_name: str, data: bytes) -> bool:
    """True if `data` decodes; asserts it is then canonical (flat and deep). CodecError is the only failure."""
    try:
        value = decode(type_name, data)
    except CodecError:
        return False
    assert encode(type_name, value) == data, f"{type_name} accepted a non-canonical encoding: {data.hex()}"
    try:
        deep = decode_deep(type_name, data)
    except CodecError:
        return True  # an inner layer is damaged; the outer one was fine
    assert encode_deep(type_name, deep) == data, f"{type_name}: deep round trip differs for {data.hex()}"
    return True


@pytest.mark.parametrize("type_name", TARGETS)
def test_only_codec_errors_escape(type_name: str) -> None:
    decoded = 0
    for data in _inputs(type_name):
        try:
            if _survives(type_name, data):
                decoded += 1
        except (AssertionError, CodecError):
            raise  # a non-canonical acceptance, or a decoded value that cannot be encoded again
        except Exception as error:  # anything else is the bug this test exists to find
            pytest.fail(f"{type_name}: {type(error).__name__}: {error} for input {data.hex()}")
    # The mutations must not be so destructive that nothing decodes: some keep the outer layer intact.
    assert decoded > 0


def test_seed_files_are_present_for_every_family() -> None:
    seeds = _seeds()
    # 8 SPDU captures + 2 KAT SPDUs; 3 ScmsPdu files + 4 requests' tbsRequest; 4 signed certificate requests.
    assert {family: len(items) for family, items in seeds.items()} == {
        "spdu": 10,
        "ScmsPdu": 7,
        "SignedCertificateRequest": 4,
    }
