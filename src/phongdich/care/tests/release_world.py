"""People of Lái Thiêu under orders coming to their end, and the tests they give, recorded through the labs
services as a health station and the CDC lab record them. Every date counts from the clock's today."""

from datetime import date, datetime, time, timedelta
from itertools import count

from django.utils import timezone

from phongdich.core import clock
from phongdich.core.testing import unit
from phongdich.labs.choices import Result, SampleKind
from phongdich.labs.models import Lab, Sample
from phongdich.labs.services import (
    Reading,
    pool_open,
    pool_result_record,
    pool_send,
    sample_register,
    sample_result_record,
    samples_receive,
)
from phongdich.people.services import person_create

from ..choices import OrderKind
from ..models import IsolationOrder
from .factories import an_order

_serial = count(1)


def today() -> date:
    return clock.today()


def sampled_on(day: date) -> datetime:
    """A moment of `day` that is never in the future, to the minute (a lab file writes minutes)."""
    moment = min(timezone.make_aware(datetime.combine(day, time(12))), timezone.now())
    return timezone.localtime(moment).replace(second=0, microsecond=0)


def resident(world, full_name: str, group: str = "25966-01", phone: str = "0987654321"):
    """A resident registered by the commune officer of the group's commune, with a CCCD number and a phone."""
    officer = world.user("commune_officer" if group.startswith("25966") else "other_commune")
    serial = next(_serial)
    return person_create(
        actor=officer,
        full_name=full_name,
        birth_year=1984,
        sex="female",
        id_number=f"074184{serial:06d}",
        phone=phone,
        address=f"{serial} đường Nguyễn Trãi",
        unit=unit(group),
    )


def home_treatment_due(person, *, days_late: int = 0, **fields) -> IsolationOrder:
    """An F0 treated at home for 10 days, ending today (or `days_late` days ago), released on a negative antigen
    test done by a health worker on the last day."""
    return an_order(person, OrderKind.F0_HOME, starts_on=today() - timedelta(days=9 + days_late), **fields)


def quarantine_due(person, **fields) -> IsolationOrder:
    """An F1 quarantined at home for 7 days ending today, tested by RT-PCR on days 1 and 7."""
    return an_order(person, OrderKind.F1_HOME, starts_on=today() - timedelta(days=6), **fields)


def lab() -> Lab:
    return Lab.objects.get(facility__name="Phòng xét nghiệm CDC Bình Dương")


def antigen_test(world, person, day: date, *, result=Result.NEGATIVE, kind=SampleKind.ANTIGEN) -> Sample:
    """A rapid antigen test done by the station's health worker (or, with ANTIGEN_SELF, a self-test)."""
    worker = world.user("health_worker")
    at = sampled_on(day)
    sample = sample_register(actor=worker, person=person, kind=kind, sampled_at=at)
    return sample_result_record(actor=worker, sample=sample, reading=Reading(result, at))


def rt_pcr_sample(world, person, day: date, barcode: str) -> Sample:
    """An individual RT-PCR sample taken by the station and received by the CDC lab, awaiting its result."""
    sample = sample_register(
        actor=world.user("health_worker"),
        person=person,
        kind=SampleKind.RT_PCR,
        barcode=barcode,
        lab=lab(),
        sampled_at=sampled_on(day),
    )
    samples_receive(actor="lab-reception", lab=lab(), barcodes=[barcode])
    sample.refresh_from_db()
    return sample


def rt_pcr_test(world, person, day: date, barcode: str, *, result=Result.NEGATIVE) -> Sample:
    sample = rt_pcr_sample(world, person, day, barcode)
    reading = Reading(result, sample.sampled_at)
    return sample_result_record(actor=world.user("lab_technician"), sample=sample, reading=reading)


def pooled_test(world, people, day: date, barcode: str, *, result=Result.NEGATIVE):
    worker = world.user("health_worker")
    pool = pool_open(actor=worker, barcode=barcode, lab=lab(), unit=unit("25966-01"))
    at = sampled_on(day)
    for index, person in enumerate(people, start=1):
        sample_register(
            actor=worker, person=person, kind=SampleKind.RT_PCR_POOLED, barcode=f"{barcode}-{index}", pool=pool,
            sampled_at=at,
        )  # fmt: skip
    pool_send(actor=worker, pool=pool)
    samples_receive(actor="lab-reception", lab=lab(), barcodes=[barcode])
    return pool_result_record(actor=world.user("lab_technician"), pool=pool, reading=Reading(result, at))
