"""Reads that are more than a filter: rules in force, a round's live figures, a lab's load, who is overdue."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from phongdich.core import audit, clock
from phongdich.core.choices import AuditAction
from phongdich.core.models import AuditEvent
from phongdich.core.rules import in_force
from phongdich.people.models import ELDERLY_AGE, Household, Person
from phongdich.people.selectors import name_people
from phongdich.places.choices import OrganisationKind
from phongdich.places.models import AdminUnit
from phongdich.surveillance.models import TracingState
from phongdich.vaccination.selectors import rules_in_force as vaccination_rules

from .choices import PoolStatus, PriorityGroup, Result, SampleStatus
from .models import Lab, Pool, Sample, TestingPlan, TestingRound, TestingRules

PENDING = [SampleStatus.REGISTERED, SampleStatus.RECEIVED, SampleStatus.TESTED]


def imported_results(person_id: int, limit: int = 50) -> list[AuditEvent]:
    """A person's results that came in a lab's file, newest first, as the history entries they stand for (not
    saved): the file has one audit row, and each sample it changed points to its import."""
    samples = (
        Sample.objects.filter(person_id=person_id, result_import__isnull=False)
        .select_related("result_import__created_by")
        .order_by("-result_import__created_at", "-id")[:limit]
    )
    return [
        AuditEvent(
            at=job.finished_at or job.created_at,
            actor=job.created_by,
            actor_label=job.created_by.username if job.created_by else "lab-import",
            action=AuditAction.IMPORT,
            object_type="labs.sample",
            object_id=str(sample.pk),
            object_repr=sample.barcode,
            person_id=person_id,
            after={
                "barcode": sample.barcode,
                "result": sample.result or sample.status,
                "result_at": sample.result_at.isoformat() if sample.result_at else None,
                "file": job.file_name,
            },
        )
        for sample in samples
        if (job := sample.result_import) is not None
    ]


def rules_in_force(on: date | None = None) -> TestingRules:
    """The newest rules effective on `on` (today by default); the oldest version covers earlier dates."""
    return in_force(TestingRules, on)


def sample_for_reading(user, pk: int, *, photo: bool = False) -> Sample:
    """A sample the user may see (with its self-test photo, if asked), the read written to the audit trail.
    Raises DoesNotExist."""
    samples = Sample.objects.visible_to(user).select_related("person", "unit", "lab__facility", "pool", "round")
    sample = (samples.exclude(photo="") if photo else samples).get(pk=pk)
    audit.record(
        actor=user,
        action=AuditAction.READ,
        instance=sample,
        person_id=sample.person_id,
        detail={"photo": True} if photo else None,
    )
    return sample


EXPECTED_LIMIT = 200


def expected_pools(user, labs: QuerySet[Lab]) -> list[Pool]:
    """The pools sent to these labs and not yet received, oldest first, with their number of samples: what the
    receiving desk waits for (the first EXPECTED_LIMIT)."""
    pools = Pool.objects.visible_to(user).filter(lab__in=labs, status=PoolStatus.SENT)
    pools = pools.select_related("unit", "lab__facility").annotate(member_count=Count("samples"))
    return list(pools.order_by("created_at", "id")[:EXPECTED_LIMIT])


def round_groups(testing_round: TestingRound) -> QuerySet[AdminUnit]:
    """The residential groups a round covers: those it names, or every group in its area."""
    if testing_round.pk and testing_round.groups.exists():
        return testing_round.groups.all()
    return AdminUnit.objects.filter(path__prefix=testing_round.unit.path, level="group")


def in_round_area(testing_round: TestingRound, unit: AdminUnit) -> bool:
    if not unit.path.startswith(testing_round.unit.path):
        return False
    return not testing_round.groups.exists() or testing_round.groups.filter(pk=unit.pk).exists()


def percentile(sorted_values: list[int], share: float) -> float | None:
    """The value below which `share` of the values fall (linear between neighbours), as spreadsheets compute it."""
    if not sorted_values:
        return None
    position = (len(sorted_values) - 1) * share
    low = int(position)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


@dataclass
class Figures:
    """Coverage, pending results, positivity and turnaround of a set of samples over a population."""

    unit: AdminUnit | None = None
    residents: int = 0
    sampled: int = 0  # people with at least one sample
    pending: int = 0  # samples without a released result
    tested: int = 0  # people with a result
    positive: int = 0  # people with a positive result
    turnarounds: list[int] = field(default_factory=list, repr=False)

    @property
    def coverage(self) -> float | None:
        return self.sampled / self.residents if self.residents else None

    @property
    def positivity(self) -> float | None:
        return self.positive / self.tested if self.tested else None

    @property
    def turnaround_median_hours(self) -> float | None:
        value = percentile(self.turnarounds, 0.5)
        return None if value is None else value / 60

    @property
    def turnaround_p90_hours(self) -> float | None:
        value = percentile(self.turnarounds, 0.9)
        return None if value is None else value / 60

    def add(self, other: "Figures") -> None:
        for name in ("residents", "sampled", "pending", "tested", "positive"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.turnarounds.extend(other.turnarounds)


@dataclass
class RoundFigures:
    total: Figures
    by_group: list[Figures]
    cycle_days: int | None
    previous: TestingRound | None


def round_figures(testing_round: TestingRound) -> RoundFigures:
    """Live figures of a round per residential group: four grouped queries over the round's samples and the
    register, whatever the size of the area."""
    groups = {unit.pk: unit for unit in round_groups(testing_round).select_related("parent")}
    per_group = {pk: Figures(unit=unit) for pk, unit in groups.items()}
    residents = Person.objects.active().filter(unit_id__in=groups).values("unit_id").annotate(n=Count("id")).order_by()
    for row in residents:
        per_group[row["unit_id"]].residents = row["n"]
    samples = Sample.objects.filter(round=testing_round)
    counts = samples.values("unit_id").annotate(
        sampled=Count("person_id", distinct=True),
        pending=Count("id", filter=Q(status__in=PENDING)),
        tested=Count("person_id", distinct=True, filter=Q(result__in=[Result.POSITIVE, Result.NEGATIVE])),
        positive=Count("person_id", distinct=True, filter=Q(result=Result.POSITIVE)),
    )
    for row in counts.order_by():
        figures = per_group.get(row["unit_id"])
        if figures is not None:
            figures.sampled, figures.pending = row["sampled"], row["pending"]
            figures.tested, figures.positive = row["tested"], row["positive"]
    timed = samples.filter(turnaround_minutes__isnull=False).values_list("unit_id", "turnaround_minutes")
    for unit_id, minutes in timed.iterator(chunk_size=20_000):
        if unit_id in per_group and minutes is not None:
            per_group[unit_id].turnarounds.append(minutes)
    total = Figures()
    for figures in per_group.values():
        figures.turnarounds.sort()
        total.add(figures)
    total.turnarounds.sort()
    previous = (
        TestingRound.objects.filter(unit=testing_round.unit, starts_on__lt=testing_round.starts_on)
        .order_by("-starts_on")
        .first()
    )
    cycle = (testing_round.starts_on - previous.starts_on).days if previous else None
    ordered = sorted(per_group.values(), key=lambda f: f.unit.path if f.unit else "")
    return RoundFigures(total=total, by_group=ordered, cycle_days=cycle, previous=previous)


@dataclass
class HouseholdToVisit:
    household: Household
    members: list[Person]
    priority_groups: list[str]  # the round's priority groups someone in the household belongs to

    @property
    def priority_labels(self) -> list[str]:
        return [str(PriorityGroup(name).label) for name in self.priority_groups]


def households_not_sampled(testing_round: TestingRound, group: AdminUnit, limit: int = 1000) -> list[HouseholdToVisit]:
    """Households of a group where nobody has been sampled in the round, with their members: those with
    someone in one of the round's priority groups first, then the others, each part in address order."""
    sampled = Sample.objects.filter(round=testing_round, person__household_id=OuterRef("pk"))
    households = (
        Household.objects.filter(unit=group)
        .annotate(any_sampled=Exists(sampled))
        .filter(any_sampled=False)
        .prefetch_related(Prefetch("members", Person.objects.select_related("workplace").order_by("pk")))
        .order_by("address", "code")
    )
    belongs = priority_membership(testing_round, group)
    visits = []
    for household in households:
        members = list(household.members.all())
        found = {name for person in members for name in belongs(person)}
        visits.append(HouseholdToVisit(household, members, [g for g in testing_round.priority_groups if g in found]))
    visits.sort(key=lambda visit: not visit.priority_groups)  # stable: address order within each part
    return visits[:limit]


