"""Writes of the alert centre: the default rules, a rule's threshold, roles and use changed, the sweep that raises,
updates and marks cleared the alerts of every active rule, and a person acknowledging or resolving an alert."""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from phongdich.accounts.roles import Role, role_grants
from phongdich.core import audit, clock
from phongdich.core.choices import AuditAction
from phongdich.core.scoping import OutOfScope, scope_of
from phongdich.places.choices import UnitLevel

from ..choices import AlertRuleKind, AlertSeverity, AlertState
from ..models import Alert, AlertRule
from .evaluate import Finding, evaluate

SWEEP_ACTOR = "alerts-sweep"
VIEW = "command.view_alert"
RESOLUTION_MAX = 300
BATCH = 500

# Who watches what. Home care is the commune's and its health station's; beds and oxygen the tower's and the
# command's above it; tasks, positivity, levels and targets the command centres'.
COMMUNE_CARE = [Role.COMMUNE_OFFICER, Role.HEALTH_WORKER]
TOWER = [Role.PROVINCE_COMMANDER, Role.DISTRICT_OFFICER, Role.HEALTH_WORKER]
COMMAND = [Role.PROVINCE_COMMANDER, Role.DISTRICT_OFFICER, Role.COMMUNE_OFFICER]

# (code, kind, name, threshold, severity, roles, unit levels): names are data, in the platform's language.
DEFAULT_RULES = [
    (
        "home_care_unack",
        AlertRuleKind.HOME_CARE_UNACKNOWLEDGED,
        "Cảnh báo của F0 điều trị tại nhà chưa được xác nhận đúng hạn",
        Decimal(0),
        AlertSeverity.CRITICAL,
        COMMUNE_CARE,
        [UnitLevel.COMMUNE],
    ),
    (
        "missed_reports",
        AlertRuleKind.MISSED_REPORTS,
        "Người điều trị tại nhà không gửi tự theo dõi sức khỏe",
        Decimal(5),
        AlertSeverity.WARNING,
        COMMUNE_CARE,
        [UnitLevel.COMMUNE],
    ),
    (
        "bed_occupancy",
        AlertRuleKind.BED_OCCUPANCY,
        "Công suất giường bệnh trên 85%",
        Decimal(85),
        AlertSeverity.WARNING,
        TOWER,
        [],
    ),
    (
        "oxygen_cover",
        AlertRuleKind.OXYGEN_COVER,
        "Oxy dự trữ dưới 3 ngày sử dụng",
        Decimal(3),
        AlertSeverity.CRITICAL,
        TOWER,
        [],
    ),
    (
        "overdue_tasks",
        AlertRuleKind.OVERDUE_TASKS,
        "Nhiệm vụ quá hạn chưa hoàn thành",
        Decimal(0),
        AlertSeverity.WARNING,
        COMMAND,
        [],
    ),
    (
        "positivity",
        AlertRuleKind.POSITIVITY,
        "Tỷ lệ xét nghiệm dương tính 7 ngày trên 5%",
        Decimal(5),
        AlertSeverity.WARNING,
        COMMAND,
        [UnitLevel.DISTRICT],
    ),
    (
        "level_rising",
        AlertRuleKind.LEVEL_RISING,
        "Cấp độ dịch của địa bàn tăng",
        Decimal(1),
        AlertSeverity.WARNING,
        COMMAND,
        [UnitLevel.DISTRICT, UnitLevel.COMMUNE],  # a residential group's level is its commune's business
    ),
    (
        "target_at_risk",
        AlertRuleKind.TARGET_AT_RISK,
        "Chỉ tiêu có nguy cơ không đạt hoặc không đạt",
        Decimal(0),
        AlertSeverity.WARNING,
        COMMAND,
        [],
    ),
]

PERCENT_KINDS = {AlertRuleKind.BED_OCCUPANCY, AlertRuleKind.POSITIVITY}
LEVELS_UP = (1, 3)  # a level rises by one to three levels


def alert_rules_default(*, actor=SWEEP_ACTOR) -> list[AlertRule]:
    """Create the default rules that are missing (by code); an existing rule keeps what was set for it. Returns the
    rules created, audited as one row."""
    created = []
    with transaction.atomic():
        existing = set(AlertRule.objects.values_list("code", flat=True))
        for code, kind, name, threshold, severity, roles, levels in DEFAULT_RULES:
            if code in existing:
                continue
            created.append(
                AlertRule.objects.create(
                    code=code,
                    kind=kind,
                    name=name,
                    threshold=threshold,
                    severity=severity,
                    roles=[str(role) for role in roles],
                    unit_levels=[str(level) for level in levels],
                    changed_at=clock.now(),
                    changed_by=audit.user_of(actor),
                )
            )
        if created:
            audit.record(
                actor=actor,
                action=AuditAction.CREATE,
                object_type="command.alertrule",
                object_repr=f"{len(created)} default alert rules",
                after={"codes": [rule.code for rule in created]},
            )
    return created


