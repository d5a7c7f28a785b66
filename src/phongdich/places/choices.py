from django.db import models
from django.utils.translation import gettext_lazy as _


class Structure(models.TextChoices):
    LEGACY = "legacy", _("Before 1 July 2025 (province, district, commune)")
    REFORM_2025 = "2025", _("From 1 July 2025 (province, commune)")


class UnitLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    DISTRICT = "district", _("District")
    COMMUNE = "commune", _("Commune")
    GROUP = "group", _("Residential group")


class FacilityKind(models.TextChoices):
    HOSPITAL = "hospital", _("Hospital")
    FIELD_HOSPITAL = "field_hospital", _("Field hospital")
    ISOLATION_SITE = "isolation_site", _("Concentrated isolation site")
    F0_TREATMENT_SITE = "f0_treatment_site", _("F0 treatment site")
    COMMUNE_HEALTH_STATION = "commune_health_station", _("Commune health station")
    MOBILE_STATION = "mobile_station", _("Mobile medical station")
    LAB = "lab", _("Laboratory")
    VACCINATION_SITE = "vaccination_site", _("Vaccination site")
    ENTERPRISE_ISOLATION_SITE = "enterprise_isolation_site", _("Enterprise isolation site")


class OrganisationKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    AGENCY = "agency", _("Government agency")
    SCHOOL = "school", _("School")
    MARKET = "market", _("Market")
    OTHER = "other", _("Other")


class VenueKind(models.TextChoices):
    MARKET = "market", _("Market")
    SUPERMARKET = "supermarket", _("Supermarket")
    RESTAURANT = "restaurant", _("Restaurant or café")
    WORKPLACE = "workplace", _("Workplace")
    SCHOOL = "school", _("School")
    HEALTH = "health", _("Health facility")
    TRANSPORT = "transport", _("Transport stop")
    WORSHIP = "worship", _("Place of worship")
    OFFICE = "office", _("Public office")
    OTHER = "other", _("Other")


class PopulationSource(models.TextChoices):
    IMPORTED = "imported", _("imported")
    SUMMED = "summed", _("summed from lower units")
