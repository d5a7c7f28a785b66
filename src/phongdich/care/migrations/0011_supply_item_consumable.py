from django.db import migrations, models

from phongdich.care.supplies.seeds import ITEMS


def mark_equipment(apps, schema_editor):
    """The seeded items that are equipment (an oxygen concentrator) are not used up."""
    equipment = [row[0] for row in ITEMS if not row[-1]]
    apps.get_model("care", "SupplyItem").objects.filter(code__in=equipment).update(consumable=False)


class Migration(migrations.Migration):
    dependencies = [
        ("care", "0010_supplies"),
    ]

    operations = [
        migrations.AddField(
            model_name="supplyitem",
            name="consumable",
            field=models.BooleanField(
                default=True,
                help_text=(
                    "Untick for equipment that is not used up (an oxygen concentrator): its stock is shown, never days"
                    " of cover nor a low-stock alert."
                ),
                verbose_name="used up",
            ),
        ),
        migrations.AlterField(
            model_name="donation",
            name="donor_kind",
            field=models.CharField(
                choices=[("organisation", "Organisation"), ("individual", "Individual")],
                max_length=12,
                verbose_name="donor type",
            ),
        ),
        migrations.RunPython(mark_equipment, migrations.RunPython.noop),
    ]