def walking_list_households(user, testing_round: TestingRound, group: AdminUnit) -> list[HouseholdToVisit]:
    """households_not_sampled for a printed walking list (names and addresses), its printing audited as an
    export of the group's list. A member who lives outside the user's jurisdiction (registered elsewhere since)
    is printed as a masked reference (`member.ref`), without their birth year or phone."""
    visits = households_not_sampled(testing_round, group)
    name_people(user, [member for visit in visits for member in visit.members], ref="pk")
    audit.record(
        actor=user,
        action=AuditAction.EXPORT,
        instance=group,
        detail={"document": "testing walking list", "round": testing_round.pk, "households": len(visits)},
    )
    return visits


def priority_membership(testing_round: TestingRound, group: AdminUnit):
    """person -> the round's priority groups the person belongs to. Front-line occupations are the ones the
    vaccination rules name; contacts are current F1 and F2 of the group."""
    wanted = set(testing_round.priority_groups)
    day = testing_round.starts_on
    contacts = set()
    if PriorityGroup.CONTACTS in wanted:
        current = TracingState.objects.filter(unit=group, cleared_at__isnull=True, level__in=[1, 2])
        contacts = set(current.values_list("person_id", flat=True))
    front_line = set(vaccination_rules(day).front_line_occupations) if PriorityGroup.FRONT_LINE in wanted else set()
    tests = {
        PriorityGroup.ELDERLY: lambda person: (person.age_on(day) or 0) >= ELDERLY_AGE,
        PriorityGroup.CHRONIC: lambda person: person.chronic_disease,
        PriorityGroup.PREGNANT: lambda person: person.pregnant,
        PriorityGroup.CONTACTS: lambda person: person.pk in contacts,
        PriorityGroup.WORKERS: lambda person: (
            person.workplace is not None
            and person.workplace.kind in (OrganisationKind.ENTERPRISE, OrganisationKind.MARKET)
        ),
        PriorityGroup.FRONT_LINE: lambda person: person.occupation in front_line,
    }
    chosen = [(name, tests[PriorityGroup(name)]) for name in testing_round.priority_groups if name in tests]
    return lambda person: [name for name, test in chosen if test(person)]


