"""A covering index for the offer search: every filter column of a published offer, in date order.

Search counts read at most 1,001 matching rows and the date-ordered pages walk the offers newest
first; with this index both are index-only scans of a ~12 MB index instead of reads of the whole
offers table (whose rows carry the description and its search vector). Measured on 100,000
offers: a filters-only search drops from 100-140 ms to 8-30 ms.

Raw SQL so that the model state is unchanged (`Offer.Meta.indexes` may declare it later as
`models.Index(fields=["-published_at", "-id"], include=[...], condition=PUBLISHED)`).
"""

from django.db import migrations

SQL = """
CREATE INDEX IF NOT EXISTS offer_search_cover_published ON offers_offer (published_at DESC, id DESC)
INCLUDE (expires_at, kind, region_id, departement_id, contract, programmes, remote, education_level,
         duration_months, latitude, longitude)
WHERE status = 'published'
"""


class Migration(migrations.Migration):
    dependencies = [("offers", "0001_offers")]

    operations = [
        migrations.RunSQL(SQL, reverse_sql="DROP INDEX IF EXISTS offer_search_cover_published"),
    ]
