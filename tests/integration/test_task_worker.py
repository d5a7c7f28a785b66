"""The task worker as deployed: a real `phongdich worker` run on committed data (so not in a test transaction)."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def seeded():
    """The shared world, rebuilt when an earlier transactional test has flushed it (these tests run last)."""
    from phongdich.accounts.models import User
    from phongdich.core.testing import build_world

    if not User.objects.filter(username="province_commander").exists():
        build_world()


def test_the_worker_matches_a_new_cases_check_ins(seeded):
    from phongdich.core.testing import World
    from phongdich.surveillance.models import CheckIn, TracingState
    from phongdich.surveillance.services import case_confirm

    world = World()
    market = world.venue("Chợ Lái Thiêu")
    hang = world.person("Nguyễn Thị Hằng", "25966")
    neighbour = world.person("Trần Văn Bình", "25963")
    visit = timezone.now() - timedelta(hours=20)
    CheckIn.objects.create(client_id="w-1", venue=market, unit=market.unit, person=hang, checked_in_at=visit)
    CheckIn.objects.create(
        client_id="w-2", venue=market, unit=market.unit, person=neighbour, checked_in_at=visit + timedelta(minutes=20)
    )
    case_confirm(
        actor=world.user("commune_officer"),
        person=hang,
        confirmed_at=timezone.now() - timedelta(minutes=5),
        confirmation_test="rt_pcr",
        detection_setting="community",
    )
    assert not TracingState.objects.filter(person=neighbour, level=1).exists()
    call_command("worker", "--batch")
    assert TracingState.objects.get(person=neighbour).level == 1
