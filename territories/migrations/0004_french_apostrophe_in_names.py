"""Names written with the French apostrophe (« Côte-d’Or »), as the importer now writes them (issue 14).

The import is an upsert that compares rows: without this, the first import after the upgrade would
rewrite the names; with it, rows already imported read as the importer writes them.
"""

from django.db import migrations

TABLES = (
    "territories_region",
    "territories_departement",
    "territories_epci",
    "territories_territoireindustrie",
    "territories_qpv",
    "territories_commune",
)

SQL = [f"UPDATE {table} SET name = replace(name, '''', '’') WHERE name LIKE '%''%'" for table in TABLES]


class Migration(migrations.Migration):
    dependencies = [("territories", "0003_name_type_and_programme_summary")]

    operations = [migrations.RunSQL(sql, reverse_sql=migrations.RunSQL.noop) for sql in SQL]
