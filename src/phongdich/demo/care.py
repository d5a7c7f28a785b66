"""The demo's care on the outbreak's day: most active F0 treated at home with three to five days of twice-daily
reports (some with warning signs and open alerts, some gone silent), the rest at a concentrated site; the F1 of the
last fortnight quarantined at home with their household, a few households at one concentrated site; and releases due
today, some with the negative test that releases them recorded by a health worker. Built through the care and labs
services, like real work, on the demo's clock."""

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

from phongdich.care.choices import ActionKind, OrderKind, OrderStatus, Symptom
from phongdich.care.models import IsolationOrder, SiteCapacity
from phongdich.care.services.orders import household_order_create, order_create
from phongdich.care.services.reports import (
    alert_acknowledge,
    alert_action_record,
    alerts_escalate,
    link_issue,
    missed_reports_sweep,
    report_submit,
)
from phongdich.core import clock
from phongdich.labs.choices import Result, SampleKind
from phongdich.labs.services import Reading, sample_register, sample_result_record
from phongdich.people.models import Person
from phongdich.places.choices import FacilityKind, Structure
from phongdich.places.models import AdminUnit, Facility
from phongdich.surveillance.choices import CaseStatus, Severity
from phongdich.surveillance.models import Case, TracingState

ACTOR = "demo"
WARD_CODE = "25966"  # Lái Thiêu, where the README's steps go
AT_HOME = {Severity.ASYMPTOMATIC, Severity.MILD}
SITE_PLACES = 400
QUARANTINE_DAYS = 14  # the F1 of the last fortnight are still quarantined on the demo's day
F1_AT_SITE = 0.05  # share of F1 households sent to the concentrated site
WARNING_SHARE = 0.08  # F0 whose latest report shows a warning sign
SILENT_SHARE = 0.08  # F0 who stopped reporting over 12 hours ago
TESTED_SHARE = 0.5  # F0 due today whose release test is already back


@dataclass
class CareResult:
    f0_home: int = 0
    f0_site: int = 0
    f1_home: int = 0
    f1_site: int = 0
    reports: int = 0
    alerts: int = 0
    released: int = 0


def build_care(*, rng: random.Random) -> CareResult:
    result = CareResult()
    site = _concentrated_site()
    _f0(rng, site, result)
    _f1(rng, site, result)
    now = clock.now()
    result.alerts += missed_reports_sweep(now=now)
    alerts_escalate(now=now)
    _release_tests(rng, result)
    return result


def _concentrated_site() -> Facility:
    site = Facility.objects.filter(kind=FacilityKind.ISOLATION_SITE).order_by("pk").first()
    SiteCapacity.objects.update_or_create(site=site, defaults={"places": SITE_PLACES})
    return site


def _f0(rng: random.Random, site: Facility, result: CareResult) -> None:
    cases = Case.objects.filter(status=CaseStatus.ACTIVE, severity__in=AT_HOME).select_related("person__unit")
    ward = AdminUnit.objects.get(structure=Structure.LEGACY, code=WARD_CODE).path
    showcase = ["warning", "silent"]  # the README's ward has one of each, whatever the dice say
    for case in cases.order_by("confirmed_at", "pk"):
        start = timezone.localdate(case.confirmed_at)
        healthy = {"spo2": rng.randint(97, 99), "breathing_rate": rng.randint(14, 19), "pulse": rng.randint(62, 96)}
        try:
            order = order_create(
                actor=ACTOR, person=case.person, kind=OrderKind.F0_HOME, starts_on=start, case=case,
                measurements=healthy,
            )  # fmt: skip
        except ValidationError:  # not eligible for home treatment (age, chronic disease): to the site
            order_create(actor=ACTOR, person=case.person, kind=OrderKind.F0_SITE, starts_on=start, case=case, site=site)
            result.f0_site += 1
            continue
        result.f0_home += 1
        link_issue(actor=ACTOR, orders=[order])
        shown = showcase and case.person.unit.path.startswith(ward) and start <= clock.today() - timedelta(days=2)
        fate = showcase.pop(0) if shown else None
        result.reports += _reports(rng, order, result, fate)


