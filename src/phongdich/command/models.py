"""The command centre: daily figures per unit, situation reports rolled up the tree, directives and the tasks they
assign to bodies, targets, the duty log, briefings and the one alert centre."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from phongdich.core import clock
from phongdich.core.models import RuleVersion
from phongdich.core.scoping import ScopedQuerySet

from .choices import (
    AlertRuleKind,
    AlertSeverity,
    AlertState,
    BodyKind,
    BriefingStatus,
    EntryCategory,
    EntrySource,
    ForecastStatus,
    ForecastTrigger,
    InspectionRating,
    ReportStatus,
    TargetStatus,
    TaskStatus,
)


class DailyFigures(models.Model):
    """One unit's figures for one day, the unit's whole subtree included: a province's row is its total, so a page
    reads one row per unit and day. Flows (cases, tests, doses, deaths) count what happened that day; stocks (F0
    under care, beds, coverage, open alerts) are as at the day's end (now, for today)."""

    unit = models.ForeignKey("places.AdminUnit", on_delete=models.CASCADE, related_name="+")
    unit_path = models.CharField(max_length=255)
    day = models.DateField()
    cases_community = models.PositiveIntegerField(default=0)
    cases_screening = models.PositiveIntegerField(default=0)
    cases_isolated = models.PositiveIntegerField(default=0)
    cases_imported = models.PositiveIntegerField(default=0)
    deaths = models.PositiveIntegerField(default=0)
    recovered = models.PositiveIntegerField(default=0)
    tests = models.PositiveIntegerField(default=0)
    positives = models.PositiveIntegerField(default=0)
    f0_home = models.PositiveIntegerField(default=0)
    f0_site = models.PositiveIntegerField(default=0)
    f0_tier1 = models.PositiveIntegerField(default=0)
    f0_tier2 = models.PositiveIntegerField(default=0)
    f0_tier3 = models.PositiveIntegerField(default=0)
    beds_tier1 = models.PositiveIntegerField(default=0)
    beds_tier2 = models.PositiveIntegerField(default=0)
    beds_tier3 = models.PositiveIntegerField(default=0)
    doses = models.PositiveIntegerField(default=0)
    residents = models.PositiveIntegerField(default=0)
    one_dose = models.PositiveIntegerField(default=0)
    fully_vaccinated = models.PositiveIntegerField(default=0)
    open_alerts = models.PositiveIntegerField(default=0)

    FLOWS = (
        "cases_community",
        "cases_screening",
        "cases_isolated",
        "cases_imported",
        "deaths",
        "recovered",
        "tests",
        "positives",
        "doses",
    )
    STOCKS = (
        "f0_home",
        "f0_site",
        "f0_tier1",
        "f0_tier2",
        "f0_tier3",
        "beds_tier1",
        "beds_tier2",
        "beds_tier3",
        "residents",
        "one_dose",
        "fully_vaccinated",
        "open_alerts",
    )
    COUNTS = FLOWS + STOCKS

    class Meta:
        verbose_name = _("daily figures")
        verbose_name_plural = _("daily figures")
        constraints = [models.UniqueConstraint(fields=["unit", "day"], name="daily_figures_unit_day")]
        indexes = [models.Index(fields=["day", "unit_path"])]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.day:%d/%m/%Y}"

    @property
    def cases(self) -> int:
        return self.cases_community + self.cases_screening + self.cases_isolated + self.cases_imported


class FiguresWatermark(models.Model):
    """How far the daily figures' refresh has read a table (its highest id), so that records entered for an
    earlier day mark that day for recomputation."""

    name = models.CharField(max_length=40, unique=True)
    last_id = models.BigIntegerField(default=0)
    refreshed_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"{self.name} {self.last_id}"


