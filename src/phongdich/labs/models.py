from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from phongdich.core.import_flow import Resumable
from phongdich.core.scoping import ScopedQuerySet, scope_of

from .choices import (
    BarcodeKind,
    ImportStatus,
    PoolStatus,
    ResampleReason,
    Result,
    ResultSource,
    SampleKind,
    SampleStatus,
    TaskStatus,
)

CT = {"max_digits": 5, "decimal_places": 2, "null": True, "blank": True}


class TestingRules(models.Model):
    """The testing rules in force from a date, with their source document (see selectors.rules_in_force)."""

    __test__ = False  # not a test class, whatever pytest thinks of the name

    effective_from = models.DateField(_("effective from"), unique=True)
    source_document = models.CharField(_("source document"), max_length=200)
    document_date = models.DateField(
        _("document dated"),
        null=True,
        help_text=_("The day the document was issued (the first of its month when only the month is known)."),
    )
    pool_size = models.PositiveSmallIntegerField(_("largest pool"), default=10)
    high_risk_pool_size = models.PositiveSmallIntegerField(_("largest pool in higher-risk groups"), default=5)
    antigen_confirms = models.BooleanField(
        _("a positive antigen test confirms a case with symptoms or an epidemiological link"),
        default=False,
        help_text=_("Without it, a positive antigen test makes a suspected case, to be confirmed by RT-PCR."),
    )
    negative_clears_from_level = models.PositiveSmallIntegerField(
        _("a negative test clears contacts from this F-level down"),
        default=2,
        help_text=_("2: F2 and F3 are cleared by a negative test; an F1 stays in quarantine until its end."),
    )
    negative_ends_source = models.BooleanField(
        _("a negative test ends a contact as a source"),
        default=True,
        help_text=_(
            "A contact who tested negative but stays in quarantine passes nothing on: the people traced only "
            "through them are cleared."
        ),
    )
    resample_due_hours = models.PositiveSmallIntegerField(_("hours to re-sample a person"), default=12)
    turnaround_target_hours = models.PositiveSmallIntegerField(_("target hours from sampling to result"), default=24)

    class Meta:
        verbose_name = _("testing rules")
        verbose_name_plural = _("testing rules")
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return f"{self.effective_from} {self.source_document}"


