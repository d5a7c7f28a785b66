"""Building blocks for the labs tests: people of Lái Thiêu sampled into pools sent to the CDC lab."""

from datetime import timedelta
from itertools import count

from django.utils import timezone

from phongdich.core.testing import unit
from phongdich.people.services import person_create

from ..choices import SampleKind
from ..models import Lab
from ..services import pool_open, pool_send, sample_register, samples_receive

_numbers = count(1)
NAMES = ["Nguyễn Văn An", "Trần Thị Bích", "Lê Văn Cường", "Phạm Thị Dung", "Huỳnh Văn Đức", "Võ Thị Hoa",
         "Đặng Văn Khánh", "Bùi Thị Lan", "Đỗ Văn Minh", "Hồ Thị Ngọc", "Ngô Văn Phát", "Dương Thị Quyên"]  # fmt: skip


def lab() -> Lab:
    return Lab.objects.get(facility__name="Phòng xét nghiệm CDC Bình Dương")


def residents(actor, n: int, group: str = "25966-01") -> list:
    people = []
    for i in range(n):
        number = next(_numbers)
        year, female = 1960 + number % 40, bool(i % 2)
        people.append(
            person_create(
                actor=actor,
                full_name=NAMES[i % len(NAMES)],
                birth_year=year,
                sex="female" if female else "male",
                id_number=f"074{int(female)}{year % 100:02d}{number:06d}",  # province, century and sex, year
                unit=unit(group),
            )
        )
    return people


def pooled(actor, people, *, barcode: str, hours_ago: int = 6, receive: bool = True, testing_round=None):
    """A pool of these people's samples, sent and (by default) received by the CDC lab."""
    pool = pool_open(actor=actor, barcode=barcode, lab=lab(), unit=unit("25966-01"), testing_round=testing_round)
    taken = timezone.now() - timedelta(hours=hours_ago)
    for index, person in enumerate(people):
        sample_register(
            actor=actor,
            person=person,
            kind=SampleKind.RT_PCR_POOLED,
            barcode=f"{barcode}-{index + 1:02d}",
            pool=pool,
            sampled_at=taken,
        )
    pool_send(actor=actor, pool=pool)
    if receive:
        samples_receive(actor="lab-reception", lab=lab(), barcodes=[barcode])
    pool.refresh_from_db()
    return pool


def individual(actor, person, *, barcode: str, hours_ago: int = 6, receive: bool = True, to_lab=None, **extra):
    sample = sample_register(
        actor=actor,
        person=person,
        kind=SampleKind.RT_PCR,
        barcode=barcode,
        lab=to_lab or lab(),
        sampled_at=timezone.now() - timedelta(hours=hours_ago),
        **extra,
    )
    if receive:
        samples_receive(actor="lab-reception", lab=to_lab or lab(), barcodes=[barcode])
    sample.refresh_from_db()
    return sample
