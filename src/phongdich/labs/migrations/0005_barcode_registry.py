"""One table of barcodes that samples and pools both point at: a code names a sample or a pool, never both.

Existing samples register their barcodes first, then pools. A pool whose code a sample already holds (the race
this table closes: both were created at the same moment) is registered under its code with its id appended,
so its row stays unique and the clash stays visible to whoever looks it up."""

import django.db.models.deletion
from django.db import migrations, models

BATCH = 2000


def register_existing(apps, schema_editor):
    Barcode = apps.get_model("labs", "Barcode")
    for model, kind in ((apps.get_model("labs", "Sample"), "sample"), (apps.get_model("labs", "Pool"), "pool")):
        rows = model.objects.filter(tube__isnull=True).order_by("pk")
        while batch := list(rows.values_list("pk", "barcode")[:BATCH]):
            taken = set(Barcode.objects.filter(code__in=[code for _pk, code in batch]).values_list("code", flat=True))
            codes = {pk: code if code not in taken else f"{code}#{kind}{pk}"[-40:] for pk, code in batch}
            Barcode.objects.bulk_create([Barcode(code=code, kind=kind) for code in codes.values()])
            ids = dict(Barcode.objects.filter(code__in=codes.values()).values_list("code", "pk"))
            for pk, code in codes.items():
                model.objects.filter(pk=pk).update(tube_id=ids[code])


class Migration(migrations.Migration):
    dependencies = [("labs", "0004_rule_versions_by_their_documents")]

    operations = [
        migrations.CreateModel(
            name="Barcode",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.CharField(max_length=40, unique=True, verbose_name="barcode")),
                (
                    "kind",
                    models.CharField(
                        choices=[("sample", "sample"), ("pool", "pool")], max_length=10, verbose_name="kind"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={"verbose_name": "barcode", "verbose_name_plural": "barcodes"},
        ),
        migrations.AddField(
            model_name="pool",
            name="tube",
            field=models.OneToOneField(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="pool",
                to="labs.barcode",
            ),
        ),
        migrations.AddField(
            model_name="sample",
            name="tube",
            field=models.OneToOneField(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="sample",
                to="labs.barcode",
            ),
        ),
        migrations.RunPython(register_existing, migrations.RunPython.noop, elidable=True),
    ]
