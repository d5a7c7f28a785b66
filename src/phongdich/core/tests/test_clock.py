"""The domain's clock: the real time, or a demo database's day of 2021 with a banner on every page."""

from datetime import date, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from phongdich.core import clock
from phongdich.core.models import AuditEvent, DemoClock
from phongdich.surveillance.models import TracingState
from phongdich.vaccination.models import VaccineProduct
from phongdich.vaccination.services import dose_record

DEMO_DAY = date(2021, 8, 31)
BANNER = "Bản trình diễn: đồng hồ của hệ thống đang đặt ở ngày 31/08/2021"


@pytest.fixture
def demo_clock(world):
    """The database records the demo's day, and the process reads it as a server would."""
    clock.demo_clock_set(actor="demo", day=DEMO_DAY)
    clock.forget()
    return DEMO_DAY


def test_without_a_demo_day_the_clock_is_the_real_time(world):
    clock.forget()
    assert clock.demo_day() is None
    assert abs(clock.now() - timezone.now()) < timedelta(seconds=5)
    assert clock.today() == timezone.localdate()


def test_a_demo_database_sets_the_clock_at_its_day_and_the_current_time_of_day(demo_clock):
    real = timezone.localtime()
    demo = timezone.localtime(clock.now())
    assert clock.today() == DEMO_DAY == demo.date()
    assert abs(datetime.combine(real.date(), demo.time()) - real.replace(tzinfo=None)) < timedelta(seconds=5)
    assert DemoClock.objects.get().day == DEMO_DAY
    assert AuditEvent.objects.filter(object_type="core.democlock", actor_label="demo").exists()


def test_a_test_that_pins_the_time_of_day_reads_that_moment_until_it_sets_the_clock_again(world):
    clock.use(DEMO_DAY, at=time(0, 5))
    assert timezone.localtime(clock.now()) == timezone.make_aware(datetime(2021, 8, 31, 0, 5))
    clock.use(DEMO_DAY)  # the time of day runs again
    demo, real = timezone.localtime(clock.now()), timezone.localtime()
    assert abs(datetime.combine(real.date(), demo.time()) - real.replace(tzinfo=None)) < timedelta(seconds=5)
    clock.use(None, at=time(0, 5))
    assert abs(clock.now() - timezone.now()) < timedelta(seconds=5)


def test_the_demo_clock_can_be_turned_back_to_the_real_time(demo_clock):
    clock.demo_clock_set(actor="cli", day=None)
    clock.forget()
    assert not DemoClock.objects.exists() and clock.today() == timezone.localdate()


def test_every_page_shows_the_demo_banner_while_the_clock_is_set(demo_clock, client, client_as):
    assert BANNER in client.get("/accounts/login/").content.decode()
    assert BANNER in client_as("commune_officer").get("/").content.decode()


def test_no_page_shows_the_demo_banner_on_the_real_time(world, client_as):
    clock.forget()
    assert "Bản trình diễn" not in client_as("commune_officer").get("/").content.decode()


def test_an_age_is_counted_at_the_demo_day(demo_clock, client_as, world):
    hang = world.person("Nguyễn Thị Hằng", "25966")  # born 14/03/1986
    assert hang.age == 35
    assert "(35 tuổi)" in client_as("commune_officer").get(f"/persons/{hang.pk}/").content.decode()


def test_the_new_f1_of_today_are_those_of_the_demo_day(demo_clock, client_as, world):
    thu = world.person("Lý Thị Thu", "25966")
    on_the_demo_day = timezone.make_aware(datetime.combine(DEMO_DAY, datetime.min.time())) + timedelta(hours=9)
    TracingState.objects.filter(person=thu).update(level_since=on_the_demo_day)
    page = client_as("community_team").get("/tracing/levels/?level=1&new_today=true").content.decode()
    assert "Lý Thị Thu" in page


def test_the_directive_target_of_december_2021_is_still_ahead_on_the_demo_day(demo_clock, client_as, world):
    page = client_as("district_officer").get(f"/vaccination/units/{world.unit('25966').pk}/").content.decode()
    assert "31/12/2021" in page and "còn 122 ngày" in page


def test_a_dose_after_the_demo_day_is_refused_as_in_the_future(demo_clock, world):
    with pytest.raises(ValidationError) as refused:
        dose_record(
            actor=world.user("commune_officer"),
            person=world.person("Lý Thị Thu", "25966"),
            product=VaccineProduct.objects.get(code="BBIBP-CorV"),
            given_on=DEMO_DAY + timedelta(days=1),
        )
    assert "given_on" in refused.value.message_dict
