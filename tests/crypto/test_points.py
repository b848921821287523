"""Curve parameters and the Python point arithmetic, checked against OpenSSL's scalar multiplication."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scms.crypto import Curve, InvalidPoint, Point
from scms.crypto.points import add_pairwise

from ._helpers import CURVES, curve_and_scalars, openssl_times_g

PROPERTY = settings(max_examples=40, deadline=None)


@pytest.mark.parametrize("curve", CURVES, ids=lambda c: c.name)
def test_domain_parameters_agree_with_openssl(curve: Curve) -> None:
    generator = Point.generator(curve)
    assert openssl_times_g(curve, 1) == generator
    assert openssl_times_g(curve, curve.n - 1) == -generator
    assert openssl_times_g(curve, 2) == generator + generator
    # Our on-curve check (a, b, p) accepts a point OpenSSL computed (the constructor validates it).
    assert openssl_times_g(curve, 0xC0FFEE) == generator.mul_public(0xC0FFEE)
    assert curve.size * 8 == curve.n.bit_length() == curve.hash_algorithm.size * 8


@PROPERTY
@given(curve_and_scalars(2))
def test_addition_agrees_with_openssl(drawn: tuple[Curve, list[int]]) -> None:
    curve, (a, b) = drawn
    left, right = openssl_times_g(curve, a), openssl_times_g(curve, b)
    if (a + b) % curve.n == 0:
        with pytest.raises(InvalidPoint):
            left + right
    else:
        assert left + right == openssl_times_g(curve, a + b)
    if a != b:
        assert left - right == openssl_times_g(curve, a - b)
    assert left + left == openssl_times_g(curve, 2 * a)


@PROPERTY
@given(curve_and_scalars(6), st.permutations(range(6)))
def test_pairwise_sums_are_the_sums_one_by_one(drawn: tuple[Curve, list[int]], order: list[int]) -> None:
    # A piece with every case of the addition: distinct points, a point and itself (doubling), a point and its
    # negative (infinity), in any order (the shared inversion skips the pairs that have none).
    curve, scalars = drawn
    points = [openssl_times_g(curve, k) for k in scalars]
    pairs = [(points[0], points[1]), (points[2], points[2]), (points[3], -points[3]), (points[4], points[5]),
             (points[5], points[4]), (-points[1], points[1])]
    pairs = [pairs[index] for index in order]
    sums = add_pairwise([left for left, _ in pairs], [right for _, right in pairs])
    for (left, right), total in zip(pairs, sums, strict=True):
        if total is None:
            with pytest.raises(InvalidPoint):
                left + right
        else:
            assert total == left + right == openssl_times_g(curve, _scalar_of(points, scalars, left, right))


def _scalar_of(points: list[Point], scalars: list[int], *summands: Point) -> int:
    return sum(scalars[points.index(p)] if p in points else -scalars[points.index(-p)] for p in summands)


def test_pairwise_sums_of_nothing_or_of_mixed_pieces() -> None:
    assert add_pairwise([], []) == []
    generator = Point.generator(Curve.P256)
    assert add_pairwise([generator], [-generator]) == [None]
    with pytest.raises(ValueError, match="different curves"):
        add_pairwise([generator, generator], [generator, Point.generator(Curve.P384)])
    with pytest.raises(ValueError, match="as many"):
        add_pairwise([generator], [])


@PROPERTY
@given(curve_and_scalars(2))
def test_mul_public_agrees_with_openssl(drawn: tuple[Curve, list[int]]) -> None:
    curve, (a, k) = drawn
    assert openssl_times_g(curve, a).mul_public(k) == openssl_times_g(curve, a * k)
    assert Point.generator(curve).mul_public(k) == openssl_times_g(curve, k)


@pytest.mark.parametrize("curve", CURVES, ids=lambda c: c.name)
def test_mul_public_edge_scalars(curve: Curve) -> None:
    point = openssl_times_g(curve, 7)
    assert point.mul_public(1) == point
    assert point.mul_public(curve.n + 1) == point
    assert point.mul_public(curve.n - 1) == -point
    assert point.mul_public(curve.n - 2) == openssl_times_g(curve, -14)
    assert point.mul_public(2) == openssl_times_g(curve, 14)
    for zero in (0, curve.n):
        with pytest.raises(InvalidPoint):
            point.mul_public(zero)


@PROPERTY
@given(curve_and_scalars(1))
def test_sec1_round_trip_and_decompression(drawn: tuple[Curve, list[int]]) -> None:
    curve, (a,) = drawn
    point = openssl_times_g(curve, a)
    compressed, uncompressed = point.encode(), point.encode(compressed=False)
    assert len(compressed) == 1 + curve.size and compressed[0] == 2 + point.y % 2
    assert len(uncompressed) == 1 + 2 * curve.size and uncompressed[0] == 4
    assert Point.decode(curve, compressed) == point == Point.decode(curve, uncompressed)
    assert Point.from_x(curve, point.x, point.y_parity) == point
    assert Point.from_x(curve, point.x, 1 - point.y_parity) == -point


@pytest.mark.parametrize("curve", CURVES, ids=lambda c: c.name)
def test_decode_rejects_infinity_off_curve_and_malformed(curve: Curve) -> None:
    point = openssl_times_g(curve, 12345)
    size = curve.size
    off_curve = b"\x04" + point.x.to_bytes(size) + ((point.y + 1) % curve.p).to_bytes(size)
    x_too_big = b"\x02" + curve.p.to_bytes(size)
    bad = [
        b"\x00",
        b"",
        off_curve,
        x_too_big,
        point.encode()[:-1],
        b"\x05" + point.encode()[1:],
        point.encode() + b"\0",
    ]
    for data in bad:
        with pytest.raises(InvalidPoint):
            Point.decode(curve, data)
    with pytest.raises(InvalidPoint):
        Point(curve, point.x, (point.y + 1) % curve.p)
    with pytest.raises(InvalidPoint):
        Point(curve, point.x + curve.p, point.y)


def test_decompression_rejects_an_x_without_a_point() -> None:
    curve = Curve.P256
    # About half of all x have no y; find the first one and check both parities are refused.
    x = next(
        x for x in range(2, 100) if pow((x**3 + curve.a * x + curve.b) % curve.p, (curve.p - 1) // 2, curve.p) != 1
    )
    for parity in (0, 1):
        with pytest.raises(InvalidPoint):
            Point.from_x(curve, x, parity)


def test_a_point_decompressed_again_is_the_remembered_one() -> None:
    # One request can carry one point twice (the cocoon key as key and as response key): one square root.
    point = openssl_times_g(Curve.P256, 777)
    first = Point.decode(Curve.P256, bytearray(point.encode()))
    assert first == point and Point.from_x(Curve.P256, point.x, point.y_parity) is first
    for _ in range(2):  # a refusal is not remembered as a point
        with pytest.raises(InvalidPoint):
            Point.decode(Curve.P256, b"\x02" + Curve.P256.p.to_bytes(32))


def test_points_of_different_curves_do_not_mix() -> None:
    with pytest.raises(ValueError, match="different curves"):
        Point.generator(Curve.P256) + Point.generator(Curve.BRAINPOOL_P256R1)


def test_points_are_immutable_hashable_values() -> None:
    point = openssl_times_g(Curve.P256, 99)
    same = Point.decode(Curve.P256, point.encode())
    assert point == same and hash(point) == hash(same)
    assert len({point, same, -point}) == 2
    with pytest.raises(AttributeError):
        point.x = 1  # type: ignore[misc]
    assert repr(point) == f"Point(P256, {point.encode().hex()})"


@given(st.sampled_from(CURVES))
def test_generator_is_the_curve_base_point(curve: Curve) -> None:
    generator = Point.generator(curve)
    assert (generator.x, generator.y) == (curve.gx, curve.gy)


def test_public_values_pickle_for_worker_processes() -> None:
    point = openssl_times_g(Curve.P384, 4242)
    point.public_key()  # caches an OpenSSL object that itself cannot be pickled
    assert pickle.loads(pickle.dumps(point)) == point
