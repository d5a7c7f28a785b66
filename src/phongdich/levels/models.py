"""Epidemic levels (Resolution 128/NQ-CP): the rulesets that decide them, the weekly inputs they read, each
assessment's result per unit with its workflow to publication, the measures allowed at each level, and lockdown
areas (red zones and red points)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from phongdich.core import clock
from phongdich.core.models import RuleVersion
from phongdich.core.scoping import ScopedQuerySet

from .choices import (
    Aggregation,
    AssessmentStatus,
    CapacityRule,
    CapacitySource,
    LeaveTest,
    Outcome,
    ResultStatus,
    ZoneKind,
)


class LevelRules(RuleVersion):
    """The criteria of a Ministry decision (4800, 218) or of the province's adjustment of one, from a date on.

    `case_bands`: the three cut-offs of criterion 1 (community cases per 100,000 per week), ascending: band 1 is
    below the first, band 4 at or above the last. `coverage_conditions`: criterion 2, [{"indicator": one_dose|full,
    "population": all|18+|65+, "percent": p}]; coverage is high when every condition holds. `matrix`:
    {"high": [level for bands 1–4], "low": [...]}. `capacity_minimums`: criterion 3 per unit level,
    {"commune": {metric: minimum}, ...}; a residential group is judged by its commune's. `aggregation_rules`: for
    units whose level is in `aggregate_levels`, [{"level": L, "children_at": C, "share": s}]: the unit is at least
    L when s % or more of its assessed children are at level C or above. `verify`: names of the values the
    documents leave uncertain, shown with "(cần đối chiếu)"."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    case_bands = models.JSONField(_("community cases per 100,000 per week: band cut-offs"), default=list)
    coverage_conditions = models.JSONField(_("high vaccine coverage means"), default=list)
    matrix = models.JSONField(_("level by case band and coverage"), default=dict)
    capacity_rule = models.CharField(
        _("a unit short of treatment capacity"), max_length=10, choices=CapacityRule.choices, default=CapacityRule.NONE
    )
    capacity_minimums = models.JSONField(_("treatment capacity required"), default=dict)
    aggregation = models.CharField(
        _("higher units"), max_length=10, choices=Aggregation.choices, default=Aggregation.CHILDREN
    )
    aggregate_levels = models.JSONField(_("unit levels assessed from their units"), default=list)
    aggregation_rules = models.JSONField(_("aggregation rules"), default=list)
    raise_notice_hours = models.PositiveSmallIntegerField(_("notice before a raise (hours)"), default=48)
    verify = models.JSONField(_("values to verify"), default=list, blank=True)

    class Meta(RuleVersion.Meta):
        verbose_name = _("level rules")
        verbose_name_plural = _("level rules")

    def __str__(self) -> str:
        return f"{self.code}: {self.name}"


class MeasureRules(RuleVersion):
    """What each activity may do at each level: Resolution 128's annex with the province's numbers, or an earlier
    document's rules (the same at every level). `measures`: {activity: {"1": {"status": MeasureStatus,
    "limit": n | null, "limit_kind": people|percent, "note": text}, "2": ..., "3": ..., "4": ...}}."""

    name = models.CharField(_("name"), max_length=200)
    by_level = models.BooleanField(_("differs by level"), default=True)
    measures = models.JSONField(_("measures"), default=dict)
    verify = models.JSONField(_("values to verify"), default=list, blank=True)

    class Meta(RuleVersion.Meta):
        verbose_name = _("measures by level")
        verbose_name_plural = _("measures by level")

    def __str__(self) -> str:
        return f"{self.name} ({self.effective_from:%d/%m/%Y})"


