"""Care: isolation and quarantine orders, home treatment of F0, self-reports, warning alerts, release.

An order belongs to the unit of the person's residence (`unit`, for communes and their residential groups) and
to the health station responsible for it (`facility`, for the station's health workers); a concentrated site's
order also belongs to its site (`site`)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from phongdich.core import clock
from phongdich.core.models import RuleVersion
from phongdich.core.scoping import ScopedQuerySet

from .choices import (
    ActionKind,
    AlertKind,
    AlertStatus,
    Condition,
    ContactKind,
    MessageStatus,
    OrderKind,
    OrderStatus,
    ReleaseTest,
    ReportSource,
    Severity,
)


class IsolationRules(RuleVersion):
    """How long each kind of order lasts from a date on, by the person's condition.

    `durations`: {order kind: {condition: {"days": isolation days, "monitor_days": self-monitoring days after it,
    "test_days": [day numbers, day 1 = the start date], "test": ReleaseTest}}}; a kind missing from it is not
    ordered under this version. `recovered_months`: a past infection this recent counts as "recovered".
    `ends_kinds`: kinds whose active orders this version releases on the day it takes effect.
    `discharge`: hospital discharge, {"day": n, "negative_tests": n, "hours_apart": h, "ct_at_least": ct,
    "home_days": n, "monitor_days": n}."""

    durations = models.JSONField(_("durations"), default=dict)
    recovered_months = models.PositiveSmallIntegerField(_("recovered within (months)"), default=6)
    ends_kinds = models.JSONField(_("kinds of order it ends"), default=list, blank=True)
    discharge = models.JSONField(_("hospital discharge"), default=dict, blank=True)
    applied_at = models.DateTimeField(_("applied to active orders"), null=True, blank=True)

    class Meta(RuleVersion.Meta):
        verbose_name = _("isolation rules")
        verbose_name_plural = _("isolation rules")


class EligibilityRules(RuleVersion):
    """Who may be treated at home from a date on: `criteria` is a list of {"code": …, parameters}, each checked at
    enrolment and shown by name when it fails (care.eligibility)."""

    criteria = models.JSONField(_("criteria"), default=list)

    class Meta(RuleVersion.Meta):
        verbose_name = _("home treatment eligibility")
        verbose_name_plural = _("home treatment eligibility")


class WarningRules(RuleVersion):
    """Warning signs and how fast an alert must be answered from a date on.

    `thresholds`: {"spo2_at_most": 96, "breathing": [{"from_age": years, "below_age": years, "at_least": rate}],
    "pulse_above": 120, "pulse_below": 50, "systolic_below": 90, "diastolic_below": 60, "temperature_at_least": 39};
    `warning_symptoms`: symptom codes (care.choices.Symptom) that are warning signs on their own;
    `severity`: the bands of care.choices.Severity."""

    thresholds = models.JSONField(_("thresholds"), default=dict)
    warning_symptoms = models.JSONField(_("warning symptoms"), default=list)
    severity = models.JSONField(_("severity bands"), default=dict, blank=True)
    acknowledge_minutes = models.PositiveSmallIntegerField(_("acknowledge an alert within (minutes)"), default=15)
    escalate_minutes = models.PositiveSmallIntegerField(
        _("escalate an unacknowledged alert to the district after (minutes)"), default=30
    )
    missed_report_hours = models.PositiveSmallIntegerField(_("a report is missed after (hours)"), default=12)

    class Meta(RuleVersion.Meta):
        verbose_name = _("warning-sign rules")
        verbose_name_plural = _("warning-sign rules")


class MedicineKind(models.Model):
    """A package of medicine handed to F0 at home (package A, B, C of the Ministry's programme, …): data, not code."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=150)
    contents = models.CharField(_("contents"), max_length=500, blank=True)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("medicine package")
        verbose_name_plural = _("medicine packages")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class ReportLink(models.Model):
    """A personal link for self-reports, without logging in: one per household's orders (several members report
    through it). It works while one of its orders is active and it is not revoked."""

    token = models.CharField(max_length=43, unique=True)
    unit = models.ForeignKey("places.AdminUnit", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=clock.now, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "unit"

    class Meta:
        verbose_name = _("self-report link")
        verbose_name_plural = _("self-report links")

    def __str__(self) -> str:
        return f"#{self.pk}"


class IsolationOrder(models.Model):
    """One person isolated, quarantined or treated at home, from a start date to a planned end computed from the
    rules in force on that date and the person's condition then."""

    person = models.ForeignKey("people.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        "places.AdminUnit", verbose_name=_("residence"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=OrderKind.choices)
    status = models.CharField(_("status"), max_length=12, choices=OrderStatus.choices, default=OrderStatus.ACTIVE)
    group_code = models.CharField(_("ordered together"), max_length=32, blank=True, db_index=True)
    household = models.ForeignKey(
        "people.Household", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    site = models.ForeignKey(
        "places.Facility",
        verbose_name=_("concentrated site"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    facility = models.ForeignKey(
        "places.Facility",
        verbose_name=_("responsible health station"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible health worker"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    team = models.CharField(_("responsible team"), max_length=100, blank=True)
    starts_on = models.DateField(_("start"))
    planned_end = models.DateField(_("planned end"))
    monitor_until = models.DateField(_("self-monitoring until"), null=True, blank=True)
    test_days = models.JSONField(_("test days"), default=list, blank=True)  # ISO dates
    release_test = models.CharField(
        _("test needed for release"), max_length=10, choices=ReleaseTest.choices, default=ReleaseTest.NONE
    )
    rules = models.ForeignKey(IsolationRules, verbose_name=_("rules"), on_delete=models.PROTECT, related_name="+")
    condition = models.CharField(_("condition"), max_length=12, choices=Condition.choices, default=Condition.NONE)
    condition_params = models.JSONField(default=dict, blank=True)  # the dose or past infection behind it
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, blank=True)
    eligibility = models.JSONField(_("eligibility at enrolment"), default=dict, blank=True)
    case = models.ForeignKey("surveillance.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    source_task = models.ForeignKey(
        "surveillance.TracingTask", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    link = models.ForeignKey(ReportLink, null=True, blank=True, on_delete=models.SET_NULL, related_name="orders")
    last_report_at = models.DateTimeField(_("last report"), null=True, blank=True)
    missed_alert_at = models.DateTimeField(null=True, blank=True)  # the missed-report alert raised since it
    ended_on = models.DateField(_("ended"), null=True, blank=True)
    end_reason = models.CharField(_("reason"), max_length=40, blank=True)
    end_params = models.JSONField(default=dict, blank=True)
    release_sample = models.ForeignKey(
        "labs.Sample", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    certificate_code = models.CharField(max_length=32, blank=True, db_index=True)
    created_at = models.DateTimeField(_("recorded"), default=clock.now, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "unit"
    scope_facility_lookup = ("facility_id", "site_id")

    class Meta:
        verbose_name = _("isolation order")
        verbose_name_plural = _("isolation orders")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind"], condition=Q(status="active"), name="one_active_order_per_kind"
            )
        ]
        indexes = [
            models.Index(fields=["status", "planned_end"]),
            models.Index(fields=["status", "kind", "last_report_at"]),
            models.Index(fields=["unit", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class SelfReport(models.Model):
    """One reading, reported by the person (or a family member) or entered by staff. `client_id` is chosen by the
    sender, so a retry stores nothing twice."""

    order = models.ForeignKey(IsolationOrder, on_delete=models.PROTECT, related_name="reports")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("places.AdminUnit", on_delete=models.PROTECT, related_name="+")
    client_id = models.CharField(max_length=64, unique=True)
    source = models.CharField(_("source"), max_length=6, choices=ReportSource.choices, default=ReportSource.LINK)
    measured_at = models.DateTimeField(_("measured"))
    received_at = models.DateTimeField(_("received"), default=clock.now, editable=False)
    spo2 = models.PositiveSmallIntegerField(_("SpO₂ (%)"), null=True, blank=True)
    breathing_rate = models.PositiveSmallIntegerField(_("breathing rate (/min)"), null=True, blank=True)
    pulse = models.PositiveSmallIntegerField(_("pulse (/min)"), null=True, blank=True)
    temperature = models.DecimalField(_("temperature (°C)"), max_digits=3, decimal_places=1, null=True, blank=True)
    systolic = models.PositiveSmallIntegerField(_("systolic (mmHg)"), null=True, blank=True)
    diastolic = models.PositiveSmallIntegerField(_("diastolic (mmHg)"), null=True, blank=True)
    symptoms = models.JSONField(_("symptoms"), default=list, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    warning_signs = models.JSONField(_("warning signs"), default=list, blank=True)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "unit"
    scope_facility_lookup = ("order__facility_id", "order__site_id")

    class Meta:
        verbose_name = _("self-report")
        verbose_name_plural = _("self-reports")
        ordering = ["-measured_at"]
        indexes = [models.Index(fields=["order", "measured_at"])]

    def __str__(self) -> str:
        return f"{self.person_id} {self.measured_at:%d/%m/%Y %H:%M}"


class Alert(models.Model):
    """A warning sign reported, or reports missed: for the health station and the residential group's team, then
    the district when nobody acknowledges it in time."""

    order = models.ForeignKey(IsolationOrder, on_delete=models.PROTECT, related_name="alerts")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("places.AdminUnit", on_delete=models.PROTECT, related_name="+")
    facility = models.ForeignKey("places.Facility", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=AlertKind.choices)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    report = models.ForeignKey(SelfReport, null=True, blank=True, on_delete=models.PROTECT, related_name="alerts")
    signs = models.JSONField(_("signs"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=14, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    raised_at = models.DateTimeField(_("raised"))
    acknowledge_by = models.DateTimeField(_("acknowledge by"))
    escalate_at = models.DateTimeField(_("escalates at"))
    escalated_at = models.DateTimeField(_("escalated to the district"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    close_note = models.CharField(_("closing note"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "unit"
    scope_facility_lookup = "facility_id"

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-raised_at"]
        indexes = [models.Index(fields=["status", "escalate_at"]), models.Index(fields=["unit", "status"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class AlertAction(models.Model):
    """What was done about an alert."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(_("action"), max_length=14, choices=ActionKind.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    done_at = models.DateTimeField(_("done"))
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("alert action")
        verbose_name_plural = _("alert actions")
        ordering = ["done_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class CareContact(models.Model):
    """A visit or call to a person under an order, by a health worker or team."""

    order = models.ForeignKey(IsolationOrder, on_delete=models.PROTECT, related_name="contacts")
    kind = models.CharField(_("kind"), max_length=6, choices=ContactKind.choices)
    done_at = models.DateTimeField(_("when"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("visit or call")
        verbose_name_plural = _("visits and calls")
        ordering = ["-done_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class MedicineDelivery(models.Model):
    """A medicine package handed to a person under an order."""

    order = models.ForeignKey(IsolationOrder, on_delete=models.PROTECT, related_name="medicines")
    kind = models.ForeignKey(MedicineKind, verbose_name=_("package"), on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveSmallIntegerField(_("quantity"), default=1)
    delivered_at = models.DateTimeField(_("delivered"))
    delivered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("medicine delivery")
        verbose_name_plural = _("medicine deliveries")
        ordering = ["-delivered_at"]

    def __str__(self) -> str:
        return f"{self.kind_id} × {self.quantity} #{self.pk}"


class SiteCapacity(models.Model):
    """Places at a concentrated isolation site (places.Facility of an isolation kind)."""

    site = models.OneToOneField("places.Facility", on_delete=models.CASCADE, related_name="care_capacity")
    places = models.PositiveIntegerField(_("places"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("site capacity")
        verbose_name_plural = _("site capacities")

    def __str__(self) -> str:
        return f"{self.site_id}: {self.places}"


class Message(models.Model):
    """A text sent to a person (SMS templates in care.messages) through the configured sender, and its outcome."""

    order = models.ForeignKey(IsolationOrder, null=True, on_delete=models.SET_NULL, related_name="messages")
    unit = models.ForeignKey("places.AdminUnit", on_delete=models.PROTECT, related_name="+")
    phone = models.CharField(_("phone"), max_length=16)
    template = models.CharField(_("template"), max_length=40)
    text = models.TextField(_("text"))
    status = models.CharField(_("status"), max_length=8, choices=MessageStatus.choices, default=MessageStatus.QUEUED)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=clock.now, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "unit"

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.template} #{self.pk}"


from .stations.models import *  # noqa: E402,F401,F403
from .supplies.models import *  # noqa: E402,F401,F403
from .tower.models import *  # noqa: E402,F401,F403
