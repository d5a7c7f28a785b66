from django.db import models
from django.utils.translation import gettext_lazy as _


class BarcodeKind(models.TextChoices):
    SAMPLE = "sample", _("sample")
    POOL = "pool", _("pool")


class SampleKind(models.TextChoices):
    RT_PCR = "rt_pcr", _("RT-PCR, individual")
    RT_PCR_POOLED = "rt_pcr_pooled", _("RT-PCR, pooled")
    ANTIGEN = "antigen", _("Rapid antigen test by a health worker")
    ANTIGEN_SELF = "antigen_self", _("Rapid antigen self-test")


ANTIGEN_KINDS = {SampleKind.ANTIGEN, SampleKind.ANTIGEN_SELF}


class SampleStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    RECEIVED = "received", _("Received by the lab")
    TESTED = "tested", _("Tested in a positive pool, awaiting an individual test")
    RELEASED = "released", _("Result released")
    REJECTED = "rejected", _("Rejected")


class Result(models.TextChoices):
    POSITIVE = "positive", _("Positive")
    NEGATIVE = "negative", _("Negative")
    INCONCLUSIVE = "inconclusive", _("Inconclusive")
    INVALID = "invalid", _("Invalid")


RETEST_RESULTS = {Result.INCONCLUSIVE, Result.INVALID}


class ResultSource(models.TextChoices):
    INDIVIDUAL = "individual", _("its own test")
    POOL = "pool", _("its pool")


class PoolStatus(models.TextChoices):
    OPEN = "open", _("Open for samples")
    SENT = "sent", _("Sent to the lab")
    RECEIVED = "received", _("Received by the lab")
    RETEST = "retest", _("To be tested again")
    DONE = "done", _("Result released")


class ResampleReason(models.TextChoices):
    POOL_POSITIVE = "pool_positive", _("Positive pool: individual test")
    INCONCLUSIVE = "inconclusive", _("Inconclusive or invalid result")
    ANTIGEN_POSITIVE = "antigen_positive", _("Positive antigen test: RT-PCR to confirm")
    REJECTED = "rejected", _("Sample rejected by the lab")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("To sample")
    DONE = "done", _("Sampled")
    CANCELLED = "cancelled", _("Cancelled")


class PriorityGroup(models.TextChoices):
    ELDERLY = "elderly", _("People aged 65 or over")
    CHRONIC = "chronic", _("People with a chronic disease")
    PREGNANT = "pregnant", _("Pregnant women")
    CONTACTS = "contacts", _("Contacts (F1, F2)")
    WORKERS = "workers", _("Workers of enterprises and markets")
    FRONT_LINE = "front_line", _("Front-line workers (shippers, drivers, health staff)")


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
