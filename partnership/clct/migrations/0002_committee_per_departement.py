"""One committee per département already imported (not the overseas collectivités) (import_territories creates those of later imports)."""

from django.db import migrations


def create_committees(apps, schema_editor):
    Departement = apps.get_model("territories", "Departement")
    Committee = apps.get_model("clct", "Committee")
    Committee.objects.bulk_create(
        [Committee(departement_id=code) for code in Departement.objects.exclude(zone="com").values_list("code", flat=True)],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [("clct", "0001_committees_meetings"), ("territories", "0003_name_type_and_programme_summary")]

    operations = [migrations.RunPython(create_committees, migrations.RunPython.noop)]
