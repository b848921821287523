"""Hazardous material: the only place where secret scalars leave OpenSSL, for modular arithmetic mod n.

Use the butterfly and ECQV functions of `scms.crypto` (which call this module) instead; nothing outside
`scms.crypto` may import it. Four derivations need arithmetic on secrets that OpenSSL does not offer through
`cryptography`: a + f (butterfly cocoon key, 1609.2.1 §9.3), b + c (explicit butterfly certificate key),
e·k + d_CA (ECQV issuance) and e·k_U + r (ECQV reconstruction, 1609.2 §5.3.2).
The ECQV randomiser k is drawn by OpenSSL and read out once, with k·G, when it is drawn (one `private_numbers`
call instead of a public-key export now and a scalar export at the end: it is a single-use secret that is read
out for e·k + d_CA anyway, within the same issuance).
The CA's scalar d_CA is read out for each r = e·k + d_CA, or once for a whole piece of issuances inside
`holding(ca_key)` (the ACA's worker holds it while it answers one piece, ~25 ms): a Python integer cannot be wiped,
so each read-out leaves a copy in freed memory; one read per piece leaves fewer copies than one per certificate, and
the held value is dropped when the last holder leaves (it is never stored anywhere else).

Honest limits: these sums and products use Python integers, which are NOT constant-time (their running time
depends on the operands' lengths, and intermediate values live in memory that cannot be wiped). No constant-time
modular arithmetic is practical from Python with the pinned dependencies (`pycryptodome`'s `Integer` is GMP- or
Python-backed and not constant-time either), so we keep the exposure small instead: the arithmetic is a few
additions and one multiplication per key, all of it is here, and every scalar MULTIPLICATION by a secret (k·G, d·G,
ECDH) goes through OpenSSL, which is constant-time. Results are handed straight back to OpenSSL as key objects.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from cryptography.hazmat.primitives.asymmetric import ec

from scms.crypto.curves import Curve
from scms.crypto.errors import InvalidKey
from scms.crypto.keys import SoftwareKey
from scms.crypto.points import Point, _trusted, add_pairwise

_HELD: dict[int, tuple[SoftwareKey, int, int]] = {}
"""id(key) -> (the key, its scalar, how many holders): the scalars read once by `holding` (the key kept, so that
its id cannot be reused while it is held)."""
_HELD_LOCK = threading.Lock()


def _scalar(key: SoftwareKey) -> int:
    held = _HELD.get(id(key))
    if held is not None and held[0] is key:
        return held[1]
    return key._key.private_numbers().private_value


@contextmanager
def holding(key: SoftwareKey) -> Iterator[None]:
    """Within it, `key`'s scalar is read out of OpenSSL once (here) instead of at each use; dropped at the end of the
    last (nested or concurrent) holder."""
    with _HELD_LOCK:
        held = _HELD.get(id(key))
        if held is None:
            _HELD[id(key)] = (key, key._key.private_numbers().private_value, 1)
        else:
            _HELD[id(key)] = (key, held[1], held[2] + 1)
        held = None
    try:
        yield
    finally:
        with _HELD_LOCK:
            held = _HELD.pop(id(key))
            if held[2] > 1:
                _HELD[id(key)] = (key, held[1], held[2] - 1)
            held = None


def _key(curve: Curve, d: int) -> SoftwareKey:
    if d == 0:
        # Happens with probability about 1/n; a zero key is not a key.
        raise InvalidKey("derived private key is zero")
    return SoftwareKey(ec.derive_private_key(d, curve.ec_curve), curve)


def secret_times_generator(curve: Curve, k: int) -> Point:
    """k·G for a secret k, computed by OpenSSL (constant-time)."""
    return _key(curve, k % curve.n).public_point


def random_scalar_times_generator(curve: Curve) -> tuple[int, Point]:
    """A fresh random secret k (drawn by OpenSSL) and k·G (computed by OpenSSL), read out together."""
    numbers = ec.generate_private_key(curve.ec_curve).private_numbers()
    public = numbers.public_numbers
    return numbers.private_value, _trusted(curve, public.x, public.y)


def randomise_points(points: Sequence[Point]) -> list[tuple[int, Point]]:
    """For each public point R a fresh random secret k and R + k·G (ECQV's P_U = R_U + k·G, explicit U = B + c·G).

    k and k·G come from OpenSSL one by one; the public sums are added together (`add_pairwise`: one modular
    inversion for all). A k with k·G = -R (probability about 1/n) is drawn again.
    """
    draws = [random_scalar_times_generator(point.curve) for point in points]
    sums = add_pairwise(points, [k_times_g for _, k_times_g in draws])
    randomised = []
    for point, (k, _), total in zip(points, draws, sums, strict=True):
        if total is None:
            k, total = randomise_points([point])[0]  # R + k·G was the point at infinity: another k
        randomised.append((k, total))
    return randomised


def parse_scalar(curve: Curve, data: bytes, what: str) -> int:
    """A received fixed-length big-endian scalar (c, r), in 0 <= x < n; InvalidKey otherwise."""
    if len(data) != curve.size:
        raise InvalidKey(f"a {curve.name} {what} has {curve.size} bytes")
    value = int.from_bytes(data)
    if value >= curve.n:
        raise InvalidKey(f"{what} out of range")
    return value


def key_plus(key: SoftwareKey, addend: int) -> SoftwareKey:
    """(d + addend) mod n as a key: cocoon key a + f, explicit certificate key b + c."""
    curve = key.curve
    return _key(curve, (_scalar(key) + addend) % curve.n)


def key_times_plus(e: int, key: SoftwareKey, addend: int) -> SoftwareKey:
    """(e·d + addend) mod n as a key: ECQV reconstruction d_U = e·k_U + r."""
    curve = key.curve
    return _key(curve, (e * _scalar(key) + addend) % curve.n)


def ecqv_response_value(e: int, k: int, ca_key: SoftwareKey) -> bytes:
    """r = e·k + d_CA mod n, big-endian and left-padded to `curve.size` bytes (1609.2 §5.3.2)."""
    curve = ca_key.curve
    return ((e * k + _scalar(ca_key)) % curve.n).to_bytes(curve.size)

