"""Every audit row names a unit: earlier rows without one get the unit of the person they concern, else the
broadest unit of the account that acted, else the province's. The next migration has the database refuse rows
without one, in a transaction of its own (PostgreSQL alters no table with row changes pending in the same one)."""

from django.db import migrations
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce


def fill_unit_paths(apps, schema_editor):
    AuditEvent = apps.get_model("core", "AuditEvent")
    Person = apps.get_model("people", "Person")
    RoleAssignment = apps.get_model("accounts", "RoleAssignment")
    AdminUnit = apps.get_model("places", "AdminUnit")
    missing = AuditEvent.objects.filter(unit_path="")
    person_unit = Person.objects.filter(pk=OuterRef("person_id")).values("unit__path")[:1]
    missing.filter(person_id__isnull=False).update(unit_path=Coalesce(Subquery(person_unit), Value("")))
    for actor_id in set(missing.filter(actor_id__isnull=False).values_list("actor_id", flat=True)):
        paths = [
            path
            for row in RoleAssignment.objects.filter(user_id=actor_id).values_list(
                "unit__path", "facility__unit__path", "organisation__unit__path"
            )
            if (path := next(filter(None, row), ""))
        ]
        if paths:
            missing.filter(actor_id=actor_id).update(unit_path=min(paths, key=lambda p: (p.count("/"), p)))
    roots = dict(AdminUnit.objects.filter(parent=None).order_by("-path").values_list("structure", "path"))
    missing.update(unit_path=roots.get("legacy") or next(iter(roots.values()), "/"))


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_audit_certificate_actions"),
        ("people", "0001_initial"),
        ("accounts", "0001_initial"),
        ("places", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(fill_unit_paths, migrations.RunPython.noop),
    ]
