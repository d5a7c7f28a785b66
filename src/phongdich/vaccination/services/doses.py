"""Recording a dose: its number, whether it is part of the primary series or a booster, and the checks on
order and intervals that the product's series rules and the rules in force impose."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from phongdich.core import audit, clock
from phongdich.core.choices import AuditAction
from phongdich.core.imports import parse_day
from phongdich.core.rules import in_force
from phongdich.core.scoping import OutOfScope, scope_of
from phongdich.core.text import fold
from phongdich.people.models import Person
from phongdich.places.models import Facility

from ..choices import DoseKind, DoseSource, ReviewStatus
from ..models import Dose, DoseImport, ReviewRow, VaccinationRules, VaccineProduct


@dataclass(frozen=True)
class DoseCheck:
    number: int
    kind: str
    completes_series: bool


def _day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def _check_product_and_day(product: VaccineProduct, given_on: date, birth_date: date | None) -> None:
    if not product.active:
        raise ValidationError({"product": _("%(product)s is no longer in use.") % {"product": product.name}})
    if given_on > clock.today():
        raise ValidationError({"given_on": _("A dose cannot be dated in the future.")})
    if birth_date and given_on < birth_date:
        raise ValidationError({"given_on": _("A dose cannot be dated before the person's birth.")})


def dose_check(*, earlier: list[Dose], product: VaccineProduct, given_on: date, birth_date: date | None) -> DoseCheck:
    """Where a new dose falls in a person's history, or the ValidationError that says why it cannot.
    `earlier` is the person's doses, oldest first."""
    _check_product_and_day(product, given_on, birth_date)
    if not earlier:
        return DoseCheck(1, DoseKind.PRIMARY, product.series_doses <= 1)
    last = earlier[-1]
    if given_on < last.given_on:
        raise ValidationError(
            {
                "given_on": _("This dose is dated before dose %(number)s (%(day)s).")
                % {"number": last.number, "day": _day(last.given_on)}
            }
        )
    series = earlier[0].product.series_doses
    primary_so_far = sum(1 for dose in earlier if dose.kind == DoseKind.PRIMARY)
    if primary_so_far < series:
        wait, kind = last.product.min_interval_days, DoseKind.PRIMARY
        rule = _("dose %(number)s of %(product)s needs %(days)s days after dose %(previous)s (%(day)s)")
    else:
        wait, kind = in_force(VaccinationRules, given_on).booster_min_days, DoseKind.BOOSTER
        rule = _("a booster (dose %(number)s) needs %(days)s days after dose %(previous)s (%(day)s)")
    earliest = last.given_on + timedelta(days=wait)
    if given_on < earliest:
        values = {
            "number": last.number + 1,
            "product": last.product.name,
            "days": wait,
            "previous": last.number,
            "day": _day(last.given_on),
        }
        raise ValidationError(
            {
                "given_on": _("Too early: %(rule)s; the earliest date is %(earliest)s.")
                % {"rule": rule % values, "earliest": _day(earliest)}
            }
        )
    completes = kind == DoseKind.PRIMARY and primary_so_far + 1 == series
    return DoseCheck(last.number + 1, kind, completes)


def _require(actor, *, person: Person, site: Facility | None) -> None:
    """A site's staff record doses for whoever comes through; an officer records doses for their residents."""
    scope = scope_of(actor, "vaccination.add_dose")
    if scope.covers_path(person.unit.path) or (site is not None and site.pk in scope.facility_ids):
        return
    raise OutOfScope(_("No such person in your jurisdiction."))


def dose_record(
    *,
    actor,
    person: Person,
    product: VaccineProduct,
    given_on: date,
    site: Facility | None = None,
    site_name: str = "",
    lot: str = "",
    vaccinator: str = "",
    source: str = DoseSource.SITE,
    dose_import: DoseImport | None = None,
) -> Dose:
    with transaction.atomic():
        person = Person.objects.select_for_update().select_related("unit").get(pk=person.pk)
        _require(actor, person=person, site=site)
        earlier = list(Dose.objects.filter(person=person).select_related("product").order_by("number"))
        check = dose_check(earlier=earlier, product=product, given_on=given_on, birth_date=person.birth_date)
        dose = Dose.objects.create(
            person=person,
            unit=person.unit,
            number=check.number,
            kind=check.kind,
            completes_series=check.completes_series,
            product=product,
            lot=lot.strip(),
            given_on=given_on,
            site=site,
            site_name=site_name or (site.name if site else ""),
            vaccinator=vaccinator.strip(),
            source=source,
            dose_import=dose_import,
            recorded_by=audit.user_of(actor),
        )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            instance=dose,
            person_id=person.pk,
            unit_path=person.unit.path,
            after={"number": dose.number, "product": product.code, "given_on": given_on.isoformat(), "lot": dose.lot},
        )
    return dose


def review_row_decide(*, actor, row: ReviewRow, person: Person | None) -> ReviewRow:
    """Match an imported row to a person by hand (its dose is then recorded), or dismiss it."""
    with transaction.atomic():
        row = ReviewRow.objects.restrict(actor, "change").select_for_update(of=("self",)).filter(pk=row.pk).first()
        if row is None:
            raise OutOfScope(_("No such row in your jurisdiction."))
        if row.status != ReviewStatus.OPEN:
            raise ValidationError(_("This row has already been decided."))
        if person is not None:
            fields = row_dose_fields(row.data)
            dose_record(actor=actor, person=person, source=DoseSource.IMPORT, dose_import=row.dose_import, **fields)
        row.status = ReviewStatus.MATCHED if person else ReviewStatus.DISMISSED
        row.person, row.decided_by, row.decided_at = person, audit.user_of(actor), clock.now()
        row.save(update_fields=["status", "person", "decided_by", "decided_at"])
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=row,
            person_id=person.pk if person else None,
            after={"status": row.status},
        )
    return row


def product_lookup() -> dict[str, VaccineProduct]:
    lookup = {}
    for product in VaccineProduct.objects.all():
        for name in [product.code, product.name, *product.aliases]:
            lookup[fold(name)] = product
    return lookup


def row_dose_fields(values: dict[str, str]) -> dict:
    """The dose_record arguments an imported row carries (for a row matched by hand from the queue)."""
    product = product_lookup().get(fold(values.get("product", "")))
    if product is None:
        raise ValidationError(_("Unknown vaccine: %(value)s.") % {"value": values.get("product", "")})
    site_name = values.get("site", "")
    return {
        "product": product,
        "given_on": parse_day(values["given_on"]),
        "site": Facility.objects.filter(name=site_name).first() if site_name else None,
        "site_name": site_name,
        "lot": values.get("lot", ""),
    }
