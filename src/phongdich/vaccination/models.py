from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from phongdich.core.import_flow import Resumable
from phongdich.core.scoping import ScopedQuerySet
from phongdich.core.templatetags.humanize_vi import num

from .choices import (
    AgeBand,
    DoseKind,
    DoseSource,
    ImportStatus,
    Indicator,
    Population,
    ReviewStatus,
    ShipmentStatus,
)


class VaccineProduct(models.Model):
    """A vaccine as the EU/WHO value sets name it, and its series rules."""

    code = models.CharField(_("product code (mp)"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    prophylaxis = models.CharField(_("vaccine type code (vp)"), max_length=20)
    manufacturer_code = models.CharField(_("manufacturer code (ma)"), max_length=60)
    manufacturer = models.CharField(_("manufacturer"), max_length=150)
    series_doses = models.PositiveSmallIntegerField(_("doses in the primary series"), default=2)
    min_interval_days = models.PositiveSmallIntegerField(
        _("shortest interval between primary doses (days)"), default=21
    )
    aliases = models.JSONField(_("other names in imported files"), default=list, blank=True)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("vaccine product")
        verbose_name_plural = _("vaccine products")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class VaccinationRules(models.Model):
    """The vaccination rules in force from a date, with their source document."""

    effective_from = models.DateField(_("effective from"), unique=True)
    source_document = models.CharField(_("source document"), max_length=200)
    document_date = models.DateField(
        _("document dated"),
        null=True,
        help_text=_("The day the document was issued (the first of its month when only the month is known)."),
    )
    booster_min_days = models.PositiveSmallIntegerField(_("shortest interval to a booster (days)"), default=90)
    certificate_valid_days = models.PositiveSmallIntegerField(_("certificate valid for (days)"), default=365)
    front_line_occupations = models.JSONField(_("front-line occupations"), default=list, blank=True)
    weight_priority = models.PositiveSmallIntegerField(
        _("allocation weight of an unvaccinated priority person"), default=3
    )
    weight_other = models.PositiveSmallIntegerField(_("allocation weight of another unvaccinated person"), default=1)
    weight_awaiting = models.PositiveSmallIntegerField(
        _("allocation weight of a person awaiting their next dose"), default=1
    )

    class Meta:
        verbose_name = _("vaccination rules")
        verbose_name_plural = _("vaccination rules")
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return f"{self.effective_from} {self.source_document}"

    @property
    def allocation_weights(self) -> dict[str, int]:
        return {
            "priority_unvaccinated": self.weight_priority,
            "other_unvaccinated": self.weight_other,
            "awaiting_next_dose": self.weight_awaiting,
        }


class Dose(models.Model):
    """One dose given to one person. `completes_series` and `kind` are decided when the dose is recorded,
    so coverage is a count, not a replay of everyone's history."""

    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="doses"
    )
    unit = models.ForeignKey(
        "places.AdminUnit", verbose_name=_("residence"), on_delete=models.PROTECT, related_name="+"
    )
    number = models.PositiveSmallIntegerField(_("dose number"))
    kind = models.CharField(_("kind"), max_length=10, choices=DoseKind.choices, default=DoseKind.PRIMARY)
    completes_series = models.BooleanField(_("completes the primary series"), default=False)
    product = models.ForeignKey(VaccineProduct, verbose_name=_("vaccine"), on_delete=models.PROTECT, related_name="+")
    lot = models.CharField(_("lot"), max_length=40, blank=True)
    given_on = models.DateField(_("date"))
    site = models.ForeignKey(
        "places.Facility", verbose_name=_("site"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    site_name = models.CharField(_("site as written"), max_length=200, blank=True)
    vaccinator = models.CharField(_("vaccinator"), max_length=150, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=DoseSource.choices, default=DoseSource.SITE)
    dose_import = models.ForeignKey("DoseImport", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "unit"
    scope_facility_lookup = "site_id"

    class Meta:
        verbose_name = _("dose")
        verbose_name_plural = _("doses")
        ordering = ["person", "number"]
        constraints = [models.UniqueConstraint(fields=["person", "number"], name="one_dose_per_number")]
        indexes = [models.Index(fields=["site", "given_on"])]

    def __str__(self) -> str:
        return f"{self.person_id} #{self.number} {self.given_on}"


class CoverageCell(models.Model):
    """Pre-aggregated coverage: one residential group × one age band, rebuilt by `coverage_refresh`."""

    unit = models.ForeignKey("places.AdminUnit", on_delete=models.CASCADE, related_name="+")
    unit_path = models.CharField(max_length=255, db_index=True)
    band = models.CharField(max_length=5, choices=AgeBand.choices)
    residents = models.PositiveIntegerField(default=0)
    one_dose = models.PositiveIntegerField(default=0)
    full = models.PositiveIntegerField(default=0)
    boosted = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "band"], name="one_cell_per_unit_band")]

    def __str__(self) -> str:
        return f"{self.unit_path} {self.band}"


class CoverageRefresh(models.Model):
    finished_at = models.DateTimeField()
    seconds = models.FloatField()
    as_of = models.DateField()
    residents = models.PositiveIntegerField()

    class Meta:
        ordering = ["-finished_at"]
        get_latest_by = "finished_at"

    def __str__(self) -> str:
        return f"{self.as_of} ({self.seconds:.1f} s)"


class VaccinationTarget(models.Model):
    """ "100% of eligible people fully vaccinated within December 2021": a share of a population in an area
    by a deadline, with the document that set it."""

    unit = models.ForeignKey("places.AdminUnit", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+")
    indicator = models.CharField(_("indicator"), max_length=10, choices=Indicator.choices)
    population = models.CharField(_("population"), max_length=5, choices=Population.choices)
    percent = models.DecimalField(_("target (%)"), max_digits=5, decimal_places=2)
    deadline = models.DateField(_("deadline"))
    source_document = models.CharField(_("source document"), max_length=300)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "unit"

    class Meta:
        verbose_name = _("vaccination target")
        verbose_name_plural = _("vaccination targets")
        ordering = ["deadline"]

    def __str__(self) -> str:
        return f"{self.get_indicator_display()} {self.population} {self.percent}% {self.deadline}"


class Shipment(models.Model):
    """Doses the province receives, to split across districts."""

    product = models.ForeignKey(VaccineProduct, verbose_name=_("vaccine"), on_delete=models.PROTECT, related_name="+")
    doses = models.PositiveIntegerField(_("doses"))
    received_on = models.DateField(_("received"))
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    unit = models.ForeignKey(
        "places.AdminUnit", verbose_name=_("split across"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ShipmentStatus.choices, default=ShipmentStatus.PROPOSED
    )
    formula = models.JSONField(_("formula and weights"), default=dict)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "unit"

    class Meta:
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        ordering = ["-received_on", "-id"]

    def __str__(self) -> str:
        return f"{self.product} × {num(self.doses)} ({self.received_on:%d/%m/%Y})"

    def get_absolute_url(self) -> str:
        return reverse("vaccination:shipment", args=[self.pk])


class Allocation(models.Model):
    """One unit's share of a shipment: what the formula proposed, from which inputs, and what was decided."""

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="allocations")
    unit = models.ForeignKey("places.AdminUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    inputs = models.JSONField(_("inputs"), default=dict)
    need = models.PositiveIntegerField(_("weighted need"))
    proposed = models.PositiveIntegerField(_("proposed doses"))
    doses = models.PositiveIntegerField(_("doses"))

    class Meta:
        ordering = ["-need", "unit__name"]
        constraints = [models.UniqueConstraint(fields=["shipment", "unit"], name="one_allocation_per_unit")]

    def __str__(self) -> str:
        return f"{self.unit_id}: {self.doses}"


class Delivery(models.Model):
    """Doses arriving at a vaccination site (positive) or leaving it as waste or transfer (negative)."""

    site = models.ForeignKey("places.Facility", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey(VaccineProduct, verbose_name=_("vaccine"), on_delete=models.PROTECT, related_name="+")
    lot = models.CharField(_("lot"), max_length=40, blank=True)
    doses = models.IntegerField(_("doses"))
    delivered_on = models.DateField(_("date"))
    allocation = models.ForeignKey(
        Allocation, null=True, blank=True, on_delete=models.SET_NULL, related_name="deliveries"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "site__unit"
    scope_facility_lookup = "site_id"

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-delivered_on", "-id"]

    def __str__(self) -> str:
        return f"{self.site_id} {self.product_id} {self.doses:+}"


class DoseImport(Resumable, models.Model):
    """A file of doses from the national platform. The same file twice is the same import."""

    sha256 = models.CharField(max_length=64, unique=True)
    upload_token = models.CharField(max_length=80, blank=True)
    original_name = models.CharField(_("file"), max_length=200)
    mapping = models.JSONField(default=dict, blank=True)
    unit = models.ForeignKey("places.AdminUnit", verbose_name=_("for"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    lines = models.PositiveIntegerField(default=0)
    added = models.PositiveIntegerField(_("doses added"), default=0)
    known = models.PositiveIntegerField(_("already known"), default=0)
    to_review = models.PositiveIntegerField(_("to review"), default=0)
    refused = models.PositiveIntegerField(_("refused"), default=0)
    errors = models.JSONField(default=list, blank=True)
    message = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    progress_at = models.DateTimeField(null=True, blank=True)  # when a run last committed a slice
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "unit"

    class Meta:
        verbose_name = _("dose import")
        verbose_name_plural = _("dose imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("vaccination:import", args=[self.pk])

    @property
    def done_rows(self) -> int:
        """The lines a run has committed (each slice's lines count with its doses)."""
        return self.lines


class ReviewRow(models.Model):
    """An imported dose that matched nobody (or more than one person): kept until someone decides."""

    dose_import = models.ForeignKey(DoseImport, on_delete=models.CASCADE, related_name="review_rows")
    unit = models.ForeignKey("places.AdminUnit", on_delete=models.PROTECT, related_name="+")
    line = models.PositiveIntegerField(_("line"))
    data = models.JSONField(_("row"))
    reason = models.CharField(_("reason"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.OPEN)
    person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "unit"

    class Meta:
        ordering = ["dose_import", "line"]
        constraints = [models.UniqueConstraint(fields=["dose_import", "line"], name="one_review_per_line")]

    def __str__(self) -> str:
        return f"{self.dose_import_id}:{self.line}"


class SigningKey(models.Model):
    """A document-signer certificate. Its private key is a file in PHONGDICH_DCC_KEY_DIR, never here."""

    kid = models.CharField(_("key id"), max_length=16, unique=True)  # hex of the 8-byte EU key id
    certificate = models.BinaryField(_("certificate (DER)"))
    key_file = models.CharField(max_length=100)
    not_before = models.DateTimeField()
    not_after = models.DateTimeField()
    active = models.BooleanField(_("signing now"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("signing key")
        verbose_name_plural = _("signing keys")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["active"], condition=models.Q(active=True), name="one_active_key")
        ]

    def __str__(self) -> str:
        return self.kid


class Certificate(models.Model):
    """A vaccination certificate issued to a person, for their latest dose at the time of issue."""

    uvci = models.CharField(_("certificate id"), max_length=80, unique=True)
    uvci_hash = models.CharField(max_length=64, unique=True)
    person = models.ForeignKey("people.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("places.AdminUnit", on_delete=models.PROTECT, related_name="+")
    dose = models.ForeignKey(Dose, verbose_name=_("dose"), on_delete=models.PROTECT, related_name="certificates")
    signing_key = models.ForeignKey(SigningKey, on_delete=models.PROTECT, related_name="certificates")
    text = models.TextField(_("HC1 text"))
    issued_at = models.DateTimeField(_("issued"))
    expires_at = models.DateTimeField(_("expires"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revocation_reason = models.CharField(_("reason for revoking"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "unit"
    scope_facility_lookup = "dose__site_id"  # the site that gave the dose certified

    class Meta:
        verbose_name = _("vaccine certificate")
        verbose_name_plural = _("vaccine certificates")
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return self.uvci

    def get_absolute_url(self) -> str:
        return reverse("vaccination:certificate", args=[self.pk])
