"""Reads that carry a rule: coverage and targets from the pre-aggregated cells, priority lists, daily doses
and stock per site, and the inputs of a shipment's split."""

import base64
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from django.conf import settings
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Sum, Value
from django.db.models.expressions import Case, When

from phongdich.core import audit, clock
from phongdich.core.choices import AuditAction
from phongdich.core.rules import in_force
from phongdich.core.scoping import scope_of
from phongdich.people.models import ELDERLY_AGE, Person
from phongdich.people.selectors import name_people
from phongdich.places.models import AdminUnit, Facility

from .choices import INDICATOR_BANDS, Indicator, Priority
from .dcc import trust
from .models import (
    Certificate,
    CoverageCell,
    CoverageRefresh,
    Delivery,
    Dose,
    SigningKey,
    VaccinationRules,
    VaccinationTarget,
)
from .services.coverage import _years_before

INDICATOR_FIELD: dict[str, str] = {Indicator.ONE_DOSE: "one_dose", Indicator.FULL: "full", Indicator.BOOSTED: "boosted"}


def certificate_for_reading(user, pk: int, *, export: str = "") -> Certificate:
    """A certificate the user may see, the read (or its export as `export`: "pdf", "png", "svg") written to the
    audit trail, its holder named as the user may see them (`certificate.person_ref`). Raises DoesNotExist, also
    for an export of a certificate whose holder is outside the user's jurisdiction (a site sees the
    certificates of the doses it gave): the card and its code carry the holder's name and birth date."""
    certificate = (
        Certificate.objects.visible_to(user).select_related("person", "dose__product", "unit", "signing_key").get(pk=pk)
    )
    name_people(user, [certificate], person_ref="person_id")
    if export and not certificate.person_ref.visible:
        raise Certificate.DoesNotExist
    audit.record(
        actor=user,
        action=AuditAction.EXPORT if export else AuditAction.READ,
        instance=certificate,
        person_id=certificate.person_id,
        detail={"format": export} if export else None,
    )
    return certificate


def people_vaccinated_for(user):
    """The people whose vaccination record a user may see: residents of their area, and, for a site's staff,
    anyone vaccinated at their site."""
    people = Person.objects.restrict(user, "view")
    if sites := scope_of(user, "vaccination.view_dose").facility_ids:
        people = people | Person.objects.filter(pk__in=Dose.objects.filter(site_id__in=sites).values("person_id"))
    return people


def vaccination_record_for_reading(user, pk: int) -> Person:
    """A person whose doses and certificates the user may see, the read written to the audit trail. Raises
    DoesNotExist."""
    person = people_vaccinated_for(user).select_related("unit").get(pk=pk)
    audit.record(
        actor=user, action=AuditAction.READ, instance=person, person_id=person.pk, detail={"page": "vaccination record"}
    )
    return person


def rules_in_force(on: date | None = None) -> VaccinationRules:
    return in_force(VaccinationRules, on)


COUNTS = ("residents", "one_dose", "full", "boosted")


@dataclass
class Coverage:
    """Counts for one area, by age band; indicators are sums of bands."""

    bands: dict[str, dict[str, int]] = field(default_factory=dict)

    def count(self, population: str, what: str) -> int:
        return sum(self.bands.get(band, {}).get(what, 0) for band in INDICATOR_BANDS[population])

    def percent(self, population: str, indicator: str) -> Decimal | None:
        residents = self.count(population, "residents")
        if not residents:
            return None
        return (Decimal(100) * self.count(population, INDICATOR_FIELD[indicator]) / residents).quantize(Decimal("0.1"))

    def rows(self) -> list[dict]:
        result = []
        for population in INDICATOR_BANDS:
            row = {"population": population, "residents": self.count(population, "residents")}
            for indicator, name in INDICATOR_FIELD.items():
                row[name] = self.count(population, name)
                row[f"{name}_percent"] = self.percent(population, indicator)
            result.append(row)
        return result


def coverage_of(unit: AdminUnit) -> Coverage:
    totals = (
        CoverageCell.objects.filter(unit_path__startswith=unit.path)
        .values("band")
        .annotate(residents=Sum("residents"), one_dose=Sum("one_dose"), full=Sum("full"), boosted=Sum("boosted"))
        .values_list("band", "residents", "one_dose", "full", "boosted")
    )
    return Coverage({band: dict(zip(COUNTS, counts, strict=True)) for band, *counts in totals})


