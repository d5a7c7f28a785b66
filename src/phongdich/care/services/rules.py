"""Isolation rules as data: a new version, checked cell by cell before it is stored; and, once a version that ends
kinds of order has taken effect, the release of every active order of those kinds (1909/BYT-DP: F1 are no longer
quarantined)."""

import json
from datetime import date

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from phongdich.core import audit, clock
from phongdich.core.background import in_background, run_later
from phongdich.core.bulk import json_values
from phongdich.core.choices import AuditAction
from phongdich.core.import_flow import WriterPace
from phongdich.core.rules import version_add

from ..choices import Condition, OrderKind, OrderStatus, ReleaseTest
from ..models import IsolationOrder, IsolationRules

RULES_ACTOR = "isolation-rules"  # the actor of the releases a version makes: the rules, not a person
ENDED_BY_RULES = "rules_ended"
DAYS = (1, 60)
MONITOR_DAYS = (0, 60)
RECOVERED_MONTHS = (1, 24)
DISCHARGE_LIMITS = {
    "day": (1, 60),
    "negative_tests": (0, 5),
    "hours_apart": (0, 72),
    "ct_at_least": (0, 45),
    "home_days": (0, 60),
    "monitor_days": (0, 60),
}


def isolation_rules_add(
    *,
    actor,
    effective_from: date,
    source_document: str,
    document_date: date | None,
    durations: dict,
    recovered_months: int,
    ends_kinds: list[str] | None = None,
    discharge: dict | None = None,
) -> IsolationRules:
    """A new version of the isolation rules, province-wide, citing its document. Orders starting from its date are
    planned by it; if it ends kinds of order and has already taken effect, their active orders are released in the
    background (isolation_rules_apply), queued with the version itself."""
    ends_kinds, discharge = list(ends_kinds or []), dict(discharge or {})
    errors = {
        "durations": durations_errors(durations),
        "ends_kinds": ends_kinds_errors(ends_kinds, durations),
        "discharge": discharge_errors(discharge),
    }
    with transaction.atomic():
        version = version_add(
            actor=actor,
            model=IsolationRules,
            effective_from=effective_from,
            source_document=source_document,
            document_date=document_date,
            values={
                "durations": durations_tidied(durations) if not errors["durations"] else durations,
                "recovered_months": recovered_months,
                "ends_kinds": ends_kinds,
                "discharge": discharge,
            },
            fields=["durations", "recovered_months", "ends_kinds", "discharge"],
            limits={"recovered_months": RECOVERED_MONTHS},
            refusal=_("Only a province-level administrator changes the isolation rules."),
            errors={field: messages for field, messages in errors.items() if messages},
        )
        if version.ends_kinds and version.effective_from <= clock.today():
            run_later(isolation_rules_apply_later, version.pk)
    return version


# -- Checking a durations table --------------------------------------------------------------------------------


def durations_errors(durations) -> list[str]:
    """Every fault of a durations table ({kind: {condition: plan}}), each naming its kind and condition."""
    if not isinstance(durations, dict) or not durations:
        return [_("Give the plan of at least one kind of order.")]
    errors = []
    for kind, by_condition in durations.items():
        if kind not in OrderKind.values:
            errors.append(_("“%(kind)s” is not a kind of order.") % {"kind": kind})
            continue
        kind_label = OrderKind(kind).label
        if not isinstance(by_condition, dict) or Condition.NONE not in by_condition:
            errors.append(
                _("%(kind)s: give the plan for people neither fully vaccinated nor recently recovered.")
                % {"kind": kind_label}
            )
        for condition, one_plan in (by_condition if isinstance(by_condition, dict) else {}).items():
            if condition not in Condition.values:
                errors.append(
                    _("%(kind)s: “%(condition)s” is not a condition.") % {"kind": kind_label, "condition": condition}
                )
                continue
            errors += plan_errors(one_plan, f"{kind_label}, {Condition(condition).label.lower()}")
    return errors


