from django.db import models
from django.utils.translation import gettext_lazy as _


class Tier(models.IntegerChoices):
    """The tiers of 4111/QĐ-BYT: where a patient of each severity is treated."""

    ONE = 1, _("Tier 1: asymptomatic and mild")
    TWO = 2, _("Tier 2: moderate")
    THREE = 3, _("Tier 3: severe and critical")


class BedKind(models.TextChoices):
    REGULAR = "regular", _("Regular bed")
    OXYGEN = "oxygen", _("Oxygen bed")
    ICU = "icu", _("ICU bed with ventilator")


# A bed kind's name where space is short (a column on a phone).
BED_KIND_SHORT = {BedKind.REGULAR: _("Regular"), BedKind.OXYGEN: _("Oxygen"), BedKind.ICU: _("ICU")}


class FacilityStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSING = "closing", _("Closing: admits no one")
    RETURNED = "returned", _("Returned to its owner")


class PatientSeverity(models.TextChoices):
    """Severity on admission, in the bands of 4111/QĐ-BYT (the rules say where each band begins)."""

    MILD = "mild", _("Mild")
    MODERATE = "moderate", _("Moderate")
    SEVERE = "severe", _("Severe")
    CRITICAL = "critical", _("Critical")


class AdmissionStatus(models.TextChoices):
    ADMITTED = "admitted", _("In treatment")
    TRANSFERRED = "transferred", _("Transferred")
    DISCHARGED = "discharged", _("Discharged")
    DIED = "died", _("Died")


class DeathCause(models.TextChoices):
    COVID = "covid", _("COVID-19")
    COVID_COMORBIDITY = "covid_comorbidity", _("COVID-19 with an underlying disease")
    OTHER = "other", _("Another cause, with COVID-19")
    UNKNOWN = "unknown", _("Not yet determined")


class TransferStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting for a facility")
    ACCEPTED = "accepted", _("Accepted: bed held")
    ADMITTED = "admitted", _("Admitted")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_TRANSFER = (TransferStatus.WAITING, TransferStatus.ACCEPTED)


class OfferAnswer(models.TextChoices):
    PENDING = "pending", _("Not answered")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("No longer needed")
