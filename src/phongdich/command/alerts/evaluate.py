"""What each kind of alert rule finds in the records: one `Finding` per subject (a commune, a facility, a task's
unit, a target) whose condition holds at the rule's threshold. Each kind reads its records in one or two
aggregate queries whatever the number of units, then names the units it found in one more.

The summaries are written in the platform's language (the sweep sets it), like any text the system stores."""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Sum
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from phongdich.care.choices import AlertKind as CareAlertKind
from phongdich.care.choices import AlertStatus as CareAlertStatus
from phongdich.care.models import Alert as CareAlert
from phongdich.care.supplies.choices import Category
from phongdich.care.supplies.models import StockLevel
from phongdich.care.supplies.selectors import USE_DAYS, with_use
from phongdich.care.tower.choices import FacilityStatus
from phongdich.care.tower.models import Ward
from phongdich.core.templatetags.humanize_vi import num, num1
from phongdich.levels.choices import AssessmentStatus
from phongdich.levels.models import Assessment, LevelResult
from phongdich.places.choices import UnitLevel
from phongdich.places.models import AdminUnit

from ..choices import OPEN_TASK_STATUSES, AlertRuleKind, TargetStatus
from ..models import AlertRule, DailyFigures, Target, Task

CENT = Decimal("0.01")
POSITIVITY_DAYS = 7


@dataclass(frozen=True)
class Finding:
    subject: str
    unit_id: int
    value: Decimal
    summary: str
    link: str = ""
    facility_id: int | None = None
    threshold: Decimal | None = None  # the rule's, unless the subject carries its own (a target's value)