def plan_errors(one_plan, where: str) -> list[str]:
    if not isinstance(one_plan, dict):
        return [_("%(where)s: give the days, the test days and the test.") % {"where": where}]
    errors = []
    days, monitor_days = one_plan.get("days"), one_plan.get("monitor_days", 0)
    if not _whole_between(days, *DAYS):
        errors.append(_("%(where)s: the days of isolation are a whole number from 1 to 60.") % {"where": where})
    if not _whole_between(monitor_days, *MONITOR_DAYS):
        errors.append(_("%(where)s: the days of self-monitoring are a whole number from 0 to 60.") % {"where": where})
    test = one_plan.get("test", ReleaseTest.NONE)
    if test not in ReleaseTest.values:
        errors.append(_("%(where)s: “%(test)s” is not a kind of test.") % {"where": where, "test": test})
    test_days = one_plan.get("test_days", [])
    if not isinstance(test_days, list) or not all(_whole_between(day, 1, 10_000) for day in test_days):
        return [*errors, _("%(where)s: test days are day numbers, day 1 being the start.") % {"where": where}]
    if _whole_between(days, *DAYS):
        for day in sorted({day for day in test_days if day > days}):
            errors.append(
                _("%(where)s: test day %(day)d falls after the %(days)d days of isolation.")
                % {"where": where, "day": day, "days": days}
            )
    for day in sorted({day for day in test_days if test_days.count(day) > 1}):
        errors.append(_("%(where)s: test day %(day)d is given twice.") % {"where": where, "day": day})
    if test in ReleaseTest.values and test != ReleaseTest.NONE and not test_days:
        errors.append(_("%(where)s: give the day of the test needed for release.") % {"where": where})
    if test == ReleaseTest.NONE and test_days:
        errors.append(_("%(where)s: test days are given but no test is named.") % {"where": where})
    return errors


