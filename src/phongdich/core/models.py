"""Framework models: the audit trail. No domain models live in core."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import clock
from .choices import AuditAction
from .scoping import ScopedQuerySet


class AuditEventQuerySet(ScopedQuerySet):
    """Audit rows are append-only: the application offers no way to change or remove them."""

    def update(self, **kwargs):
        raise PermissionError("Audit events cannot be changed.")

    def delete(self):
        raise PermissionError("Audit events cannot be deleted.")


class AuditEvent(models.Model):
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    # Indexed by (actor, at) below, which also serves lookups by actor alone: a second index on the column
    # would only slow the writes (bulk imports write an audit row per record; measured 33,000 → 48,000 rows/s
    # without it and the action index).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    actor_label = models.CharField(_("actor name"), max_length=150)
    action = models.CharField(_("action"), max_length=20, choices=AuditAction.choices)  # a dozen values: no index
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    person_id = models.BigIntegerField(_("person id"), null=True, blank=True, db_index=True)
    unit_path = models.CharField(_("unit path"), max_length=255, blank=True, db_index=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    detail = models.JSONField(_("detail"), null=True, blank=True)
    request_id = models.CharField(_("request id"), max_length=36, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()
    scope_path_lookup = "unit_path"

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"]), models.Index(fields=["actor", "at"])]
        # A row without a unit would show to nobody below a superuser (core/audit.py derives one for every row).
        constraints = [models.CheckConstraint(name="audit_event_names_a_unit", condition=~models.Q(unit_path=""))]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type}#{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit events cannot be deleted.")


class RateEvent(models.Model):
    """One request counted against a limit (core/ratelimit.py). Kept in the database so that every worker
    process of the server counts the same requests."""

    key = models.CharField(max_length=100)
    at = models.DateTimeField(db_index=True)  # old events of every key are removed by time

    class Meta:
        indexes = [models.Index(fields=["key", "at"])]

    def __str__(self) -> str:
        return f"{self.key} {self.at:%Y-%m-%d %H:%M:%S}"


class DemoClock(models.Model):
    """The day a demonstration database is set at (core/clock.py). Written by the `demo` command only: a
    production database has no row, and its clock is the real one."""

    day = models.DateField(_("demo day"))

    class Meta:
        verbose_name = _("demo clock")
        verbose_name_plural = _("demo clock")

    def __str__(self) -> str:
        return self.day.isoformat()


class WorkerBeat(models.Model):
    """A background-task worker that is alive, or was: it writes `beat_at` every few seconds while it runs and
    deletes its row when it stops. A task running under a worker whose beat is missing or older than the lease
    is taken back (core/background.py)."""

    worker_id = models.CharField(max_length=64, unique=True)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)
    task_id = models.UUIDField(null=True, blank=True)  # the task it is running, if any

    def __str__(self) -> str:
        return f"{self.worker_id} on {self.host} (pid {self.pid})"


class PeriodicRun(models.Model):
    """A background function run every few minutes (core.background.every): when it is next due, and the task
    last queued for it. Workers move `next_at` on with a conditional update, so one of them queues each run."""

    path = models.CharField(max_length=200, unique=True)
    next_at = models.DateTimeField()
    task_id = models.UUIDField(null=True, blank=True)
    queued_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.path} next at {self.next_at:%Y-%m-%d %H:%M}"


class RuleVersion(models.Model):
    """What every versioned rule set carries (core.rules.version_add writes them)."""

    effective_from = models.DateField(_("effective from"), unique=True)
    source_document = models.CharField(_("source document"), max_length=200)
    document_date = models.DateField(
        _("document dated"),
        null=True,
        help_text=_("The day the document was issued (the first of its month when only the month is known)."),
    )
    created_at = models.DateTimeField(_("recorded"), default=clock.now, editable=False)

    class Meta:
        abstract = True
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return f"{self.source_document} ({self.effective_from:%d/%m/%Y})"