def decimal(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def url(name: str, *args, query: dict | None = None) -> str:
    """A page's address, or "" when the page does not exist (an app not installed): the alert keeps its subject."""
    try:
        address = reverse(name, args=args)
    except NoReverseMatch:
        return ""
    return f"{address}?{urlencode(query)}" if query else address


def _prefixes(path: str) -> list[str]:
    """A path and every path above it: "legacy:74/725/" -> ["legacy:74/", "legacy:74/725/"]."""
    parts = path.rstrip("/").split("/")
    return ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def rolled_up(counts: dict[str, int], levels: Iterable[str]) -> list[tuple[AdminUnit, int]]:
    """Counts by unit path summed into each unit of the given levels above (or at) those paths: one query."""
    levels = list(levels)
    prefixes = {prefix for path in counts for prefix in _prefixes(path)}
    if not prefixes or not levels:
        return []
    units = {
        unit.path: unit
        for unit in AdminUnit.objects.filter(path__in=prefixes, level__in=levels).only("pk", "path", "name", "level")
    }
    totals: dict[str, int] = defaultdict(int)
    for path, count in counts.items():
        for prefix in _prefixes(path):
            if prefix in units:
                totals[prefix] += count
    return [(units[path], total) for path, total in sorted(totals.items())]


def _above(value: Decimal, threshold: Decimal) -> bool:
    return value > threshold


# -- Home care (care.Alert) ----------------------------------------------------------------------------------------


def home_care_unacknowledged(rule: AlertRule, now: datetime) -> list[Finding]:
    """Warning-sign alerts of people treated at home that nobody acknowledged by their time, per unit."""
    rows = (
        CareAlert.objects.filter(kind=CareAlertKind.WARNING_SIGN, status=CareAlertStatus.OPEN, acknowledge_by__lt=now)
        .order_by()
        .values_list("unit__path")
        .annotate(n=Count("pk"))
    )
    found = []
    for unit, count in rolled_up(dict(rows), rule.unit_levels or ["commune"]):
        if _above(Decimal(count), rule.threshold):
            summary = ngettext(
                "%(n)s home-care warning not acknowledged in time in %(unit)s",
                "%(n)s home-care warnings not acknowledged in time in %(unit)s",
                count,
            ) % {"n": num(count), "unit": unit.name}
            query = {"state": "overdue", "kind": CareAlertKind.WARNING_SIGN.value, "unit": unit.pk}
            found.append(
                Finding(f"home_care:{unit.pk}", unit.pk, decimal(count), summary, url("care:alerts", query=query))
            )
    return found


def missed_reports(rule: AlertRule, now: datetime) -> list[Finding]:
    """People at home whose missed-report alert is not closed (no report since), per unit."""
    rows = (
        CareAlert.objects.filter(kind=CareAlertKind.MISSED_REPORTS, raised_at__lte=now)
        .exclude(status=CareAlertStatus.CLOSED)
        .order_by()
        .values_list("unit__path")
        .annotate(n=Count("person_id", distinct=True))
    )
    found = []
    for unit, count in rolled_up(dict(rows), rule.unit_levels or ["commune"]):
        if _above(Decimal(count), rule.threshold):
            summary = ngettext(
                "%(n)s person has missed their self-reports in %(unit)s",
                "%(n)s people have missed their self-reports in %(unit)s",
                count,
            ) % {"n": num(count), "unit": unit.name}
            link = url("care:missed", query={"unit": unit.pk})
            found.append(Finding(f"missed_reports:{unit.pk}", unit.pk, decimal(count), summary, link))
    return found


# -- Facilities (care.tower, care.supplies) --------------------------------------------------------------------------


def bed_occupancy(rule: AlertRule, now: datetime) -> list[Finding]:
    """Facilities of the tower still admitting whose beds are taken (occupied or held for a transfer) above the
    threshold, in percent of their beds."""
    rows = (
        Ward.objects.exclude(facility__tower__status=FacilityStatus.RETURNED)
        .order_by()
        .values("facility_id", "facility__unit_id", "facility__name")
        .annotate(beds=Sum("beds"), taken=Sum(F("occupied") + F("held")))
        .filter(beds__gt=0)
    )
    found = []
    for row in rows:
        percent = decimal(Decimal(row["taken"]) * 100 / row["beds"])
        if _above(percent, rule.threshold):
            summary = _("Bed occupancy at %(facility)s is %(value)s%%: %(taken)s of %(beds)s beds taken") % {
                "facility": row["facility__name"],
                "value": num1(percent),
                "taken": num(row["taken"]),
                "beds": num(row["beds"]),
            }
            found.append(
                Finding(
                    f"beds:{row['facility_id']}",
                    row["facility__unit_id"],
                    percent,
                    summary,
                    url("care:tower_facility", row["facility_id"]),
                    facility_id=row["facility_id"],
                )
            )
    return found


def oxygen_cover(rule: AlertRule, now: datetime) -> list[Finding]:
    """Facilities whose oxygen (an item used up) lasts fewer days than the threshold at their average daily use
    over the last week; the item that runs out first speaks for the facility."""
    levels = with_use(StockLevel.objects.filter(item__category=Category.OXYGEN, item__consumable=True).order_by())
    rows = levels.filter(used__gt=0).values_list(
        "facility_id", "facility__unit_id", "facility__name", "item__name", "quantity", "used"
    )
    shortest: dict[int, tuple] = {}
    for facility_id, unit_id, facility_name, item_name, quantity, used in rows:
        days = decimal(Decimal(quantity) * USE_DAYS / used)
        if facility_id not in shortest or days < shortest[facility_id][0]:
            shortest[facility_id] = (days, unit_id, facility_name, item_name)
    found = []
    for facility_id, (days, unit_id, facility_name, item_name) in sorted(shortest.items()):
        if days < rule.threshold:
            summary = _("%(item)s at %(facility)s lasts %(days)s days at the current use") % {
                "item": item_name,
                "facility": facility_name,
                "days": num1(days),
            }
            link = url("care:supply_facility", facility_id)
            found.append(Finding(f"oxygen:{facility_id}", unit_id, days, summary, link, facility_id=facility_id))
    return found


# -- The command centre's own records -------------------------------------------------------------------------------


def overdue_tasks(rule: AlertRule, now: datetime) -> list[Finding]:
    """Units whose tasks still open are past their deadline, above the threshold in number."""
    today = timezone.localdate(now)
    tasks = Task.objects.filter(status__in=OPEN_TASK_STATUSES, deadline__lt=today)
    if rule.unit_levels:
        tasks = tasks.filter(unit__level__in=rule.unit_levels)
    rows = tasks.order_by().values_list("unit_id", "unit__name").annotate(n=Count("pk"))
    found = []
    for unit_id, unit_name, count in sorted(rows):
        if _above(Decimal(count), rule.threshold):
            summary = ngettext(
                "%(n)s task past its deadline in %(unit)s", "%(n)s tasks past their deadline in %(unit)s", count
            ) % {"n": num(count), "unit": unit_name}
            link = url("command:tasks", query={"unit": unit_id, "overdue": "true"})
            found.append(Finding(f"tasks:{unit_id}", unit_id, decimal(count), summary, link))
    return found


def positivity(rule: AlertRule, now: datetime) -> list[Finding]:
    """Units whose tests of the last 7 days (to the sweep's day) were positive above the threshold, in percent,
    read from the daily figures (each unit's row is its whole subtree)."""
    today = timezone.localdate(now)
    rows = (
        DailyFigures.objects.filter(
            day__gt=today - timedelta(days=POSITIVITY_DAYS),
            day__lte=today,
            unit__level__in=rule.unit_levels or ["district"],
        )
        .order_by()
        .values_list("unit_id", "unit__name")
        .annotate(tests=Sum("tests"), positives=Sum("positives"))
        .filter(tests__gt=0)
    )
    found = []
    for unit_id, unit_name, tests, positives in sorted(rows):
        percent = decimal(Decimal(positives) * 100 / tests)
        if _above(percent, rule.threshold):
            summary = _(
                "Test positivity over 7 days in %(unit)s is %(value)s%%: %(positives)s positive of %(tests)s tests"
            ) % {"unit": unit_name, "value": num1(percent), "positives": num(positives), "tests": num(tests)}
            found.append(Finding(f"positivity:{unit_id}", unit_id, percent, summary, url("places:detail", unit_id)))
    return found


def level_rising(rule: AlertRule, now: datetime) -> list[Finding]:
    """Units whose level in the latest published assessment is at least the threshold (in levels) above their level
    in the one published before it."""
    published = list(Assessment.objects.filter(status=AssessmentStatus.PUBLISHED).order_by("-effective_at", "-id")[:2])
    if len(published) < 2:
        return []
    latest, previous = published
    before = dict(LevelResult.objects.filter(assessment=previous, level__isnull=False).values_list("unit_id", "level"))
    rows = LevelResult.objects.filter(assessment=latest, level__isnull=False)
    if rule.unit_levels:
        rows = rows.filter(unit__level__in=rule.unit_levels)
    found = []
    for result_id, unit_id, unit_name, unit_level, parent_name, level in rows.order_by("unit_path").values_list(
        "pk", "unit_id", "unit__name", "unit__level", "unit__parent__name", "level"
    ):
        earlier = before.get(unit_id)
        if earlier is None or level is None or level - earlier < rule.threshold:
            continue
        if unit_level == UnitLevel.GROUP and parent_name:  # group names repeat: "Khu phố 1, Phường Lái Thiêu"
            unit_name = f"{unit_name}, {parent_name}"
        summary = _(
            "%(unit)s rose from level %(before)s to level %(after)s in the assessment of the week from %(week)s"
        ) % {
            "unit": unit_name,
            "before": earlier,
            "after": level,
            "week": f"{latest.week:%d/%m/%Y}",
        }
        found.append(
            Finding(f"level:{unit_id}", unit_id, decimal(level - earlier), summary, url("levels:result", result_id))
        )
    return found


def target_at_risk(rule: AlertRule, now: datetime) -> list[Finding]:
    """Targets whose last measure found them at risk or missed."""
    targets = Target.objects.filter(status__in=[TargetStatus.AT_RISK, TargetStatus.MISSED])
    if rule.unit_levels:
        targets = targets.filter(unit__level__in=rule.unit_levels)
    found = []
    for target in targets.order_by("deadline", "pk"):
        message = (
            _("Target “%(name)s” was missed: %(value)s of %(target)s by %(deadline)s")
            if target.status == TargetStatus.MISSED
            else _("Target “%(name)s” is at risk: %(value)s of %(target)s by %(deadline)s")
        )
        value = target.latest_value
        summary = message % {
            "name": target.name,
            "value": num1(value) if value is not None else "—",
            "target": num1(target.target_value),
            "deadline": f"{target.deadline:%d/%m/%Y}",
        }
        found.append(
            Finding(
                f"target:{target.pk}",
                target.unit_id,
                decimal(value or 0),
                summary,
                url("command:target", target.pk),
                threshold=target.target_value,
            )
        )
    return found


EVALUATORS: dict[str, Callable[[AlertRule, datetime], list[Finding]]] = {
    AlertRuleKind.HOME_CARE_UNACKNOWLEDGED: home_care_unacknowledged,
    AlertRuleKind.MISSED_REPORTS: missed_reports,
    AlertRuleKind.BED_OCCUPANCY: bed_occupancy,
    AlertRuleKind.OXYGEN_COVER: oxygen_cover,
    AlertRuleKind.OVERDUE_TASKS: overdue_tasks,
    AlertRuleKind.POSITIVITY: positivity,
    AlertRuleKind.LEVEL_RISING: level_rising,
    AlertRuleKind.TARGET_AT_RISK: target_at_risk,
}


def evaluate(rule: AlertRule, now: datetime) -> list[Finding]:
    return EVALUATORS[rule.kind](rule, now)
