from django.db import models
from django.utils.translation import gettext_lazy as _


class CheckInSource(models.TextChoices):
    SCANNER = "scanner", _("Venue scanner")
    APP = "app", _("Mobile app")
    WEB = "web", _("Public check-in page")


class CheckInOutcome(models.TextChoices):
    ACCEPTED = "accepted", _("accepted")
    DUPLICATE = "duplicate", _("already received")
    REJECTED = "rejected", _("rejected")
