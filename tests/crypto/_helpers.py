"""Independent references for the crypto tests: OpenSSL (through `cryptography`) computes k·G directly."""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric import ec
from hypothesis import strategies as st

from scms.crypto import Curve, Point

CURVES = list(Curve)
CURVES_256 = [Curve.P256, Curve.BRAINPOOL_P256R1]


def openssl_times_g(curve: Curve, k: int) -> Point:
    """k·G computed by OpenSSL, as our Point (the reference the Python arithmetic is checked against)."""
    numbers = ec.derive_private_key(k % curve.n, curve.ec_curve).public_key().public_numbers()
    return Point(curve, numbers.x, numbers.y)


@st.composite
def curve_and_scalars(draw: st.DrawFn, count: int, curves: list[Curve] = CURVES) -> tuple[Curve, list[int]]:
    curve = draw(st.sampled_from(curves))
    return curve, [draw(st.integers(min_value=1, max_value=curve.n - 1)) for _ in range(count)]
