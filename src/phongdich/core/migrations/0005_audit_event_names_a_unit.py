from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_audit_fill_unit_paths"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.CheckConstraint(
                condition=models.Q(("unit_path", ""), _negated=True), name="audit_event_names_a_unit"
            ),
        ),
    ]
