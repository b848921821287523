"""Geographic regions as written in `scms.toml` and the policy files, mapped to 1609.2 `GeographicRegion` (§6.4.17).

Exactly one form per region, in degrees (the file) and converted to 1/10 microdegree integers (the certificate):

    region = { countries = [840, 124] }                               # identifiedRegion, UN M.49 country codes
    region = { rectangles = [[49.0, -125.0, 25.0, -67.0]] }           # rectangularRegion: north, west, south, east
    region = { circle = { latitude = 42.33, longitude = -83.05, radius = 10000 } }   # circularRegion, radius in m
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from scms.dot2.region import (
    CircularRegion,
    IdentifiedRegion,
    IdentifiedRegions,
    RectangularRegion,
    RectangularRegions,
    Region,
    TwoDLocation,
)

__all__ = ["CircleSpec", "RegionSpec", "degrees_to_location"]

Latitude = Annotated[float, Field(ge=-90.0, le=90.0)]
Longitude = Annotated[float, Field(ge=-180.0, le=180.0)]


def degrees_to_location(latitude: float, longitude: float) -> TwoDLocation:
    """Degrees to a `TwoDLocation` in 1/10 microdegree (1609.2 `NinetyDegreeInt` / `OneEightyDegreeInt`)."""
    return TwoDLocation(round(latitude * 10_000_000), round(longitude * 10_000_000))


class CircleSpec(BaseModel):
    """A `CircularRegion`: centre in degrees, radius in metres (Uint16)."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    latitude: Latitude
    """Latitude of the centre, degrees north."""
    longitude: Longitude
    """Longitude of the centre, degrees east."""
    radius: int = Field(ge=1, le=65535)
    """Radius in metres (1609.2 `CircularRegion.radius`, Uint16)."""


class RegionSpec(BaseModel):
    """One 1609.2 `GeographicRegion`: exactly one of `countries`, `rectangles`, `circle`."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    countries: list[Annotated[int, Field(ge=0, le=65535)]] | None = Field(default=None, min_length=1)
    """`identifiedRegion` of whole countries (`countryOnly`, UN M.49 numeric codes: 840 USA, 124 Canada)."""
    rectangles: list[tuple[Latitude, Longitude, Latitude, Longitude]] | None = Field(default=None, min_length=1)
    """`rectangularRegion`: each rectangle as [north latitude, west longitude, south latitude, east longitude]."""
    circle: CircleSpec | None = None
    """`circularRegion`."""

    @model_validator(mode="after")
    def _exactly_one(self) -> RegionSpec:
        given = [name for name in ("countries", "rectangles", "circle") if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError(f"give exactly one of countries, rectangles, circle (got {', '.join(given) or 'none'})")
        for north, west, south, east in self.rectangles or ():
            if north <= south or west >= east:
                raise ValueError(f"rectangle {[north, west, south, east]} is not [north, west, south, east]")
        return self

    def to_region(self) -> Region:
        """The dot2 region this spec describes."""
        if self.countries is not None:
            return IdentifiedRegions(tuple(IdentifiedRegion(c) for c in self.countries))
        if self.rectangles is not None:
            return RectangularRegions(
                tuple(
                    RectangularRegion(degrees_to_location(n, w), degrees_to_location(s, e))
                    for n, w, s, e in self.rectangles
                )
            )
        assert self.circle is not None
        c = self.circle
        return CircularRegion(degrees_to_location(c.latitude, c.longitude), c.radius)
