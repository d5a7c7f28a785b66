"""Pools and samples: opening and sending a pool, registering a sample (scanned into a pool, or alone),
the lab receiving what arrives, and a rejected sample."""

import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from phongdich.core import audit, clock
from phongdich.core.choices import AuditAction
from phongdich.core.pictures import PictureRefused, picture_for_keeping
from phongdich.core.scoping import OutOfScope, scope_of
from phongdich.core.uniqueness import first_writer_wins
from phongdich.people.models import Person
from phongdich.places.models import AdminUnit

from ..choices import ANTIGEN_KINDS, BarcodeKind, PoolStatus, ResampleReason, SampleKind, SampleStatus, TaskStatus
from ..models import Barcode, Lab, Pool, ResampleTask, Sample, TestingRound
from ..selectors import in_round_area, rules_in_force

BARCODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{2,39}$")


def clean_barcode(value: str) -> str:
    barcode = (value or "").strip()
    if not BARCODE.match(barcode):
        raise ValidationError({"barcode": _("A barcode is 3 to 40 letters, digits, dots or dashes.")})
    return barcode


def _barcode_free(barcode: str) -> None:
    if Sample.objects.filter(barcode=barcode).exists() or Pool.objects.filter(barcode=barcode).exists():
        raise ValidationError({"barcode": _("Barcode %(code)s is already used; take a new tube.") % {"code": barcode}})


def _tube(barcode: str, kind: str) -> Barcode:
    """Register `barcode` for a new sample or pool. Call it inside `first_writer_wins(lambda: _barcode_free(...))`:
    the registry's unique code is what holds when two requests pass `_barcode_free` at the same moment."""
    return Barcode.objects.create(code=barcode, kind=kind)


def _require_unit(actor, permission: str, unit: AdminUnit) -> None:
    if not scope_of(actor, permission).covers_path(unit.path):
        raise OutOfScope(_("No such unit in your jurisdiction."))


def _require_round(actor, testing_round: TestingRound | None) -> None:
    if testing_round is not None and not TestingRound.objects.visible_to(actor).filter(pk=testing_round.pk).exists():
        raise OutOfScope(_("No such round in your jurisdiction."))


def pool_open(
    *,
    actor,
    barcode: str,
    lab: Lab,
    unit: AdminUnit,
    testing_round: TestingRound | None = None,
    high_risk: bool = False,
    team: str = "",
) -> Pool:
    """A new pool tube. Its size limit comes from the round (if it sets one) or the rules in force."""
    with transaction.atomic():
        _require_unit(actor, "labs.add_pool", unit)
        _require_round(actor, testing_round)
        barcode = clean_barcode(barcode)
        _barcode_free(barcode)
        rules = rules_in_force()
        if testing_round is not None:
            limit = (testing_round.high_risk_pool_size if high_risk else testing_round.pool_size) or None
        else:
            limit = None
        limit = limit or (rules.high_risk_pool_size if high_risk else rules.pool_size)
        with first_writer_wins(lambda: _barcode_free(barcode)):
            pool = Pool.objects.create(
                barcode=barcode,
                tube=_tube(barcode, BarcodeKind.POOL),
                lab=lab,
                round=testing_round,
                unit=unit,
                size_limit=limit,
                high_risk=high_risk,
                team=team,
                created_by=audit.user_of(actor),
            )
        audit.record(
            actor=actor, action=AuditAction.CREATE, instance=pool, unit_path=unit.path, after=audit.snapshot(pool)
        )
    return pool


def pool_send(*, actor, pool: Pool) -> Pool:
    """Seal a pool for the lab: no sample joins or leaves it after this."""
    with transaction.atomic():
        pool = _locked_pool(actor, pool, "change")
        if pool.status != PoolStatus.OPEN:
            raise ValidationError({"pool": _("The pool has already been sent.")})
        if not pool.samples.exists():
            raise ValidationError({"pool": _("An empty pool cannot be sent.")})
        pool.status = PoolStatus.SENT
        pool.save(update_fields=["status"])
        audit.record(actor=actor, action=AuditAction.UPDATE, instance=pool, after={"status": pool.status})
    return pool


def _locked_pool(actor, pool: Pool, action: str) -> Pool:
    locked = Pool.objects.restrict(actor, action).select_for_update(of=("self",)).filter(pk=pool.pk).first()
    if locked is None:
        raise OutOfScope(_("No such pool in your jurisdiction."))
    return locked


