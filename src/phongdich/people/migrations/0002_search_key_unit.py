import django.db.models.deletion
from django.db import migrations, models

COPY_UNITS = """
UPDATE people_personsearchkey
SET unit_id = (SELECT p.unit_id FROM people_person p WHERE p.id = people_personsearchkey.person_id)
"""


class Migration(migrations.Migration):
    """Search keys carry their person's unit, so a name search checks the searcher's scope in its index."""

    dependencies = [
        ("people", "0001_initial"),
        ("places", "0001_initial"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="personsearchkey", name="person_search_key_idx"),
        migrations.AddField(
            model_name="personsearchkey",
            name="unit",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="places.adminunit",
            ),
        ),
        migrations.RunSQL(COPY_UNITS, migrations.RunSQL.noop),
        migrations.AlterField(
            model_name="personsearchkey",
            name="unit",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="places.adminunit",
            ),
        ),
        migrations.AddIndex(
            model_name="personsearchkey",
            index=models.Index(
                fields=["key", "person", "unit"],
                name="person_search_key_unit_idx",
                opclasses=["varchar_pattern_ops", "int8_ops", "int8_ops"],
            ),
        ),
    ]
