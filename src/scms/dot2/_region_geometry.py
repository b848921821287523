"""Plane and sphere geometry behind `scms.dot2.region` (containment of one region in another).

Model (1609.2 §6.4.17 ff. define regions on WGS-84 but give no containment algorithm; ours, documented):
* coordinates stay integers in 1/10 microdegree; rectangle and polygon sides are straight lines in the
  latitude/longitude plane (rectangles are lat/lon boxes, as the standard defines them by their corners);
* distances are great-circle distances on a sphere of radius 6 371 000 m (a circle is all points within `radius`);
* conservative rules where exactness is hard: a circle is inside a box/polygon when its lat/lon bounding box is;
  a polygon is inside a circle when its vertices and 16 points along each side are; a polygon is inside a polygon
  when its vertices and side midpoints are inside and no sides cross properly; a subject box/polygon must fit in
  ONE rectangle of a rectangularRegion (a union of rectangles covering it together is rejected);
* boxes crossing the antimeridian (west > east) are only "within" an identical box.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = [
    "EARTH_RADIUS_M",
    "Box",
    "Boxes",
    "Circle",
    "Polygon",
    "Shape",
    "distance_m",
    "point_in_polygon",
    "shape_within",
]

EARTH_RADIUS_M = 6_371_000.0
_UNIT = 1e7  # coordinates per degree
_EDGE_SAMPLES = 16

Point2 = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Box:
    south: int
    north: int
    west: int
    east: int

    @property
    def wraps(self) -> bool:
        return self.west > self.east

    def contains(self, lat: int, lon: int) -> bool:
        if not self.south <= lat <= self.north:
            return False
        if self.wraps:
            return lon >= self.west or lon <= self.east
        return self.west <= lon <= self.east

    def within(self, other: Box) -> bool:
        if self.wraps or other.wraps:
            return self == other
        return (
            other.south <= self.south
            and self.north <= other.north
            and other.west <= self.west
            and (self.east <= other.east)
        )

    @property
    def corners(self) -> tuple[Point2, ...]:
        return ((self.north, self.west), (self.north, self.east), (self.south, self.east), (self.south, self.west))


@dataclass(frozen=True, slots=True)
class Boxes:
    boxes: tuple[Box, ...]


@dataclass(frozen=True, slots=True)
class Circle:
    lat: int
    lon: int
    radius: int

    def bounding_box(self) -> Box:
        """A lat/lon box containing the whole circle (rounded outwards)."""
        dlat = math.degrees(self.radius / EARTH_RADIUS_M) * _UNIT
        south = math.floor(self.lat - dlat)
        north = math.ceil(self.lat + dlat)
        if north >= 90 * _UNIT or south <= -90 * _UNIT:
            return Box(
                max(south, int(-90 * _UNIT)), min(north, int(90 * _UNIT)), int(-180 * _UNIT) + 1, int(180 * _UNIT)
            )
        widest = max(abs(south), abs(north)) / _UNIT
        dlon = dlat / math.cos(math.radians(widest))
        return Box(south, north, math.floor(self.lon - dlon), math.ceil(self.lon + dlon))

    def contains(self, point: Point2) -> bool:
        return distance_m((self.lat / _UNIT, self.lon / _UNIT), (point[0] / _UNIT, point[1] / _UNIT)) <= self.radius


@dataclass(frozen=True, slots=True)
class Polygon:
    points: tuple[Point2, ...]


Shape = Circle | Boxes | Polygon


def distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle (haversine) distance in metres between two (lat, lon) in degrees."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def _orientation(a: Point2, b: Point2, c: Point2) -> int:
    cross = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
    return (cross > 0) - (cross < 0)


def _on_segment(p: Point2, a: Point2, b: Point2) -> bool:
    return (
        _orientation(a, b, p) == 0
        and min(a[0], b[0]) <= p[0] <= max(a[0], b[0])
        and (min(a[1], b[1]) <= p[1] <= max(a[1], b[1]))
    )


def _edges(points: tuple[Point2, ...]) -> list[tuple[Point2, Point2]]:
    return [(points[i], points[(i + 1) % len(points)]) for i in range(len(points))]


def point_in_polygon(p: Point2, polygon: tuple[Point2, ...]) -> bool:
    """Inside or on the boundary (ray casting in the lat/lon plane, exact on integers)."""
    inside = False
    for a, b in _edges(polygon):
        if _on_segment(p, a, b):
            return True
        if (a[1] > p[1]) != (b[1] > p[1]):
            # Latitude where the side crosses the ray's longitude, compared without division.
            lhs = (p[0] - a[0]) * (b[1] - a[1])
            rhs = (b[0] - a[0]) * (p[1] - a[1])
            if (lhs < rhs) == (b[1] - a[1] > 0):
                inside = not inside
    return inside


def _crosses(a: Point2, b: Point2, c: Point2, d: Point2) -> bool:
    """A proper crossing: the two segments cut each other at a point interior to both."""
    o1, o2, o3, o4 = _orientation(a, b, c), _orientation(a, b, d), _orientation(c, d, a), _orientation(c, d, b)
    return o1 * o2 < 0 and o3 * o4 < 0


def _polygon_within_polygon(inner: tuple[Point2, ...], outer: tuple[Point2, ...]) -> bool:
    midpoints = tuple(((a[0] + b[0]) // 2, (a[1] + b[1]) // 2) for a, b in _edges(inner))
    if not all(point_in_polygon(p, outer) for p in inner + midpoints):
        return False
    return not any(_crosses(a, b, c, d) for a, b in _edges(inner) for c, d in _edges(outer))


def _samples(points: tuple[Point2, ...]) -> list[Point2]:
    out: list[Point2] = []
    for a, b in _edges(points):
        for k in range(_EDGE_SAMPLES):
            out.append((a[0] + (b[0] - a[0]) * k // _EDGE_SAMPLES, a[1] + (b[1] - a[1]) * k // _EDGE_SAMPLES))
    return out


def _polygon_within(points: tuple[Point2, ...], issuer: Shape) -> bool:
    if isinstance(issuer, Circle):
        return all(issuer.contains(p) for p in _samples(points))
    if isinstance(issuer, Boxes):
        return any(all(box.contains(*p) for p in points) and not box.wraps for box in issuer.boxes)
    return _polygon_within_polygon(points, issuer.points)


def shape_within(subject: Shape, issuer: Shape) -> bool:
    """Whether `subject` lies inside `issuer` under the model in this module's docstring."""
    if isinstance(subject, Circle):
        if isinstance(issuer, Circle):
            gap = distance_m((subject.lat / _UNIT, subject.lon / _UNIT), (issuer.lat / _UNIT, issuer.lon / _UNIT))
            return gap + subject.radius <= issuer.radius
        box = subject.bounding_box()
        if isinstance(issuer, Boxes):
            return any(box.within(b) for b in issuer.boxes)
        return not box.wraps and _polygon_within(box.corners, issuer)
    if isinstance(subject, Boxes):
        if isinstance(issuer, Boxes):
            return all(any(b.within(i) for i in issuer.boxes) for b in subject.boxes)
        return all(not b.wraps and _polygon_within(b.corners, issuer) for b in subject.boxes)
    return _polygon_within(subject.points, issuer)