def sample_register(
    *,
    actor,
    person: Person,
    kind: str,
    sampled_at: datetime,
    barcode: str = "",
    lab: Lab | None = None,
    pool: Pool | None = None,
    testing_round: TestingRound | None = None,
    site=None,
    team: str = "",
    for_task: ResampleTask | None = None,
    symptoms: bool = False,
    photo=None,
) -> Sample:
    """A sample taken from a person. Pooled samples go into an open pool below its size limit; an antigen test
    without a barcode gets one. A sample registered against a re-sampling task closes the task."""
    with transaction.atomic():
        person = Person.objects.select_related("unit").get(pk=person.pk)
        if person.merged_into_id or not scope_of(actor, "labs.add_sample").covers_path(person.unit.path):
            raise OutOfScope(_("No such person in your jurisdiction."))
        _require_round(actor, testing_round)
        if kind not in SampleKind.values:
            raise ValidationError({"kind": _("Say which test this sample is for.")})
        barcode = (
            clean_barcode(barcode) if barcode or kind not in ANTIGEN_KINDS else f"AG-{secrets.token_hex(6).upper()}"
        )
        if sampled_at > clock.now() + timedelta(minutes=5):
            raise ValidationError({"sampled_at": _("The sampling time cannot be in the future.")})
        if photo and kind != SampleKind.ANTIGEN_SELF:
            raise ValidationError({"photo": _("A photo is only kept for a self-test.")})
        if photo:
            try:
                photo = picture_for_keeping(photo, name=barcode)
            except PictureRefused as error:
                raise ValidationError({"photo": str(error)}) from error
        _barcode_free(barcode)
        if kind == SampleKind.RT_PCR_POOLED:
            pool = _pool_with_room(actor, pool, person)
            lab, testing_round = pool.lab, testing_round or pool.round
        elif pool is not None:
            raise ValidationError({"pool": _("Only a pooled RT-PCR sample goes into a pool.")})
        if kind == SampleKind.RT_PCR and lab is None:
            raise ValidationError({"lab": _("Say which lab tests this sample.")})
        if testing_round is not None and not in_round_area(testing_round, person.unit):
            raise ValidationError({"person": _("This person does not live in the round's area.")})
        if for_task is not None:
            _close_task(for_task, person)
        with first_writer_wins(lambda: _barcode_free(barcode)):
            sample = Sample.objects.create(
                barcode=barcode,
                tube=_tube(barcode, BarcodeKind.SAMPLE),
                person=person,
                unit=person.unit,
                kind=kind,
                sampled_at=sampled_at,
                site=site,
                team=team,
                lab=lab if kind not in ANTIGEN_KINDS else None,
                round=testing_round,
                pool=pool,
                for_task=for_task,
                symptoms=symptoms,
                photo=photo or "",
                recorded_by=audit.user_of(actor),
            )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            instance=sample,
            person_id=person.pk,
            unit_path=person.unit.path,
            after=audit.snapshot(sample, ["barcode", "kind", "sampled_at", "pool", "round", "lab"]),
        )
    return sample


def _pool_with_room(actor, pool: Pool | None, person: Person) -> Pool:
    if pool is None:
        raise ValidationError({"pool": _("Scan the pool's barcode first.")})
    pool = _locked_pool(actor, pool, "view")
    if pool.status != PoolStatus.OPEN:
        raise ValidationError({"pool": _("Pool %(code)s has been sent; open a new pool.") % {"code": pool.barcode}})
    members = list(pool.samples.values_list("person_id", flat=True))
    if person.pk in members:
        raise ValidationError({"person": _("This person is already in the pool.")})
    if len(members) >= pool.size_limit:
        raise ValidationError(
            {
                "pool": _("Pool %(code)s is full (%(n)d samples); open a new pool.")
                % {"code": pool.barcode, "n": len(members)}
            }
        )
    return pool


def _close_task(task: ResampleTask, person: Person) -> None:
    task = ResampleTask.objects.select_for_update().get(pk=task.pk)
    if task.person_id != person.pk:
        raise ValidationError({"for_task": _("The re-sampling task is for someone else.")})
    if task.status != TaskStatus.OPEN:
        raise ValidationError({"for_task": _("The re-sampling task is already done.")})
    task.status, task.done_at = TaskStatus.DONE, clock.now()
    task.save(update_fields=["status", "done_at"])


