"""territories.geo: the one distance (and bounding box) of the portal, in Python and in SQL."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from offers.filters import OfferFilterSet
from offers.search import search
from offers.views.detail import similar_offers
from territories.geo import bounding_box, distance_km, haversine_km
from territories.models import Commune
from tests.offers.factories import OfferFactory


def test_distances_on_the_earth_s_mean_sphere():
    # A quarter of a meridian and a degree of the equator on a sphere of radius 6371.0088 km (IUGG R1).
    assert haversine_km(0, 0, 90, 0) == pytest.approx(10_007.557, abs=0.001)
    assert haversine_km(0, 0, 0, 1) == pytest.approx(111.195, abs=0.001)
    assert haversine_km(45, 2, 45, 2) == 0
    # Paris (Notre-Dame) to Lyon (Bellecour): 392 km as the crow flies.
    assert haversine_km(48.8530, 2.3499, 45.7578, 4.8320) == pytest.approx(392.2, abs=0.5)


def destination(lat, lon, km, bearing):
    """The point `km` away from (lat, lon) heading `bearing` degrees (direct great-circle formula)."""
    delta, theta, phi1, lambda1 = km / 6371.0088, math.radians(bearing), math.radians(lat), math.radians(lon)
    phi2 = math.asin(math.sin(phi1) * math.cos(delta) + math.cos(phi1) * math.sin(delta) * math.cos(theta))
    lambda2 = lambda1 + math.atan2(
        math.sin(theta) * math.sin(delta) * math.cos(phi1), math.cos(delta) - math.sin(phi1) * math.sin(phi2)
    )
    return math.degrees(phi2), math.degrees(lambda2)


@given(
    lat=st.floats(-60, 60),
    lon=st.floats(-170, 170),
    km=st.floats(1, 300),
    bearing=st.floats(0, 360),
)
def test_the_bounding_box_holds_every_point_within_the_distance(lat, lon, km, bearing):
    box = bounding_box(lat, lon, km)
    point_lat, point_lon = destination(lat, lon, km * 0.999, bearing)
    assert box.lat_min <= point_lat <= box.lat_max
    assert box.lon_min <= point_lon <= box.lon_max


@pytest.mark.django_db
def test_sql_and_python_distances_agree_on_real_communes():
    tulle = Commune.objects.get(pk="19272")
    rows = (
        Commune.objects.filter(pk__in=["19031", "87085", "2A004", "97411"])
        .annotate(km=distance_km(tulle.latitude, tulle.longitude))
        .values_list("latitude", "longitude", "km")
    )
    for lat, lon, km in rows:
        assert km == pytest.approx(haversine_km(tulle.latitude, tulle.longitude, lat, lon), rel=1e-9)


@pytest.mark.django_db
def test_radius_search_and_similar_offers_measure_with_the_same_earth():
    offer = OfferFactory(commune="19272")  # Tulle
    brive = OfferFactory(commune="19031")
    limoges = OfferFactory(commune="87085")
    expected = {o.pk: haversine_km(offer.latitude, offer.longitude, o.latitude, o.longitude) for o in (brive, limoges)}

    for similar in similar_offers(offer):
        assert similar.distance_km == pytest.approx(expected[similar.pk], rel=1e-9)
    filterset = OfferFilterSet({"commune": "19272", "rayon": "100", "tri": "distance"})
    found = [o for o in search(filterset).offers if o.pk in expected]
    assert len(found) == 2
    for result in found:
        assert result.distance == pytest.approx(expected[result.pk], rel=1e-9)
