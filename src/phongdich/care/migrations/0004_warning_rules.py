from django.db import migrations

from phongdich.care.warning_seeds import seed


def add_versions(apps, schema_editor):
    seed(apps.get_model("care", "WarningRules"))


class Migration(migrations.Migration):
    dependencies = [("care", "0003_eligibility_and_medicines")]

    operations = [migrations.RunPython(add_versions, migrations.RunPython.noop)]