class ReportTemplate(models.Model):
    """A situation report's shape as data. `sections`: [{"key", "title", "figures": [metric names],
    "narrative": bool, "hint": text}], in order; the figures are those of `command.metrics`."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(_("report title"), max_length=200)
    cutoff_hour = models.PositiveSmallIntegerField(_("figures cut off at (hour)"), default=16)
    sections = models.JSONField(_("sections"), default=list)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("report template")
        verbose_name_plural = _("report templates")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class SituationReport(models.Model):
    """A unit's daily situation report. Figures are frozen when it is generated; the narratives are written by the
    duty officer. A signed version is locked: a change makes the next version, never an overwrite."""

    template = models.ForeignKey(ReportTemplate, on_delete=models.PROTECT, related_name="reports")
    unit = models.ForeignKey("places.AdminUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("day"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    status = models.CharField(_("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    cutoff_at = models.DateTimeField(_("figures as at"))
    figures = models.JSONField(_("figures"), default=dict)
    narratives = models.JSONField(_("narratives"), default=dict, blank=True)
    children = models.JSONField(_("reports of the units below"), default=list, blank=True)
    created_at = models.DateTimeField(_("generated"), default=clock.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    signed_at = models.DateTimeField(_("signed"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signer_title = models.CharField(_("signer's title"), max_length=120, blank=True)
    sent_at = models.DateTimeField(_("sent upward"), null=True, blank=True)
    previous = models.ForeignKey(
        "self", verbose_name=_("previous version"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "unit"

    class Meta:
        verbose_name = _("situation report")
        verbose_name_plural = _("situation reports")
        ordering = ["-day", "unit__path", "-version"]
        permissions = [("sign_situationreport", "Can sign and send situation reports")]
        constraints = [
            models.UniqueConstraint(fields=["unit", "day", "version"], name="sitrep_unit_day_version"),
            models.UniqueConstraint(
                fields=["unit", "day"], condition=Q(status="draft"), name="sitrep_one_draft_per_unit_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.day:%d/%m/%Y} v{self.version}"


class Body(models.Model):
    """An organisation a directive assigns tasks to: a department, the police, the military command, the Fatherland
    Front, a district's people's committee. Its members report the progress of its tasks."""

    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=BodyKind.choices)
    unit = models.ForeignKey("places.AdminUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("members"), blank=True, related_name="bodies"
    )

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "unit"

    class Meta:
        verbose_name = _("body")
        verbose_name_plural = _("bodies")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="body_name_unique_per_unit")]

    def __str__(self) -> str:
        return self.short_name or self.name


class Directive(models.Model):
    """A directive, decision or plan of a steering committee, with its numbered points."""

    unit = models.ForeignKey(
        "places.AdminUnit", verbose_name=_("issued for"), on_delete=models.PROTECT, related_name="+"
    )
    number = models.CharField(_("number"), max_length=60)
    issued_on = models.DateField(_("dated"))
    issuing_body = models.CharField(_("issued by"), max_length=200)
    title = models.CharField(_("title"), max_length=400)
    text = models.TextField(_("text"), blank=True)
    source_file = models.FileField(_("source file"), upload_to="directives/%Y/", blank=True)
    recipients = models.TextField(_("recipients (Nơi nhận)"), blank=True)
    recipient_bodies = models.ManyToManyField(Body, verbose_name=_("recipient bodies"), blank=True, related_name="+")
    created_at = models.DateTimeField(_("recorded"), default=clock.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "unit"

    class Meta:
        verbose_name = _("directive")
        verbose_name_plural = _("directives")
        ordering = ["-issued_on", "number"]
        constraints = [models.UniqueConstraint(fields=["unit", "number"], name="directive_number_unique_per_unit")]

    def __str__(self) -> str:
        return f"{self.number}: {self.title}"


class DirectivePoint(models.Model):
    directive = models.ForeignKey(Directive, on_delete=models.CASCADE, related_name="points")
    number = models.CharField(_("point"), max_length=12)
    position = models.PositiveSmallIntegerField(default=0)
    text = models.TextField(_("text"))

    class Meta:
        verbose_name = _("directive point")
        verbose_name_plural = _("directive points")
        ordering = ["directive", "position"]
        constraints = [models.UniqueConstraint(fields=["directive", "number"], name="point_number_unique")]

    def __str__(self) -> str:
        return f"{self.directive.number} – {self.number}"


class Briefing(models.Model):
    """A briefing ("giao ban") of a command centre: agenda, who attended, minutes; its decisions become tasks."""

    unit = models.ForeignKey("places.AdminUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    held_at = models.DateTimeField(_("held at"))
    title = models.CharField(_("title"), max_length=200)
    chair = models.CharField(_("chaired by"), max_length=200, blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=BriefingStatus.choices, default=BriefingStatus.PLANNED
    )
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("attended"), blank=True, related_name="+"
    )
    attending_bodies = models.ManyToManyField(Body, verbose_name=_("bodies present"), blank=True, related_name="+")
    absent_note = models.CharField(_("absent"), max_length=400, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    closed_at = models.DateTimeField(_("minutes closed"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "unit"

    class Meta:
        verbose_name = _("briefing")
        verbose_name_plural = _("briefings")
        ordering = ["-held_at"]

    def __str__(self) -> str:
        return f"{self.title} {self.held_at:%d/%m/%Y}"


class BriefingDecision(models.Model):
    briefing = models.ForeignKey(Briefing, on_delete=models.CASCADE, related_name="decisions")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.TextField(_("decision"))

    class Meta:
        verbose_name = _("briefing decision")
        verbose_name_plural = _("briefing decisions")
        ordering = ["briefing", "position"]

    def __str__(self) -> str:
        return self.text[:60]


class Task(models.Model):
    """A task a directive point or a briefing decision assigns to a lead body, with coordinating bodies, a deadline
    and an expected output."""

    unit = models.ForeignKey("places.AdminUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    directive = models.ForeignKey(
        Directive, verbose_name=_("directive"), null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    point = models.ForeignKey(
        DirectivePoint, verbose_name=_("point"), null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    decision = models.ForeignKey(
        BriefingDecision,
        verbose_name=_("briefing decision"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    title = models.CharField(_("task"), max_length=400)
    lead = models.ForeignKey(Body, verbose_name=_("lead body"), on_delete=models.PROTECT, related_name="led_tasks")
    coordinating = models.ManyToManyField(
        Body, verbose_name=_("coordinating bodies"), blank=True, related_name="coordinated_tasks"
    )
    deadline = models.DateField(_("deadline"))
    expected_output = models.CharField(_("expected output"), max_length=400, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    percent = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    created_at = models.DateTimeField(_("assigned"), default=clock.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("last reminded"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "unit"

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["deadline", "pk"]
        indexes = [models.Index(fields=["status", "deadline"])]

    def __str__(self) -> str:
        return self.title


class TaskProgress(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="progress")
    body = models.ForeignKey(Body, verbose_name=_("reported by body"), on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(_("reported"))
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    percent = models.PositiveSmallIntegerField(_("progress (%)"))
    note = models.TextField(_("report"))
    status = models.CharField(_("status after"), max_length=12, choices=TaskStatus.choices)

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["-reported_at"]

    def __str__(self) -> str:
        return f"{self.task_id} {self.percent}%"


class TaskAttachment(models.Model):
    progress = models.ForeignKey(TaskProgress, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to="tasks/%Y/%m/")
    name = models.CharField(_("name"), max_length=200)
    size = models.PositiveIntegerField(_("size (bytes)"))
    content_type = models.CharField(max_length=100)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name


class Inspection(models.Model):
    """What an inspection found about a task's execution."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="inspections")
    inspected_on = models.DateField(_("inspected on"))
    inspectors = models.CharField(_("inspection team"), max_length=200)
    rating = models.CharField(_("finding"), max_length=10, choices=InspectionRating.choices)
    findings = models.TextField(_("findings"))
    requests = models.TextField(_("requested actions"), blank=True)
    recorded_at = models.DateTimeField(_("recorded"), default=clock.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-inspected_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.task_id} {self.inspected_on:%d/%m/%Y}"