def _whole_between(value, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def durations_tidied(durations: dict) -> dict:
    """A valid table as stored: each plan with its four keys, test days in order."""
    return {
        kind: {
            condition: {
                "days": one_plan["days"],
                "monitor_days": one_plan.get("monitor_days", 0),
                "test_days": sorted(one_plan.get("test_days", [])),
                "test": one_plan.get("test", ReleaseTest.NONE),
            }
            for condition, one_plan in by_condition.items()
        }
        for kind, by_condition in durations.items()
    }


def ends_kinds_errors(ends_kinds: list, durations) -> list[str]:
    errors = []
    for kind in ends_kinds:
        if kind not in OrderKind.values:
            errors.append(_("“%(kind)s” is not a kind of order.") % {"kind": kind})
        elif isinstance(durations, dict) and kind in durations:
            errors.append(
                _("%(kind)s: a version cannot both end this kind of order and plan new ones.")
                % {"kind": OrderKind(kind).label}
            )
    return errors


def discharge_errors(discharge: dict) -> list[str]:
    errors = []
    for name, value in discharge.items():
        if name not in DISCHARGE_LIMITS:
            errors.append(_("“%(name)s” is not part of the discharge rule.") % {"name": name})
        elif not _whole_between(value, *DISCHARGE_LIMITS[name]):
            low, high = DISCHARGE_LIMITS[name]
            errors.append(
                _("%(name)s: a whole number from %(low)d to %(high)d.")
                % {"name": discharge_label(name), "low": low, "high": high}
            )
    return errors


def discharge_label(name: str) -> str:
    return {
        "day": _("Discharge from day"),
        "negative_tests": _("Negative tests"),
        "hours_apart": _("Hours between the tests"),
        "ct_at_least": _("Or a Ct value of at least"),
        "home_days": _("Days at home after discharge"),
        "monitor_days": _("Days of self-monitoring after discharge"),
    }.get(name, name)


# -- Applying a version that ends kinds of order ---------------------------------------------------------------


def isolation_rules_apply(*, version: IsolationRules, slice_rows: int | None = None) -> int:
    """Release every active order of the kinds `version` ends that was planned under an earlier version: status
    released, ended on the version's date (or the order's start, if later), reason "ended by <document>", one audit
    row each. Slice by slice, each its own short transaction (other writers wait one slice at most); killed, it
    loses only the slice in progress, and a re-run goes on with the orders still active. `applied_at` is set once
    none is left. Returns the orders this run released; nothing before the version takes effect or once applied."""
    if version.applied_at is not None or not version.ends_kinds or version.effective_from > clock.today():
        return 0
    pace = WriterPace(slice_rows)  # slices shrink while other writers wait for SQLite's lock, grow while none does
    release = Release(version)
    released = 0
    while count := release.next_slice(pace.size):
        released += count
        pace.after_commit()
    _mark_applied(version, released)
    return released


class Release:
    """The orders a version ends, released a slice at a time."""

    def __init__(self, version: IsolationRules):
        self.version = version
        earlier = IsolationRules.objects.filter(effective_from__lt=version.effective_from).values_list("pk", flat=True)
        self.still_active = IsolationOrder.objects.filter(
            status=OrderStatus.ACTIVE, kind__in=version.ends_kinds, rules_id__in=list(earlier)
        ).order_by()  # any order: read along the (status, kind, …) index, never sorted
        self.params = {"document": version.source_document}
        self.labels = {kind: str(OrderKind(kind).label) for kind in version.ends_kinds}
        self.after_on_date = self._after(version.effective_from)  # encoded once: nearly every row says the same

    def next_slice(self, size: int) -> int:
        with transaction.atomic():
            rows = list(
                self.still_active.select_for_update(skip_locked=True, of=("self",)).values_list(
                    "id", "person_id", "kind", "starts_on", "unit__path"
                )[:size]
            )
            if not rows:
                return 0
            IsolationOrder.objects.filter(pk__in=json_values([row[0] for row in rows])).update(
                status=OrderStatus.RELEASED,
                ended_on=Greatest(F("starts_on"), Value(self.version.effective_from)),
                end_reason=ENDED_BY_RULES,
                end_params=self.params,
            )
            audit.record_many(
                actor=RULES_ACTOR,
                action=AuditAction.UPDATE,
                object_type=IsolationOrder._meta.label_lower,
                rows=[
                    (pk, f"{self.labels[kind]} #{pk}", person_id, unit_path, self._after_for(starts_on))
                    for pk, person_id, kind, starts_on, unit_path in rows
                ],
            )
        return len(rows)

    def _after_for(self, starts_on: date) -> str:
        return self.after_on_date if starts_on <= self.version.effective_from else self._after(starts_on)

    def _after(self, ended_on: date) -> str:
        return json.dumps(
            {
                "status": OrderStatus.RELEASED.value,
                "ended_on": ended_on.isoformat(),
                "end_reason": ENDED_BY_RULES,
                "end_params": self.params,
            },
            ensure_ascii=False,
        )


def _mark_applied(version: IsolationRules, released: int) -> None:
    with transaction.atomic():
        fresh = IsolationRules.objects.select_for_update().filter(pk=version.pk, applied_at__isnull=True).first()
        if fresh is None:  # another run finished it meanwhile
            return
        fresh.applied_at = version.applied_at = timezone.now()
        fresh.save(update_fields=["applied_at"])
        audit.record(
            actor=RULES_ACTOR,
            action=AuditAction.UPDATE,
            instance=fresh,
            before={"applied_at": None},
            after={"applied_at": fresh.applied_at.isoformat()},
            detail={"released_by_this_run": released},
        )


@in_background
def isolation_rules_apply_later(version_id: int) -> None:
    """The background run queued when a version that ends kinds of order is added on or after its date."""
    version = IsolationRules.objects.filter(pk=version_id).first()
    if version is not None:
        isolation_rules_apply(version=version)


def rules_due_apply() -> int:
    """The daily check (`phongdich care apply-rules`, or any scheduler calling it): every version that ends kinds of
    order, has taken effect and is not applied yet, applied in date order. Returns the orders released."""
    due = IsolationRules.objects.filter(applied_at__isnull=True, effective_from__lte=clock.today())
    return sum(
        isolation_rules_apply(version=version) for version in due.order_by("effective_from") if version.ends_kinds
    )
