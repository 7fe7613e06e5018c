"""Full statistics on `Commune.search_name`, so the autocomplete always plans on its trigram index.

With the default statistics target ANALYZE samples 30,000 of the 34,969 communes; whether the
"saint etienne…" names fall in the sample changed the planner's estimate for "st etienne" from 7
rows to 690, and then it chose a sequential scan (seen once in six ANALYZE runs). A target of 1,000
samples every row: the estimate, and the plan, are the same at every import.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("territories", "0001_territories")]

    operations = [
        migrations.RunSQL(
            "ALTER TABLE territories_commune ALTER COLUMN search_name SET STATISTICS 1000",
            reverse_sql="ALTER TABLE territories_commune ALTER COLUMN search_name SET STATISTICS -1",
        ),
    ]
