"""What an order will be: the isolation rules in force on its start date, read for the person's condition then.

`plan_for(person, kind, starts_on)` finds the version (`core.rules.in_force`), the person's condition on that date
(fully vaccinated: a dose that completes the primary series given on or before it; recovered: a case confirmed
within the version's `recovered_months` before it; otherwise neither) and the version's row for that kind and
condition, falling back to the row for "none" when the version makes no difference for the condition. Day 1 is the
start date: 7 days from the 1st end on the 7th."""

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from phongdich.core.rules import in_force
from phongdich.people.models import Person

from .choices import F0_KINDS, Condition, OrderKind
from .models import IsolationRules


@dataclass(frozen=True)
class Plan:
    rules: IsolationRules
    kind: str
    starts_on: date
    condition: str  # the person's condition on the start date (care.choices.Condition)
    condition_params: dict  # the dose or the past infection behind it, and the row used when it fell back
    days: int
    monitor_days: int
    test_days: list[date] = field(default_factory=list)
    release_test: str = "none"

    @property
    def planned_end(self) -> date:
        return self.starts_on + timedelta(days=self.days - 1)

    @property
    def monitor_until(self) -> date | None:
        return self.planned_end + timedelta(days=self.monitor_days) if self.monitor_days else None

    def order_fields(self) -> dict:
        """The fields of an IsolationOrder this plan sets."""
        return {
            "rules": self.rules,
            "starts_on": self.starts_on,
            "planned_end": self.planned_end,
            "monitor_until": self.monitor_until,
            "test_days": [day.isoformat() for day in self.test_days],
            "release_test": self.release_test,
            "condition": self.condition,
            "condition_params": self.condition_params,
        }


def plan_for(person: Person, kind: str, starts_on: date, case=None) -> Plan:
    """The plan of an order of `kind` for `person` from `starts_on`; `case` is the order's own case, which is not a
    past infection. A kind the rules in force do not order is refused, naming their document."""
    rules = in_force(IsolationRules, starts_on)
    rows = (rules.durations or {}).get(kind)
    if not rows:
        raise ValidationError({"kind": _not_ordered(rules, kind)})
    condition, params = condition_on(person, starts_on, rules.recovered_months, kind=kind, case=case)
    row_key = condition if condition in rows else Condition.NONE.value
    row = rows.get(row_key)
    if row is None:
        raise ValidationError({"kind": _not_ordered(rules, kind)})
    if row_key != condition:
        params = {**params, "row": row_key}
    return Plan(
        rules=rules,
        kind=kind,
        starts_on=starts_on,
        condition=condition,
        condition_params=params,
        days=int(row["days"]),
        monitor_days=int(row.get("monitor_days") or 0),
        test_days=[starts_on + timedelta(days=int(day) - 1) for day in row.get("test_days") or []],
        release_test=row.get("test") or "none",
    )


def _not_ordered(rules: IsolationRules, kind: str) -> str:
    if not rules.pk:
        return _("No isolation rules are recorded yet: the province's administrator adds them under Care rules.")
    return _("%(kind)s is not ordered under %(document)s, in force on this date.") % {
        "kind": OrderKind(kind).label if kind in OrderKind.values else kind,
        "document": rules.source_document,
    }


def condition_on(person: Person, day: date, recovered_months: int, *, kind: str = "", case=None) -> tuple[str, dict]:
    """(condition, what it rests on) for `person` on `day`. A fully vaccinated person counts as vaccinated even if
    also recovered. For an F0's order the person's active case is the illness being isolated, not a past one."""
    from phongdich.surveillance.choices import CaseStatus
    from phongdich.surveillance.models import Case
    from phongdich.vaccination.models import Dose

    dose = (
        Dose.objects.filter(person=person, completes_series=True, given_on__lte=day)
        .order_by("-given_on", "-id")
        .values("id", "given_on")
        .first()
    )
    if dose:
        return Condition.VACCINATED, {"dose": dose["id"], "given_on": dose["given_on"].isoformat()}
    since = months_before(day, recovered_months)
    past = Case.objects.filter(person=person, confirmed_at__date__gte=since, confirmed_at__date__lte=day).exclude(
        status=CaseStatus.RULED_OUT
    )
    if case is not None:
        past = past.exclude(pk=case.pk)
    if kind in F0_KINDS:
        past = past.exclude(status=CaseStatus.ACTIVE)
    found = past.order_by("-confirmed_at").values("id", "confirmed_at").first()
    if found:
        return Condition.RECOVERED, {
            "case": found["id"],
            "confirmed_on": timezone.localdate(found["confirmed_at"]).isoformat(),
        }
    return Condition.NONE, {}


def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier (the month's last day when it is shorter: 31/3 - 1 → 28/2)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))
