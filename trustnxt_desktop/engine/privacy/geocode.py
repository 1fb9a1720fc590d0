"""The city a position lies in, looked up offline.

`reverse-geocode` (PyPI) ships GeoNames' table of places with at least 1,000 people (cities1000, CC BY 4.0)
inside the package and answers from a k-d tree: no network, no key, nothing leaves the computer. Only
places of at least MIN_POPULATION people are used, so "the city" is a town a stranger could not narrow
down to a street; a position farther than MAX_DISTANCE_KM from any of them (open sea, wilderness) has no
city, and its location is removed instead.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

MIN_POPULATION = 15_000  # GeoNames' own "cities15000" threshold
MAX_DISTANCE_KM = 100.0
COORDINATE_DECIMALS = 2  # ~1 km: the city's centre, not a place in it
_EARTH_RADIUS_KM = 6371.0


@dataclass(frozen=True)
class City:
    """A city: its name, region (state, province), country, ISO 3166-1 alpha-2 code and centre, the centre
    in decimal degrees rounded to COORDINATE_DECIMALS."""

    name: str
    region: str
    country: str
    country_code: str
    lat: float
    lon: float

    @property
    def label(self) -> str:
        """"Munich, Bavaria, Germany"."""
        return ", ".join(p for p in (self.name, self.region, self.country) if p)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "region": self.region, "country": self.country,
                "country_code": self.country_code, "lat": self.lat, "lon": self.lon}


def city_of(lat: float, lon: float) -> City | None:
    """The nearest city of at least MIN_POPULATION people, or None when there is none within
    MAX_DISTANCE_KM or the position is not a position (out of range, not a number)."""
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    import reverse_geocode  # ~0.5 s to load its table: only when a location is coarsened

    found: dict[str, Any] = reverse_geocode.get((lat, lon), min_population=MIN_POPULATION)
    c_lat, c_lon = float(found["latitude"]), float(found["longitude"])
    if distance_km(lat, lon, c_lat, c_lon) > MAX_DISTANCE_KM:
        return None
    return City(str(found.get("city", "")), str(found.get("state", "")), str(found.get("country", "")),
                str(found.get("country_code", "")), round(c_lat, COORDINATE_DECIMALS),
                round(c_lon, COORDINATE_DECIMALS))


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine) in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * _EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, a)))
