"""The words' GIN index also holds the département and the région (btree_gin), so that a search with
words and a place intersects both in one index scan (issue 14, docs/performance.md)."""

import django.contrib.postgres.indexes
from django.contrib.postgres.operations import BtreeGinExtension
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("offers", "0005_offer_events_and_closed_date"),
        ("territories", "0004_french_apostrophe_in_names"),
    ]

    operations = [
        BtreeGinExtension(),
        migrations.RemoveIndex(model_name="offer", name="offer_search_published"),
        migrations.AddIndex(
            model_name="offer",
            index=django.contrib.postgres.indexes.GinIndex(
                condition=models.Q(("status", "published")),
                fields=["departement", "region", "search_vector"],
                name="offer_search_place_published",
            ),
        ),
    ]
