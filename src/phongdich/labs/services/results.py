"""Results and what they do to people. A negative clears (the sample, and contacts the rules say a negative
frees); a positive RT-PCR confirms a case through the surveillance service; a positive antigen test follows
the rules in force on its date; a positive pool sends every member for an individual test; an inconclusive
result is tested again. Used alike by the forms, the API and the result-file importer."""

import json
from datetime import datetime, timedelta
from decimal import Decimal
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from phongdich.core import audit, clock
from phongdich.core.bulk import update_rows
from phongdich.core.choices import AuditAction
from phongdich.core.scoping import OutOfScope
from phongdich.places.models import AdminUnit
from phongdich.surveillance.choices import CaseStatus, ClearReason, ConfirmationTest
from phongdich.surveillance.models import Case, TracingState
from phongdich.surveillance.selectors import detection_setting_for
from phongdich.surveillance.services import case_confirm, contacts_clear

from ..choices import (
    ANTIGEN_KINDS,
    RETEST_RESULTS,
    PoolStatus,
    ResampleReason,
    Result,
    ResultSource,
    SampleStatus,
    TaskStatus,
)
from ..models import Pool, PoolResult, ResampleTask, Sample, TestingRules
from ..selectors import rules_in_force
from .samples import audit_samples

CT_MAX = Decimal("50")
RESULTS = frozenset(Result.values)


class Reading(NamedTuple):
    """A result as read from a form, an API call or a line of a lab's file (a tuple: a file makes a million)."""

    result: str
    result_at: datetime
    ct_e: Decimal | None = None
    ct_n: Decimal | None = None
    ct_rdrp: Decimal | None = None

    def errors(self, sampled_at: datetime, latest: datetime | None = None) -> dict[str, str]:
        """What is wrong with this reading for a sample (or pool) taken at `sampled_at`; a result time after
        `latest` (a few minutes from now by default) is in the future."""
        errors = {}
        if self.result not in RESULTS:
            errors["result"] = _("A result is positive, negative, inconclusive or invalid.")
        if self.result_at < sampled_at:
            errors["result_at"] = _("The result time is before the sample was taken.")
        elif self.result_at > (latest or clock.now() + timedelta(minutes=5)):
            errors["result_at"] = _("The result time is in the future.")
        if self.ct_e is not None or self.ct_n is not None or self.ct_rdrp is not None:
            for name, value in self.cts.items():
                if value is not None and not (0 <= value <= CT_MAX):
                    errors[name] = _("A Ct value is between 0 and 50.")
        return errors

    @property
    def cts(self) -> dict:
        return {"ct_e": self.ct_e, "ct_n": self.ct_n, "ct_rdrp": self.ct_rdrp}


def effects_actor(actor) -> str:
    """Cases confirmed and contacts cleared by a result are the result's consequences, wherever the person
    lives: they run as a named system actor that keeps the releasing user's name for the audit trail."""
    return f"lab-result:{getattr(actor, 'username', None) or actor}"


class SampleRow(NamedTuple):
    """The columns of a sample that deciding on and applying a result need; cheap to read in bulk."""

    id: int
    barcode: str
    person_id: int
    unit_id: int
    kind: str
    sampled_at: datetime
    status: str
    result: str
    pool_id: int | None
    symptoms: bool

    @classmethod
    def of(cls, sample: Sample) -> "SampleRow":
        return cls(*(getattr(sample, name) for name in cls._fields))


SAMPLE_ROW_FIELDS = list(SampleRow._fields)


def sample_result_record(*, actor, sample: Sample, reading: Reading) -> Sample:
    """An individual result. Pooled samples take their result from the pool; a result identical to the one
    released already changes nothing."""
    with transaction.atomic():
        sample = Sample.objects.restrict(actor, "change").select_for_update(of=("self",)).filter(pk=sample.pk).first()
        if sample is None:
            raise OutOfScope(_("No such sample in your jurisdiction."))
        pool = sample.pool
        refusal = individual_refusal(
            SampleRow.of(sample),
            reading,
            pool_barcode=pool.barcode if pool else "",
            pool_result=pool.result if pool else "",
        )
        if refusal:
            raise ValidationError(refusal)
        if sample.status != SampleStatus.RELEASED:
            release(actor, [(SampleRow.of(sample), reading)])
            sample.refresh_from_db()
    return sample