def coverage_by_child(unit: AdminUnit) -> list[tuple[AdminUnit, Coverage]]:
    """The unit's children (districts, communes or residential groups), each with its coverage."""
    children = list(AdminUnit.objects.filter(parent=unit).order_by("name"))
    if not children:
        return []
    cut = len(unit.path)
    per_child: dict[str, Coverage] = defaultdict(Coverage)
    cells = CoverageCell.objects.filter(unit_path__startswith=unit.path).values_list(
        "unit_path", "band", "residents", "one_dose", "full", "boosted"
    )
    for path, band, residents, one_dose, full, boosted in cells:
        if len(path) == cut:
            continue  # people registered at the unit itself, in none of its children
        child_path = path[: path.index("/", cut) + 1]
        counts = per_child[child_path].bands.setdefault(band, {"residents": 0, "one_dose": 0, "full": 0, "boosted": 0})
        counts["residents"] += residents
        counts["one_dose"] += one_dose
        counts["full"] += full
        counts["boosted"] += boosted
    return [(child, per_child.get(child.path, Coverage())) for child in children]


def last_refresh() -> CoverageRefresh | None:
    return CoverageRefresh.objects.order_by("-finished_at").first()


@dataclass
class TargetProgress:
    target: VaccinationTarget
    residents: int
    reached: int
    percent: Decimal | None
    gap_people: int
    days_left: int


def targets_for(unit: AdminUnit, coverage: Coverage, today: date | None = None) -> list[TargetProgress]:
    """Targets set for this unit or above it, shown for this unit: the gap is in people, here."""
    today = today or clock.today()
    ancestors = [unit.path[: i + 1] for i, char in enumerate(unit.path) if char == "/"]
    progress = []
    for target in VaccinationTarget.objects.filter(unit__path__in=ancestors).select_related("unit"):
        residents = coverage.count(target.population, "residents")
        reached = coverage.count(target.population, INDICATOR_FIELD[target.indicator])
        needed = int((target.percent * residents / 100).to_integral_value(rounding="ROUND_CEILING"))
        progress.append(
            TargetProgress(
                target,
                residents,
                reached,
                coverage.percent(target.population, target.indicator),
                max(needed - reached, 0),
                (target.deadline - today).days,
            )
        )
    return progress


def no_dose(queryset):
    return queryset.filter(~Exists(Dose.objects.filter(person=OuterRef("pk"))))


def priority_expression(as_of: date, rules: VaccinationRules):
    """1 for people 65 or over, 2 chronic disease, 3 pregnant, 4 front line, else null."""
    elder_born = _years_before(as_of, ELDERLY_AGE)
    elder = Q(birth_date__lte=elder_born) | Q(birth_date__isnull=True, birth_year__lte=as_of.year - ELDERLY_AGE - 1)
    return Case(
        When(elder, then=Value(Priority.ELDER)),
        When(chronic_disease=True, then=Value(Priority.CHRONIC)),
        When(pregnant=True, then=Value(Priority.PREGNANT)),
        When(occupation__in=rules.front_line_occupations or [""], then=Value(Priority.FRONT_LINE)),
        default=Value(None),
        output_field=IntegerField(),
    )


def priority_list(group: AdminUnit, *, as_of: date | None = None):
    """People in a residential group (or any unit) with no dose yet who belong to a priority group, the most
    urgent first: "one dose per person first"."""
    as_of = as_of or clock.today()
    people = no_dose(Person.objects.active().filter(unit__path__startswith=group.path))
    return (
        people.annotate(priority=priority_expression(as_of, rules_in_force(as_of)))
        .filter(priority__isnull=False)
        .select_related("unit", "household")
        .order_by("unit__path", "priority", "birth_date", "birth_year", "full_name")
    )


def priority_people(*, actor, unit: AdminUnit, limit: int, export: bool) -> list:
    """The priority list as an officer reads or exports it: at most `limit` people, the access audited."""
    people = list(priority_list(unit)[:limit])
    action = AuditAction.EXPORT if export else AuditAction.READ
    audit.record(
        actor=actor, action=action, instance=unit, unit_path=unit.path, detail={"list": "priority", "rows": len(people)}
    )
    return people


