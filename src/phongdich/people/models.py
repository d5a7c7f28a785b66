from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from phongdich.core import clock
from phongdich.core.scoping import ScopedQuerySet
from phongdich.core.text import clean_name, fold

from .choices import ResidenceChangeKind, Sex

ELDERLY_AGE = 65


class Household(models.Model):
    code = models.CharField(_("code"), max_length=40, unique=True)
    unit = models.ForeignKey(
        "places.AdminUnit", verbose_name=_("residential unit"), on_delete=models.PROTECT, related_name="households"
    )
    address = models.CharField(_("address"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "unit"

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")

    def __str__(self) -> str:
        return f"{self.code} {self.address}".strip()


class PersonQuerySet(ScopedQuerySet):
    def active(self):
        return self.filter(merged_into__isnull=True)


class Person(models.Model):
    full_name = models.CharField(_("full name"), max_length=150)
    name_search = models.CharField(max_length=150, editable=False)  # indexed with birth_date, see Meta
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    id_number = models.CharField(_("CCCD / CMND"), max_length=12, blank=True, db_index=True)
    phone = models.CharField(_("phone"), max_length=16, blank=True, db_index=True)
    nationality = models.CharField(_("nationality"), max_length=2, default="VN")
    unit = models.ForeignKey(
        "places.AdminUnit",
        verbose_name=_("place of residence"),
        on_delete=models.PROTECT,
        related_name="residents",
        db_index=False,  # indexed with name_search, see Meta
    )
    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    occupation = models.CharField(_("occupation"), max_length=100, blank=True)
    workplace = models.ForeignKey(
        "places.Organisation",
        verbose_name=_("workplace"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="workers",
    )
    chronic_disease = models.BooleanField(_("chronic disease"), default=False)
    pregnant = models.BooleanField(_("pregnant"), default=False)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # only ever tested for NULL; an index would cost every insert and serve no query
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PersonQuerySet.as_manager()
    scope_unit_field = "unit"
    scope_organisation_lookup = "workplace_id"
    # A lab sees the people whose samples reached it; a vaccination site, the people it vaccinated; a treatment
    # facility, its patients and the patients it is asked to take.
    scope_facility_lookup = (
        "samples__lab__facility_id",
        "doses__site_id",
        "admissions__facility_id",
        "transfer_requests__offers__facility_id",
    )

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        permissions = [("merge_person", "Can merge duplicate persons"), ("export_person", "Can export persons")]
        # Each index also serves its first column alone: residents of a unit; the alphabetical list.
        indexes = [models.Index(fields=["unit", "name_search"]), models.Index(fields=["name_search", "birth_date"])]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("people:detail", args=[self.pk])

    def set_name(self, full_name: str) -> None:
        self.full_name = clean_name(full_name)
        self.name_search = fold(self.full_name)

    def age_on(self, day: date) -> int | None:
        return age_on(day, self.birth_date, self.birth_year)

    @property
    def age(self) -> int | None:
        return self.age_on(clock.today())

    @property
    def risk_factors(self) -> list[str]:
        return risk_factors(self.age, self.chronic_disease, self.pregnant)


def age_on(day: date, birth_date: date | None, birth_year: int | None) -> int | None:
    if birth_date:
        return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))
    return day.year - birth_year if birth_year else None


def risk_factors(age: int | None, chronic_disease: bool, pregnant: bool) -> list[str]:
    """The risk factors that give priority in care and vaccination: age ≥ 65, chronic disease, pregnancy."""
    factors = []
    if (age or 0) >= ELDERLY_AGE:
        factors.append(str(_("aged 65 or over")))
    if chronic_disease:
        factors.append(str(_("chronic disease")))
    if pregnant:
        factors.append(str(_("pregnant")))
    return factors


class PersonSearchKey(models.Model):
    """One form a person's name is found by (core.text.search_keys). Kept for active persons only, by the
    people services; a name search is one ordered range scan of this index, whatever the scope. The person's
    unit is copied here so that the scan checks the searcher's jurisdiction in the index itself: a commune
    officer's search otherwise read the person row of every match in the province to find the few of theirs."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="search_keys")
    unit = models.ForeignKey(
        "places.AdminUnit",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # in the index below
    )
    key = models.CharField(max_length=150)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "unit"
    scope_organisation_lookup = "person__workplace_id"

    class Meta:
        verbose_name = _("name search key")
        verbose_name_plural = _("name search keys")
        indexes = [
            # PostgreSQL needs the pattern opclass for LIKE 'x%' under a non-C collation; SQLite ignores it.
            models.Index(
                fields=["key", "person", "unit"],
                name="person_search_key_unit_idx",
                opclasses=["varchar_pattern_ops", "int8_ops", "int8_ops"],
            ),
        ]

    def __str__(self) -> str:
        return self.key


class ResidenceChange(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="residence_changes")
    kind = models.CharField(_("kind"), max_length=30, choices=ResidenceChangeKind.choices)
    date = models.DateField(_("date"))
    from_unit = models.ForeignKey(
        "places.AdminUnit", verbose_name=_("from"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_unit = models.ForeignKey(
        "places.AdminUnit", verbose_name=_("to"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    origin = models.CharField(_("coming from (province or country)"), max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "person__unit"

    class Meta:
        verbose_name = _("residence change")
        verbose_name_plural = _("residence changes")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.person} {self.get_kind_display()} {self.date}"


class PersonMerge(models.Model):
    """A duplicate folded into a survivor. The duplicate row stays (merged_into set) so both histories remain."""

    survivor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_received")
    merged = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_given")
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    merged_at = models.DateTimeField(auto_now_add=True)
    moved = models.JSONField(default=dict)
    filled_fields = models.JSONField(default=list)

    class Meta:
        verbose_name = _("person merge")
        verbose_name_plural = _("person merges")

    def __str__(self) -> str:
        return f"{self.merged_id} → {self.survivor_id}"
