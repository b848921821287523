"""Hazardous material: raw curve points and variable-time point arithmetic, for PUBLIC values only.

Use `scms.dot2` (certificates, keys inside SPDUs) and the butterfly / ECQV functions of this package instead of
adding points yourself. A `Point` is an immutable affine point checked to lie on its curve; the point at infinity
cannot be represented, so an operation whose result would be infinity raises `InvalidPoint`. Addition runs in
Python on public values (the EE's caterpillar key, a cocoon key, a reconstruction value are public). Nothing here
multiplies by a secret: the generator times a secret scalar is computed by OpenSSL, in `_scalar`.

`add_pairwise` adds many pairs with ONE modular inversion (Montgomery's simultaneous inversion): the ACA randomises a
whole piece of requests at once (P_U = R_U + k·G, U = B + c·G), and the inversion is most of an addition's cost.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from cryptography.hazmat.primitives.asymmetric import ec

from scms.crypto.curves import Curve
from scms.crypto.errors import InvalidPoint

__all__ = ["Point", "add_pairwise"]


@dataclass(frozen=True, slots=True)
class Point:
    """An affine point (x, y) on `curve`, never the point at infinity."""

    curve: Curve
    x: int
    y: int
    # The `cryptography` form of the point, built on first use and reused (ECDSA verify, ECDH, ECIES).
    _public_key: ec.EllipticCurvePublicKey | None = field(default=None, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        c = self.curve
        if not (0 <= self.x < c.p and 0 <= self.y < c.p):
            raise InvalidPoint("point coordinates out of range")
        if (self.y * self.y - (self.x * self.x + c.a) * self.x - c.b) % c.p:
            raise InvalidPoint("point is not on the curve")

    def __repr__(self) -> str:
        return f"Point({self.curve.name}, {self.encode().hex()})"

    def __reduce__(self) -> tuple[object, ...]:
        # Pickle the coordinates only (the cached OpenSSL key cannot be pickled); unpickling re-validates.
        return (Point, (self.curve, self.x, self.y))

    # --- SEC 1 encoding -------------------------------------------------------------------------------------------

    @classmethod
    def decode(cls, curve: Curve, data: bytes) -> Point:
        """SEC 1 decoding: `02`/`03` ‖ x (compressed) or `04` ‖ x ‖ y; InvalidPoint for anything else."""
        size = curve.size
        if len(data) == 1 + size and data[0] in (2, 3):
            return _decompress(curve, data)
        if len(data) == 1 + 2 * size and data[0] == 4:
            return cls(curve, int.from_bytes(data[1 : 1 + size]), int.from_bytes(data[1 + size :]))
        if data[:1] == b"\x00":
            raise InvalidPoint("the point at infinity is not a valid key")
        raise InvalidPoint(f"not a SEC 1 encoded {curve.name} point")

    @classmethod
    def from_x(cls, curve: Curve, x: int, y_parity: int) -> Point:
        """Decompression: the point with this x whose y has parity `y_parity` (the 1609.2 compressed-y-0/1)."""
        if y_parity not in (0, 1):
            raise ValueError("y_parity must be 0 or 1")
        if not 0 <= x < curve.p:
            raise InvalidPoint("point coordinates out of range")
        return _decompress(curve, bytes((2 + y_parity,)) + x.to_bytes(curve.size))

    @classmethod
    def generator(cls, curve: Curve) -> Point:
        return _GENERATORS[curve]

    def encode(self, compressed: bool = True) -> bytes:
        size = self.curve.size
        if compressed:
            return bytes((2 + (self.y & 1),)) + self.x.to_bytes(size)
        return b"\x04" + self.x.to_bytes(size) + self.y.to_bytes(size)

    def x_bytes(self) -> bytes:
        """The x-coordinate, big-endian, `curve.size` bytes (the 1609.2 `x-only` / `compressed-y-*` payload)."""
        return self.x.to_bytes(self.curve.size)

    @property
    def y_parity(self) -> int:
        return self.y & 1

    def public_key(self) -> ec.EllipticCurvePublicKey:
        """The point as a `cryptography` public key (built once, then cached on the point)."""
        key = self._public_key
        if key is None:
            key = ec.EllipticCurvePublicNumbers(self.x, self.y, self.curve.ec_curve).public_key()
            object.__setattr__(self, "_public_key", key)
        return key

    # --- arithmetic on public values ------------------------------------------------------------------------------

    def __neg__(self) -> Point:
        return _trusted(self.curve, self.x, (-self.y) % self.curve.p)

    def __add__(self, other: Point) -> Point:
        if other.curve is not self.curve:
            raise ValueError("points on different curves")
        total = _affine_add(self.curve, self.x, self.y, other.x, other.y)
        if total is None:
            raise InvalidPoint("the sum is the point at infinity")
        return _trusted(self.curve, *total)

    def __sub__(self, other: Point) -> Point:
        return self + (-other)

    def mul_public(self, k: int) -> Point:
        """k·P for a PUBLIC scalar k (e.g. the ECQV hash e); never pass a private key here.

        OpenSSL's ECDH gives x(k·P) and x((k+1)·P); of the two points with x(k·P), the one that plus P has
        x((k+1)·P) is k·P. This is several times faster than a scalar multiplication in Python.
        """
        curve = self.curve
        k %= curve.n
        if k == 0:
            raise InvalidPoint("the product is the point at infinity")
        if k == 1:
            return self
        if k == curve.n - 1:
            return -self
        if self is _GENERATORS[curve]:
            return _from_public_key(curve, ec.derive_private_key(k, curve.ec_curve).public_key())
        candidate = Point.from_x(curve, int.from_bytes(_ecdh_x(k, self)), 0)
        x_next = int.from_bytes(_ecdh_x(k + 1, self))
        total = _affine_add(curve, candidate.x, candidate.y, self.x, self.y)
        if total is not None and total[0] == x_next:
            return candidate
        return -candidate


# The slot setters of the frozen Point, for `_trusted` (a direct slot write, as `object.__setattr__` would do).
_SET_CURVE, _SET_X, _SET_Y, _SET_PUBLIC_KEY = (
    Point.__dict__[name].__set__ for name in ("curve", "x", "y", "_public_key")
)


def _trusted(curve: Curve, x: int, y: int) -> Point:
    """A point computed by our own arithmetic from valid points: skip the on-curve check."""
    point = object.__new__(Point)
    _SET_CURVE(point, curve)
    _SET_X(point, x)
    _SET_Y(point, y)
    _SET_PUBLIC_KEY(point, None)
    return point


def _from_public_key(curve: Curve, key: ec.EllipticCurvePublicKey) -> Point:
    """A point OpenSSL already validated, keeping its key object."""
    numbers = key.public_numbers()
    point = _trusted(curve, numbers.x, numbers.y)
    _SET_PUBLIC_KEY(point, key)
    return point


def _decompress(curve: Curve, data: bytes) -> Point:
    return _decompressed(curve, bytes(data))


@lru_cache(maxsize=4096)
def _decompressed(curve: Curve, data: bytes) -> Point:
    # Remembered (points are immutable public values): one request often carries one point twice, e.g. a unified
    # butterfly RA-to-ACA request names the cocoon key B as the key to certify and as the response encryption key,
    # and each decompression is a square root (~25 µs). Failures are not remembered.
    # OpenSSL's square root is about four times faster than pow() on Python integers.
    try:
        key = ec.EllipticCurvePublicKey.from_encoded_point(curve.ec_curve, data)
    except ValueError:
        raise InvalidPoint(f"no {curve.name} point has this x-coordinate") from None
    return _from_public_key(curve, key)


def _affine_add(curve: Curve, x1: int, y1: int, x2: int, y2: int) -> tuple[int, int] | None:
    """Textbook affine addition (SEC 1 §2.2.1); None for the point at infinity. Variable time: public values only."""
    fraction = _slope_fraction(curve, x1, y1, x2, y2)
    if fraction is None:
        return None
    numerator, denominator = fraction
    return _with_slope(curve, x1, y1, x2, numerator * pow(denominator, -1, curve.p) % curve.p)


def _slope_fraction(curve: Curve, x1: int, y1: int, x2: int, y2: int) -> tuple[int, int] | None:
    """The slope of P1 + P2 as (numerator, denominator mod p, never 0); None when P1 = -P2 (the sum is infinity)."""
    p = curve.p
    if x1 == x2:
        if (y1 + y2) % p == 0:
            return None
        return 3 * x1 * x1 + curve.a, 2 * y1 % p  # doubling: the tangent (y1 != 0 here, or y1 + y2 would be 0)
    return y2 - y1, (x2 - x1) % p


def _with_slope(curve: Curve, x1: int, y1: int, x2: int, slope: int) -> tuple[int, int]:
    p = curve.p
    x3 = (slope * slope - x1 - x2) % p
    return x3, (slope * (x1 - x3) - y1) % p


def add_pairwise(left: Sequence[Point], right: Sequence[Point]) -> list[Point | None]:
    """left[i] + right[i] for each i, None where that sum is the point at infinity; one modular inversion for all.

    Montgomery's trick: invert the product of the slopes' denominators once, then peel each inverse off it with two
    multiplications. Same results as `+` term by term (doubling and P + (-P) included). Public values only.
    """
    if len(left) != len(right):
        raise ValueError("as many left points as right points")
    if not left:
        return []
    curve = left[0].curve
    if any(point.curve is not curve for point in (*left, *right)):
        raise ValueError("points on different curves")
    p = curve.p
    fractions = [_slope_fraction(curve, a.x, a.y, b.x, b.y) for a, b in zip(left, right, strict=True)]
    before: list[int] = []  # before[i]: the product of the denominators of the pairs ahead of pair i
    product = 1
    for fraction in fractions:
        before.append(product)
        if fraction is not None:
            product = product * fraction[1] % p
    inverse = pow(product, -1, p)  # the inverse of all the denominators' product
    sums: list[Point | None] = [None] * len(fractions)
    for index in range(len(fractions) - 1, -1, -1):
        fraction = fractions[index]
        if fraction is None:
            continue
        numerator, denominator = fraction
        slope = numerator * (inverse * before[index] % p) % p
        inverse = inverse * denominator % p  # drop this pair's denominator from the inverse
        a, b = left[index], right[index]
        sums[index] = _trusted(curve, *_with_slope(curve, a.x, a.y, b.x, slope))
    return sums


def _ecdh_x(k: int, point: Point) -> bytes:
    return ec.derive_private_key(k, point.curve.ec_curve).exchange(ec.ECDH(), point.public_key())


_GENERATORS = {curve: Point(curve, curve.gx, curve.gy) for curve in Curve}
