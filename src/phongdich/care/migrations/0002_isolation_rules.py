from django.db import migrations

from phongdich.care.seeds import versions
from phongdich.core.rules import versions_by_document


def seed(apps, schema_editor):
    versions_by_document(apps.get_model("care", "IsolationRules"), versions())


class Migration(migrations.Migration):
    dependencies = [
        ("care", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
