"""Writes of targets: setting one (a metric, a value, a deadline, the directive point that set it), measuring every
target each day (a reading per day, and its status: met, missed, at risk or on track), and measuring a new target's
days back to its start."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from phongdich.core import audit, clock
from phongdich.core.background import in_background, run_later
from phongdich.core.choices import AuditAction
from phongdich.core.scoping import OutOfScope, scope_of
from phongdich.places.models import AdminUnit

from ..choices import TargetStatus
from ..metrics import METRICS, Metric, metric_value
from ..models import Directive, DirectivePoint, Target, TargetReading

MEASURE_ACTOR = "targets-measure"
TREND_DAYS = 14  # the readings a target's projection is drawn through
NAME_MAX = 200
VALUE_MAX = Decimal("9999999999.99")
CENT = Decimal("0.01")


def target_set(
    *,
    actor,
    unit: AdminUnit,
    name: str,
    metric: str,
    target_value,
    starts_on: date,
    deadline: date,
    point: DirectivePoint | None = None,
) -> Target:
    """A target for a unit's subtree: `metric` (a code of command.metrics) to reach `target_value` by `deadline`,
    tracked from `starts_on`; `point`, the directive point that set it. The unit and the point are looked up in the
    actor's jurisdiction first (missing or outside it: not found). Its days up to today are measured in the
    background."""
    scope = scope_of(actor, "command.add_target")
    unit_id = getattr(unit, "pk", None)
    found = AdminUnit.objects.filter(pk=unit_id).first() if unit_id is not None else None
    if found is None or not scope.covers_path(found.path):
        raise OutOfScope(_("No such unit in your jurisdiction."))
    if point is not None:
        point = (
            DirectivePoint.objects.filter(pk=point.pk, directive__in=Directive.objects.visible_to(actor))
            .select_related("directive__unit")
            .first()
        )
        if point is None:
            raise OutOfScope(_("No such directive point in your jurisdiction."))
    name = (name or "").strip()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("Name the target as the directive writes it.")
    elif len(name) > NAME_MAX:
        errors["name"] = _("At most %(count)d characters.") % {"count": NAME_MAX}
    chosen = METRICS.get(metric)
    if chosen is None:
        errors["metric"] = _("No metric %(code)s: choose one of the metrics the platform computes.") % {"code": metric}
    value = _value(target_value, chosen, errors)
    if starts_on and deadline and deadline < starts_on:
        errors["deadline"] = _("The deadline comes before the day tracking starts.")
    if point is not None and not found.path.startswith(point.directive.unit.path):
        errors["point"] = _("This directive was issued for %(unit)s: it sets no target for %(target)s.") % {
            "unit": point.directive.unit.name,
            "target": found.name,
        }
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        target = Target.objects.create(
            unit=found,
            name=name,
            metric=metric,
            target_value=value,
            starts_on=starts_on,
            deadline=deadline,
            point=point,
            created_at=clock.now(),
            created_by=audit.user_of(actor),
        )
        audit.record(actor=actor, action=AuditAction.CREATE, instance=target, after=audit.snapshot(target))
        if starts_on <= clock.today():
            run_later(target_backfill_later, target.pk)
    return target


def _value(raw, metric: Metric | None, errors: dict) -> Decimal:
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        errors["target_value"] = _("Write the target value as a number.")
        return Decimal(0)
    if not value.is_finite() or value < 0:
        errors["target_value"] = _("The target value is a number, 0 or more.")
    elif value > VALUE_MAX:
        errors["target_value"] = _("The target value is too large.")
    elif metric is not None and metric.kind == "percent" and value > 100:
        errors["target_value"] = _("A share in percent is at most 100.")
    return value.quantize(CENT, rounding=ROUND_HALF_UP) if value.is_finite() and value <= VALUE_MAX else value


# -- Status ---------------------------------------------------------------------------------------------------------


def reaches(value: Decimal | None, target_value: Decimal, higher_is_better: bool) -> bool:
    if value is None:
        return False
    return value >= target_value if higher_is_better else value <= target_value


def projection(readings: list[tuple[date, Decimal]], on: date) -> Decimal | None:
    """The least-squares line through the readings, at day `on`; None with fewer than two days."""
    if len(readings) < 2:
        return None
    origin = readings[0][0]
    xs = [float((day - origin).days) for day, _value in readings]
    ys = [float(value) for _day, value in readings]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    if not spread:
        return None
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread
    at = mean_y + slope * ((on - origin).days - mean_x)
    return Decimal(str(round(at, 2)))


def target_status(
    *, target_value: Decimal, deadline: date, higher_is_better: bool, readings: list[tuple[date, Decimal]], today: date
) -> str:
    """Met when the latest reading reaches the value; missed once the deadline has passed unmet; at risk when the
    line through the last 14 days of readings (fewer since the start) does not reach it by the deadline; else on
    track (too few readings to draw a line, with days left)."""
    latest = readings[-1][1] if readings else None
    if reaches(latest, target_value, higher_is_better):
        return TargetStatus.MET
    if today > deadline:
        return TargetStatus.MISSED
    if not readings:
        return TargetStatus.ON_TRACK
    last_day = readings[-1][0]
    recent = [(day, value) for day, value in readings if day > last_day - timedelta(days=TREND_DAYS)]
    at_deadline = projection(recent, deadline)
    if at_deadline is None:
        return TargetStatus.AT_RISK if last_day >= deadline else TargetStatus.ON_TRACK
    return TargetStatus.ON_TRACK if reaches(at_deadline, target_value, higher_is_better) else TargetStatus.AT_RISK


# -- Measuring ------------------------------------------------------------------------------------------------------


@dataclass
class MeasureReport:
    day: date
    measured: int = 0
    not_computable: int = 0
    changed: dict[int, tuple[str, str]] = field(default_factory=dict)


def targets_measure(*, day: date | None = None) -> MeasureReport:
    """Measure every target tracked on `day` (today by default): its metric as at the day's end (the deadline's, for
    a target past it not yet settled), stored as that day's reading (again: the same row, updated), and its status.
    Targets already met or missed before `day` stay as they are. Audited as one row naming the status changes."""
    day = day or clock.today()
    report = MeasureReport(day=day)
    targets = list(
        Target.objects.filter(starts_on__lte=day)
        .exclude(status__in=[TargetStatus.MET, TargetStatus.MISSED], deadline__lt=day)
        .select_related("unit")
        .order_by("pk")
    )
    readings = []
    for target in targets:
        on = min(day, target.deadline)
        value = metric_value(target.metric, target.unit, on) if target.metric in METRICS else None
        if value is None:
            report.not_computable += 1
            continue
        readings.append(TargetReading(target=target, day=on, value=_clamped(value)))
        report.measured += 1
    with transaction.atomic():
        _upsert(readings)
        _settle(targets, day, report)
    return report


def targets_backfill(*, target: Target) -> int:
    """Measure a target on every day from its start to today (its deadline, if earlier), then set its status; the
    days already read are read again. Returns the number of readings stored."""
    today = clock.today()
    last = min(today, target.deadline)
    readings = []
    if target.metric in METRICS:
        for offset in range((last - target.starts_on).days + 1):
            on = target.starts_on + timedelta(days=offset)
            value = metric_value(target.metric, target.unit, on)
            if value is not None:
                readings.append(TargetReading(target=target, day=on, value=_clamped(value)))
    with transaction.atomic():
        _upsert(readings)
        _settle([target], today, MeasureReport(day=today))
    return len(readings)


@in_background
def target_backfill_later(target_id: int) -> None:
    target = Target.objects.select_related("unit").filter(pk=target_id).first()
    if target is not None:
        targets_backfill(target=target)


def _clamped(value: Decimal) -> Decimal:
    return min(max(value, -VALUE_MAX), VALUE_MAX).quantize(CENT, rounding=ROUND_HALF_UP)


def _upsert(readings: list[TargetReading]) -> None:
    TargetReading.objects.bulk_create(
        readings, update_conflicts=True, unique_fields=["target", "day"], update_fields=["value"], batch_size=500
    )


def _settle(targets: list[Target], today: date, report: MeasureReport) -> None:
    """Each target's status and latest value from its readings: one query for all of them, one update."""
    if not targets:
        return
    since = min(target.starts_on for target in targets)
    history: dict[int, list[tuple[date, Decimal]]] = {target.pk: [] for target in targets}
    rows = TargetReading.objects.filter(target__in=targets, day__gte=since, day__lte=today).order_by("target_id", "day")
    for target_id, day, value in rows.values_list("target_id", "day", "value"):
        history[target_id].append((day, value))
    changed = []
    for target in targets:
        readings = [(day, value) for day, value in history[target.pk] if day >= target.starts_on]
        metric = METRICS.get(target.metric)
        status = target_status(
            target_value=target.target_value,
            deadline=target.deadline,
            higher_is_better=metric.higher_is_better if metric else True,
            readings=readings,
            today=today,
        )
        latest = readings[-1][1] if readings else None
        if (status, latest) != (target.status, target.latest_value):
            if status != target.status:
                report.changed[target.pk] = (target.status, status)
            target.status, target.latest_value = status, latest
            changed.append(target)
    Target.objects.bulk_update(changed, ["status", "latest_value"], batch_size=500)
    if report.changed:
        audit.record(
            actor=MEASURE_ACTOR,
            action=AuditAction.UPDATE,
            object_type="command.target",
            object_repr=f"{len(report.changed)} targets changed status",
            detail={
                "day": report.day.isoformat(),
                "changed": {str(pk): list(pair) for pk, pair in report.changed.items()},
            },
        )
