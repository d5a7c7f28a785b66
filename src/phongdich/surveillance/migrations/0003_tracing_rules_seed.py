from datetime import date

from django.db import migrations


def seed(apps, schema_editor):
    TracingRules = apps.get_model("surveillance", "TracingRules")
    TracingRules.objects.get_or_create(
        effective_from=date(2021, 7, 30),
        defaults={
            "source_document": "Quyết định 3638/QĐ-BYT (30/7/2021); Công văn 11042/BYT-DP (12/2021)",
            "infectious_days_before": 2,
            "max_level": 3,
            "checkin_window_minutes": 60,
            "default_stay_minutes": 60,
            "max_stay_minutes": 720,
            "task_due_hours": 24,
        },
    )


class Migration(migrations.Migration):
    dependencies = [("surveillance", "0002_cases_contacts_levels")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
