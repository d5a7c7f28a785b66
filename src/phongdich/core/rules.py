"""Rules as data: versions of a rule set, each with the date it takes effect and its source document."""

from datetime import date

from django.db import models
from django.utils import timezone


def in_force(model: type[models.Model], on: date | None = None):
    """The newest version of `model` effective on `on` (today by default). The oldest version also covers
    earlier dates, and with no version at all the model's defaults apply."""
    on = on or timezone.localdate()
    versions = model._default_manager.order_by("-effective_from")
    return versions.filter(effective_from__lte=on).first() or versions.order_by("effective_from").first() or model()
