"""Writes to offers that touch more than one row or model."""

from __future__ import annotations

from django.db import connection

from offers.models import Offer


def refresh_offer_places() -> int:
    """Copy each offer's commune data (département, région, point, programmes) again where it changed.

    Runs after every territories import, in its transaction; returns the number of offers updated.
    """
    assert Offer._meta.db_table == "offers_offer"
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE offers_offer AS o
               SET departement_id = c.departement_id, region_id = c.region_id,
                   latitude = c.latitude, longitude = c.longitude, programmes = c.programmes
              FROM territories_commune AS c
             WHERE o.commune_id = c.code
               AND (o.departement_id, o.region_id, o.latitude, o.longitude, o.programmes)
                   IS DISTINCT FROM (c.departement_id, c.region_id, c.latitude, c.longitude, c.programmes)
            """
        )
        return cursor.rowcount
