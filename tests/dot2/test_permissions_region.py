"""Region containment (subject region within issuer region): identified sets, circles, rectangles, polygons."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scms.dot2.region import (
    CircularRegion,
    IdentifiedRegion,
    IdentifiedRegions,
    PolygonalRegion,
    RectangularRegion,
    RectangularRegions,
    Region,
    TwoDLocation,
    region_from_coer,
    region_within,
)

D = 10_000_000  # one degree in 1/10 microdegree


def loc(lat: float, lon: float) -> TwoDLocation:
    return TwoDLocation(round(lat * D), round(lon * D))


def box(north: float, west: float, south: float, east: float) -> RectangularRegion:
    return RectangularRegion(loc(north, west), loc(south, east))


def polygon(*points: tuple[float, float]) -> PolygonalRegion:
    return PolygonalRegion(tuple(loc(lat, lon) for lat, lon in points))


USA = IdentifiedRegion(840)
MICHIGAN = IdentifiedRegion(840, {26: None})
DETROIT_COUNTY = IdentifiedRegion(840, {26: frozenset({163})})
SQUARE = polygon((0, 0), (0, 10), (10, 10), (10, 0))
# A "C" shape: the square minus a notch cut from the east side between latitudes 4 and 6.
C_SHAPE = polygon((0, 0), (0, 10), (4, 10), (4, 2), (6, 2), (6, 10), (10, 10), (10, 0))


@pytest.mark.parametrize(
    ("subject", "issuer", "within"),
    [
        (None, None, True),
        (IdentifiedRegions((USA,)), None, True),  # issuer without region: unrestricted
        (None, IdentifiedRegions((USA,)), True),  # subject without region: inherits
        (IdentifiedRegions((MICHIGAN,)), IdentifiedRegions((USA,)), True),
        (IdentifiedRegions((DETROIT_COUNTY,)), IdentifiedRegions((MICHIGAN,)), True),
        (IdentifiedRegions((USA,)), IdentifiedRegions((MICHIGAN,)), False),
        (IdentifiedRegions((MICHIGAN,)), IdentifiedRegions((DETROIT_COUNTY,)), False),
        (IdentifiedRegions((IdentifiedRegion(124),)), IdentifiedRegions((USA,)), False),
        (IdentifiedRegions((IdentifiedRegion(124), USA)), IdentifiedRegions((USA, IdentifiedRegion(124))), True),
        (
            IdentifiedRegions((IdentifiedRegion(840, {26: frozenset({1, 2})}),)),
            IdentifiedRegions((IdentifiedRegion(840, {26: frozenset({1})}),)),
            False,
        ),
        (CircularRegion(loc(42, -83), 1000), IdentifiedRegions((USA,)), False),  # no boundaries held: refused
        (IdentifiedRegions((USA,)), RectangularRegions((box(50, -130, 20, -60),)), False),
        (CircularRegion(loc(42, -83), 1_000), CircularRegion(loc(42, -83), 2_000), True),
        (CircularRegion(loc(42.005, -83), 1_000), CircularRegion(loc(42, -83), 2_000), True),  # 556 m + 1 km
        (CircularRegion(loc(42.01, -83), 1_000), CircularRegion(loc(42, -83), 2_100), False),  # 1112 m + 1 km
        (CircularRegion(loc(42.01, -83), 1_000), CircularRegion(loc(42, -83), 2_150), True),
        (CircularRegion(loc(42.02, -83), 1_000), CircularRegion(loc(42, -83), 2_000), False),
        (CircularRegion(loc(42, -83), 10_000), RectangularRegions((box(43, -84, 41, -82),)), True),
        (CircularRegion(loc(42, -83), 120_000), RectangularRegions((box(43, -84, 41, -82),)), False),
        (RectangularRegions((box(5, 1, 1, 5),)), RectangularRegions((box(10, 0, 0, 10),)), True),
        (RectangularRegions((box(5, 1, 1, 11),)), RectangularRegions((box(10, 0, 0, 10),)), False),
        # Covered by the union of two issuer rectangles but by neither alone: refused (documented, conservative).
        (RectangularRegions((box(6, 1, 4, 9),)), RectangularRegions((box(10, 0, 0, 5), box(10, 5, 0, 10))), False),
        (polygon((1, 1), (1, 9), (9, 5)), SQUARE, True),
        (polygon((1, 1), (1, 9), (9, 5)), RectangularRegions((box(10, 0, 0, 10),)), True),
        (polygon((1, 1), (1, 11), (9, 5)), SQUARE, False),
        (polygon((1, 1), (1, 3), (3, 3), (3, 1)), C_SHAPE, True),
        # All four vertices inside the C, but the sides cross the notch.
        (polygon((3, 3), (3, 9), (7, 9), (7, 3)), C_SHAPE, False),
        (RectangularRegions((box(9, 1, 1, 9),)), C_SHAPE, False),
        (CircularRegion(loc(2, 5), 50_000), C_SHAPE, True),
        (CircularRegion(loc(5, 6), 50_000), C_SHAPE, False),  # centre in the notch
        (polygon((42, -83), (42.01, -83), (42, -83.01)), CircularRegion(loc(42, -83), 2_000), True),
        (polygon((42, -83), (42.03, -83), (42, -83.01)), CircularRegion(loc(42, -83), 2_000), False),
    ],
)
def test_region_within(subject: Region | None, issuer: Region | None, within: bool) -> None:
    assert region_within(subject, issuer) is within


def test_circle_inside_a_polygon_but_not_its_bounding_box_is_refused() -> None:
    """Documented conservative rule: a circle is within a polygon when its lat/lon bounding box is."""
    diamond = polygon((-1, 0), (0, 1), (1, 0), (0, -1))
    circle = CircularRegion(loc(0, 0), 60_000)  # 0.54°: inside the diamond (inscribed radius 0.707°)
    assert region_within(circle, diamond) is False
    assert region_within(CircularRegion(loc(0, 0), 40_000), diamond) is True  # its box (0.36°) fits


def test_antimeridian_box_is_only_within_itself() -> None:
    pacific = RectangularRegions((box(10, 170, -10, -170),))
    assert pacific.contains_location(loc(0, 179)) and pacific.contains_location(loc(0, -179))
    assert not pacific.contains_location(loc(0, 0))
    assert region_within(pacific, pacific)
    assert not region_within(pacific, RectangularRegions((box(20, 160, -20, -160),)))


def test_contains_location() -> None:
    assert SQUARE.contains_location(loc(5, 5)) and SQUARE.contains_location(loc(0, 5))  # boundary counts
    assert not C_SHAPE.contains_location(loc(5, 6))
    assert CircularRegion(loc(0, 0), 112_000).contains_location(loc(1, 0))  # 1° latitude ≈ 111.2 km
    assert not CircularRegion(loc(0, 0), 110_000).contains_location(loc(1, 0))


@pytest.mark.parametrize(
    "region",
    [
        CircularRegion(loc(42, -83), 1000),
        RectangularRegions((box(10, 0, 0, 10), box(20, 0, 10, 10))),
        SQUARE,
        IdentifiedRegions((USA, MICHIGAN, DETROIT_COUNTY)),
    ],
    ids=["circle", "rectangles", "polygon", "identified"],
)
def test_coer_round_trip(region: Region) -> None:
    assert region_from_coer(region.to_coer()) == region


def _destination(lat: float, lon: float, bearing: float, metres: float) -> tuple[float, float]:
    d = metres / 6_371_000
    la, lo, b = math.radians(lat), math.radians(lon), math.radians(bearing)
    lat2 = math.asin(math.sin(la) * math.cos(d) + math.cos(la) * math.sin(d) * math.cos(b))
    lon2 = lo + math.atan2(math.sin(b) * math.sin(d) * math.cos(la), math.cos(d) - math.sin(la) * math.sin(lat2))
    return math.degrees(lat2), math.degrees(lon2)


@settings(max_examples=150, deadline=None)
@given(
    lat=st.floats(-60, 60),
    lon=st.floats(-170, 170),
    radius=st.integers(100, 200_000),
    margins=st.tuples(*[st.floats(0.001, 3)] * 4),
)
def test_a_circle_judged_within_has_its_whole_boundary_inside(
    lat: float, lon: float, radius: int, margins: tuple[float, float, float, float]
) -> None:
    """Soundness: when containment is claimed, every sampled boundary point of the circle is in the issuer."""
    north, south, east, west = margins
    issuer_box = RectangularRegions((box(lat + north, lon - west, lat - south, lon + east),))
    issuer_poly = polygon(
        (lat + north, lon - west), (lat + north, lon + east), (lat - south, lon + east), (lat - south, lon - west)
    )
    circle = CircularRegion(loc(lat, lon), radius)
    for issuer in (issuer_box, issuer_poly):
        if region_within(circle, issuer):
            for bearing in range(0, 360, 15):
                point = _destination(lat, lon, bearing, radius)
                assert issuer.contains_location(loc(*point)), (issuer, bearing)