def _reports(rng: random.Random, order: IsolationOrder, result: CareResult, fate: str | None = None) -> int:
    """Twice a day (7:00 and 19:00) for the last three to five days; the last one may carry a warning sign, and
    some people stopped reporting more than 12 hours ago (`fate` decides which, else the dice)."""
    now = clock.now()
    first = max(order.starts_on, clock.today() - timedelta(days=rng.randint(3, 5)))
    moments = []
    day = first
    while day <= clock.today():
        for hour in (7, 19):
            moment = timezone.make_aware(datetime.combine(day, time(hour, rng.randint(0, 40))))
            if moment <= now:
                moments.append(moment)
        day += timedelta(days=1)
    roll = {"silent": 0.0, "warning": SILENT_SHARE}.get(fate or "", rng.random())
    if roll < SILENT_SHARE:
        moments = [m for m in moments if m < now - timedelta(hours=rng.randint(13, 30))]
    for index, moment in enumerate(moments):
        last = index == len(moments) - 1
        warning = last and SILENT_SHARE <= roll < SILENT_SHARE + WARNING_SHARE
        report, _created = report_submit(
            actor=ACTOR, order=order, client_id=f"demo-{order.pk}-{index}", measured_at=moment, **_reading(rng, warning)
        )
        if warning:
            result.alerts += 1
            if fate is None:  # the showcase's alert waits for the reader to acknowledge it
                _handled_or_not(rng, report)
    return len(moments)


def _reading(rng: random.Random, warning: bool) -> dict:
    if not warning:
        symptoms = rng.sample([Symptom.COUGH, Symptom.SORE_THROAT, Symptom.TIREDNESS, Symptom.LOSS_OF_SMELL], k=2)
        return {
            "spo2": rng.randint(97, 99),
            "breathing_rate": rng.randint(14, 19),
            "pulse": rng.randint(62, 98),
            "temperature": Decimal(f"{rng.uniform(36.4, 37.8):.1f}"),
            "symptoms": symptoms if rng.random() < 0.6 else [],
        }
    return {
        "spo2": rng.randint(91, 96),
        "breathing_rate": rng.randint(20, 27),
        "pulse": rng.randint(100, 124),
        "temperature": Decimal(f"{rng.uniform(38.0, 39.4):.1f}"),
        "symptoms": [Symptom.SHORT_OF_BREATH, Symptom.COUGH] + ([Symptom.CHEST_PAIN] if rng.random() < 0.3 else []),
    }


def _handled_or_not(rng: random.Random, report) -> None:
    """Half of the warning alerts are already in hand: acknowledged, the patient called and advised."""
    alert = report.alerts.first()
    if alert is None or rng.random() < 0.5:
        return
    alert_acknowledge(actor=ACTOR, alert=alert)
    alert_action_record(
        actor=ACTOR, alert=alert, kind=ActionKind.CALLED, note="Đã gọi, hướng dẫn đo lại SpO₂ sau 1 phút"
    )
    if rng.random() < 0.5:
        alert_action_record(
            actor=ACTOR, alert=alert, kind=ActionKind.MEDICINE, note="Trạm y tế mang túi thuốc B đến nhà"
        )


def _f1(rng: random.Random, site: Facility, result: CareResult) -> None:
    """The F1 exposed in the last fortnight, ordered household by household from the day they were exposed."""
    since = clock.now() - timedelta(days=QUARANTINE_DAYS - 1)
    states = TracingState.objects.filter(level=1, exposed_at__gte=since).values_list("person_id", "exposed_at")
    exposed = dict(states)
    households: dict[object, list[Person]] = defaultdict(list)
    for person in Person.objects.filter(pk__in=list(exposed)).order_by("pk"):
        households[person.household_id or f"p{person.pk}"].append(person)
    for members in households.values():
        start = timezone.localdate(min(exposed[p.pk] for p in members))
        at_site = rng.random() < F1_AT_SITE
        kind = OrderKind.F1_SITE if at_site else OrderKind.F1_HOME
        try:
            household_order_create(
                actor=ACTOR, people=members, kind=kind, starts_on=start, site=site if at_site else None
            )
        except ValidationError:  # already under another order, or the site is full
            continue
        if at_site:
            result.f1_site += len(members)
        else:
            result.f1_home += len(members)


def _release_tests(rng: random.Random, result: CareResult) -> None:
    """Half of the F0 due today already had the antigen test a health worker takes on the last day: recording its
    negative result through the labs services releases them."""
    now = clock.now()
    due = IsolationOrder.objects.filter(
        kind=OrderKind.F0_HOME, status=OrderStatus.ACTIVE, planned_end__lte=clock.today()
    ).select_related("person")
    for order in due.order_by("pk"):
        if rng.random() >= TESTED_SHARE:
            continue
        sample = sample_register(
            actor=ACTOR, person=order.person, kind=SampleKind.ANTIGEN, sampled_at=now - timedelta(hours=3)
        )
        sample_result_record(actor=ACTOR, sample=sample, reading=Reading(Result.NEGATIVE, now - timedelta(hours=2)))
        order.refresh_from_db(fields=["status"])
        result.released += order.status == OrderStatus.RELEASED
