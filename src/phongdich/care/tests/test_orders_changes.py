"""An order after it is made: ended other than by release, assigned, its visits, calls and medicine."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from phongdich.core import clock
from phongdich.core.models import AuditEvent
from phongdich.core.scoping import OutOfScope

from ..choices import ContactKind, OrderKind, OrderStatus
from ..models import CareContact, MedicineDelivery, MedicineKind
from ..services import contact_record, medicine_deliver, order_assign, order_create, order_end
from .orders_world import isolation_rules


@pytest.fixture
def order(world):
    isolation_rules()
    thu = world.person("Lý Thị Thu", "25966")
    start = clock.today() - timedelta(days=2)
    return order_create(actor=world.user("commune_officer"), person=thu, kind=OrderKind.F1_HOME, starts_on=start)


def test_a_transfer_ends_the_order_with_where_to_and_frees_the_kind_for_a_new_order(world, order):
    ended = order_end(
        actor=world.user("health_worker"),
        order=order,
        status=OrderStatus.TRANSFERRED,
        ended_on=clock.today(),
        reason="Bệnh viện dã chiến số 3",
    )
    assert ended.status == OrderStatus.TRANSFERRED and ended.ended_on == clock.today()
    assert ended.end_params == {"reason": "Bệnh viện dã chiến số 3", "note": ""}
    event = AuditEvent.objects.filter(object_type="care.isolationorder", object_id=str(order.pk), action="update").get()
    assert event.after["status"] == "transferred" and event.before["status"] == "active"
    again = order_create(
        actor=world.user("commune_officer"), person=order.person, kind=OrderKind.F1_HOME, starts_on=clock.today()
    )
    assert again.status == OrderStatus.ACTIVE


def test_ending_is_refused_with_a_reason_for_each_mistake_and_changes_nothing(world, order):
    with pytest.raises(ValidationError) as refused:
        order_end(
            actor=world.user("commune_officer"),
            order=order,
            status=OrderStatus.TRANSFERRED,
            ended_on=order.starts_on - timedelta(days=1),
        )
    assert set(refused.value.message_dict) == {"ended_on", "reason"}
    with pytest.raises(ValidationError) as released:
        order_end(actor=world.user("commune_officer"), order=order, status=OrderStatus.RELEASED, ended_on=clock.today())
    assert "xét nghiệm" in released.value.message_dict["status"][0]
    order.refresh_from_db()
    assert order.status == OrderStatus.ACTIVE and order.ended_on is None


def test_an_ended_order_cannot_be_ended_again(world, order):
    officer = world.user("commune_officer")
    order_end(actor=officer, order=order, status=OrderStatus.BROKEN, ended_on=clock.today(), reason="Tự ý ra ngoài")
    with pytest.raises(ValidationError):
        order_end(actor=officer, order=order, status=OrderStatus.MOVED_AWAY, ended_on=clock.today())


def test_a_community_team_member_cannot_end_an_order_and_another_commune_cannot_see_it(world, order):
    for persona in ("community_team", "other_commune"):
        with pytest.raises(OutOfScope):
            order_end(actor=world.user(persona), order=order, status=OrderStatus.MOVED_AWAY, ended_on=clock.today())


def test_the_officer_assigns_the_stations_health_worker_and_the_groups_team(world, order):
    assigned = order_assign(
        actor=world.user("commune_officer"),
        order=order,
        responsible=world.user("health_worker"),
        team="Tổ COVID cộng đồng khu phố 1",
    )
    assert assigned.responsible == world.user("health_worker")
    event = AuditEvent.objects.filter(object_type="care.isolationorder", object_id=str(order.pk), action="update").get()
    assert event.after == {"responsible_id": world.user("health_worker").pk, "team": "Tổ COVID cộng đồng khu phố 1"}


def test_nobody_from_another_commune_is_made_responsible(world, order):
    with pytest.raises(ValidationError) as refused:
        order_assign(actor=world.user("commune_officer"), order=order, responsible=world.user("other_commune"))
    assert list(refused.value.message_dict) == ["responsible"]


def test_the_community_team_records_a_visit_and_the_station_hands_out_package_a(world, order):
    visit = contact_record(
        actor=world.user("community_team"),
        order=order,
        kind=ContactKind.VISIT,
        done_at=clock.now() - timedelta(hours=1),
        note="Đo SpO₂ 98%, không sốt",
    )
    package_a = MedicineKind.objects.get(code="A")
    delivery = medicine_deliver(
        actor=world.user("health_worker"), order=order, kind=package_a, quantity=1, delivered_at=clock.now()
    )
    assert list(CareContact.objects.filter(order=order)) == [visit]
    assert list(MedicineDelivery.objects.filter(order=order)) == [delivery]
    for record in (visit, delivery):
        event = AuditEvent.objects.get(object_type=record._meta.label_lower, object_id=str(record.pk))
        assert event.person_id == order.person_id and event.unit_path == world.unit("25966-01").path


def test_a_visit_in_the_future_or_before_the_order_is_refused(world, order):
    team = world.user("community_team")
    with pytest.raises(ValidationError) as future:
        contact_record(actor=team, order=order, kind=ContactKind.CALL, done_at=clock.now() + timedelta(hours=2))
    assert "done_at" in future.value.message_dict
    with pytest.raises(ValidationError):
        contact_record(actor=team, order=order, kind=ContactKind.CALL, done_at=clock.now() - timedelta(days=5))
    assert not CareContact.objects.exists()


def test_a_medicine_package_needs_a_plausible_quantity(world, order):
    with pytest.raises(ValidationError) as refused:
        medicine_deliver(
            actor=world.user("health_worker"),
            order=order,
            kind=MedicineKind.objects.get(code="B"),
            quantity=0,
            delivered_at=clock.now(),
        )
    assert "quantity" in refused.value.message_dict


def test_another_commune_cannot_record_a_visit_to_an_order_it_cannot_see(world, order):
    with pytest.raises(OutOfScope):
        contact_record(actor=world.user("other_commune"), order=order, kind=ContactKind.CALL, done_at=clock.now())