@dataclass
class LabLoad:
    lab: Lab
    backlog: int  # tests waiting: received samples tested alone, and received pools
    released_by_day: list[tuple[date, int]]
    turnaround_median_hours: float | None
    turnaround_p90_hours: float | None

    @property
    def backlog_days(self) -> float | None:
        return self.backlog / self.lab.daily_capacity if self.lab.daily_capacity else None


def lab_loads(labs: QuerySet[Lab], days: int = 14) -> list[LabLoad]:
    """Per lab: the backlog in tests, tests released per day (a pool is one test) and last week's turnaround.
    The same few queries however many labs: each figure is read for all of them at once."""
    today = clock.today()
    since = timezone.make_aware(datetime.combine(today - timedelta(days=days - 1), datetime.min.time()))
    labs_list = list(labs.select_related("facility"))
    ids = [lab.pk for lab in labs_list]
    backlog: dict[int, int] = defaultdict(int)
    waiting = [
        Sample.objects.filter(lab_id__in=ids, status=SampleStatus.RECEIVED, pool__isnull=True),
        Pool.objects.filter(lab_id__in=ids, status__in=[PoolStatus.RECEIVED, PoolStatus.RETEST]),
    ]
    for queryset in waiting:
        for lab_id, tests in queryset.values_list("lab_id").annotate(tests=Count("pk")).order_by():
            backlog[lab_id] += tests
    released: dict[int, dict[date, int]] = {pk: {today - timedelta(days=n): 0 for n in range(days)} for pk in ids}
    individual = Sample.objects.filter(lab_id__in=ids, pool__isnull=True, result_at__gte=since)
    pooled = Pool.objects.filter(lab_id__in=ids, results__result_at__gte=since)
    for lab_id, moment in [
        *individual.values_list("lab_id", "result_at"),
        *pooled.values_list("lab_id", "results__result_at"),
    ]:
        day = timezone.localdate(moment)
        if day in released[lab_id]:
            released[lab_id][day] += 1
    week = clock.now() - timedelta(days=7)
    minutes: dict[int, list[int]] = defaultdict(list)
    timed = Sample.objects.filter(lab_id__in=ids, result_at__gte=week, turnaround_minutes__isnull=False)
    for lab_id, turnaround in timed.values_list("lab_id", "turnaround_minutes"):
        if turnaround is not None:
            minutes[lab_id].append(turnaround)
    loads = []
    for lab in labs_list:
        ordered = sorted(minutes[lab.pk])
        median, p90 = percentile(ordered, 0.5), percentile(ordered, 0.9)
        loads.append(
            LabLoad(
                lab=lab,
                backlog=backlog[lab.pk],
                released_by_day=sorted(released[lab.pk].items()),
                turnaround_median_hours=None if median is None else median / 60,
                turnaround_p90_hours=None if p90 is None else p90 / 60,
            )
        )
    return loads


@dataclass
class Compliance:
    plan: TestingPlan
    staff: int
    overdue: int

    @property
    def share_on_time(self) -> float | None:
        return (self.staff - self.overdue) / self.staff if self.staff else None


def overdue_staff(plan: TestingPlan) -> QuerySet[Person]:
    """Staff with no sample taken within the plan's cadence."""
    since = clock.now() - timedelta(days=plan.every_days)
    recent = Sample.objects.filter(person_id=OuterRef("pk"), sampled_at__gte=since)
    return (
        Person.objects.active()
        .filter(workplace_id=plan.organisation_id)
        .annotate(last_sampled=Max("samples__sampled_at"))
        .filter(~Exists(recent))
        .order_by("last_sampled", "name_search")
    )


def plans_compliance(plans: QuerySet[TestingPlan]) -> list[Compliance]:
    """Staff and overdue staff per plan (as overdue_staff counts them), in two queries however many plans."""
    plans_list = list(plans.select_related("organisation"))
    staff = Person.objects.active().filter(workplace_id__in=[plan.organisation_id for plan in plans_list])
    last_sampled: dict[int, list] = defaultdict(list)
    for _pk, workplace_id, last in staff.values_list("pk", "workplace_id").annotate(last=Max("samples__sampled_at")):
        last_sampled[workplace_id].append(last)
    now = clock.now()
    rows = []
    for plan in plans_list:
        since = now - timedelta(days=plan.every_days)
        lasts = last_sampled[plan.organisation_id]
        overdue = sum(1 for last in lasts if last is None or last < since)
        rows.append(Compliance(plan=plan, staff=len(lasts), overdue=overdue))
    return rows