def priority_counts(unit: AdminUnit, *, as_of: date | None = None) -> dict[str, dict[int, int]]:
    """Unvaccinated people per priority group, per child unit path of `unit`."""
    as_of = as_of or clock.today()
    people = no_dose(Person.objects.active().filter(unit__path__startswith=unit.path))
    rows = (
        people.annotate(priority=priority_expression(as_of, rules_in_force(as_of)))
        .filter(priority__isnull=False)
        .values("unit__path", "priority")
        .annotate(n=Count("id"))
    )
    cut = len(unit.path)
    result: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        path = row["unit__path"]
        child = path[: path.index("/", cut) + 1] if "/" in path[cut:] else path
        result[child][row["priority"]] += row["n"]
    return result


@dataclass
class DailyDoses:
    """Doses per site (rows) and day (columns)."""

    days: list[date]
    sites: list[tuple[str, list[int]]]


def daily_doses(*, sites=None, unit: AdminUnit | None = None, days: int = 14, today: date | None = None) -> DailyDoses:
    """Doses per site and day over the last `days` days."""
    today = today or clock.today()
    if sites is None:
        sites = Facility.objects.all()
    if unit is not None:
        sites = sites.filter(unit__path__startswith=unit.path)
    # A list of site ids, so the database walks the (site, date) index site by site.
    site_ids = list(sites.values_list("pk", flat=True))
    doses = Dose.objects.filter(site_id__in=site_ids, given_on__gt=today - timedelta(days=days), given_on__lte=today)
    counts = doses.values_list("site__name", "given_on").annotate(n=Count("id")).order_by("site__name")
    columns = [today - timedelta(days=offset) for offset in range(days - 1, -1, -1)]
    per_site: dict[str, dict[date, int]] = defaultdict(dict)
    for name, day, n in counts:
        per_site[name][day] = n
    return DailyDoses(columns, [(name, [by_day.get(day, 0) for day in columns]) for name, by_day in per_site.items()])


def stock(sites) -> list[dict]:
    """Per site and product: doses delivered (less waste and transfers) minus doses given."""
    delivered = Delivery.objects.filter(site__in=sites).values("site_id", "site__name", "product_id", "product__name")
    delivered = delivered.annotate(received=Sum("doses"))
    given = Dose.objects.filter(site__in=sites).values("site_id", "product_id").annotate(n=Count("id"))
    used = {(row["site_id"], row["product_id"]): row["n"] for row in given}
    rows: list[dict] = []
    for delivery in delivered:
        given = used.get((delivery["site_id"], delivery["product_id"]), 0)
        rows.append({**delivery, "given": given, "left": delivery["received"] - given})
    return sorted(rows, key=lambda row: (row["site__name"], row["product__name"]))


def lots_in_stock(site) -> list[dict]:
    """The lots with doses left at a site, per product: delivered there (less waste and transfers) minus given."""
    delivered = Delivery.objects.filter(site=site).exclude(lot="").values("product_id", "product__name", "lot")
    given = Dose.objects.filter(site=site).exclude(lot="").values("product_id", "lot").annotate(n=Count("id"))
    used = {(row["product_id"], row["lot"]): row["n"] for row in given}
    rows = [
        {**row, "left": row["received"] - used.get((row["product_id"], row["lot"]), 0)}
        for row in delivered.annotate(received=Sum("doses"))
    ]
    return sorted((row for row in rows if row["left"] > 0), key=lambda row: (row["product__name"], row["lot"]))


def trusted_keys() -> dict[bytes, list]:
    """This instance's document signers, by key id: current and retired ones alike, so rotated keys keep
    verifying what they signed."""
    return trust.keys_by_kid([bytes(key.certificate) for key in SigningKey.objects.all()])


def trust_list() -> list[dict]:
    return [
        {
            "kid": base64.b64encode(bytes.fromhex(key.kid)).decode(),
            "country": settings.DCC_COUNTRY,
            "certificate": base64.b64encode(bytes(key.certificate)).decode(),
            "not_before": key.not_before.isoformat(),
            "not_after": key.not_after.isoformat(),
            "signing": key.active,
        }
        for key in SigningKey.objects.order_by("created_at")
    ]


def trust_list_pem() -> str:
    return "".join(
        x509.load_der_x509_certificate(bytes(key.certificate)).public_bytes(Encoding.PEM).decode()
        for key in SigningKey.objects.order_by("created_at")
    )


def is_revoked(uvci_hash: str) -> bool:
    """One indexed lookup per certificate checked, rather than loading the whole revocation list."""
    return Certificate.objects.filter(uvci_hash=uvci_hash, revoked_at__isnull=False).exists()


def revoked_hashes() -> list[str]:
    return list(
        Certificate.objects.filter(revoked_at__isnull=False).order_by("uvci_hash").values_list("uvci_hash", flat=True)
    )
