import secrets

from django.conf import settings
from django.core import signing
from django.db import models
from django.utils.translation import gettext_lazy as _

from phongdich.core.scoping import ScopedQuerySet
from phongdich.core.text import fold

from .choices import FacilityKind, OrganisationKind, PopulationSource, Structure, UnitLevel, VenueKind


class AdminUnit(models.Model):
    """A node of the administrative tree: province, district, commune or residential group.

    `path` is the materialised path of codes from the root ("legacy:74/718/25741/"), so a subtree is one
    indexed prefix match. Codes are the statistics office (GSO) codes; residential groups, which have none,
    get "<commune code>-<nn>".
    """

    structure = models.CharField(_("structure"), max_length=10, choices=Structure.choices)
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    division_type = models.CharField(_("division type"), max_length=40, blank=True)
    level = models.CharField(_("level"), max_length=10, choices=UnitLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(_("path"), max_length=255, unique=True)
    depth = models.PositiveSmallIntegerField(_("depth"))
    name_search = models.CharField(max_length=200, db_index=True, editable=False)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    geometry = models.JSONField(_("geometry (GeoJSON)"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "path"

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["path"]
        constraints = [models.UniqueConstraint(fields=["structure", "code"], name="unit_code_unique_per_structure")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_search = fold(self.name)
        super().save(*args, **kwargs)

    @staticmethod
    def root_path() -> str:
        """The province's path, for what concerns the whole province (the legacy tree's when both are loaded);
        "/" before any unit is loaded, which only a superuser's scope covers."""
        roots = dict(AdminUnit.objects.filter(parent=None).order_by("-path").values_list("structure", "path"))
        return roots.get(Structure.LEGACY) or next(iter(roots.values()), "/")

    @staticmethod
    def path_for(structure: str, code: str, parent: "AdminUnit | None") -> str:
        return f"{parent.path}{code}/" if parent else f"{structure}:{code}/"

    @property
    def label(self) -> str:
        """The name with its commune for a residential group ("Khu phố 1, Phường Lái Thiêu"): group names repeat."""
        if self.level == UnitLevel.GROUP and self.parent_id:
            return f"{self.name}, {self.parent.name}"
        return self.name

    def ancestor_paths(self) -> list[str]:
        """Paths of this unit's ancestors, root first."""
        head, *codes = self.path.rstrip("/").split("/")
        paths, current = [], ""
        for part in [head, *codes][:-1]:
            current += part + "/"
            paths.append(current)
        return paths

    def ancestors(self):
        return AdminUnit.objects.filter(path__in=self.ancestor_paths()).order_by("depth")

    @property
    def has_children(self) -> bool:
        return self.level != UnitLevel.GROUP


class Population(models.Model):
    """A unit's population by age band for a year: imported, or the sum of its children's."""

    unit = models.ForeignKey(AdminUnit, on_delete=models.CASCADE, related_name="populations")
    year = models.PositiveSmallIntegerField(_("year"))
    total = models.PositiveIntegerField(_("total"))
    age_18_plus = models.PositiveIntegerField(_("aged 18 and over"))
    age_65_plus = models.PositiveIntegerField(_("aged 65 and over"))
    age_12_17 = models.PositiveIntegerField(_("aged 12–17"))
    age_5_11 = models.PositiveIntegerField(_("aged 5–11"))
    source = models.CharField(_("source"), max_length=10, choices=PopulationSource.choices)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "unit"

    BANDS = ("total", "age_18_plus", "age_65_plus", "age_12_17", "age_5_11")

    class Meta:
        verbose_name = _("population")
        verbose_name_plural = _("populations")
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="population_once_per_unit_year")]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}: {self.total}"


class IndustrialPark(models.Model):
    name = models.CharField(_("name"), max_length=200)
    unit = models.ForeignKey(AdminUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "unit"

    class Meta:
        verbose_name = _("industrial park")
        verbose_name_plural = _("industrial parks")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    """An enterprise, agency, school or market: a workplace, and the binding of an enterprise representative."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    unit = models.ForeignKey(AdminUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    industrial_park = models.ForeignKey(
        IndustrialPark, verbose_name=_("industrial park"), null=True, blank=True, on_delete=models.SET_NULL
    )
    tax_code = models.CharField(_("tax code"), max_length=14, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "unit"
    scope_organisation_lookup = "pk"

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Facility(models.Model):
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=FacilityKind.choices)
    unit = models.ForeignKey(AdminUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="facilities")
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=16, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "unit"

    class Meta:
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def new_venue_key() -> str:
    return secrets.token_urlsafe(12)


class Venue(models.Model):
    """Any place people check in to with a QR code. The code carries only a signed random key."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=VenueKind.choices)
    unit = models.ForeignKey(AdminUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="venues")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), null=True, blank=True, on_delete=models.SET_NULL
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    key = models.CharField(max_length=32, unique=True, default=new_venue_key, editable=False)
    active = models.BooleanField(_("active"), default=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "unit"

    class Meta:
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def qr_token(self) -> str:
        return signing.Signer(salt=settings.PHONGDICH_VENUE_TOKEN_SALT).sign(self.key)

    @property
    def checkin_url(self) -> str:
        """What the QR code carries: the public check-in page, so a phone camera opens it; scanners read the
        token from it (`token_in`)."""
        return f"{settings.PHONGDICH_PUBLIC_URL}/c/{self.qr_token}/"

    @staticmethod
    def token_in(scanned: str) -> str:
        """The signed token in a scanned code: the code itself, or the part after /c/ of a check-in address."""
        if "/c/" in scanned:
            return scanned.rsplit("/c/", 1)[1].strip("/")
        return scanned

    @classmethod
    def from_token(cls, token: str) -> "Venue":
        """The active venue a scanned token names; raises BadSignature or DoesNotExist for a forged/unknown one."""
        key = signing.Signer(salt=settings.PHONGDICH_VENUE_TOKEN_SALT).unsign(token)
        return cls.objects.get(key=key, active=True)
