"""Orders through the services: planned from the rules, one active order per person and kind, concentrated sites'
places, F0 home-treatment eligibility, scope first, and nothing half-written."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from phongdich.core import clock
from phongdich.core.models import AuditEvent
from phongdich.core.scoping import OutOfScope
from phongdich.people.models import Person
from phongdich.places.models import Facility

from ..choices import Condition, OrderKind, OrderStatus, Severity
from ..models import IsolationOrder
from ..services import NotEligible, order_create
from .orders_world import WELL, a_site, born, eligibility_rules, household_of, isolation_rules


@pytest.fixture(autouse=True)
def rules(db):
    eligibility_rules()
    return isolation_rules()


@pytest.fixture
def thu(world):
    return world.person("Lý Thị Thu", "25966")  # Lái Thiêu, Khu phố 1


@pytest.fixture
def tam(world):
    """An active F0 in Khu phố 1, forty years old whatever the year the tests run in."""
    tam = world.person("Đỗ Văn Tâm", "25966")
    Person.objects.filter(pk=tam.pk).update(birth_date=born(40))
    tam.refresh_from_db()
    return tam


def test_an_f1_quarantined_at_home_is_planned_and_followed_by_her_wards_health_station(world, thu, rules):
    household_of(thu, address="12 đường Nguyễn Trãi, khu phố 1")
    start = clock.today()
    order = order_create(actor=world.user("commune_officer"), person=thu, kind=OrderKind.F1_HOME, starts_on=start)
    assert order.status == OrderStatus.ACTIVE and order.rules == rules and order.condition == Condition.NONE
    assert order.planned_end == start + timedelta(days=6)
    assert order.test_days == [(start + timedelta(days=6)).isoformat()]
    assert order.address == "12 đường Nguyễn Trãi, khu phố 1" and order.unit == world.unit("25966-01")
    assert order.facility == Facility.objects.get(name="Trạm Y tế Phường Lái Thiêu")
    event = AuditEvent.objects.get(object_type="care.isolationorder", object_id=str(order.pk), action="create")
    assert event.person_id == thu.pk and event.unit_path == world.unit("25966-01").path


def test_a_second_active_order_of_the_same_kind_is_refused_and_another_kind_is_not(world, thu):
    officer = world.user("commune_officer")
    first = order_create(actor=officer, person=thu, kind=OrderKind.F1_HOME, starts_on=clock.today())
    with pytest.raises(ValidationError) as refused:
        order_create(actor=officer, person=thu, kind=OrderKind.F1_HOME, starts_on=clock.today())
    assert refused.value.message_dict["kind"] == [
        f"Lý Thị Thu đang có một quyết định cùng loại còn hiệu lực, từ {first.starts_on:%d/%m/%Y} "
        f"(quyết định #{first.pk})."
    ]
    assert IsolationOrder.objects.filter(person=thu).count() == 1
    site = a_site(places=10)
    order_create(actor=officer, person=thu, kind=OrderKind.F1_SITE, starts_on=clock.today(), site=site)
    assert IsolationOrder.objects.filter(person=thu, status=OrderStatus.ACTIVE).count() == 2


def test_a_person_outside_the_jurisdiction_is_refused_like_one_who_does_not_exist(world, thu):
    outside = world.user("other_commune")
    with pytest.raises(OutOfScope) as refused_outside:
        order_create(actor=outside, person=thu, kind=OrderKind.F1_HOME, starts_on=clock.today())
    with pytest.raises(OutOfScope) as refused_missing:
        order_create(actor=outside, person=Person(pk=10**9), kind=OrderKind.F1_HOME, starts_on=clock.today())
    assert str(refused_outside.value) == str(refused_missing.value)
    assert not IsolationOrder.objects.filter(person=thu).exists()


def test_the_scope_is_checked_before_the_orders_own_mistakes_are_named(world, thu):
    with pytest.raises(OutOfScope):
        order_create(actor=world.user("other_commune"), person=thu, kind="không-rõ", starts_on=None)


def test_a_community_team_member_orders_only_in_her_residential_group(world, thu):
    team = world.user("community_team")
    assert order_create(actor=team, person=thu, kind=OrderKind.F1_HOME, starts_on=clock.today()).pk
    loc = world.person("Phan Văn Lộc", "25966")  # Khu phố 2
    with pytest.raises(OutOfScope):
        order_create(actor=team, person=loc, kind=OrderKind.F1_HOME, starts_on=clock.today())


def test_the_health_worker_orders_in_the_ward_of_her_station(world, thu):
    order = order_create(actor=world.user("health_worker"), person=thu, kind=OrderKind.F1_HOME, starts_on=clock.today())
    assert order.created_by == world.user("health_worker")
    hang_hiep_thanh = world.person("Nguyễn Thị Hằng", "25741")
    with pytest.raises(OutOfScope):
        order_create(
            actor=world.user("health_worker"), person=hang_hiep_thanh, kind=OrderKind.F1_HOME, starts_on=clock.today()
        )


def test_an_eligible_f0_is_enrolled_at_home_as_mild_with_the_check_kept_on_the_order(world, tam):
    order = order_create(
        actor=world.user("health_worker"),
        person=tam,
        kind=OrderKind.F0_HOME,
        starts_on=clock.today(),
        measurements=WELL,
    )
    assert order.severity == Severity.MILD and order.case.person == tam
    assert order.eligibility["eligible"] is True and order.eligibility["failures"] == []
    assert order.eligibility["measured"]["spo2"] == 98
    assert "261/QĐ-BYT" in order.eligibility["source_document"]


def test_an_f0_failing_criteria_is_refused_naming_each_one_and_nothing_is_written(world, tam):
    with pytest.raises(NotEligible) as refused:
        order_create(
            actor=world.user("health_worker"),
            person=tam,
            kind=OrderKind.F0_HOME,
            starts_on=clock.today(),
            measurements={"state": "moderate", "breathing_rate": 24, "spo2": 94},
        )
    messages = refused.value.messages
    assert messages[0].startswith("Không đủ tiêu chí điều trị tại nhà theo Quyết định 261/QĐ-BYT")
    assert any("Nhịp thở 24 lần/phút" in message for message in messages)
    assert any("SpO₂ 94%" in message for message in messages)
    assert any("Trung bình" in message for message in messages)  # the clinical state, by its name
    assert not IsolationOrder.objects.filter(person=tam).exists()
    assert not AuditEvent.objects.filter(object_type="care.isolationorder", person_id=tam.pk).exists()


def test_a_doctors_reason_enrols_an_f0_who_fails_and_the_failures_stay_on_the_order(world, tam):
    order = order_create(
        actor=world.user("health_worker"),
        person=tam,
        kind=OrderKind.F0_HOME,
        starts_on=clock.today(),
        measurements={"state": "moderate", "breathing_rate": 21, "spo2": 97},
        eligibility_override="Gia đình có bác sĩ theo dõi, bệnh viện quá tải",
    )
    assert order.eligibility["eligible"] is False
    assert order.eligibility["override"] == "Gia đình có bác sĩ theo dõi, bệnh viện quá tải"
    assert [failure["code"] for failure in order.eligibility["failures"]] == ["symptoms_at_most", "breathing_below"]
    assert order.severity == Severity.MODERATE


def test_implausible_readings_are_refused_on_their_fields(world, tam):
    with pytest.raises(ValidationError) as refused:
        order_create(
            actor=world.user("health_worker"),
            person=tam,
            kind=OrderKind.F0_HOME,
            starts_on=clock.today(),
            measurements={"spo2": 30, "breathing_rate": 120},
        )
    assert set(refused.value.message_dict) == {"spo2", "breathing_rate"}
    assert "SpO₂ 30" in refused.value.message_dict["spo2"][0]


def test_a_concentrated_order_needs_a_site_with_recorded_places_and_room(world, thu, tam):
    officer = world.user("commune_officer")
    with pytest.raises(ValidationError) as no_site:
        order_create(actor=officer, person=thu, kind=OrderKind.F1_SITE, starts_on=clock.today())
    assert "site" in no_site.value.message_dict
    unrecorded = a_site(places=None, name="Khu cách ly Trường THPT Trịnh Hoài Đức")
    with pytest.raises(ValidationError) as not_recorded:
        order_create(actor=officer, person=thu, kind=OrderKind.F1_SITE, starts_on=clock.today(), site=unrecorded)
    assert "Chưa ghi số chỗ" in not_recorded.value.message_dict["site"][0]
    site = a_site(places=1)
    order_create(actor=officer, person=thu, kind=OrderKind.F1_SITE, starts_on=clock.today(), site=site)
    loc = world.person("Phan Văn Lộc", "25966")
    with pytest.raises(ValidationError) as full:
        order_create(actor=officer, person=loc, kind=OrderKind.F1_SITE, starts_on=clock.today(), site=site)
    assert "đã kín" in full.value.message_dict["site"][0]


def test_an_order_at_home_takes_no_site_and_a_site_must_be_a_concentrated_one(world, thu):
    officer = world.user("commune_officer")
    station = Facility.objects.get(name="Trạm Y tế Phường Lái Thiêu")
    with pytest.raises(ValidationError) as refused:
        order_create(actor=officer, person=thu, kind=OrderKind.F1_SITE, starts_on=clock.today(), site=station)
    assert "site" in refused.value.message_dict
    with pytest.raises(ValidationError):
        order_create(actor=officer, person=thu, kind=OrderKind.F1_HOME, starts_on=clock.today(), site=a_site(5))


def test_the_responsible_health_worker_must_provide_care_where_the_person_lives(world, thu):
    officer = world.user("commune_officer")
    with pytest.raises(ValidationError) as refused:
        order_create(
            actor=officer,
            person=thu,
            kind=OrderKind.F1_HOME,
            starts_on=clock.today(),
            responsible=world.user("other_commune"),
        )
    assert list(refused.value.message_dict) == ["responsible"]
    order = order_create(
        actor=officer,
        person=thu,
        kind=OrderKind.F1_HOME,
        starts_on=clock.today(),
        responsible=world.user("health_worker"),
        team="Tổ COVID cộng đồng khu phố 1",
    )
    assert order.responsible == world.user("health_worker") and order.team == "Tổ COVID cộng đồng khu phố 1"
