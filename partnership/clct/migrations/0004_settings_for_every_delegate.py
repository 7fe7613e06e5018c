"""Every delegate has their settings row (digest, calendar secret): created with the delegate from now on
(`services.give_delegate_settings`), and here for the delegates who never opened a page that created it."""

from django.db import migrations


def create_missing_settings(apps, schema_editor):
    Delegate = apps.get_model("accounts", "Delegate")
    DelegateSettings = apps.get_model("clct", "DelegateSettings")
    missing = Delegate.objects.filter(clct_settings__isnull=True).values_list("pk", flat=True)
    # One statement; each row draws its own calendar secret (the field's default).
    DelegateSettings.objects.bulk_create([DelegateSettings(delegate_id=delegate_id) for delegate_id in missing])


class Migration(migrations.Migration):
    dependencies = [
        ("clct", "0003_french_labels"),
    ]

    operations = [migrations.RunPython(create_missing_settings, migrations.RunPython.noop)]
