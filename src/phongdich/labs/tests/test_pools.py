"""Pooled RT-PCR: pools fill up to their limit, a negative pool clears every member, a positive one sends
each member for an individual test whose result confirms the case, an inconclusive one is tested again."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from phongdich.core.models import AuditEvent
from phongdich.core.testing import unit
from phongdich.surveillance.models import Case

from ..choices import PoolStatus, ResampleReason, Result, SampleKind, SampleStatus, TaskStatus
from ..models import PoolResult, ResampleTask, Sample
from ..services import Reading, pool_open, pool_result_record, sample_register, sample_result_record
from .factories import individual, lab, pooled, residents

pytestmark = pytest.mark.django_db


def reading(result: str, hours_ago: int = 1, **cts) -> Reading:
    return Reading(result, timezone.now() - timedelta(hours=hours_ago), **cts)


def test_a_pool_takes_ten_samples_and_refuses_the_eleventh(world):
    team = world.user("community_team")
    people = residents(team, 11)
    pool = pool_open(actor=team, barcode="LT-P0001", lab=lab(), unit=unit("25966-01"))
    assert pool.size_limit == 10
    for index, person in enumerate(people[:10]):
        sample_register(
            actor=team, person=person, kind=SampleKind.RT_PCR_POOLED, barcode=f"LT-S{index:04d}", pool=pool,
            sampled_at=timezone.now(),
        )  # fmt: skip
    with pytest.raises(ValidationError, match="đã đủ"):
        sample_register(
            actor=team, person=people[10], kind=SampleKind.RT_PCR_POOLED, barcode="LT-S0010", pool=pool,
            sampled_at=timezone.now(),
        )  # fmt: skip
    assert pool.samples.count() == 10


def test_a_higher_risk_pool_takes_five(world):
    pool = pool_open(
        actor=world.user("community_team"), barcode="LT-HR01", lab=lab(), unit=unit("25966-01"), high_risk=True
    )
    assert pool.size_limit == 5


def test_a_reused_barcode_is_refused(world):
    team = world.user("community_team")
    person, other = residents(team, 2)
    individual(team, person, barcode="LT-000123")
    with pytest.raises(ValidationError, match="đã được dùng"):
        individual(team, other, barcode="LT-000123")


def test_a_negative_pool_clears_every_member_at_once(world):
    team = world.user("community_team")
    pool = pooled(team, residents(team, 10), barcode="LT-P0100")
    pool_result_record(actor=world.user("lab_technician"), pool=pool, reading=reading(Result.NEGATIVE, ct_e=None))
    members = Sample.objects.filter(pool=pool)
    assert {(s.status, s.result, s.result_source) for s in members} == {("released", "negative", "pool")}
    assert all(s.turnaround_minutes == 300 for s in members)
    pool.refresh_from_db()
    assert pool.status == PoolStatus.DONE
    assert AuditEvent.objects.filter(object_type="labs.sample", person_id__in=members.values("person_id")).count() >= 10


def test_a_positive_pool_sends_every_member_for_an_individual_test_whose_positive_confirms_the_case(world):
    team, technician = world.user("community_team"), world.user("lab_technician")
    people = residents(team, 10)
    pool = pooled(team, people, barcode="LT-P0200")
    pool_result_record(actor=technician, pool=pool, reading=reading(Result.POSITIVE, ct_n=Decimal("24.5")))
    tasks = ResampleTask.objects.filter(pool=pool, status=TaskStatus.OPEN)
    assert tasks.count() == 10 and {t.reason for t in tasks} == {ResampleReason.POOL_POSITIVE}
    assert set(Sample.objects.filter(pool=pool).values_list("status", flat=True)) == {SampleStatus.TESTED}

    task = tasks.get(person=people[3])
    retest = individual(team, people[3], barcode="LT-R0001", hours_ago=2, for_task=task)
    sample_result_record(actor=technician, sample=retest, reading=reading(Result.POSITIVE, ct_e=Decimal("21.3")))

    case = Case.objects.get(person=people[3])
    assert case.confirmation_test == "rt_pcr" and case.detection_setting == "community"
    assert case.sample_taken_at == Sample.objects.get(pool=pool, person=people[3]).sampled_at
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE


def test_each_re_sampling_task_of_a_positive_pool_shows_in_its_persons_history(world):
    team, technician = world.user("community_team"), world.user("lab_technician")
    people = residents(team, 3)
    pool = pooled(team, people, barcode="LT-P0205")
    pool_result_record(actor=technician, pool=pool, reading=reading(Result.POSITIVE))
    for task in ResampleTask.objects.filter(pool=pool):
        row = AuditEvent.objects.get(object_type="labs.resampletask", object_id=str(task.pk))
        assert (row.action, row.person_id, row.actor) == ("create", task.person_id, technician)
        assert row.unit_path == task.unit.path


def test_a_case_found_through_a_positive_pool_is_infectious_from_the_pooled_sample(world):
    team, technician = world.user("community_team"), world.user("lab_technician")
    people = residents(team, 5)
    pool = pooled(team, people, barcode="LT-P0210", hours_ago=72)
    pool_result_record(actor=technician, pool=pool, reading=reading(Result.POSITIVE, hours_ago=60))
    task = ResampleTask.objects.get(pool=pool, person=people[1])
    retest = individual(team, people[1], barcode="LT-R0210", hours_ago=3, for_task=task)
    sample_result_record(actor=technician, sample=retest, reading=reading(Result.POSITIVE))

    pooled_at = Sample.objects.get(pool=pool, person=people[1]).sampled_at
    case = Case.objects.get(person=people[1])
    assert case.sample_taken_at == pooled_at
    start = timezone.localdate(pooled_at) - timedelta(days=2)  # the rules' two days before the positive sample
    assert timezone.localdate(case.infectious_from) == start


def test_a_result_for_a_pool_member_before_the_pool_result_is_refused(world):
    team = world.user("community_team")
    pool = pooled(team, residents(team, 3), barcode="LT-P0300")
    member = pool.samples.first()
    with pytest.raises(ValidationError, match="nhập kết quả mẫu gộp trước"):
        sample_result_record(actor=world.user("lab_technician"), sample=member, reading=reading(Result.NEGATIVE))


def test_an_inconclusive_pool_is_tested_again_and_its_history_keeps_both_runs(world):
    team, technician = world.user("community_team"), world.user("lab_technician")
    pool = pooled(team, residents(team, 4), barcode="LT-P0400")
    pool_result_record(actor=technician, pool=pool, reading=reading(Result.INCONCLUSIVE, hours_ago=3))
    pool.refresh_from_db()
    assert pool.status == PoolStatus.RETEST
    assert set(pool.samples.values_list("status", flat=True)) == {SampleStatus.RECEIVED}
    pool_result_record(actor=technician, pool=pool, reading=reading(Result.NEGATIVE))
    assert list(PoolResult.objects.filter(pool=pool).values_list("result", flat=True)) == ["inconclusive", "negative"]


def test_a_pool_result_dated_before_its_samples_changes_nothing(world):
    team = world.user("community_team")
    pool = pooled(team, residents(team, 3), barcode="LT-P0500", hours_ago=2)
    with pytest.raises(ValidationError, match="trước thời gian lấy mẫu"):
        pool_result_record(actor=world.user("lab_technician"), pool=pool, reading=reading(Result.NEGATIVE, hours_ago=5))
    assert not PoolResult.objects.filter(pool=pool).exists()
    assert set(pool.samples.values_list("status", flat=True)) == {SampleStatus.RECEIVED}


def test_the_same_pool_result_twice_changes_nothing_and_a_different_one_is_refused(world):
    team, technician = world.user("community_team"), world.user("lab_technician")
    pool = pooled(team, residents(team, 2), barcode="LT-P0600")
    first = reading(Result.NEGATIVE)
    pool_result_record(actor=technician, pool=pool, reading=first)
    pool_result_record(actor=technician, pool=pool, reading=first)
    assert PoolResult.objects.filter(pool=pool).count() == 1
    with pytest.raises(ValidationError, match="kết quả khác"):
        pool_result_record(actor=technician, pool=pool, reading=reading(Result.POSITIVE))


def test_a_negative_ct_is_refused(world):
    team = world.user("community_team")
    sample = individual(team, residents(team, 1)[0], barcode="LT-CT0001")
    with pytest.raises(ValidationError):
        sample_result_record(
            actor=world.user("lab_technician"), sample=sample, reading=reading(Result.POSITIVE, ct_e=Decimal(-3))
        )
    sample.refresh_from_db()
    assert sample.status == SampleStatus.RECEIVED


def test_a_result_for_a_sample_the_lab_never_received_is_refused(world):
    team = world.user("community_team")
    sample = individual(team, residents(team, 1)[0], barcode="LT-NR0001", receive=False)
    with pytest.raises(ValidationError, match="chưa nhận"):
        sample_result_record(actor=world.user("lab_technician"), sample=sample, reading=reading(Result.NEGATIVE))
