"""The demo's mass testing: the CDC lab, round 3 in Lái Thiêu under way (most pools back negative, one
positive pool whose members are being re-sampled, the rest at the lab), earlier rounds for the cycle length,
and weekly staff testing at a few enterprises. Built through the labs services, like real work."""

import random
from dataclasses import dataclass
from datetime import timedelta

from phongdich.core import clock
from phongdich.labs.choices import PriorityGroup, Result, SampleKind
from phongdich.labs.services import (
    Reading,
    lab_save,
    pool_open,
    pool_result_record,
    pool_send,
    round_create,
    sample_register,
    sample_result_record,
    samples_receive,
    testing_plan_save,
)
from phongdich.people.models import Person
from phongdich.places.choices import Structure
from phongdich.places.models import AdminUnit, Facility, Organisation

ACTOR = "demo"
WARD_CODE = "25966"  # Lái Thiêu, Thuận An
SAMPLED_SHARE = 0.7
POOL_SIZE = 10


@dataclass
class TestingResult:
    samples: int = 0
    pools: int = 0


def build_testing(*, rng: random.Random) -> TestingResult:
    result = TestingResult()
    lab = lab_save(
        actor=ACTOR,
        facility=Facility.objects.get(name="Trung tâm Kiểm soát bệnh tật tỉnh Bình Dương"),
        daily_capacity=20_000,
    )
    ward = AdminUnit.objects.get(structure=Structure.LEGACY, code=WARD_CODE)
    today = clock.today()
    for number, days_ago in ((1, 16), (2, 9)):
        start = today - timedelta(days=days_ago)
        round_create(
            actor=ACTOR,
            name=f"Xét nghiệm diện rộng đợt {number} — {ward.name}",
            unit=ward,
            starts_on=start,
            ends_on=start + timedelta(days=2),
        )
    current = round_create(
        actor=ACTOR,
        name=f"Xét nghiệm diện rộng đợt 3 — {ward.name}",
        unit=ward,
        starts_on=today - timedelta(days=2),
        ends_on=today + timedelta(days=1),
        priority_groups=[PriorityGroup.ELDERLY, PriorityGroup.CHRONIC],
        notes="Công văn của UBND thị xã Thuận An về xét nghiệm diện rộng",
    )
    # Sampling began 48 hours before the build and went on for 40: the same share of pools is back from the
    # lab whatever the hour of the build.
    now = clock.now().replace(minute=0, second=0, microsecond=0)
    start = now - timedelta(hours=48)
    people = list(
        Person.objects.active()
        .filter(unit__parent=ward)
        .order_by("unit__path", "household_id", "pk")
        .select_related("unit")
    )
    sampled = [p for p in people if rng.random() < SAMPLED_SHARE]
    pools = []
    for index in range(0, len(sampled), POOL_SIZE):
        members = sampled[index : index + POOL_SIZE]
        taken = start + timedelta(hours=rng.uniform(0, 40))
        pool = pool_open(
            actor=ACTOR,
            barcode=f"LT3-{index // POOL_SIZE + 1:05d}",
            lab=lab,
            unit=members[0].unit,
            testing_round=current,
            team=f"Tổ lấy mẫu số {rng.randint(1, 6)}",
        )
        for offset, person in enumerate(members):
            sample_register(
                actor=ACTOR,
                person=person,
                kind=SampleKind.RT_PCR_POOLED,
                pool=pool,
                sampled_at=taken,
                barcode=f"{pool.barcode}-{offset + 1:02d}",
            )
        pool_send(actor=ACTOR, pool=pool)
        pools.append((pool, taken))
        result.samples += len(members)
    result.pools = len(pools)
    pools.sort(key=lambda item: item[1])
    back = pools[: max(1, len(pools) * 4 // 5)]  # the earliest four in five are back; the rest are at the lab…
    in_transit = min(max(1, len(pools) // 10), len(pools) - len(back))  # …but the last, still on their way
    samples_receive(actor=ACTOR, lab=lab, barcodes=[pool.barcode for pool, _taken in pools[: len(pools) - in_transit]])
    for position, (pool, taken) in enumerate(back):
        outcome = Result.POSITIVE if position == len(back) // 2 else Result.NEGATIVE
        result_at = min(taken + timedelta(hours=rng.uniform(8, 28)), now - timedelta(hours=7))
        pool_result_record(actor=ACTOR, pool=pool, reading=Reading(outcome, result_at, ct_n=None))
        if outcome == Result.POSITIVE:
            _resample(rng, lab, pool, clock.now())
    _staff_testing(today)
    return result


def _resample(rng: random.Random, lab, pool, now) -> None:
    """Most members of the positive pool are sampled again; one of them is positive."""
    tasks = list(pool.resample_tasks.select_related("person").order_by("pk"))
    for index, task in enumerate(tasks[:-2]):
        taken = now - timedelta(hours=6)
        sample = sample_register(
            actor=ACTOR,
            person=task.person,
            kind=SampleKind.RT_PCR,
            lab=lab,
            sampled_at=taken,
            barcode=f"{pool.barcode}-R{index + 1:02d}",
            for_task=task,
            testing_round=pool.round,
        )
        samples_receive(actor=ACTOR, lab=lab, barcodes=[sample.barcode])
        outcome = Result.POSITIVE if index == 0 else Result.NEGATIVE
        sample_result_record(actor=ACTOR, sample=sample, reading=Reading(outcome, now - timedelta(hours=1)))


def _staff_testing(today) -> None:
    for organisation in Organisation.objects.filter(industrial_park__isnull=False).order_by("pk")[:5]:
        testing_plan_save(
            actor=ACTOR,
            organisation=organisation,
            every_days=7,
            starts_on=today - timedelta(days=30),
            responsible="Giám đốc doanh nghiệp",
            source_document="Chỉ thị của UBND tỉnh: người đứng đầu chịu trách nhiệm xét nghiệm định kỳ",
        )
