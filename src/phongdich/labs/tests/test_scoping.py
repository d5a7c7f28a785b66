"""Who sees which sample: the people's jurisdiction, and the lab the sample was sent to."""

import pytest

from phongdich.core.testing import unit
from phongdich.places.models import Facility

from ..models import Lab, Sample
from .factories import individual, residents

pytestmark = pytest.mark.django_db


def test_a_lab_technician_sees_the_samples_sent_to_the_lab_wherever_the_people_live_and_no_others(world):
    team = world.user("community_team")
    person = residents(team, 1)[0]  # lives in Lái Thiêu, outside the lab's Hiệp Thành
    sent_here = individual(team, person, barcode="LT-HERE-1")
    district_lab = Lab.objects.create(
        facility=Facility.objects.create(name="Khoa xét nghiệm TTYT Thuận An", kind="lab", unit=unit("25966"))
    )
    sent_elsewhere = individual(team, person, barcode="LT-ELSE-1", receive=False, to_lab=district_lab)
    technician = world.user("lab_technician")
    visible = set(Sample.objects.visible_to(technician).values_list("barcode", flat=True))
    assert sent_here.barcode in visible and sent_elsewhere.barcode not in visible
    assert Sample.objects.restrict(technician, "change").filter(pk=sent_here.pk).exists()


def test_the_commune_sees_its_residents_samples_whichever_lab_tests_them_and_the_other_commune_does_not(world):
    team = world.user("community_team")
    sample = individual(team, residents(team, 1)[0], barcode="LT-SCOPE-1")
    assert Sample.objects.visible_to(world.user("commune_officer")).filter(pk=sample.pk).exists()
    assert not Sample.objects.visible_to(world.user("other_commune")).filter(pk=sample.pk).exists()
    assert not Sample.objects.visible_to(world.user("analyst")).exists()
