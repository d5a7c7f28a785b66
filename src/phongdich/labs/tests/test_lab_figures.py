"""The figures of the labs page and the organisations' testing page."""

from datetime import timedelta

from django.utils import timezone

from phongdich.core.testing import unit
from phongdich.labs.choices import SampleKind
from phongdich.labs.models import Lab, TestingPlan
from phongdich.labs.selectors import lab_loads, plans_compliance
from phongdich.labs.services import lab_save, sample_register
from phongdich.people.services import person_create
from phongdich.places.choices import FacilityKind
from phongdich.places.models import Facility, Organisation

from .factories import lab, pooled, residents

PHUOC_THINH = "Công ty TNHH Giày da Phước Thịnh"


def test_each_lab_counts_only_its_own_backlog(world):
    officer = world.user("commune_officer")
    facility = Facility.objects.create(
        name="Phòng xét nghiệm Bệnh viện Đa khoa tỉnh", kind=FacilityKind.LAB, unit=unit("25966")
    )
    hospital = lab_save(actor="test", facility=facility, daily_capacity=2_000)
    before = {load.lab.pk: load.backlog for load in lab_loads(Lab.objects.all())}
    for barcode in ("LT-FIG-0001", "LT-FIG-0002"):
        pooled(officer, residents(officer, 3), barcode=barcode)
    after = {load.lab.pk: load.backlog for load in lab_loads(Lab.objects.all())}
    assert (after[lab().pk] - before[lab().pk], after[hospital.pk]) == (2, 0)


def test_a_plan_counts_staff_not_sampled_within_its_cadence_as_overdue(world):
    officer = world.user("commune_officer")
    company = Organisation.objects.get(name=PHUOC_THINH)
    plan = TestingPlan.objects.get(organisation=company)

    def sampled(name, days_ago):
        person = person_create(actor=officer, full_name=name, birth_year=1990, unit=unit("25966-01"), workplace=company)
        at = timezone.now() - timedelta(days=days_ago)
        sample_register(actor=officer, person=person, kind=SampleKind.ANTIGEN, sampled_at=at, lab=lab())

    [before] = plans_compliance(TestingPlan.objects.filter(pk=plan.pk))
    sampled("Trần Văn Mới", plan.every_days - 2)
    sampled("Lê Thị Cũ", plan.every_days + 2)
    [after] = plans_compliance(TestingPlan.objects.filter(pk=plan.pk))
    assert (after.staff - before.staff, after.overdue - before.overdue) == (2, 1)