def alert_roles() -> list[str]:
    """The roles that may see alerts: the only ones an alert rule can send its alerts to."""
    return [role.value for role in Role if role_grants(role.value, VIEW)]


def alert_rule_change(
    *, actor, rule: AlertRule, threshold, active: bool, roles: list[str], unit_levels: list[str] | None = None
) -> AlertRule:
    """Change a rule's threshold, whether it is watched and whose inbox its alerts land in (and, if given, the unit
    levels it watches). Rules hold for the whole province: only the province changes them."""
    if not scope_of(actor, "command.change_alertrule").is_provincial:
        raise PermissionDenied(_("Only the province changes the alert rules."))
    with transaction.atomic():
        locked = AlertRule.objects.select_for_update().filter(pk=rule.pk).first()
        if locked is None:
            raise OutOfScope(_("No such alert rule."))
        value = _threshold(locked.kind, threshold)
        chosen = _roles(roles)
        levels = locked.unit_levels if unit_levels is None else _unit_levels(unit_levels)
        fields = ["threshold", "active", "roles", "unit_levels", "changed_at", "changed_by"]
        before = audit.snapshot(locked, fields[:4])
        locked.threshold, locked.active, locked.roles, locked.unit_levels = value, bool(active), chosen, levels
        locked.changed_at, locked.changed_by = clock.now(), audit.user_of(actor)
        locked.save(update_fields=fields)
        changed_before, changed_after = audit.diff(before, audit.snapshot(locked, fields[:4]))
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=locked,
            unit_path=audit.top_unit_path(actor),
            before=changed_before,
            after=changed_after,
        )
    return locked


def _threshold(kind: str, raw) -> Decimal:
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise ValidationError({"threshold": _("Write the threshold as a number.")}) from None
    if not value.is_finite() or value < 0:
        raise ValidationError({"threshold": _("The threshold is a number, 0 or more.")})
    if kind in PERCENT_KINDS and value > 100:
        raise ValidationError({"threshold": _("A share in percent is at most 100.")})
    if kind == AlertRuleKind.LEVEL_RISING and (value != value.to_integral_value() or not 1 <= value <= 3):
        raise ValidationError({"threshold": _("A level rises by 1, 2 or 3 levels.")})
    if value >= Decimal("100000000"):
        raise ValidationError({"threshold": _("The threshold is too large.")})
    return value.quantize(Decimal("0.01"))


def _roles(roles: list[str]) -> list[str]:
    allowed = alert_roles()
    chosen = list(dict.fromkeys(str(role) for role in roles or []))
    if not chosen:
        raise ValidationError({"roles": _("Choose at least one role whose inbox the alerts land in.")})
    unknown = [role for role in chosen if role not in allowed]
    if unknown:
        raise ValidationError({"roles": _("These roles cannot see alerts: %(roles)s.") % {"roles": ", ".join(unknown)}})
    return [role for role in allowed if role in chosen]


def _unit_levels(levels: list[str]) -> list[str]:
    chosen = list(dict.fromkeys(str(level) for level in levels))
    unknown = [level for level in chosen if level not in UnitLevel.values]
    if unknown:
        raise ValidationError({"unit_levels": _("Not a unit level: %(levels)s.") % {"levels": ", ".join(unknown)}})
    return [level for level in UnitLevel.values if level in chosen]


# -- The sweep ----------------------------------------------------------------------------------------------------


@dataclass
class RuleSweep:
    raised: int = 0
    updated: int = 0
    cleared: int = 0


@dataclass
class SweepReport:
    at: datetime
    rules: dict[str, RuleSweep] = field(default_factory=dict)

    @property
    def raised(self) -> int:
        return sum(rule.raised for rule in self.rules.values())

    @property
    def updated(self) -> int:
        return sum(rule.updated for rule in self.rules.values())

    @property
    def cleared(self) -> int:
        return sum(rule.cleared for rule in self.rules.values())

    def as_dict(self) -> dict:
        return {
            "at": self.at.isoformat(),
            "raised": self.raised,
            "updated": self.updated,
            "cleared": self.cleared,
            "rules": {code: vars(counts) for code, counts in self.rules.items()},
        }


def alerts_sweep(*, now: datetime | None = None) -> SweepReport:
    """Evaluate every active rule: a condition found raises an alert for its subject, or updates the one not yet
    resolved (its value, summary and last seen); an alert whose condition no longer holds is marked cleared, and
    stays until a person resolves it. Running it again changes nothing but the times seen. Each rule is swept in
    its own transaction, its rule row locked, so two sweeps never raise the same alert twice; a few queries per
    rule whatever the number of units. Audited as one row naming the counts when anything was raised or cleared."""
    now = now or clock.now()
    report = SweepReport(at=now)
    for rule_id in AlertRule.objects.filter(active=True).order_by("code").values_list("pk", flat=True):
        with transaction.atomic():
            rule = AlertRule.objects.select_for_update().filter(pk=rule_id, active=True).first()
            if rule is None:
                continue
            with translation.override(settings.LANGUAGE_CODE):
                findings = evaluate(rule, now)
            report.rules[rule.code] = _apply(rule, findings, now)
    if report.raised or report.cleared:
        audit.record(
            actor=SWEEP_ACTOR,
            action=AuditAction.UPDATE,
            object_type="command.alert",
            object_repr=f"{report.raised} alerts raised, {report.cleared} cleared",
            detail=report.as_dict(),
        )
    return report


