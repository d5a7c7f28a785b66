from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    OXYGEN = "oxygen", _("Oxygen")
    DRUG = "drug", _("Drugs")
    TEST_KIT = "test_kit", _("Test kits")
    PPE = "ppe", _("Protective equipment")
    OTHER = "other", _("Other")


class MovementKind(models.TextChoices):
    RECEIPT = "receipt", _("Receipt")
    ISSUE = "issue", _("Issue (daily use)")
    TRANSFER_OUT = "transfer_out", _("Transfer out")
    TRANSFER_IN = "transfer_in", _("Transfer in")
    ADJUSTMENT = "adjustment", _("Stock count")


class DonorKind(models.TextChoices):
    ORGANISATION = "organisation", _("Organisation")
    INDIVIDUAL = "individual", _("Individual")


# The kinds a person records by hand; a transfer's incoming leg is written with its outgoing one.
RECORDED_KINDS = (MovementKind.RECEIPT, MovementKind.ISSUE, MovementKind.TRANSFER_OUT, MovementKind.ADJUSTMENT)
OUTGOING_KINDS = (MovementKind.ISSUE, MovementKind.TRANSFER_OUT)
