"""Rules and targets as data: a new version of the vaccination rules, a coverage target for an area."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from phongdich.core import audit
from phongdich.core.choices import AuditAction
from phongdich.core.rules import version_add
from phongdich.core.scoping import OutOfScope, scope_of
from phongdich.places.models import AdminUnit

from ..models import VaccinationRules, VaccinationTarget

RULE_FIELDS = [
    "booster_min_days",
    "certificate_valid_days",
    "front_line_occupations",
    "weight_priority",
    "weight_other",
    "weight_awaiting",
]
RULE_LIMITS = {
    "booster_min_days": (28, 730),
    "certificate_valid_days": (30, 1095),
    "weight_priority": (0, 100),
    "weight_other": (0, 100),
    "weight_awaiting": (0, 100),
}


def vaccination_rules_add(
    *, actor, effective_from: date, source_document: str, document_date: date | None = None, **values
) -> VaccinationRules:
    """A new version of the rules, province-wide, citing its document; doses, certificates and splits follow
    the version in force on their date."""
    return version_add(
        actor=actor,
        model=VaccinationRules,
        effective_from=effective_from,
        source_document=source_document,
        document_date=document_date,
        values=values,
        fields=RULE_FIELDS,
        limits=RULE_LIMITS,
        refusal=_("Only a province-level administrator changes the vaccination rules."),
    )


def target_add(
    *,
    actor,
    unit: AdminUnit,
    indicator: str,
    population: str,
    percent: Decimal,
    deadline: date,
    source_document: str,
) -> VaccinationTarget:
    """A target for an area ("100% of adults fully vaccinated by 31/12/2021"), with the document that set it."""
    errors = {}
    if not Decimal(0) < percent <= Decimal(100):
        errors["percent"] = _("A target is a share above 0% and at most 100%.")
    if not source_document.strip():
        errors["source_document"] = _("Cite the document that sets this target.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if not scope_of(actor, "vaccination.add_vaccinationtarget").covers_path(unit.path):
            raise OutOfScope(_("No such unit in your jurisdiction."))
        target = VaccinationTarget.objects.create(
            unit=unit,
            indicator=indicator,
            population=population,
            percent=percent,
            deadline=deadline,
            source_document=source_document.strip(),
        )
        audit.record(
            actor=actor, action=AuditAction.CREATE, instance=target, unit_path=unit.path, after=audit.snapshot(target)
        )
    return target