def individual_refusal(
    sample: SampleRow, reading: Reading, *, pool_barcode: str = "", pool_result: str = "", latest=None
) -> dict[str, str]:
    """Why this individual result cannot be taken for this sample; empty if it can (or is already known)."""
    if sample.pool_id:
        if not pool_result:
            return {"barcode": _("Sample in pool %(pool)s: enter the pool's result first.") % {"pool": pool_barcode}}
        return {"barcode": _("Sample in pool %(pool)s: its result comes from the pool.") % {"pool": pool_barcode}}
    if sample.status == SampleStatus.REJECTED:
        return {"barcode": _("The sample was rejected.")}
    if sample.status == SampleStatus.REGISTERED and sample.kind not in ANTIGEN_KINDS:
        return {"barcode": _("The lab never received this sample.")}
    if sample.status == SampleStatus.RELEASED:
        if sample.result != reading.result:
            label = Result(sample.result).label
            return {"result": _("A different result (%(r)s) was already released.") % {"r": label}}
        return {}
    return reading.errors(sample.sampled_at, latest)


RELEASED = SampleStatus.RELEASED.value
RELEASE_COLUMNS = [
    "status", "result", "result_source", "result_at", "ct_e", "ct_n", "ct_rdrp", "turnaround_minutes", "result_import",
    "received_at",
]  # fmt: skip