class WeeklyInput(models.Model):
    """One unit's figures for one ISO week (`week` is its Monday), kept for the unit the data is attached to
    (a person's residential group or commune, a facility's unit): higher units are the sums of their subtree.
    Coverage counts are as at the end of the week; capacity is the beds and stations there at its end."""

    unit = models.ForeignKey("places.AdminUnit", on_delete=models.CASCADE, related_name="+")
    unit_path = models.CharField(max_length=255)
    week = models.DateField()
    community_cases = models.PositiveIntegerField(default=0)
    cases = models.PositiveIntegerField(default=0)
    oxygen_cases = models.PositiveIntegerField(default=0)
    deaths = models.PositiveIntegerField(default=0)
    residents = models.PositiveIntegerField(default=0)
    residents_one_dose = models.PositiveIntegerField(default=0)
    residents_full = models.PositiveIntegerField(default=0)
    adults = models.PositiveIntegerField(default=0)
    adults_one_dose = models.PositiveIntegerField(default=0)
    adults_full = models.PositiveIntegerField(default=0)
    elders = models.PositiveIntegerField(default=0)
    elders_one_dose = models.PositiveIntegerField(default=0)
    elders_full = models.PositiveIntegerField(default=0)
    beds = models.PositiveIntegerField(default=0)
    icu_beds = models.PositiveIntegerField(default=0)
    free_beds = models.PositiveIntegerField(default=0)
    mobile_stations = models.PositiveIntegerField(default=0)
    care_teams = models.PositiveIntegerField(default=0)

    COUNTS = (
        "community_cases",
        "cases",
        "oxygen_cases",
        "deaths",
        "residents",
        "residents_one_dose",
        "residents_full",
        "adults",
        "adults_one_dose",
        "adults_full",
        "elders",
        "elders_one_dose",
        "elders_full",
        "beds",
        "icu_beds",
        "free_beds",
        "mobile_stations",
        "care_teams",
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["week", "unit"], name="weekly_input_once_per_unit_week")]

    def __str__(self) -> str:
        return f"{self.unit_path} {self.week:%d/%m/%Y}"


class InputsWatermark(models.Model):
    """How far the weekly inputs have read the case and dose tables (the highest id seen), so a refresh only
    recomputes the weeks new rows fall in."""

    name = models.CharField(max_length=20, unique=True)
    last_id = models.BigIntegerField(default=0)
    refreshed_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"{self.name}: {self.last_id}"