@dataclass
class Receipt:
    received: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)  # (barcode, why)


def samples_receive(*, actor, lab: Lab, barcodes: list[str]) -> Receipt:
    """The lab scans what arrives: a pool's barcode receives the pool and its samples; a sample's, the sample."""
    receipt = Receipt()
    now = clock.now()
    with transaction.atomic():
        if not Lab.objects.restrict(actor, "change").filter(pk=lab.pk).exists():
            raise OutOfScope(_("No such lab in your jurisdiction."))
        received: list[int] = []
        for barcode in dict.fromkeys(code.strip() for code in barcodes if code.strip()):
            why = _receive_one(lab, barcode, now, received)
            if why:
                receipt.errors.append((barcode, why))
            else:
                receipt.received += 1
        rows = Sample.objects.filter(pk__in=received).values_list("pk", "barcode", "person_id", "unit_id")
        after = {"status": SampleStatus.RECEIVED.value, "lab": lab.pk}
        audit_samples(actor, [(*row, after) for row in rows])
    return receipt


def audit_samples(actor, rows: Sequence[tuple[int, str, int, int, dict | str]]) -> None:
    """(sample id, barcode, person id, unit id, after) -> one audit row each, with the unit's path."""
    paths = dict(AdminUnit.objects.filter(pk__in={row[3] for row in rows}).values_list("pk", "path"))
    audit.record_many(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="labs.sample",
        rows=[
            (pk, barcode, person_id, paths.get(unit_id, ""), after) for pk, barcode, person_id, unit_id, after in rows
        ],
    )


def _receive_one(lab: Lab, barcode: str, now: datetime, received: list[int]) -> str:
    """Receive what `barcode` names, adding the samples received to `received`; or say why not."""
    pool = Pool.objects.select_for_update().filter(barcode=barcode).first()
    if pool is not None:
        if pool.lab_id != lab.pk:
            return _("The pool was sent to another lab.")
        if pool.status not in (PoolStatus.OPEN, PoolStatus.SENT):
            return _("The pool was already received.")
        pool.status, pool.received_at = PoolStatus.RECEIVED, now
        pool.save(update_fields=["status", "received_at"])
        waiting = pool.samples.filter(status=SampleStatus.REGISTERED)
        received.extend(waiting.values_list("pk", flat=True))
        waiting.update(status=SampleStatus.RECEIVED, received_at=now)
        return ""
    sample = Sample.objects.filter(barcode=barcode).first()
    if sample is None:
        return _("No sample or pool has this barcode.")
    if sample.pool_id:
        return _("This sample is in a pool; scan the pool's barcode.")
    if sample.kind in ANTIGEN_KINDS:
        return _("An antigen test is read where it is taken, not sent to a lab.")
    if sample.lab_id not in (None, lab.pk):
        return _("The sample was sent to another lab.")
    if sample.status != SampleStatus.REGISTERED:
        return _("The sample was already received.")
    Sample.objects.filter(pk=sample.pk).update(status=SampleStatus.RECEIVED, received_at=now, lab=lab)
    received.append(sample.pk)
    return ""


def sample_reject(*, actor, sample: Sample, reason: str) -> Sample:
    """The lab cannot test a sample (leaked, unlabelled, too old): the person is sampled again."""
    with transaction.atomic():
        sample = Sample.objects.restrict(actor, "change").select_for_update(of=("self",)).filter(pk=sample.pk).first()
        if sample is None:
            raise OutOfScope(_("No such sample in your jurisdiction."))
        if sample.status not in (SampleStatus.REGISTERED, SampleStatus.RECEIVED) or sample.pool_id:
            raise ValidationError({"sample": _("Only a sample not yet tested, outside a pool, can be rejected.")})
        sample.status = SampleStatus.REJECTED
        sample.save(update_fields=["status"])
        due = clock.now() + timedelta(hours=rules_in_force().resample_due_hours)
        task = ResampleTask.objects.create(
            person_id=sample.person_id, unit_id=sample.unit_id, reason=ResampleReason.REJECTED, cause=sample, due_at=due
        )
        audit.record(
            actor=actor, action=AuditAction.CREATE, instance=task, person_id=task.person_id, after=audit.snapshot(task)
        )
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=sample,
            person_id=sample.person_id,
            after={"status": sample.status, "reason": reason},
        )
    return sample
