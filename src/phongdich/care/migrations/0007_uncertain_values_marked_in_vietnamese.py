"""The seeded documents' uncertain values are marked "(cần đối chiếu)" instead of "(verify)": the rules page and the
medicine packages show these texts to Vietnamese readers. Versions and packages edited since keep their text
apart from the marker."""

from importlib import import_module

from django.db import migrations

OLD, NEW = "(verify)", "(cần đối chiếu)"


def mark_in_vietnamese(apps, schema_editor):
    seeded = {
        when: text
        for when, text, *_rest in import_module("phongdich.care.migrations.0003_eligibility_and_medicines").ELIGIBILITY
    }
    for version in apps.get_model("care", "EligibilityRules").objects.filter(source_document__contains="verify"):
        version.source_document = seeded.get(version.effective_from, version.source_document.replace(OLD, NEW))
        version.save(update_fields=["source_document"])
    for version in apps.get_model("care", "WarningRules").objects.filter(source_document__contains=OLD):
        version.source_document = version.source_document.replace(OLD, NEW)
        version.save(update_fields=["source_document"])
    for kind in apps.get_model("care", "MedicineKind").objects.filter(contents__contains=OLD):
        kind.contents = kind.contents.replace(OLD, NEW)
        kind.save(update_fields=["contents"])


class Migration(migrations.Migration):
    dependencies = [("care", "0006_demo_clock_times")]

    operations = [migrations.RunPython(mark_in_vietnamese, migrations.RunPython.noop)]
