"""The TNCC of régions and départements (how their names take an article) and the one-line summary of
each programme. Existing rows get 0 and an empty summary until `import_territories` runs again and
writes the shipped values (cog/*.csv, programmes.toml); `docker compose` imports at every start.

The programme code's choices follow the labels of `territories/data/programmes.toml`.
"""

from django.db import migrations, models

NAME_TYPES = [
    (0, "sans article, initiale consonne (sauf H muet)"),
    (1, "sans article, initiale voyelle ou H muet"),
    (2, "article « le »"),
    (3, "article « la »"),
    (4, "article « les »"),
    (5, "article « l’ »"),
    (6, "article « aux »"),
    (7, "article « las »"),
    (8, "article « los »"),
]


class Migration(migrations.Migration):
    dependencies = [("territories", "0002_commune_search_name_statistics")]

    operations = [
        migrations.AddField(
            model_name="region",
            name="tncc",
            field=models.PositiveSmallIntegerField(
                choices=NAME_TYPES,
                default=0,
                verbose_name="type de nom (TNCC)",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="departement",
            name="tncc",
            field=models.PositiveSmallIntegerField(
                choices=NAME_TYPES,
                default=0,
                verbose_name="type de nom (TNCC)",
            ),
            preserve_default=False,
        ),
        migrations.AddConstraint(
            model_name="region",
            constraint=models.CheckConstraint(
                condition=models.Q(("tncc__in", [0, 1, 2, 3, 4, 5, 6, 7, 8])), name="region_tncc_valid"
            ),
        ),
        migrations.AddConstraint(
            model_name="departement",
            constraint=models.CheckConstraint(
                condition=models.Q(("tncc__in", [0, 1, 2, 3, 4, 5, 6, 7, 8])), name="departement_tncc_valid"
            ),
        ),
        migrations.AddField(
            model_name="programme",
            name="summary",
            field=models.CharField(default="", max_length=120, verbose_name="en une ligne, pour les candidats"),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="programme",
            name="code",
            field=models.CharField(
                choices=[
                    ("qpv", "Quartiers prioritaires de la politique de la ville"),
                    ("ti", "Territoires d’industrie"),
                    ("pvd", "Petites villes de demain"),
                    ("acv", "Action cœur de ville"),
                    ("frr", "France Ruralités Revitalisation"),
                    ("rural", "Communes rurales"),
                    ("montagne", "Communes d’un massif"),
                ],
                max_length=10,
                primary_key=True,
                serialize=False,
            ),
        ),
    ]