class Lab(models.Model):
    """A laboratory: a facility of kind "lab", its daily capacity and how its result files are laid out."""

    facility = models.OneToOneField(
        "places.Facility", verbose_name=_("facility"), on_delete=models.PROTECT, related_name="lab"
    )
    daily_capacity = models.PositiveIntegerField(_("tests a day"), default=1000)
    result_mapping = models.JSONField(_("result file columns"), default=dict, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "facility__unit"
    scope_facility_lookup = "facility_id"

    class Meta:
        verbose_name = _("lab")
        verbose_name_plural = _("labs")
        ordering = ["facility__name"]

    def __str__(self) -> str:
        return self.facility.name


class TestingRoundQuerySet(ScopedQuerySet):
    def restrict(self, user, action: str = "view"):
        """A round is seen by everyone working inside its area (a group's team sees its commune's round), and
        changed only by those whose jurisdiction covers the whole area."""
        scoped = super().restrict(user, action)
        if action != "view":
            return scoped
        scope = scope_of(user, "labs.view_testinground")
        ancestors = {root[: i + 1] for root in scope.unit_paths for i, char in enumerate(root) if char == "/"}
        return scoped | self.filter(unit__path__in=ancestors) if ancestors else scoped


class TestingRound(models.Model):
    """A round of mass testing over an area (a unit and its subtree, or some residential groups in it)."""

    __test__ = False  # not a test class, whatever pytest thinks of the name

    name = models.CharField(_("name"), max_length=200)
    number = models.PositiveSmallIntegerField(_("round"), default=1)
    unit = models.ForeignKey("places.AdminUnit", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+")
    groups = models.ManyToManyField(
        "places.AdminUnit",
        verbose_name=_("only these residential groups"),
        blank=True,
        related_name="+",
        help_text=_("Leave empty for the whole area."),
    )
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    target_population = models.PositiveIntegerField(_("people to test"), default=0)
    pool_size = models.PositiveSmallIntegerField(_("largest pool"), null=True, blank=True)
    high_risk_pool_size = models.PositiveSmallIntegerField(
        _("largest pool in higher-risk groups"), null=True, blank=True
    )
    priority_groups = models.JSONField(_("priority groups"), default=list, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TestingRoundQuerySet.as_manager()
    scope_unit_field = "unit"

    class Meta:
        verbose_name = _("testing round")
        verbose_name_plural = _("testing rounds")
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("labs:round", args=[self.pk])


class Barcode(models.Model):
    """Every barcode given to a tube, a sample's or a pool's. Samples and pools each point at their own row, so
    the database itself holds that no code names both a sample and a pool (two teams scanning the same tube at
    once: one is registered, the other is told to take a new tube)."""

    code = models.CharField(_("barcode"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=BarcodeKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("barcode")
        verbose_name_plural = _("barcodes")

    def __str__(self) -> str:
        return self.code


class Pool(models.Model):
    """Samples tested together. Its membership is frozen once it leaves for the lab; a positive result sends
    every member for an individual test, a negative one clears them all."""

    barcode = models.CharField(_("pool barcode"), max_length=40, unique=True)
    tube = models.OneToOneField(Barcode, on_delete=models.PROTECT, related_name="pool", editable=False)
    lab = models.ForeignKey(Lab, verbose_name=_("lab"), on_delete=models.PROTECT, related_name="pools")
    round = models.ForeignKey(
        TestingRound, verbose_name=_("round"), null=True, blank=True, on_delete=models.PROTECT, related_name="pools"
    )
    unit = models.ForeignKey(
        "places.AdminUnit", verbose_name=_("sampled in"), on_delete=models.PROTECT, related_name="+"
    )
    size_limit = models.PositiveSmallIntegerField(_("largest size"))
    high_risk = models.BooleanField(_("higher-risk group"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=PoolStatus.choices, default=PoolStatus.OPEN)
    result = models.CharField(_("result"), max_length=12, choices=Result.choices, blank=True)
    result_at = models.DateTimeField(_("result time"), null=True, blank=True)
    received_at = models.DateTimeField(_("received"), null=True, blank=True)
    team = models.CharField(_("sampling team"), max_length=100, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "unit"
    scope_facility_lookup = "lab__facility_id"

    class Meta:
        verbose_name = _("pool")
        verbose_name_plural = _("pools")
        indexes = [models.Index(fields=["lab", "status"])]

    def __str__(self) -> str:
        return self.barcode

    def get_absolute_url(self) -> str:
        return reverse("labs:pool", args=[self.pk])


class PoolResult(models.Model):
    """One test of a pool. An inconclusive run is kept beside the run that settled it."""

    pool = models.ForeignKey(Pool, on_delete=models.CASCADE, related_name="results")
    result = models.CharField(_("result"), max_length=12, choices=Result.choices)
    ct_e = models.DecimalField(_("Ct E gene"), **CT)
    ct_n = models.DecimalField(_("Ct N gene"), **CT)
    ct_rdrp = models.DecimalField(_("Ct RdRp gene"), **CT)
    result_at = models.DateTimeField(_("result time"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    result_import = models.ForeignKey(
        "ResultImport", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    line = models.PositiveIntegerField(_("line in the file"), null=True, blank=True)

    class Meta:
        ordering = ["result_at", "id"]

    def __str__(self) -> str:
        return f"{self.pool_id}: {self.result} {self.result_at:%Y-%m-%d %H:%M}"


class ResampleTask(models.Model):
    """A person to sample again: a member of a positive pool, an inconclusive result, a positive antigen test
    to confirm. Done when the new sample is registered against it."""

    person = models.ForeignKey("people.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("places.AdminUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=20, choices=ResampleReason.choices)
    pool = models.ForeignKey(
        Pool, verbose_name=_("pool"), null=True, blank=True, on_delete=models.PROTECT, related_name="resample_tasks"
    )
    cause = models.ForeignKey(
        "Sample", verbose_name=_("because of"), on_delete=models.PROTECT, related_name="resample_tasks"
    )
    due_at = models.DateTimeField(_("due"))
    status = models.CharField(_("status"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "unit"

    class Meta:
        verbose_name = _("re-sampling task")
        verbose_name_plural = _("re-sampling tasks")
        indexes = [models.Index(fields=["status", "due_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["cause"], condition=models.Q(status="open"), name="one_open_resample_per_sample"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} #{self.person_id}"


class Sample(models.Model):
    """A specimen taken from a person, and its result. The person's unit at sampling time is copied for
    scoping and for per-unit figures; `turnaround_minutes` (sampling to result) is kept for the dashboards."""

    barcode = models.CharField(_("barcode"), max_length=40, unique=True)
    tube = models.OneToOneField(Barcode, on_delete=models.PROTECT, related_name="sample", editable=False)
    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="samples"
    )
    unit = models.ForeignKey("places.AdminUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("test"), max_length=16, choices=SampleKind.choices)
    sampled_at = models.DateTimeField(_("sampled"))
    site = models.ForeignKey(
        "places.Facility",
        verbose_name=_("sampling site"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    team = models.CharField(_("sampling team"), max_length=100, blank=True)
    lab = models.ForeignKey(
        Lab, verbose_name=_("lab"), null=True, blank=True, on_delete=models.PROTECT, related_name="samples"
    )
    round = models.ForeignKey(
        TestingRound, verbose_name=_("round"), null=True, blank=True, on_delete=models.PROTECT, related_name="samples"
    )
    pool = models.ForeignKey(
        Pool, verbose_name=_("pool"), null=True, blank=True, on_delete=models.PROTECT, related_name="samples"
    )
    for_task = models.OneToOneField(
        ResampleTask,
        verbose_name=_("answers"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sample",
    )
    symptoms = models.BooleanField(_("has symptoms"), default=False)
    photo = models.FileField(_("photo of the test"), upload_to="selftests/%Y/%m/", blank=True)
    status = models.CharField(_("status"), max_length=10, choices=SampleStatus.choices, default=SampleStatus.REGISTERED)
    result = models.CharField(_("result"), max_length=12, choices=Result.choices, blank=True)
    result_source = models.CharField(_("result from"), max_length=10, choices=ResultSource.choices, blank=True)
    ct_e = models.DecimalField(_("Ct E gene"), **CT)
    ct_n = models.DecimalField(_("Ct N gene"), **CT)
    ct_rdrp = models.DecimalField(_("Ct RdRp gene"), **CT)
    received_at = models.DateTimeField(_("received"), null=True, blank=True)
    result_at = models.DateTimeField(_("result time"), null=True, blank=True)
    turnaround_minutes = models.PositiveIntegerField(null=True, blank=True, editable=False)
    result_import = models.ForeignKey(
        "ResultImport", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "unit"
    scope_facility_lookup = "lab__facility_id"

    class Meta:
        verbose_name = _("sample")
        verbose_name_plural = _("samples")
        indexes = [
            models.Index(fields=["round", "unit"]),  # the round's figures per unit
            models.Index(fields=["person", "sampled_at"]),  # a person's tests; who is overdue
            models.Index(fields=["lab", "status"]),  # a lab's backlog
            # results per day and unit, read from the index alone (a day of mass testing has a million)
            models.Index(fields=["result_at", "result", "unit"], name="sample_results_by_day"),
        ]
        constraints = [
            models.CheckConstraint(
                name="result_not_before_sampling",
                condition=models.Q(result_at__isnull=True) | models.Q(result_at__gte=models.F("sampled_at")),
            )
        ]

    def __str__(self) -> str:
        return self.barcode

    def get_absolute_url(self) -> str:
        return reverse("labs:sample", args=[self.pk])


class ResultImport(Resumable, models.Model):
    """A lab's result file, imported in the background. A file already imported for the lab is not read twice."""

    lab = models.ForeignKey(Lab, verbose_name=_("lab"), on_delete=models.PROTECT, related_name="imports")
    file_name = models.CharField(_("file"), max_length=200)
    file_sha256 = models.CharField(max_length=64)
    upload_token = models.CharField(max_length=100, blank=True)
    mapping = models.JSONField(default=dict)
    status = models.CharField(_("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    done_rows = models.PositiveIntegerField(_("rows read"), default=0)
    applied = models.PositiveIntegerField(_("results applied"), default=0)
    unchanged = models.PositiveIntegerField(_("already known"), default=0)
    error_count = models.PositiveIntegerField(_("rows refused"), default=0)
    errors = models.TextField(blank=True)  # CSV: line, column, message
    message = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    progress_at = models.DateTimeField(null=True, blank=True)  # when a run last committed a slice
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "lab__facility__unit"
    scope_facility_lookup = "lab__facility_id"

    class Meta:
        verbose_name = _("result import")
        verbose_name_plural = _("result imports")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["lab", "file_sha256"], name="one_import_per_lab_file")]

    def __str__(self) -> str:
        return self.file_name

    def get_absolute_url(self) -> str:
        return reverse("labs:import", args=[self.pk])


class TestingPlan(models.Model):
    """Periodic testing of an agency's or enterprise's staff (the people whose workplace it is); its head
    answers for it."""

    __test__ = False  # not a test class, whatever pytest thinks of the name

    organisation = models.OneToOneField(
        "places.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="testing_plan"
    )
    every_days = models.PositiveSmallIntegerField(_("test every (days)"), default=7)
    responsible = models.CharField(_("responsible head"), max_length=150)
    starts_on = models.DateField(_("from"))
    source_document = models.CharField(_("required by"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "organisation__unit"
    scope_organisation_lookup = "organisation_id"

    class Meta:
        verbose_name = _("testing plan")
        verbose_name_plural = _("testing plans")

    def __str__(self) -> str:
        return str(self.organisation)
