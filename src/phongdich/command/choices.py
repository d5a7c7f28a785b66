from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SIGNED = "signed", _("Signed")
    SENT = "sent", _("Sent upward")


class BodyKind(models.TextChoices):
    """The bodies a directive assigns tasks to (its "Nơi nhận")."""

    COMMITTEE = "committee", _("Steering committee or command centre")
    DEPARTMENT = "department", _("Department or agency")
    POLICE = "police", _("Police")
    MILITARY = "military", _("Military command")
    FRONT = "front", _("Fatherland Front or mass organisation")
    PEOPLES_COMMITTEE = "peoples_committee", _("People's committee")
    HOSPITAL = "hospital", _("Hospital or health centre")
    OTHER = "other", _("Other")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_TASK_STATUSES = (TaskStatus.OPEN, TaskStatus.IN_PROGRESS)


class InspectionRating(models.TextChoices):
    GOOD = "good", _("Carried out well")
    PARTLY = "partly", _("Partly carried out")
    POOR = "poor", _("Not carried out")


class TargetStatus(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    MET = "met", _("Met")
    MISSED = "missed", _("Missed")


class EntrySource(models.TextChoices):
    PHONE = "phone", _("Phone call")
    HOTLINE = "hotline", _("Hotline")
    REPORT = "report", _("Written report")
    RADIO = "radio", _("Radio")
    MESSAGE = "message", _("Message or e-mail")
    IN_PERSON = "in_person", _("In person")
    SYSTEM = "system", _("The system")


class EntryCategory(models.TextChoices):
    CASE = "case", _("New case or suspect")
    TRANSFER = "transfer", _("Patient transfer or emergency")
    SUPPLIES = "supplies", _("Supplies and logistics")
    ORDER = "order", _("Security and order")
    WELFARE = "welfare", _("Welfare and food")
    REPORT = "report", _("Report from a unit")
    OTHER = "other", _("Other")


class BriefingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held, minutes open")
    CLOSED = "closed", _("Minutes closed")


class AlertRuleKind(models.TextChoices):
    """What an alert rule watches; the threshold's meaning is in the label."""

    HOME_CARE_UNACKNOWLEDGED = "home_care_unack", _("Home-care warnings not acknowledged (count)")
    MISSED_REPORTS = "missed_reports", _("People missing their self-reports (count)")
    BED_OCCUPANCY = "bed_occupancy", _("Bed occupancy of a facility (%)")
    OXYGEN_COVER = "oxygen_cover", _("Oxygen in stock at a facility (days of cover, below)")
    OVERDUE_TASKS = "overdue_tasks", _("Tasks past their deadline (count)")
    POSITIVITY = "positivity", _("Test positivity over 7 days (%)")
    LEVEL_RISING = "level_rising", _("A unit's epidemic level rising (levels up)")
    TARGET_AT_RISK = "target_at_risk", _("A target at risk or missed")


class AlertSeverity(models.TextChoices):
    INFO = "info", _("Information")
    WARNING = "warning", _("Warning")
    CRITICAL = "critical", _("Critical")


class AlertState(models.TextChoices):
    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    RESOLVED = "resolved", _("Resolved")


class ForecastTrigger(models.TextChoices):
    NIGHTLY = "nightly", _("Nightly")
    ON_DEMAND = "on_demand", _("On demand")


class ForecastStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class IncidenceSource(models.TextChoices):
    ONSET = "onset", _("Symptom onset where known, else the day reported")
    REPORT = "report", _("The day reported")
