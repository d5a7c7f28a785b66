from django.db import models
from django.utils.translation import gettext_lazy as _


class StationStatus(models.TextChoices):
    OPERATING = "operating", _("Operating")
    SUSPENDED = "suspended", _("Suspended")
    CLOSED = "closed", _("Closed")


class TargetScope(models.TextChoices):
    COMMUNE = "commune", _("Every commune")
    INDUSTRIAL_PARK = "industrial_park", _("Every industrial park")


class TeamRole(models.TextChoices):
    LEADER = "leader", _("Team leader")
    MEMBER = "member", _("Member")


class StaffKind(models.TextChoices):
    DOCTOR = "doctor", _("Doctor")
    NURSE = "nurse", _("Nurse")
    TECHNICIAN = "technician", _("Medical technician")
    PHARMACIST = "pharmacist", _("Pharmacist")
    OTHER_HEALTH = "other_health", _("Other health worker")
    VOLUNTEER = "volunteer", _("Volunteer")


class StaffOrigin(models.TextChoices):
    REGULAR = "regular", _("Regular staff")
    RETIREE = "retiree", _("Recalled retiree")
    RECOVERED_F0 = "recovered_f0", _("Recovered F0 volunteer")
    STUDENT = "student", _("Student or intern")
    ARMED_FORCES = "armed_forces", _("Military or police medic")
    OTHER = "other", _("Other")


# The norm for a community COVID team (domain.md §6): outside it the page warns, it does not refuse.
TEAM_MEMBERS_NORM = (3, 5)
TEAM_HOUSEHOLDS_NORM = (30, 50)