def release(
    actor, pairs: list[tuple[SampleRow, Reading]], *, result_import=None, source: str = ResultSource.INDIVIDUAL.value
) -> None:
    """Write individual results (checked already) with one bulk update, audit them, then apply the effects.
    A bulk path: the result-file importer sends a hundred thousand rows at once. A file's results are audited
    by the file's one audit row (labs.importers.result_import_start), each sample pointing to its import."""
    if not pairs:
        return
    ops = connection.ops
    import_id = result_import.pk if result_import else None
    now = ops.adapt_datetimefield_value(clock.now())
    adapted: dict[datetime, str | None] = {}  # a lab's lines share a few result times: adapt each once
    values = []
    for sample, reading in sorted(pairs, key=_sample_id):  # in the order of the table and its indexes
        at = reading.result_at
        if at not in adapted:
            adapted[at] = ops.adapt_datetimefield_value(at)
        minutes = int((at - sample.sampled_at).total_seconds() // 60)
        cts: tuple = (reading.ct_e, reading.ct_n, reading.ct_rdrp)
        if any(cts):
            cts = tuple(None if v is None else ops.adapt_decimalfield_value(v, 5, 2) for v in cts)
        values.append((sample.id, RELEASED, reading.result, source, adapted[at], *cts, minutes, import_id, now))
    update_rows(Sample, RELEASE_COLUMNS, values, keep_if_set=["received_at"])
    if result_import is None:
        _audit_results(actor, pairs, source)
    by_result: dict[str, list[tuple[SampleRow, Reading]]] = {}
    for pair in pairs:
        by_result.setdefault(pair[1].result, []).append(pair)
    if negatives := by_result.get(Result.NEGATIVE):
        clear_contacts(actor, negatives)
        from phongdich.care.services.release import orders_release_on_negatives  # here: care imports labs

        orders_release_on_negatives(actor=effects_actor(actor), results=negatives)
    for sample, _reading in by_result.get(Result.POSITIVE, []):
        _positive(actor, Sample.objects.select_related("person").get(pk=sample.id))
    retests = by_result.get(Result.INCONCLUSIVE, []) + by_result.get(Result.INVALID, [])
    resample(
        [sample for sample, _reading in retests],
        ResampleReason.INCONCLUSIVE,
        actor=actor,
        audited=result_import is None,
    )


def _sample_id(pair: tuple[SampleRow, Reading]) -> int:
    return pair[0].id


def _audit_results(actor, pairs: list[tuple[SampleRow, Reading]], source: str) -> None:
    """An audit row per result released one by one (a form, the API, a pool's page)."""
    texts: dict[tuple[str, datetime], str] = {}  # encoded once per result and time
    rows = []
    for sample, reading in pairs:
        key = (reading.result, reading.result_at)
        if key not in texts:
            texts[key] = json.dumps({"result": reading.result, "result_at": key[1].isoformat(), "source": source})
        rows.append((sample.id, sample.barcode, sample.person_id, sample.unit_id, texts[key]))
    audit_samples(actor, rows)


def clear_contacts(actor, negatives: list[tuple[SampleRow, Reading]]) -> int:
    """A negative test clears a current contact at a level the rules in force on its date let a negative free,
    and (when the rules say so) ends a contact who stays in quarantine as a source, clearing those traced only
    through them: one re-levelling per batch of results, not one per person."""
    return sum(
        contacts_clear(
            actor=effects_actor(actor),
            person_ids=person_ids,
            reason=ClearReason.NEGATIVE_TEST,
            min_level=rules.negative_clears_from_level,
            negative_ends_source=rules.negative_ends_source,
        )
        for rules, person_ids in _by_rules(negatives)
    )


def _by_rules(pairs: list[tuple[SampleRow, Reading]]) -> list[tuple[TestingRules, set[int]]]:
    """The persons of these results, grouped by the rules in force on each result's day (looked up once a day)."""
    by_time: dict[datetime, set[int]] = {}
    for sample, reading in pairs:
        by_time.setdefault(reading.result_at, set()).add(sample.person_id)
    by_day: dict = {}
    for moment, person_ids in by_time.items():
        by_day.setdefault(timezone.localdate(moment), set()).update(person_ids)
    groups: dict[int | None, tuple[TestingRules, set[int]]] = {}
    for day, person_ids in by_day.items():
        rules = rules_in_force(day)
        groups.setdefault(rules.pk, (rules, set()))[1].update(person_ids)
    return list(groups.values())


def _positive(actor, sample: Sample) -> None:
    """An RT-PCR positive confirms a case. An antigen positive does when the rules on its date say so and the
    person has symptoms or is a known F1; otherwise it is a suspected case, sent for RT-PCR."""
    if Case.objects.filter(person_id=sample.person_id, status=CaseStatus.ACTIVE).exists():
        return
    state = TracingState.objects.filter(person_id=sample.person_id, cleared_at__isnull=True).first()
    is_f1 = state is not None and state.level == 1
    if sample.kind in ANTIGEN_KINDS:
        rules = rules_in_force(timezone.localdate(sample.sampled_at))
        if not (rules.antigen_confirms and (sample.symptoms or is_f1)):
            resample([sample], ResampleReason.ANTIGEN_POSITIVE, actor=actor)
            return
    assert sample.result_at is not None  # released just before
    first_sampled_at = first_positive_sampled_at(sample)
    site_kind = sample.site.kind if sample.site_id and sample.site else ""
    case_confirm(
        actor=effects_actor(actor),
        person=sample.person,
        confirmed_at=sample.result_at,
        confirmation_test=ConfirmationTest.ANTIGEN if sample.kind in ANTIGEN_KINDS else ConfirmationTest.RT_PCR,
        detection_setting=detection_setting_for(sample.person_id, sampled_at=first_sampled_at, site_kind=site_kind),
        sample_taken_at=first_sampled_at,
        notes=_("Confirmed by sample %(barcode)s.") % {"barcode": sample.barcode},
    )


POSITIVE_CAUSES = {ResampleReason.POOL_POSITIVE, ResampleReason.ANTIGEN_POSITIVE}
LONGEST_CHAIN = 10  # re-samples of re-samples followed back; a real chain has two or three


def first_positive_sampled_at(sample: Sample) -> datetime:
    """When the first positive sample of this person's chain of re-samples was taken: a positive pool's member
    or a positive antigen test sent for RT-PCR started the case, so the infectious period counts from it, not
    from the individual re-sample that confirmed it."""
    earliest, task = sample.sampled_at, sample.for_task
    for _step in range(LONGEST_CHAIN):
        if task is None:
            break
        cause = task.cause
        if task.reason in POSITIVE_CAUSES:
            earliest = min(earliest, cause.sampled_at)
        task = cause.for_task
    return earliest


def resample(samples: list, reason: str, *, actor, audited: bool = True) -> list[ResampleTask]:
    """A re-sampling task per sample (a Sample or a SampleRow) that has no open one yet; a pool member's task
    names its pool. Each new task is audited in its person's history, except for a lab file's pools: the file
    is audited once and each task's sample points to its import."""
    if not samples:
        return []
    due = clock.now() + timedelta(hours=rules_in_force().resample_due_hours)
    open_already = set(
        ResampleTask.objects.filter(cause_id__in=[s.id for s in samples], status=TaskStatus.OPEN).values_list(
            "cause_id", flat=True
        )
    )
    tasks = [
        ResampleTask(
            person_id=s.person_id, unit_id=s.unit_id, reason=reason, pool_id=s.pool_id, cause_id=s.id, due_at=due
        )
        for s in samples
        if s.id not in open_already
    ]
    created = ResampleTask.objects.bulk_create(tasks)
    if audited:
        paths = dict(AdminUnit.objects.filter(pk__in={t.unit_id for t in created}).values_list("pk", "path"))
        audit.record_many(
            actor=actor,
            action=AuditAction.CREATE,
            object_type="labs.resampletask",
            rows=[(t.pk, f"#{t.person_id}", t.person_id, paths[t.unit_id], {"reason": reason}) for t in created],
        )
    return created


def pool_result_record(*, actor, pool: Pool, reading: Reading) -> Pool:
    """A pool's result applies to all its members or to none: negative clears them all, positive sends each
    for an individual test, inconclusive or invalid has the pool tested again. Every run is kept."""
    with transaction.atomic():
        pool = Pool.objects.restrict(actor, "change").select_for_update(of=("self",)).filter(pk=pool.pk).first()
        if pool is None:
            raise OutOfScope(_("No such pool in your jurisdiction."))
        members = [SampleRow._make(row) for row in pool.samples.order_by("id").values_list(*SAMPLE_ROW_FIELDS)]
        refusal = pool_refusal(pool, members, reading)
        if refusal:
            raise ValidationError(refusal)
        if pool.status != PoolStatus.DONE:  # else the same result again: nothing changes
            pools_release(actor, [(pool, members, reading, None)])
            pool.refresh_from_db()
    return pool


def pools_release(actor, items: list[tuple[Pool, list[SampleRow], Reading, int | None]], *, result_import=None) -> None:
    """Apply pool results (checked already, pools locked) in bulk: each run kept, each pool updated, and its
    members released (negative), sent for individual tests (positive) or left for the retest."""
    if not items:
        return
    now = clock.now()
    user = audit.user_of(actor)
    PoolResult.objects.bulk_create(
        [
            PoolResult(pool=pool, result=r.result, result_at=r.result_at, recorded_by=user, result_import=result_import,
                       line=line, **r.cts)
            for pool, _members, r, line in items
        ]
    )  # fmt: skip
    ops = connection.ops
    values = []
    for pool, _members, reading, _line in items:
        pool.result, pool.result_at, pool.received_at = reading.result, reading.result_at, pool.received_at or now
        pool.status = PoolStatus.RETEST if reading.result in RETEST_RESULTS else PoolStatus.DONE
        at = ops.adapt_datetimefield_value
        values.append((pool.result, at(pool.result_at), at(pool.received_at), pool.status, pool.pk))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {ops.quote_name(Pool._meta.db_table)} SET result = %s, result_at = %s, received_at = %s, "
            "status = %s WHERE id = %s",
            values,
        )
    if result_import is None:  # a file's pool runs point to their import and line (PoolResult)
        paths = dict(AdminUnit.objects.filter(pk__in={p.unit_id for p, *_r in items}).values_list("pk", "path"))
        audit.record_many(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type="labs.pool",
            rows=[
                (p.pk, p.barcode, None, paths.get(p.unit_id, ""), {"result": p.result, "status": p.status})
                for p, *_r in items
            ],
        )
    negatives = [(m, r) for _pool, members, r, _line in items if r.result == Result.NEGATIVE for m in members]
    release(actor, negatives, result_import=result_import, source=ResultSource.POOL)
    flagged = [m for _pool, members, r, _line in items if r.result == Result.POSITIVE for m in members]
    if flagged:
        Sample.objects.filter(pk__in=[m.id for m in flagged]).update(
            status=SampleStatus.TESTED, result_source=ResultSource.POOL, result_import=result_import
        )
        resample(flagged, ResampleReason.POOL_POSITIVE, actor=actor, audited=result_import is None)
        if result_import is None:
            after = {"status": SampleStatus.TESTED.value, "pool_result": Result.POSITIVE.value}
            audit_samples(actor, [(m.id, m.barcode, m.person_id, m.unit_id, after) for m in flagged])


def pool_refusal(pool: Pool, members: list[SampleRow], reading: Reading, latest=None) -> dict[str, str]:
    """Why this result cannot be taken for this pool; empty if it can (or is already known)."""
    if pool.status == PoolStatus.OPEN:
        return {"barcode": _("Pool %(pool)s is still open for samples; send it first.") % {"pool": pool.barcode}}
    if pool.status == PoolStatus.DONE:
        if pool.result != reading.result:
            return {"result": _("A different result (%(r)s) was already released.") % {"r": pool.get_result_display()}}
        return {}
    if not members:
        return {"barcode": _("Pool %(pool)s has no samples.") % {"pool": pool.barcode}}
    return reading.errors(max(m.sampled_at for m in members), latest)
