from django.db import models
from django.utils.translation import gettext_lazy as _


class OrderKind(models.TextChoices):
    F0_HOME = "f0_home", _("F0 treated at home")
    F0_SITE = "f0_site", _("F0 at a concentrated site")
    F1_HOME = "f1_home", _("F1 quarantined at home")
    F1_SITE = "f1_site", _("F1 at a concentrated site")
    ARRIVAL = "arrival", _("Quarantine on arrival")
    SELF_MONITORING = "self_monitoring", _("Self-monitoring")


F0_KINDS = {OrderKind.F0_HOME, OrderKind.F0_SITE}
SITE_KINDS = {OrderKind.F0_SITE, OrderKind.F1_SITE}
HOME_KINDS = {OrderKind.F0_HOME, OrderKind.F1_HOME, OrderKind.SELF_MONITORING}


class OrderStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    RELEASED = "released", _("Released")
    TRANSFERRED = "transferred", _("Transferred")
    BROKEN = "broken", _("Broke isolation")
    DIED = "died", _("Died")
    MOVED_AWAY = "moved_away", _("Moved away")


class Condition(models.TextChoices):
    """What shortens an order under the rules: the person's protection on the order's start date."""

    VACCINATED = "vaccinated", _("Fully vaccinated")
    RECOVERED = "recovered", _("Recovered recently")
    NONE = "none", _("Neither")


class ReleaseTest(models.TextChoices):
    NONE = "none", _("No test")
    ANTIGEN = "antigen", _("Rapid antigen test by a health worker")
    RT_PCR = "rt_pcr", _("RT-PCR")
    ANY = "any", _("RT-PCR or rapid antigen test")


class Severity(models.TextChoices):
    """The F0's state as the warning-sign rules band it (4111/QĐ-BYT; verify against the source)."""

    MILD = "mild", _("Mild")
    MODERATE = "moderate", _("Moderate")
    SEVERE = "severe", _("Severe")


class AlertKind(models.TextChoices):
    WARNING_SIGN = "warning_sign", _("Warning sign")
    MISSED_REPORTS = "missed_reports", _("Reports missed")


class AlertStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    CLOSED = "closed", _("Closed")


class ActionKind(models.TextChoices):
    CALLED = "called", _("Called the patient")
    ADVICE = "advice", _("Advice given")
    MEDICINE = "medicine", _("Medicine package delivered")
    DOCTOR_VISIT = "doctor_visit", _("Doctor's visit")
    TRANSFER = "transfer", _("Transfer requested")
    AMBULANCE = "ambulance", _("115 called")
    OTHER = "other", _("Other")


class ContactKind(models.TextChoices):
    VISIT = "visit", _("Visit")
    CALL = "call", _("Phone call")


class ReportSource(models.TextChoices):
    LINK = "link", _("Personal link")
    APP = "app", _("App (API)")
    STAFF = "staff", _("Entered by staff")


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Symptom(models.TextChoices):
    """The self-report checklist; which ones are warning signs on their own is in the warning-sign rules."""

    FEVER = "fever", _("Fever")
    COUGH = "cough", _("Cough")
    SORE_THROAT = "sore_throat", _("Sore throat")
    RUNNY_NOSE = "runny_nose", _("Runny or blocked nose")
    LOSS_OF_SMELL = "loss_of_smell", _("Loss of smell or taste")
    TIREDNESS = "tiredness", _("Tiredness, aching muscles")
    HEADACHE = "headache", _("Headache")
    DIARRHOEA = "diarrhoea", _("Diarrhoea")
    SHORT_OF_BREATH = "short_of_breath", _("Short of breath")
    CHEST_PAIN = "chest_pain", _("Chest pain or tightness")
    CONFUSION = "confusion", _("Confusion or drowsiness")
    BLUE_LIPS = "blue_lips", _("Blue lips or fingertips")
    SEIZURE = "seizure", _("Seizure (child)")
    NOT_FEEDING = "not_feeding", _("Child not feeding or vomiting")
    NEW_ILLNESS = "new_illness", _("A new acute illness")
