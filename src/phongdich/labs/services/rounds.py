"""Testing rounds, organisations' periodic testing plans, labs' settings and the testing rules."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from phongdich.core import audit
from phongdich.core.choices import AuditAction
from phongdich.core.rules import version_add
from phongdich.core.scoping import OutOfScope, scope_of
from phongdich.people.models import Person
from phongdich.places.models import AdminUnit, Organisation

from ..choices import PriorityGroup
from ..models import Lab, TestingPlan, TestingRound, TestingRules
from ..selectors import rules_in_force

RULE_LIMITS = {
    "pool_size": (1, 20),
    "high_risk_pool_size": (1, 20),
    "negative_clears_from_level": (1, 4),
    "resample_due_hours": (1, 24 * 7),
    "turnaround_target_hours": (1, 24 * 7),
}
RULE_FIELDS = [*RULE_LIMITS, "antigen_confirms", "negative_ends_source"]


def round_create(
    *,
    actor,
    name: str,
    unit: AdminUnit,
    starts_on: date,
    ends_on: date,
    groups: list[AdminUnit] | None = None,
    pool_size: int | None = None,
    high_risk_pool_size: int | None = None,
    priority_groups: list[str] | None = None,
    notes: str = "",
) -> TestingRound:
    """A round of mass testing over a unit (or some of its residential groups). Its number follows the area's
    earlier rounds; its target is the area's registered residents; its pool sizes may only be smaller than
    the rules allow."""
    groups = groups or []
    scope = scope_of(actor, "labs.add_testinground")
    if not all(scope.covers_path(place.path) for place in [unit, *groups]):
        raise OutOfScope(_("No such unit in your jurisdiction."))
    errors = {}
    if ends_on < starts_on:
        errors["ends_on"] = _("The round cannot end before it starts.")
    if any(not g.path.startswith(unit.path) or g.level != "group" for g in groups):
        errors["groups"] = _("Choose residential groups inside the area.")
    rules = rules_in_force(starts_on)
    for field, value, limit in (
        ("pool_size", pool_size, rules.pool_size),
        ("high_risk_pool_size", high_risk_pool_size, rules.high_risk_pool_size),
    ):
        if value is not None and not 1 <= value <= limit:
            errors[field] = _("At most %(n)d samples a pool under the rules in force.") % {"n": limit}
    if any(group not in PriorityGroup.values for group in priority_groups or []):
        errors["priority_groups"] = _("Unknown priority group.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        people = Person.objects.active()
        if groups:
            target = people.filter(unit__in=groups).count()
        else:
            target = people.filter(unit__in=AdminUnit.objects.filter(path__prefix=unit.path).values("pk")).count()
        testing_round = TestingRound.objects.create(
            name=name,
            number=TestingRound.objects.filter(unit=unit).count() + 1,
            unit=unit,
            starts_on=starts_on,
            ends_on=ends_on,
            target_population=target,
            pool_size=pool_size,
            high_risk_pool_size=high_risk_pool_size,
            priority_groups=list(priority_groups or []),
            notes=notes,
            created_by=audit.user_of(actor),
        )
        testing_round.groups.set(groups)
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            instance=testing_round,
            unit_path=unit.path,
            after=audit.snapshot(testing_round),
        )
    return testing_round


def testing_plan_save(
    *, actor, organisation: Organisation, every_days: int, responsible: str, starts_on: date, source_document: str = ""
) -> TestingPlan:
    """Set how often an organisation's staff are tested and who answers for it."""
    if not 1 <= every_days <= 90:
        raise ValidationError({"every_days": _("Between 1 and 90 days.")})
    if not responsible.strip():
        raise ValidationError({"responsible": _("Name the head who answers for the testing.")})
    with transaction.atomic():
        if not scope_of(actor, "labs.add_testingplan").covers_path(organisation.unit.path):
            raise OutOfScope(_("No such organisation in your jurisdiction."))
        plan, created = TestingPlan.objects.update_or_create(
            organisation=organisation,
            defaults={
                "every_days": every_days,
                "responsible": responsible.strip(),
                "starts_on": starts_on,
                "source_document": source_document,
                "created_by": audit.user_of(actor),
            },
        )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            instance=plan,
            unit_path=organisation.unit.path,
            after=audit.snapshot(plan),
        )
    return plan


def lab_save(*, actor, facility, daily_capacity: int) -> Lab:
    """Make a facility of kind "lab" a lab in the system, or change its capacity."""
    if facility.kind != "lab":
        raise ValidationError({"facility": _("Only a facility of kind laboratory can be a lab.")})
    if daily_capacity < 1:
        raise ValidationError({"daily_capacity": _("A lab tests at least one sample a day.")})
    with transaction.atomic():
        if not scope_of(actor, "labs.change_lab").covers_path(facility.unit.path):
            raise OutOfScope(_("No such facility in your jurisdiction."))
        lab, created = Lab.objects.update_or_create(facility=facility, defaults={"daily_capacity": daily_capacity})
        audit.record(
            actor=actor,
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            instance=lab,
            unit_path=facility.unit.path,
            after={"daily_capacity": daily_capacity},
        )
    return lab


def testing_rules_add(
    *, actor, effective_from: date, source_document: str, document_date: date | None = None, **values
) -> TestingRules:
    """A new version of the testing rules, province-wide, citing its document. Earlier versions stay as they
    were: each result is judged by the version in force on its date."""
    errors = {}
    if int(values.get("high_risk_pool_size", 1)) > int(values.get("pool_size", 20)):
        errors["high_risk_pool_size"] = _("Higher-risk pools cannot be larger than other pools.")
    return version_add(
        actor=actor,
        model=TestingRules,
        effective_from=effective_from,
        source_document=source_document,
        document_date=document_date,
        values=values,
        fields=RULE_FIELDS,
        limits=RULE_LIMITS,
        refusal=_("Only a province-level administrator changes the testing rules."),
        errors=errors,
    )
