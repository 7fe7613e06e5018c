"""Faster word searches and distance sorts at 100,000 offers (figures in docs/performance.md).

- `search_vector` is stored MAIN: kept in the row (compressed) and moved out of line only as a last
  resort, so testing `search_vector @@ query` on a row no longer fetches it from the TOAST table;
  the descriptions go out of line instead. Rows written before this migration keep their old
  storage until they are rewritten (`VACUUM FULL offers_offer`, or `seed_demo --replace`).
- A GiST index on each published offer's point on the unit sphere (the `cube` extension) serves
  `ORDER BY point <-> centre LIMIT n`: a distance sort reads the n nearest offers instead of every
  offer of the radius. The chord between two points of a sphere grows with their great-circle
  distance, so the order is the haversine order. A tiny offset from the id (at most 1e-9 of the
  Earth's radius, a few millimetres) makes every distance distinct, so pages of equal distances
  (offers of one commune) never overlap. `offers.search.KNN_POINT_SQL` must stay identical to the
  indexed expression.
"""

from django.contrib.postgres.operations import CreateExtension
from django.db import migrations

KNN_POINT = (
    "public.cube(ARRAY[cos(radians(latitude)) * cos(radians(longitude)) + (id % 1000000) * 1e-15, "
    "cos(radians(latitude)) * sin(radians(longitude)), sin(radians(latitude))])"
)


class Migration(migrations.Migration):
    dependencies = [("offers", "0002_offer_search_covering_index")]

    operations = [
        migrations.RunSQL(
            "ALTER TABLE offers_offer ALTER COLUMN search_vector SET STORAGE MAIN",
            reverse_sql="ALTER TABLE offers_offer ALTER COLUMN search_vector SET STORAGE EXTENDED",
        ),
        CreateExtension("cube"),
        migrations.RunSQL(
            f"CREATE INDEX offer_knn_published ON offers_offer USING gist ({KNN_POINT}) WHERE status = 'published'",
            reverse_sql="DROP INDEX IF EXISTS offer_knn_published",
        ),
    ]
