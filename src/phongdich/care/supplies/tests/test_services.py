"""Stock moves only through the movement service: receipts, daily issues, transfers (both legs or neither), stock
counts; never below zero, each movement audited, a retried request recorded once. Donations are allocated as
receipts, never beyond what was received."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from phongdich.care.supplies.models import Donation, StockLevel, StockMovement, SupplyItem
from phongdich.care.supplies.services import (
    donation_allocate,
    donation_record,
    movement_record,
    supply_item_add,
    supply_item_update,
)
from phongdich.core import clock
from phongdich.core.models import AuditEvent
from phongdich.core.scoping import OutOfScope

from .conftest import issue, item, receive


def on_hand(facility, code: str) -> int:
    return StockLevel.objects.filter(facility=facility, item__code=code).values_list("quantity", flat=True).first() or 0


def test_a_fresh_installation_has_oxygen_drugs_test_kits_and_protective_equipment(db):
    categories = set(SupplyItem.objects.values_list("category", flat=True))
    assert {"oxygen", "drug", "test_kit", "ppe"} <= categories
    assert item("THUOC-A").medicine.code == "A"  # the Care I medicine package A counted as an item
    assert item("O2-BINH40").name == "Bình oxy 40 lít" and item("O2-LONG").unit_of_measure == "lít"


def test_a_receipt_and_an_issue_change_the_stock_and_are_audited(world, field_hospital):
    officer = world.user("district_officer")
    movement_record(actor=officer, facility=field_hospital, item=item("O2-BINH40"), kind="receipt", quantity=50)
    used = movement_record(actor=officer, facility=field_hospital, item=item("O2-BINH40"), kind="issue", quantity=12)
    assert on_hand(field_hospital, "O2-BINH40") == 38
    assert used.effect == -12 and used.occurred_on == clock.today() and used.recorded_by == officer
    event = AuditEvent.objects.get(object_type="care.stockmovement", object_id=str(used.pk))
    assert event.unit_path == field_hospital.unit.path and event.after["quantity"] == 12


def test_issuing_more_than_the_stock_is_refused_naming_the_item_and_nothing_is_written(world, field_hospital):
    receive(field_hospital, "O2-BINH40", 12)
    movements = StockMovement.objects.count()
    with pytest.raises(ValidationError) as refused:
        issue(field_hospital, "O2-BINH40", 20)
    assert refused.value.message_dict["quantity"] == ["Tồn kho Bình oxy 40 lít: còn 12, không thể xuất 20"]
    assert on_hand(field_hospital, "O2-BINH40") == 12 and StockMovement.objects.count() == movements


def test_large_quantities_are_written_with_thousands_separated(world, field_hospital):
    receive(field_hospital, "O2-LONG", 24266)
    with pytest.raises(ValidationError) as refused:
        issue(field_hospital, "O2-LONG", 30000)
    assert "còn 24.266, không thể xuất 30.000" in refused.value.message_dict["quantity"][0]


def test_an_issue_from_nothing_held_is_refused(world, site):
    with pytest.raises(ValidationError, match="còn 0"):
        issue(site, "THUOC-A", 1)
    assert not StockLevel.objects.filter(facility=site).exists()


def test_the_database_itself_refuses_a_negative_stock(world, field_hospital):
    receive(field_hospital, "PPE-BO", 5)
    with pytest.raises(IntegrityError), transaction.atomic():
        StockLevel.objects.filter(facility=field_hospital).update(quantity=-1)


def test_a_transfer_writes_both_legs_or_neither(world, field_hospital, site):
    receive(field_hospital, "O2-BINH40", 30)
    oxygen = item("O2-BINH40")
    movement_record(
        actor="test", facility=field_hospital, item=oxygen, kind="transfer_out", quantity=10, counterpart=site
    )
    assert on_hand(field_hospital, "O2-BINH40") == 20 and on_hand(site, "O2-BINH40") == 10
    incoming = StockMovement.objects.get(facility=site, kind="transfer_in")
    assert incoming.counterpart == field_hospital and incoming.effect == 10
    with pytest.raises(ValidationError, match="còn 20, không thể xuất 25"):
        movement_record(
            actor="test",
            facility=field_hospital,
            item=item("O2-BINH40"),
            kind="transfer_out",
            quantity=25,
            counterpart=site,
        )
    assert on_hand(site, "O2-BINH40") == 10 and StockMovement.objects.filter(facility=site).count() == 1


def test_a_transfer_needs_another_facility(world, field_hospital):
    receive(field_hospital, "O2-BINH40", 30)
    for counterpart, message in ((None, "Chọn cơ sở nhận"), (field_hospital, "không thể tự chuyển")):
        with pytest.raises(ValidationError) as refused:
            movement_record(
                actor="test",
                facility=field_hospital,
                item=item("O2-BINH40"),
                kind="transfer_out",
                quantity=5,
                counterpart=counterpart,
            )
        assert message in refused.value.message_dict["counterpart"][0]


def test_a_stock_count_sets_the_stock_and_records_the_difference(world, station):
    receive(station, "KT-YTE", 40)
    counted = movement_record(actor="test", facility=station, item=item("KT-YTE"), kind="adjustment", quantity=35)
    assert counted.effect == -5 and counted.quantity == 35 and on_hand(station, "KT-YTE") == 35
    empty = movement_record(actor="test", facility=station, item=item("KT-YTE"), kind="adjustment", quantity=0)
    assert empty.effect == -35 and on_hand(station, "KT-YTE") == 0


def test_a_retried_request_with_the_same_key_records_once(world, station):
    key = "hw-20210815-0001"
    first = movement_record(
        actor="test", facility=station, item=item("THUOC-A"), kind="receipt", quantity=30, idempotency_key=key
    )
    again = movement_record(
        actor="test", facility=station, item=item("THUOC-A"), kind="receipt", quantity=30, idempotency_key=key
    )
    assert again.pk == first.pk and on_hand(station, "THUOC-A") == 30


def test_a_day_in_the_future_and_a_quantity_below_one_are_refused(world, station):
    with pytest.raises(ValidationError) as refused:
        receive(station, "THUOC-A", 5, on=clock.today() + timedelta(days=1))
    assert refused.value.message_dict["occurred_on"] == ["Ngày không thể ở tương lai."]
    with pytest.raises(ValidationError) as refused:
        receive(station, "THUOC-A", 0)
    assert "quantity" in refused.value.message_dict
    assert not StockMovement.objects.filter(facility=station).exists()


def test_the_health_worker_records_at_their_station_only(world, station, field_hospital):
    worker = world.user("health_worker")
    movement_record(actor=worker, facility=station, item=item("THUOC-A"), kind="receipt", quantity=10)
    with pytest.raises(OutOfScope):
        movement_record(actor=worker, facility=field_hospital, item=item("THUOC-A"), kind="receipt", quantity=10)


def test_the_district_officer_cannot_record_in_another_district(world, site):
    with pytest.raises(OutOfScope):
        movement_record(
            actor=world.user("district_officer"), facility=site, item=item("THUOC-A"), kind="receipt", quantity=1
        )


def a_donation(world, **changes) -> Donation:
    values = {
        "actor": world.user("province_commander"),
        "donor_name": "Công ty TNHH Thiết bị Y tế Phúc An",
        "donor_kind": "organisation",
        "donor_contact": "0274 3822 155",
        "unit": world.unit("74"),
        "received_on": clock.today(),
        "lines": [(item("O2-BINH40"), 200), (item("O2-MAYTAO"), 30)],
    }
    return donation_record(**(values | changes))


def test_a_donation_is_allocated_as_receipts_and_never_beyond_what_was_received(world, field_hospital):
    commander = world.user("province_commander")
    donation = a_donation(world)
    donation_allocate(actor=commander, donation=donation, facility=field_hospital, item=item("O2-BINH40"), quantity=150)
    receipt = StockMovement.objects.get(donation=donation)
    assert receipt.kind == "receipt" and on_hand(field_hospital, "O2-BINH40") == 150
    with pytest.raises(ValidationError) as refused:
        donation_allocate(
            actor=commander, donation=donation, facility=field_hospital, item=item("O2-BINH40"), quantity=60
        )
    assert refused.value.message_dict["quantity"] == [
        "Bình oxy 40 lít: khoản tài trợ này chỉ còn 50 bình chưa phân bổ, không thể phân bổ 60"
    ]
    assert StockMovement.objects.filter(donation=donation).count() == 1
    with pytest.raises(ValidationError, match="không có"):
        donation_allocate(actor=commander, donation=donation, facility=field_hospital, item=item("KT-N95"), quantity=1)


def test_a_donation_needs_a_donor_and_items(world):
    with pytest.raises(ValidationError) as refused:
        a_donation(world, donor_name=" ", lines=[])
    assert set(refused.value.message_dict) == {"donor_name", "lines"}
    assert not Donation.objects.exists()


def test_the_welfare_officer_records_donations_only_in_their_area(world):
    from phongdich.accounts.models import User
    from phongdich.accounts.roles import Role
    from phongdich.accounts.services import role_assign

    welfare = User.objects.create_user(username="ansinh.thuanan", password="x", full_name="Trần Thị Ngọc")
    role_assign(actor="test", user=welfare, role=Role.WELFARE_OFFICER, unit=world.unit("725"))
    a_donation(world, actor=welfare, unit=world.unit("725"), donor_kind="individual", donor_name="Ông Lê Văn Hai")
    with pytest.raises(OutOfScope):
        a_donation(world, actor=welfare, unit=world.unit("74"))


def test_only_a_province_administrator_keeps_the_item_catalogue(world):
    admin = world.user("system_admin")
    fields = {"name": "Bình oxy 8 lít", "category": "oxygen", "unit_of_measure": "bình", "medicine": None}
    added = supply_item_add(actor=admin, code="o2-binh8", low_cover_days=2, active=True, **fields)
    assert added.code == "O2-BINH8"
    with pytest.raises(ValidationError, match="Mã này đã có"):
        supply_item_add(actor=admin, code="O2-BINH8", low_cover_days=2, active=True, **fields)
    supply_item_update(actor=admin, item=added, low_cover_days=4, active=False, **fields)
    added.refresh_from_db()
    assert added.low_cover_days == 4 and not added.active
    with pytest.raises(PermissionDenied):
        supply_item_add(actor=world.user("district_admin"), code="X1", low_cover_days=2, active=True, **fields)