class Target(models.Model):
    """A target a directive set ("100 % of communes with a mobile station by 30/9/2021"), measured by a metric of
    `command.metrics` over the unit's subtree."""

    unit = models.ForeignKey("places.AdminUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    metric = models.CharField(_("metric"), max_length=40)
    target_value = models.DecimalField(_("target value"), max_digits=12, decimal_places=2)
    starts_on = models.DateField(_("tracked from"))
    deadline = models.DateField(_("deadline"))
    point = models.ForeignKey(
        DirectivePoint,
        verbose_name=_("set by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="targets",
    )
    status = models.CharField(_("status"), max_length=10, choices=TargetStatus.choices, default=TargetStatus.ON_TRACK)
    latest_value = models.DecimalField(_("latest value"), max_digits=12, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(_("recorded"), default=clock.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "unit"

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["deadline", "name"]

    def __str__(self) -> str:
        return self.name


class TargetReading(models.Model):
    """A target's metric as it stood at the end of a day: its progress over time."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="readings")
    day = models.DateField()
    value = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["target", "day"]
        constraints = [models.UniqueConstraint(fields=["target", "day"], name="target_reading_day")]

    def __str__(self) -> str:
        return f"{self.target_id} {self.day:%d/%m/%Y} {self.value}"


class DutyShift(models.Model):
    """A shift of the command centre's 24/7 duty, its officers and the note handed to the next shift."""

    unit = models.ForeignKey("places.AdminUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("shift lead"), on_delete=models.PROTECT, related_name="+"
    )
    officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("officers"), blank=True, related_name="+"
    )
    handover_note = models.TextField(_("handover note"), blank=True)
    handed_over_at = models.DateTimeField(_("handed over"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("received by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "unit"

    class Meta:
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty shifts")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="shift_ends_after_start")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.starts_at:%d/%m/%Y %H:%M}"


class DutyEntry(models.Model):
    """An incoming report or call the duty officer logged, and what was done about it."""

    shift = models.ForeignKey(DutyShift, on_delete=models.PROTECT, related_name="entries")
    at = models.DateTimeField(_("time"))
    source = models.CharField(_("source"), max_length=12, choices=EntrySource.choices)
    caller = models.CharField(_("from"), max_length=200, blank=True)
    category = models.CharField(_("category"), max_length=12, choices=EntryCategory.choices)
    content = models.TextField(_("content"))
    actions = models.TextField(_("actions taken"), blank=True)
    case = models.ForeignKey(
        "surveillance.Case", verbose_name=_("case"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    task = models.ForeignKey(
        Task, verbose_name=_("task"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    alert = models.ForeignKey(
        "Alert", verbose_name=_("alert"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("duty log entry")
        verbose_name_plural = _("duty log entries")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.get_category_display()}"


class AlertRule(models.Model):
    """What the alert centre watches and from which threshold. `roles`: the roles whose inbox its alerts land in
    (each user sees those of units in their jurisdiction)."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("watches"), max_length=20, choices=AlertRuleKind.choices)
    name = models.CharField(_("name"), max_length=200)
    threshold = models.DecimalField(_("threshold"), max_digits=10, decimal_places=2)
    severity = models.CharField(_("severity"), max_length=10, choices=AlertSeverity.choices)
    roles = models.JSONField(_("inbox of"), default=list)
    unit_levels = models.JSONField(_("for units at"), default=list, blank=True)
    active = models.BooleanField(_("active"), default=True)
    changed_at = models.DateTimeField(_("changed"), default=clock.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("alert rule")
        verbose_name_plural = _("alert rules")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Alert(models.Model):
    """A condition an alert rule found, for one unit and one subject (a facility, a task, the unit itself). While it
    is not resolved a sweep updates it rather than raising another."""

    rule = models.ForeignKey(AlertRule, on_delete=models.PROTECT, related_name="alerts")
    unit = models.ForeignKey("places.AdminUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    facility = models.ForeignKey(
        "places.Facility", verbose_name=_("facility"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject = models.CharField(max_length=80)
    summary = models.CharField(_("summary"), max_length=300)
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2)
    threshold = models.DecimalField(_("threshold"), max_digits=10, decimal_places=2)
    link = models.CharField(_("link"), max_length=300, blank=True)
    state = models.CharField(_("state"), max_length=12, choices=AlertState.choices, default=AlertState.OPEN)
    raised_at = models.DateTimeField(_("raised"))
    seen_at = models.DateTimeField(_("last seen"))
    cleared_at = models.DateTimeField(_("condition cleared"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution = models.CharField(_("resolution"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "unit"
    scope_facility_lookup = "facility_id"

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-raised_at"]
        indexes = [models.Index(fields=["state", "unit"])]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "subject"], condition=~Q(state="resolved"), name="one_live_alert_per_rule_subject"
            )
        ]

    def __str__(self) -> str:
        return self.summary


class ForecastAssumptions(RuleVersion):
    """What the forecasts assume, as data with its sources, from a date on: the serial interval (a gamma
    distribution's mean and SD in days), how new cases split over the tower's tiers and how long they stay, the
    oxygen each tier's patients take, and the scenario model's epidemiological parameters."""

    si_mean = models.DecimalField(_("serial interval mean (days)"), max_digits=4, decimal_places=2, default=4.7)
    si_sd = models.DecimalField(_("serial interval SD (days)"), max_digits=4, decimal_places=2, default=2.9)
    si_source = models.CharField(_("serial interval source"), max_length=300, blank=True)
    care = models.JSONField(_("care demand"), default=dict, blank=True)
    scenario = models.JSONField(_("scenario model"), default=dict, blank=True)

    class Meta(RuleVersion.Meta):
        verbose_name = _("forecast assumptions")
        verbose_name_plural = _("forecast assumptions")


class ForecastRun(models.Model):
    """One unit's forecast as computed on a day: the incidence series and assumptions it read (enough to compute it
    again), and what came out: Rt by window, the projection, the demand on the tower, the backtest."""

    unit = models.ForeignKey("places.AdminUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("data up to"))
    trigger = models.CharField(_("run"), max_length=10, choices=ForecastTrigger.choices)
    status = models.CharField(_("status"), max_length=8, choices=ForecastStatus.choices, default=ForecastStatus.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("requested"), default=clock.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    seconds = models.FloatField(_("seconds"), null=True, blank=True)
    assumptions = models.ForeignKey(
        ForecastAssumptions, null=True, blank=True, on_delete=models.PROTECT, related_name="runs"
    )
    inputs = models.JSONField(_("inputs"), default=dict, blank=True)
    results = models.JSONField(_("results"), default=dict, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "unit"

    class Meta:
        verbose_name = _("forecast run")
        verbose_name_plural = _("forecast runs")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["unit", "status", "-created_at"], name="forecast_run_latest")]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "day"], condition=Q(trigger="nightly"), name="one_nightly_forecast_per_unit_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.day:%d/%m/%Y} {self.trigger}"


class Scenario(models.Model):
    """A planner's what-if for a unit: interventions over a horizon, run by the scenario model from the unit's state
    on the day it was computed, and kept with that state so the comparison can be shown and exported again."""

    unit = models.ForeignKey("places.AdminUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=120)
    horizon_days = models.PositiveSmallIntegerField(_("horizon (days)"), default=90)
    interventions = models.JSONField(_("interventions"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=clock.now)
    computed_at = models.DateTimeField(_("computed"), null=True, blank=True)
    starting_state = models.JSONField(_("starting state"), default=dict, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "unit"

    class Meta:
        verbose_name = _("scenario")
        verbose_name_plural = _("scenarios")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.name
