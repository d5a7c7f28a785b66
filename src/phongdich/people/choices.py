from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")
    UNKNOWN = "unknown", _("Unknown")


class ResidenceChangeKind(models.TextChoices):
    MOVED_IN = "moved_in", _("Moved in (permanent residence)")
    MOVED_WITHIN = "moved_within", _("Moved within the province")
    MOVED_OUT = "moved_out", _("Moved out of the province")
    TEMPORARY_RESIDENT = "temporary_resident", _("Registered as temporary resident")
    ARRIVAL_OTHER_PROVINCE = "arrival_other_province", _("Arrived from another province")
    ARRIVAL_ABROAD = "arrival_abroad", _("Arrived from abroad")
    RETURNED = "returned", _("Returned home")


# Kinds that change where the person lives now.
RELOCATING_KINDS = {
    ResidenceChangeKind.MOVED_IN,
    ResidenceChangeKind.MOVED_WITHIN,
    ResidenceChangeKind.TEMPORARY_RESIDENT,
    ResidenceChangeKind.ARRIVAL_OTHER_PROVINCE,
    ResidenceChangeKind.ARRIVAL_ABROAD,
    ResidenceChangeKind.RETURNED,
}
