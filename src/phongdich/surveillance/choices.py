from django.db import models
from django.utils.translation import gettext_lazy as _


class CheckInSource(models.TextChoices):
    SCANNER = "scanner", _("Venue scanner")
    APP = "app", _("Mobile app")
    WEB = "web", _("Public check-in page")


class CheckInOutcome(models.TextChoices):
    ACCEPTED = "accepted", _("accepted")
    DUPLICATE = "duplicate", _("already received")
    CONFLICT = "conflict", _("client id already used for another check-in")
    REJECTED = "rejected", _("rejected")


class DetectionSetting(models.TextChoices):
    """Where a case was found. Only community cases count for the epidemic-level criterion (Resolution 128)."""

    COMMUNITY = "community", _("In the community")
    QUARANTINE = "quarantine", _("Already in quarantine or isolation")
    LOCKDOWN = "lockdown", _("Inside a locked-down area")
    IMPORTED_PROVINCE = "imported_province", _("Arrived from another province")
    IMPORTED_ABROAD = "imported_abroad", _("Arrived from abroad")
    CHECKPOINT = "checkpoint", _("At a checkpoint or hospital screening")


COUNTS_FOR_LEVEL = {DetectionSetting.COMMUNITY}


class ConfirmationTest(models.TextChoices):
    RT_PCR = "rt_pcr", _("RT-PCR")
    ANTIGEN = "antigen", _("Rapid antigen test")


class Severity(models.TextChoices):
    ASYMPTOMATIC = "asymptomatic", _("No symptoms")
    MILD = "mild", _("Mild")
    MODERATE = "moderate", _("Moderate")
    SEVERE = "severe", _("Severe")
    CRITICAL = "critical", _("Critical")


class CaseStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    RECOVERED = "recovered", _("Recovered")
    DIED = "died", _("Died")
    MOVED_AWAY = "moved_away", _("Moved away")
    RULED_OUT = "ruled_out", _("Ruled out (false positive)")


class ClusterStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")


class ContactKind(models.TextChoices):
    HOUSEHOLD = "household", _("Household")
    WORKPLACE = "workplace", _("Workplace")
    SCHOOL = "school", _("School")
    VENUE = "venue", _("Same venue")
    TRANSPORT = "transport", _("Shared vehicle")
    CARE = "care", _("Caring for the case")
    OTHER = "other", _("Other")


class ContactSource(models.TextChoices):
    INTERVIEW = "interview", _("Interview")
    CHECKIN_MATCH = "checkin_match", _("Check-in match")
    MANIFEST = "manifest", _("Passenger manifest")
    IMPORT = "import", _("Imported list")
    REGISTER = "register", _("Household register")


class ContactStatus(models.TextChoices):
    """Check-in matches start as proposed and already count (people are warned at once, as PC-Covid did);
    a tracer confirms or dismisses them, and a dismissal re-levels everyone downstream."""

    PROPOSED = "proposed", _("Proposed")
    CONFIRMED = "confirmed", _("Confirmed")
    DISMISSED = "dismissed", _("Dismissed")


class CheckInMatch(models.TextChoices):
    """How two check-ins at one venue make a contact: PC-Covid warned people whose scans were within the window
    of the F0's (from 1/2022); the stay-overlap method counts the stays (a default one without a check-out)."""

    SCANS = "scans", _("Scans within the window of each other")
    STAYS = "stays", _("Stays overlapping, within the window")


class ClearReason(models.TextChoices):
    NEGATIVE_TEST = "negative_test", _("Tested negative")
    QUARANTINE_DONE = "quarantine_done", _("Completed quarantine")
    SOURCE_NEGATIVE = "source_negative", _("The contact they were exposed through tested negative")


# Clearances of a person's own (a test, a quarantine served): their exposures up to it no longer count. A
# clearance because of the source is only the record of why the level went: the engine follows the source.
OWN_CLEARANCES = {ClearReason.NEGATIVE_TEST, ClearReason.QUARANTINE_DONE}


class TaskMethod(models.TextChoices):
    CALL = "call", _("Call")
    VISIT = "visit", _("Visit")


class TaskOutcome(models.TextChoices):
    REACHED = "reached", _("Reached")
    ISOLATED = "isolated", _("Isolated")
    SAMPLED = "sampled", _("Sampled")
    REFUSED = "refused", _("Refused")
    NOT_FOUND = "not_found", _("Not found")


class TripKind(models.TextChoices):
    BUS = "bus", _("Coach or bus")
    TRAIN = "train", _("Train")
    FLIGHT = "flight", _("Flight")
    SHIP = "ship", _("Boat or ship")
    OTHER = "other", _("Other vehicle")


class ListKind(models.TextChoices):
    """What an uploaded list holds; the values are the import pages' URL parts."""

    CASES = "cases", _("Case line list")
    CONTACTS = "contacts", _("Contact list")
    MANIFEST = "manifest", _("Passenger list")


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
