"""Geographic regions of certificates (1609.2 §6.4.17-6.4.25) and the containment rule of a chain (§5.1.3.2).

A subject's region must lie within its issuer's. A missing region on the issuer means unrestricted; a missing region
on the subject means it inherits the issuer's (both checked by `region_within`). Containment of two regions:

* identified regions: set inclusion (a country covers all its regions, a region all its subregions);
* circular / rectangular / polygonal: geometry, see `scms.dot2._region_geometry` (lat/lon plane for straight sides,
  great-circle distance for circles, conservative where exactness is hard: a circle inside a polygon is checked
  through its bounding box);
* an identified region never contains a geometric one nor the reverse (we hold no country boundaries): rejected.

Latitudes and longitudes are integers in 1/10 microdegree (`NinetyDegreeInt`, `OneEightyDegreeInt`); radius in metres.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from scms.dot2 import _region_geometry as geo

__all__ = [
    "CircularRegion",
    "IdentifiedRegion",
    "IdentifiedRegions",
    "PolygonalRegion",
    "RectangularRegion",
    "RectangularRegions",
    "Region",
    "TwoDLocation",
    "region_from_coer",
    "region_within",
]


@dataclass(frozen=True, slots=True)
class TwoDLocation:
    latitude: int
    longitude: int

    def to_coer(self) -> dict[str, int]:
        return {"latitude": self.latitude, "longitude": self.longitude}

    @classmethod
    def from_coer(cls, value: Mapping[str, int]) -> TwoDLocation:
        return cls(value["latitude"], value["longitude"])

    @property
    def degrees(self) -> tuple[float, float]:
        return self.latitude / 1e7, self.longitude / 1e7


@dataclass(frozen=True, slots=True)
class CircularRegion:
    center: TwoDLocation
    radius: int

    def to_coer(self) -> tuple[str, Any]:
        return ("circularRegion", {"center": self.center.to_coer(), "radius": self.radius})

    def contains_location(self, where: TwoDLocation) -> bool:
        return geo.distance_m(self.center.degrees, where.degrees) <= self.radius


@dataclass(frozen=True, slots=True)
class RectangularRegion:
    north_west: TwoDLocation
    south_east: TwoDLocation

    def to_coer(self) -> dict[str, Any]:
        return {"northWest": self.north_west.to_coer(), "southEast": self.south_east.to_coer()}

    @property
    def box(self) -> geo.Box:
        return geo.Box(
            self.south_east.latitude, self.north_west.latitude, self.north_west.longitude, self.south_east.longitude
        )


@dataclass(frozen=True, slots=True)
class RectangularRegions:
    """`rectangularRegion`: the union of its rectangles."""

    rectangles: tuple[RectangularRegion, ...]

    def to_coer(self) -> tuple[str, Any]:
        return ("rectangularRegion", [r.to_coer() for r in self.rectangles])

    def contains_location(self, where: TwoDLocation) -> bool:
        return any(r.box.contains(where.latitude, where.longitude) for r in self.rectangles)


@dataclass(frozen=True, slots=True)
class PolygonalRegion:
    vertices: tuple[TwoDLocation, ...]

    def to_coer(self) -> tuple[str, Any]:
        return ("polygonalRegion", [v.to_coer() for v in self.vertices])

    @property
    def points(self) -> tuple[tuple[int, int], ...]:
        return tuple((v.latitude, v.longitude) for v in self.vertices)

    def contains_location(self, where: TwoDLocation) -> bool:
        return geo.point_in_polygon((where.latitude, where.longitude), self.points)


@dataclass(frozen=True, slots=True)
class IdentifiedRegion:
    """One country; `regions` None = the whole country, else region -> subregions (None = the whole region)."""

    country: int
    regions: Mapping[int, frozenset[int] | None] | None = field(default=None)

    def covers(self, other: IdentifiedRegion) -> bool:
        if other.country != self.country:
            return False
        if self.regions is None:
            return True
        if other.regions is None:
            return False
        for region, subregions in other.regions.items():
            if region not in self.regions:
                return False
            mine = self.regions[region]
            if mine is not None and (subregions is None or not subregions <= mine):
                return False
        return True

    def to_coer(self) -> tuple[str, Any]:
        if self.regions is None:
            return ("countryOnly", self.country)
        if all(sub is None for sub in self.regions.values()):
            return ("countryAndRegions", {"countryOnly": self.country, "regions": sorted(self.regions)})
        entries = [{"region": region, "subregions": sorted(sub or ())} for region, sub in sorted(self.regions.items())]
        return ("countryAndSubregions", {"countryOnly": self.country, "regionAndSubregions": entries})

    @classmethod
    def from_coer(cls, choice: tuple[str, Any]) -> IdentifiedRegion:
        kind, value = choice
        if kind == "countryOnly":
            return cls(value)
        if kind == "countryAndRegions":
            return cls(value["countryOnly"], {r: None for r in value["regions"]})
        regions = {e["region"]: frozenset(e["subregions"]) for e in value["regionAndSubregions"]}
        return cls(value["countryOnly"], regions)


@dataclass(frozen=True, slots=True)
class IdentifiedRegions:
    """`identifiedRegion`: the union of its entries."""

    entries: tuple[IdentifiedRegion, ...]

    def to_coer(self) -> tuple[str, Any]:
        return ("identifiedRegion", [e.to_coer() for e in self.entries])

    def covers(self, other: IdentifiedRegions) -> bool:
        return all(any(mine.covers(theirs) for mine in self.entries) for theirs in other.entries)


Region = CircularRegion | RectangularRegions | PolygonalRegion | IdentifiedRegions
"""A `GeographicRegion` value."""


def region_from_coer(choice: tuple[str, Any]) -> Region:
    kind, value = choice
    if kind == "circularRegion":
        return CircularRegion(TwoDLocation.from_coer(value["center"]), value["radius"])
    if kind == "rectangularRegion":
        rects = tuple(
            RectangularRegion(TwoDLocation.from_coer(r["northWest"]), TwoDLocation.from_coer(r["southEast"]))
            for r in value
        )
        return RectangularRegions(rects)
    if kind == "polygonalRegion":
        return PolygonalRegion(tuple(TwoDLocation.from_coer(v) for v in value))
    return IdentifiedRegions(tuple(IdentifiedRegion.from_coer(e) for e in value))


def region_within(subject: Region | None, issuer: Region | None) -> bool:
    """Whether a subject's region lies within its issuer's (None = absent: unrestricted / inherited)."""
    if issuer is None or subject is None:
        return True
    if isinstance(issuer, IdentifiedRegions) or isinstance(subject, IdentifiedRegions):
        return (
            isinstance(issuer, IdentifiedRegions) and isinstance(subject, IdentifiedRegions) and issuer.covers(subject)
        )
    return geo.shape_within(_shape(subject), _shape(issuer))


def _shape(region: CircularRegion | RectangularRegions | PolygonalRegion) -> geo.Shape:
    if isinstance(region, CircularRegion):
        return geo.Circle(region.center.latitude, region.center.longitude, region.radius)
    if isinstance(region, RectangularRegions):
        return geo.Boxes(tuple(r.box for r in region.rectangles))
    return geo.Polygon(region.points)
