"""Distances between places, one way everywhere: great-circle (haversine) on a sphere of the Earth's mean radius.

Every distance the portal computes or shows (radius search, sort by distance, similar offers nearby) comes
from here, in SQL over a model's `latitude` and `longitude` columns, with a bounding box in front of it so
that the (latitude, longitude) index picks the candidates before the exact distance is computed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.db.models import F, FloatField, Q, Value
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import ASin, Cos, Least, Power, Radians, Sin, Sqrt

# The IUGG mean radius (R1), and what one degree of latitude measures on that sphere (≈ 111.195 km).
EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE = EARTH_RADIUS_KM * math.pi / 180
# Near the poles a degree of longitude shrinks to nothing: the box stops widening at this cosine.
_MIN_COS_LATITUDE = 0.01


@dataclass(frozen=True)
class BoundingBox:
    """The latitudes and longitudes within which every point at most `km` from a centre lies."""

    lat_min: float
    lat_max: float
    lon_min: float
    lon_max: float

    def q(self) -> Q:
        """The box as a filter on `latitude` and `longitude` (served by their index)."""
        return Q(
            latitude__gte=self.lat_min,
            latitude__lte=self.lat_max,
            longitude__gte=self.lon_min,
            longitude__lte=self.lon_max,
        )


def bounding_box(latitude: float, longitude: float, km: float) -> BoundingBox:
    dlat = km / KM_PER_DEGREE
    cos_lat = max(math.cos(math.radians(latitude)), _MIN_COS_LATITUDE)
    dlon = min(km / (KM_PER_DEGREE * cos_lat), 180.0)
    return BoundingBox(latitude - dlat, latitude + dlat, longitude - dlon, longitude + dlon)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km between two points, in Python (the SQL below computes the same)."""
    half_dlat = math.radians(lat2 - lat1) / 2
    half_dlon = math.radians(lon2 - lon1) / 2
    h = (
        math.sin(half_dlat) ** 2
        + math.cos(math.radians(lat1)) * math.cos(math.radians(lat2)) * math.sin(half_dlon) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def distance_km(latitude: float, longitude: float) -> CombinedExpression:
    """Great-circle distance in km from (`latitude`, `longitude`) to each row's point, in SQL."""
    half_dlat = Radians(F("latitude") - Value(latitude)) / Value(2.0)
    half_dlon = Radians(F("longitude") - Value(longitude)) / Value(2.0)
    haversine = Power(Sin(half_dlat), 2) + Value(math.cos(math.radians(latitude))) * Cos(
        Radians(F("latitude"))
    ) * Power(Sin(half_dlon), 2)
    return Value(2 * EARTH_RADIUS_KM) * ASin(Least(Value(1.0), Sqrt(haversine), output_field=FloatField()))