def _apply(rule: AlertRule, findings: list[Finding], now: datetime) -> RuleSweep:
    live = {
        alert.subject: alert
        for alert in Alert.objects.select_for_update().filter(rule=rule).exclude(state=AlertState.RESOLVED)
    }
    counts = RuleSweep()
    raised, seen = [], []
    for finding in findings:
        threshold = rule.threshold if finding.threshold is None else finding.threshold
        alert = live.pop(finding.subject, None)
        if alert is None:
            raised.append(
                Alert(
                    rule=rule,
                    unit_id=finding.unit_id,
                    facility_id=finding.facility_id,
                    subject=finding.subject,
                    summary=finding.summary[:300],
                    value=finding.value,
                    threshold=threshold,
                    link=finding.link[:300],
                    state=AlertState.OPEN,
                    raised_at=now,
                    seen_at=now,
                )
            )
            continue
        alert.unit_id, alert.facility_id = finding.unit_id, finding.facility_id
        alert.summary, alert.value, alert.threshold = finding.summary[:300], finding.value, threshold
        alert.link, alert.seen_at, alert.cleared_at = finding.link[:300], now, None
        seen.append(alert)
    Alert.objects.bulk_create(raised, batch_size=BATCH)
    Alert.objects.bulk_update(
        seen, ["unit", "facility", "summary", "value", "threshold", "link", "seen_at", "cleared_at"], batch_size=BATCH
    )
    gone = [alert.pk for alert in live.values() if alert.cleared_at is None]
    for start in range(0, len(gone), BATCH):
        counts.cleared += Alert.objects.filter(pk__in=gone[start : start + BATCH]).update(cleared_at=now)
    counts.raised, counts.updated = len(raised), len(seen)
    return counts


# -- A person's work on an alert ----------------------------------------------------------------------------------


def _locked(actor, alert: Alert) -> Alert:
    found = Alert.objects.restrict(actor, "change").select_for_update().filter(pk=alert.pk).first()
    if found is None:
        raise OutOfScope(_("No such alert in your jurisdiction."))
    return found


STATE_FIELDS = ["state", "acknowledged_at", "acknowledged_by", "resolved_at", "resolved_by", "resolution"]


def alert_acknowledge(*, actor, alert: Alert) -> Alert:
    """Someone has seen the alert and takes it on. Acknowledging it again changes nothing; a resolved alert is not
    acknowledged."""
    with transaction.atomic():
        locked = _locked(actor, alert)
        if locked.state == AlertState.RESOLVED:
            raise ValidationError(_("This alert is already resolved: there is nothing left to acknowledge."))
        if locked.state == AlertState.ACKNOWLEDGED:
            return locked
        before = audit.snapshot(locked, STATE_FIELDS)
        locked.state, locked.acknowledged_at, locked.acknowledged_by = (
            AlertState.ACKNOWLEDGED,
            clock.now(),
            audit.user_of(actor),
        )
        locked.save(update_fields=["state", "acknowledged_at", "acknowledged_by"])
        _audited(actor, locked, before)
    return locked


def alert_resolve(*, actor, alert: Alert, resolution: str) -> Alert:
    """Close an alert with what was done about it (acknowledging it too, if nobody had). If its condition still
    holds, the next sweep raises a new one."""
    resolution = (resolution or "").strip()
    with transaction.atomic():
        locked = _locked(actor, alert)
        if locked.state == AlertState.RESOLVED:
            raise ValidationError(_("This alert is already resolved."))
        if not resolution:
            raise ValidationError({"resolution": _("Say what was done about it.")})
        if len(resolution) > RESOLUTION_MAX:
            raise ValidationError({"resolution": _("At most %(count)d characters.") % {"count": RESOLUTION_MAX}})
        before = audit.snapshot(locked, STATE_FIELDS)
        now, user = clock.now(), audit.user_of(actor)
        if locked.acknowledged_at is None:
            locked.acknowledged_at, locked.acknowledged_by = now, user
        locked.state, locked.resolved_at, locked.resolved_by, locked.resolution = (
            AlertState.RESOLVED,
            now,
            user,
            resolution,
        )
        locked.save(update_fields=STATE_FIELDS)
        _audited(actor, locked, before)
    return locked


def _audited(actor, alert: Alert, before: dict) -> None:
    changed_before, changed_after = audit.diff(before, audit.snapshot(alert, STATE_FIELDS))
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=alert,
        unit_path=alert.unit.path,
        before=changed_before,
        after=changed_after,
    )