class CapacityEntry(models.Model):
    """Treatment-capacity figures entered for a unit on a date, used where the tower has none."""

    unit = models.ForeignKey("places.AdminUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    on = models.DateField(_("as of"))
    beds = models.PositiveIntegerField(_("COVID beds"), default=0)
    icu_beds = models.PositiveIntegerField(_("ICU beds"), default=0)
    free_beds = models.PositiveIntegerField(_("free COVID beds"), default=0)
    mobile_stations = models.PositiveIntegerField(_("mobile medical stations"), default=0)
    care_teams = models.PositiveIntegerField(_("community F0 care teams"), default=0)
    note = models.CharField(_("note"), max_length=300, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    entered_at = models.DateTimeField(default=clock.now, editable=False)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "unit"

    class Meta:
        verbose_name = _("capacity figures")
        verbose_name_plural = _("capacity figures")
        ordering = ["unit", "-on"]
        constraints = [models.UniqueConstraint(fields=["unit", "on"], name="capacity_entry_once_per_unit_day")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.on:%d/%m/%Y}"


class Assessment(models.Model):
    """One run of the rules over every unit for one ISO week, from proposal to publication."""

    rules = models.ForeignKey(LevelRules, verbose_name=_("rules"), on_delete=models.PROTECT, related_name="+")
    week = models.DateField(_("week from"))
    assessed_on = models.DateField(_("assessed on"))
    status = models.CharField(
        _("status"), max_length=10, choices=AssessmentStatus.choices, default=AssessmentStatus.PROPOSED
    )
    created_at = models.DateTimeField(_("computed"), default=clock.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    seconds = models.FloatField(default=0)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    effective_at = models.DateTimeField(_("in effect from"), null=True, blank=True)
    emergency_reason = models.CharField(_("emergency: why a raise cannot wait"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("level assessment")
        verbose_name_plural = _("level assessments")
        ordering = ["-week", "-id"]
        get_latest_by = "created_at"

    def __str__(self) -> str:
        return f"{self.rules.code} {self.week:%d/%m/%Y}"


class LevelResult(models.Model):
    """One unit's level in one assessment, with every input and step that decided it, and its review."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="results")
    unit = models.ForeignKey("places.AdminUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255)
    depth = models.PositiveSmallIntegerField()
    outcome = models.CharField(_("outcome"), max_length=15, choices=Outcome.choices, default=Outcome.ASSESSED)
    inputs = models.JSONField(_("inputs"), default=dict)
    case_band = models.PositiveSmallIntegerField(_("case band"), null=True)
    coverage_class = models.CharField(_("coverage"), max_length=5, blank=True)
    matrix_level = models.PositiveSmallIntegerField(_("level from the matrix"), null=True)
    capacity_ok = models.BooleanField(_("treatment capacity sufficient"), null=True)
    capacity_source = models.CharField(max_length=10, choices=CapacitySource.choices, default=CapacitySource.NONE)
    steps = models.JSONField(_("how the level was decided"), default=list)
    proposed_level = models.PositiveSmallIntegerField(_("proposed level"), null=True)
    previous_level = models.PositiveSmallIntegerField(_("level in effect before"), null=True)
    level = models.PositiveSmallIntegerField(_("level"), null=True)
    override_reason = models.CharField(_("reason for changing the proposal"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ResultStatus.choices, default=ResultStatus.PROPOSED)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    effective_at = models.DateTimeField(_("in effect from"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "unit"

    class Meta:
        verbose_name = _("unit level")
        verbose_name_plural = _("unit levels")
        ordering = ["unit_path"]
        constraints = [models.UniqueConstraint(fields=["assessment", "unit"], name="level_result_once_per_unit")]
        indexes = [
            models.Index(fields=["unit", "effective_at"], name="level_result_unit_effective"),
            models.Index(fields=["assessment", "unit_path"], name="level_result_assessment_path"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_path}: {self.level or self.proposed_level}"

    @property
    def overridden(self) -> bool:
        return bool(self.override_reason)


class Zone(models.Model):
    """A lockdown area ("vùng đỏ") or red point ("điểm đỏ"): units or residential groups, or a list of addresses,
    buildings or alleys inside `unit`, from its start to its end, and what the people inside must pass to leave."""

    kind = models.CharField(_("kind"), max_length=10, choices=ZoneKind.choices)
    name = models.CharField(_("name"), max_length=200)
    unit = models.ForeignKey(
        "places.AdminUnit", verbose_name=_("declared in"), on_delete=models.PROTECT, related_name="zones"
    )
    units = models.ManyToManyField("places.AdminUnit", verbose_name=_("units inside"), blank=True, related_name="+")
    addresses = models.JSONField(_("addresses, buildings or alleys"), default=list, blank=True)
    polygon = models.JSONField(_("boundary (GeoJSON)"), null=True, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    planned_end_at = models.DateTimeField(_("planned end"))
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    leave_test = models.CharField(_("test to leave"), max_length=6, choices=LeaveTest.choices, blank=True)
    leave_conditions = models.TextField(_("conditions for leaving"), blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    end_reason = models.CharField(_("why it ended"), max_length=500, blank=True)
    decision = models.CharField(_("decision"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=clock.now, editable=False)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "unit"

    class Meta:
        verbose_name = _("lockdown area")
        verbose_name_plural = _("lockdown areas")
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(planned_end_at__gt=F("starts_at")), name="zone_ends_after_start"),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("starts_at")), name="zone_ended_after_start"
            ),
        ]
        indexes = [models.Index(fields=["ended_at", "starts_at"], name="zone_open")]

    def __str__(self) -> str:
        return self.name

    @property
    def ended_early(self) -> bool:
        return self.ended_at is not None and self.ended_at < self.planned_end_at


class LevelTarget(models.Model):
    """ "The province basically green by 20/9/2021": an area's units at or below a level by a deadline."""

    unit = models.ForeignKey("places.AdminUnit", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(_("at most level"))
    share = models.PositiveSmallIntegerField(_("share of its communes (%)"), default=100)
    deadline = models.DateField(_("deadline"))
    source_document = models.CharField(_("source document"), max_length=300)
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "unit"

    class Meta:
        verbose_name = _("level target")
        verbose_name_plural = _("level targets")
        ordering = ["deadline"]

    def __str__(self) -> str:
        return f"{self.unit_id} ≤ {self.level} by {self.deadline:%d/%m/%Y}"
