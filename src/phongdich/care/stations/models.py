"""Mobile medical stations and the targets they are tracked against, community COVID teams, and the health
workforce with its training courses.

A station belongs to its commune (`commune`, for the commune's and district's officers) and is a facility of kind
mobile_station (`facility`, for the health workers bound to it). Its staff are the workforce rows at that facility
on a day, never a number typed in twice."""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from phongdich.core import clock
from phongdich.core.scoping import ScopedQuerySet

from .choices import (
    StaffKind,
    StaffOrigin,
    StationStatus,
    TargetScope,
    TeamRole,
)

__all__ = [
    "CommunityTeam",
    "CommunityTeamMember",
    "CourseAttendance",
    "MobileStation",
    "StaffMember",
    "StationTarget",
    "TrainingCourse",
]


# Stations and their targets -----------------------------------------------------------------------------------


class MobileStationQuerySet(ScopedQuerySet):
    def open_on(self, day: date):
        """Stations working on `day`: opened by then, not closed yet, not suspended."""
        return (
            self.filter(opened_on__lte=day)
            .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=day))
            .exclude(status=StationStatus.SUSPENDED)
        )


class MobileStation(models.Model):
    """A mobile medical station of a commune, or of an industrial park in it (seed 000: one in every commune by
    30/9/2021, in every industrial park by 31/10/2021)."""

    facility = models.OneToOneField(
        "places.Facility", verbose_name=_("facility"), on_delete=models.PROTECT, related_name="mobile_station"
    )
    commune = models.ForeignKey(
        "places.AdminUnit", verbose_name=_("commune"), on_delete=models.PROTECT, related_name="+"
    )
    industrial_park = models.ForeignKey(
        "places.IndustrialPark",
        verbose_name=_("industrial park"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    opened_on = models.DateField(_("opened"))
    closed_on = models.DateField(_("closed"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=StationStatus.choices, default=StationStatus.OPERATING
    )
    oxygen_concentrators = models.PositiveSmallIntegerField(_("oxygen concentrators"), default=0)
    oxygen_cylinders = models.PositiveSmallIntegerField(_("oxygen cylinders"), default=0)
    spo2_meters = models.PositiveSmallIntegerField(_("SpO₂ meters"), default=0)
    beds = models.PositiveSmallIntegerField(_("beds"), default=0)
    catchment_units = models.ManyToManyField(
        "places.AdminUnit", verbose_name=_("residential groups served"), blank=True, related_name="+"
    )
    catchment_note = models.CharField(_("catchment"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=clock.now, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    objects = MobileStationQuerySet.as_manager()
    scope_unit_field = "commune"
    scope_facility_lookup = "facility_id"

    class Meta:
        verbose_name = _("mobile medical station")
        verbose_name_plural = _("mobile medical stations")
        ordering = ["commune__path", "id"]
        indexes = [models.Index(fields=["commune", "opened_on"])]

    def __str__(self) -> str:
        return self.facility.name

    def is_open_on(self, day: date) -> bool:
        return (
            self.opened_on <= day
            and (self.closed_on is None or self.closed_on > day)
            and self.status != StationStatus.SUSPENDED
        )


class StationTarget(models.Model):
    """What must have a station by when, as a document set it: data, like the rules of care. `unit` is the
    province it applies to; blank, the whole tree this database holds (the province's own)."""

    scope = models.CharField(_("what must have a station"), max_length=16, choices=TargetScope.choices)
    due_on = models.DateField(_("due"))
    source_document = models.CharField(_("source document"), max_length=300)
    unit = models.ForeignKey(
        "places.AdminUnit", verbose_name=_("applies to"), null=True, blank=True, on_delete=models.PROTECT
    )
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        verbose_name = _("station target")
        verbose_name_plural = _("station targets")
        ordering = ["due_on", "scope"]
        constraints = [models.UniqueConstraint(fields=["scope", "due_on"], name="station_target_once_per_day")]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} ({self.due_on:%d/%m/%Y})"


# Community COVID teams ----------------------------------------------------------------------------------------


class CommunityTeam(models.Model):
    """A community COVID team of a residential group: 3–5 members, each team looking after 30–50 households of
    its own group."""

    group = models.ForeignKey(
        "places.AdminUnit", verbose_name=_("residential group"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100)
    households = models.ManyToManyField(
        "people.Household", verbose_name=_("households covered"), blank=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=clock.now, editable=False)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "group"

    class Meta:
        verbose_name = _("community COVID team")
        verbose_name_plural = _("community COVID teams")
        ordering = ["group__path", "name"]
        constraints = [models.UniqueConstraint(fields=["group", "name"], name="team_name_once_per_group")]

    def __str__(self) -> str:
        return self.name


class CommunityTeamMember(models.Model):
    team = models.ForeignKey(CommunityTeam, on_delete=models.CASCADE, related_name="members")
    full_name = models.CharField(_("full name"), max_length=150)
    phone = models.CharField(_("phone"), max_length=16, blank=True)
    role = models.CharField(_("role in the team"), max_length=8, choices=TeamRole.choices, default=TeamRole.MEMBER)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "team__group"

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["team", "role", "full_name"]

    def __str__(self) -> str:
        return self.full_name


# Workforce ----------------------------------------------------------------------------------------------------


class StaffMemberQuerySet(ScopedQuerySet):
    def working_on(self, day: date):
        return self.filter(from_on__lte=day).filter(Q(to_on__isnull=True) | Q(to_on__gte=day))


class StaffMember(models.Model):
    """Someone working at a facility (a hospital of the tower, a health station, a mobile station) from a day to a
    day: regular staff, or a retiree called back, a recovered F0 who volunteered, a student, a military medic."""

    full_name = models.CharField(_("full name"), max_length=150)
    phone = models.CharField(_("phone"), max_length=16, blank=True)
    kind = models.CharField(_("kind"), max_length=14, choices=StaffKind.choices)
    origin = models.CharField(_("origin"), max_length=14, choices=StaffOrigin.choices, default=StaffOrigin.REGULAR)
    facility = models.ForeignKey(
        "places.Facility", verbose_name=_("facility"), on_delete=models.PROTECT, related_name="+"
    )
    from_on = models.DateField(_("from"))
    to_on = models.DateField(_("until"), null=True, blank=True)
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person in the register"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=clock.now, editable=False)

    objects = StaffMemberQuerySet.as_manager()
    scope_unit_field = "facility__unit"
    scope_facility_lookup = "facility_id"

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")
        ordering = ["facility__name", "full_name", "id"]
        indexes = [models.Index(fields=["facility", "from_on"])]

    def __str__(self) -> str:
        return self.full_name


class TrainingCourse(models.Model):
    """A short course, such as nursing for recovered F0 volunteers (seed 000), organised by a unit or a facility."""

    title = models.CharField(_("title"), max_length=200)
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    unit = models.ForeignKey(
        "places.AdminUnit", verbose_name=_("organising unit"), on_delete=models.PROTECT, related_name="+"
    )
    facility = models.ForeignKey(
        "places.Facility",
        verbose_name=_("organising facility"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(default=clock.now, editable=False)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "unit"
    scope_facility_lookup = "facility_id"

    class Meta:
        verbose_name = _("training course")
        verbose_name_plural = _("training courses")
        ordering = ["-starts_on", "id"]

    def __str__(self) -> str:
        return self.title


class CourseAttendance(models.Model):
    course = models.ForeignKey(TrainingCourse, on_delete=models.CASCADE, related_name="attendances")
    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="attendances")
    attended = models.BooleanField(_("attended"), default=True)
    completed = models.BooleanField(_("completed"), default=False)

    class Meta:
        verbose_name = _("course attendance")
        verbose_name_plural = _("course attendances")
        ordering = ["staff__full_name"]
        constraints = [models.UniqueConstraint(fields=["course", "staff"], name="attendance_once_per_course")]

    def __str__(self) -> str:
        return f"{self.course_id}: {self.staff_id}"
