from django.db import models
from django.utils.translation import gettext_lazy as _


class DoseKind(models.TextChoices):
    PRIMARY = "primary", _("Primary series")
    BOOSTER = "booster", _("Booster")


class DoseSource(models.TextChoices):
    SITE = "site", _("Recorded at the site")
    IMPORT = "import", _("National platform import")


class AgeBand(models.TextChoices):
    """Bands that do not overlap, so they add up; the indicators (≥18, ≥65 …) are sums of them."""

    UNDER_5 = "0-4", _("0–4")
    CHILD = "5-11", _("5–11")
    TEEN = "12-17", _("12–17")
    ADULT = "18-64", _("18–64")
    ELDER = "65+", _("65 and over")


# The groups the Ministry reports on, as sums of bands.
INDICATOR_BANDS: dict[str, tuple[str, ...]] = {
    "18+": (AgeBand.ADULT, AgeBand.ELDER),
    "65+": (AgeBand.ELDER,),
    "12-17": (AgeBand.TEEN,),
    "5-11": (AgeBand.CHILD,),
    "5+": (AgeBand.CHILD, AgeBand.TEEN, AgeBand.ADULT, AgeBand.ELDER),
}


class Population(models.TextChoices):
    ADULTS = "18+", _("18 and over")
    ELDERS = "65+", _("65 and over")
    TEENS = "12-17", _("12–17")
    CHILDREN = "5-11", _("5–11")
    ELIGIBLE = "5+", _("5 and over (eligible)")


class Indicator(models.TextChoices):
    ONE_DOSE = "one_dose", _("At least one dose")
    FULL = "full", _("Full primary series")
    BOOSTED = "boosted", _("Booster")


class Priority(models.IntegerChoices):
    """Who comes first when nobody in the group has a dose yet (lower comes first)."""

    ELDER = 1, _("65 and over")
    CHRONIC = 2, _("Chronic disease")
    PREGNANT = 3, _("Pregnant")
    FRONT_LINE = 4, _("Front line")


class ShipmentStatus(models.TextChoices):
    PROPOSED = "proposed", _("Split proposed")
    APPROVED = "approved", _("Split approved")


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ReviewStatus(models.TextChoices):
    OPEN = "open", _("To review")
    MATCHED = "matched", _("Matched by hand")
    DISMISSED = "dismissed", _("Dismissed")
