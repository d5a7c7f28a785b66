"""Every sample and pool has its barcode registered (a separate migration: PostgreSQL does not alter a table
in the transaction that has just updated its rows)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("labs", "0005_barcode_registry")]

    operations = [
        migrations.AlterField(
            model_name=model,
            name="tube",
            field=models.OneToOneField(
                editable=False, on_delete=django.db.models.deletion.PROTECT, related_name=model, to="labs.barcode"
            ),
        )
        for model in ("pool", "sample")
    ]
