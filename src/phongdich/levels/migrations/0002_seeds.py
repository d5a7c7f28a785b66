from django.db import migrations

from phongdich.levels.seeds import seed_level_rules, seed_measures


class Migration(migrations.Migration):
    dependencies = [("levels", "0001_initial")]

    operations = [
        migrations.RunPython(seed_level_rules, migrations.RunPython.noop),
        migrations.RunPython(seed_measures, migrations.RunPython.noop),
    ]
