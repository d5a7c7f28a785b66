from django.db import migrations

from phongdich.vaccination.seeds import seed


def forwards(apps, schema_editor):
    seed(apps.get_model("vaccination", "VaccineProduct"), apps.get_model("vaccination", "VaccinationRules"))


class Migration(migrations.Migration):
    dependencies = [("vaccination", "0001_doses_coverage_certificates")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
