"""The 3-tier treatment tower: facilities by tier, their beds by kind, admissions and transfers between them.

Each ward (a facility's beds of one kind) keeps its occupied and held counts beside its capacity, changed only
by conditional updates in the same transaction as the admission or hold, so the last bed is never taken twice
and the board reads counters instead of counting patients."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from phongdich.core import clock
from phongdich.core.scoping import ScopedQuerySet

from ..models import RuleVersion
from .choices import (
    OPEN_TRANSFER,
    AdmissionStatus,
    BedKind,
    DeathCause,
    FacilityStatus,
    OfferAnswer,
    PatientSeverity,
    Tier,
    TransferStatus,
)

__all__ = ["TowerRules", "TreatmentFacility", "Ward", "WardCapacity", "Admission", "TransferRequest", "TransferOffer"]


class TowerRules(RuleVersion):
    """Severity bands on admission and how the tower routes each band, from a date on.

    `severity_bands`: most severe first, [{"severity": s, "breathing_rate_from": n, "spo2_below": n}]: a patient
    is in the first band whose breathing rate reaches `breathing_rate_from` or whose SpO₂ is below `spo2_below`;
    mild otherwise. `routes`: {severity: {"tier": 1–3, "bed_kind": kind}}. `escalate_after_minutes`: a transfer
    no facility has accepted by then is escalated to the district and province."""

    severity_bands = models.JSONField(_("severity bands"), default=list)
    routes = models.JSONField(_("tier and bed by severity"), default=dict)
    escalate_after_minutes = models.PositiveSmallIntegerField(_("escalate after (minutes)"), default=30)

    class Meta(RuleVersion.Meta):
        verbose_name = _("tower rules")
        verbose_name_plural = _("tower rules")


class TreatmentFacility(models.Model):
    """A facility's place in the tower: its tier, where it stands, its equipment and whether it admits."""

    facility = models.OneToOneField(
        "places.Facility", verbose_name=_("facility"), on_delete=models.CASCADE, related_name="tower"
    )
    tier = models.PositiveSmallIntegerField(_("tier"), choices=Tier.choices)
    status = models.CharField(_("status"), max_length=10, choices=FacilityStatus.choices, default=FacilityStatus.OPEN)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    ventilators = models.PositiveSmallIntegerField(_("ventilators"), default=0)
    high_flow_oxygen = models.PositiveSmallIntegerField(_("high-flow oxygen machines"), default=0)
    ecmo = models.PositiveSmallIntegerField(_("ECMO machines"), default=0)
    status_note = models.CharField(_("note"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "facility__unit"
    scope_facility_lookup = "facility_id"

    class Meta:
        verbose_name = _("treatment facility")
        verbose_name_plural = _("treatment facilities")
        ordering = ["tier", "facility__name"]

    def __str__(self) -> str:
        return str(self.facility)


class Ward(models.Model):
    """A facility's beds of one kind: capacity now, patients in them, beds held for accepted transfers."""

    facility = models.ForeignKey(
        "places.Facility", verbose_name=_("facility"), on_delete=models.CASCADE, related_name="wards"
    )
    bed_kind = models.CharField(_("bed kind"), max_length=10, choices=BedKind.choices)
    beds = models.PositiveIntegerField(_("beds"), default=0)
    occupied = models.PositiveIntegerField(_("occupied"), default=0)
    held = models.PositiveIntegerField(_("held for transfers"), default=0)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "facility__unit"
    scope_facility_lookup = "facility_id"

    class Meta:
        verbose_name = _("ward")
        verbose_name_plural = _("wards")
        constraints = [
            models.UniqueConstraint(fields=["facility", "bed_kind"], name="ward_once_per_bed_kind"),
            models.CheckConstraint(condition=Q(occupied__lte=F("beds") - F("held")), name="ward_never_over_capacity"),
        ]

    def __str__(self) -> str:
        return f"{self.facility_id} {self.bed_kind}: {self.occupied}+{self.held}/{self.beds}"

    @property
    def free(self) -> int:
        return self.beds - self.occupied - self.held


class WardCapacity(models.Model):
    """A ward's capacity from a moment on: the history that keeps past occupancy rates right."""

    ward = models.ForeignKey(Ward, on_delete=models.CASCADE, related_name="capacities")
    beds = models.PositiveIntegerField(_("beds"))
    valid_from = models.DateTimeField(_("from"), default=clock.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("ward capacity")
        verbose_name_plural = _("ward capacities")
        ordering = ["ward_id", "-valid_from", "-id"]
        indexes = [models.Index(fields=["ward", "valid_from"], name="ward_capacity_history")]

    def __str__(self) -> str:
        return f"{self.ward_id}: {self.beds} from {self.valid_from:%d/%m/%Y %H:%M}"


class Admission(models.Model):
    """A patient in a bed of a facility, from admission to transfer, discharge or death."""

    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="admissions"
    )
    facility = models.ForeignKey(
        "places.Facility", verbose_name=_("facility"), on_delete=models.PROTECT, related_name="admissions"
    )
    bed_kind = models.CharField(_("bed kind"), max_length=10, choices=BedKind.choices)
    severity = models.CharField(_("severity on admission"), max_length=10, choices=PatientSeverity.choices)
    vitals = models.JSONField(_("vital signs on admission"), default=dict, blank=True)
    rules = models.ForeignKey(TowerRules, verbose_name=_("rules"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=12, choices=AdmissionStatus.choices, default=AdmissionStatus.ADMITTED
    )
    admitted_at = models.DateTimeField(_("admitted"), default=clock.now)
    ended_at = models.DateTimeField(_("left"), null=True, blank=True)
    previous = models.OneToOneField(
        "self", verbose_name=_("transferred from"), null=True, blank=True, on_delete=models.PROTECT, related_name="next"
    )
    transfer = models.ForeignKey(
        "TransferRequest", null=True, blank=True, on_delete=models.SET_NULL, related_name="admissions"
    )
    order = models.ForeignKey(
        "care.IsolationOrder", null=True, blank=True, on_delete=models.SET_NULL, related_name="admissions"
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    discharge_override = models.CharField(_("reason for discharging early"), max_length=300, blank=True)
    died_on = models.DateField(_("date of death"), null=True, blank=True)
    death_cause = models.CharField(_("cause of death"), max_length=20, choices=DeathCause.choices, blank=True)
    admitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    client_key = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "facility__unit"
    scope_facility_lookup = "facility_id"

    class Meta:
        verbose_name = _("admission")
        verbose_name_plural = _("admissions")
        ordering = ["-admitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(status="admitted"), name="admission_one_bed_per_person"
            )
        ]
        indexes = [
            models.Index(fields=["facility", "status"], name="admission_facility_status"),
            models.Index(fields=["admitted_at"], name="admission_admitted_at"),
            models.Index(fields=["ended_at"], name="admission_ended_at"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} @ {self.facility_id} ({self.admitted_at:%d/%m/%Y})"

    @property
    def open(self) -> bool:
        return self.status == AdmissionStatus.ADMITTED


class TransferRequest(models.Model):
    """A patient who needs a bed of a tier: from a home-care alert, an isolation order or another facility's bed."""

    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="transfer_requests"
    )
    unit = models.ForeignKey(
        "places.AdminUnit", verbose_name=_("where the patient is"), on_delete=models.PROTECT, related_name="+"
    )
    from_facility = models.ForeignKey(
        "places.Facility",
        verbose_name=_("from facility"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="transfers_out",
    )
    from_admission = models.ForeignKey(
        Admission, null=True, blank=True, on_delete=models.PROTECT, related_name="transfer_requests"
    )
    order = models.ForeignKey(
        "care.IsolationOrder", null=True, blank=True, on_delete=models.SET_NULL, related_name="transfer_requests"
    )
    alert = models.ForeignKey(
        "care.Alert", null=True, blank=True, on_delete=models.SET_NULL, related_name="transfer_requests"
    )
    tier = models.PositiveSmallIntegerField(_("tier needed"), choices=Tier.choices)
    bed_kind = models.CharField(_("bed kind needed"), max_length=10, choices=BedKind.choices)
    severity = models.CharField(_("severity"), max_length=10, choices=PatientSeverity.choices)
    vitals = models.JSONField(_("vital signs"), default=dict, blank=True)
    reason = models.CharField(_("reason"), max_length=300)
    status = models.CharField(
        _("status"), max_length=10, choices=TransferStatus.choices, default=TransferStatus.WAITING
    )
    requested_at = models.DateTimeField(_("requested"), default=clock.now)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    escalate_at = models.DateTimeField(_("escalates at"))
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    to_facility = models.ForeignKey(
        "places.Facility",
        verbose_name=_("accepted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="transfers_in",
    )
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    ambulance_called_at = models.DateTimeField(_("115 ambulance dispatched"), null=True, blank=True)
    ambulance_ref = models.CharField(_("115 dispatch number"), max_length=30, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    close_note = models.CharField(_("closing note"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "unit"
    scope_facility_lookup = ("from_facility_id", "to_facility_id", "offers__facility_id")

    class Meta:
        verbose_name = _("transfer request")
        verbose_name_plural = _("transfer requests")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(status__in=[str(status) for status in OPEN_TRANSFER]),
                name="transfer_one_open_per_person",
            )
        ]
        indexes = [models.Index(fields=["status", "escalate_at"], name="transfer_open_by_deadline")]

    def __str__(self) -> str:
        return f"{self.person_id} → {self.get_tier_display()}"

    @property
    def open(self) -> bool:
        return self.status in OPEN_TRANSFER


class TransferOffer(models.Model):
    """A facility asked to take a transfer, and its answer."""

    request = models.ForeignKey(TransferRequest, on_delete=models.CASCADE, related_name="offers")
    facility = models.ForeignKey(
        "places.Facility", verbose_name=_("facility"), on_delete=models.PROTECT, related_name="+"
    )
    distance_km = models.DecimalField(_("distance (km)"), max_digits=6, decimal_places=1, null=True, blank=True)
    off_tier_reason = models.CharField(_("reason for another tier"), max_length=300, blank=True)
    answer = models.CharField(_("answer"), max_length=10, choices=OfferAnswer.choices, default=OfferAnswer.PENDING)
    answer_reason = models.CharField(_("reason"), max_length=300, blank=True)
    offered_at = models.DateTimeField(_("asked"), default=clock.now)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("transfer offer")
        verbose_name_plural = _("transfer offers")
        ordering = ["offered_at", "id"]
        constraints = [models.UniqueConstraint(fields=["request", "facility"], name="offer_once_per_facility")]

    def __str__(self) -> str:
        return f"{self.request_id} → {self.facility_id}: {self.answer}"
