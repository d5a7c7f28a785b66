"""The supplies pages: stock by facility with days of cover (and as a file for Excel), a facility's stock and its
movements, the low-stock alerts, donations and their allocation, the item catalogue. Each page answers 403 to a
role without it and 404 for a facility or donation outside the user's area."""

import pytest

from phongdich.care.supplies.models import Donation, StockLevel, StockMovement, SupplyItem
from phongdich.care.supplies.services import donation_record
from phongdich.core import clock
from phongdich.core.models import AuditEvent
from phongdich.places.choices import FacilityKind
from phongdich.places.models import Facility

from .conftest import days_ago, issue, item, receive

SEE_SUPPLIES = ["province_commander", "analyst", "district_officer", "health_worker"]
NO_SUPPLIES = ["commune_officer", "community_team", "lab_technician", "enterprise_rep", "system_admin", "outsider"]


def test_the_district_officer_sees_their_districts_stock_with_days_of_cover(client_as, stocked, untranslated_msgids):
    issue(stocked["field_hospital"], "O2-BINH40", 1)  # 29 left at about 10 a day: under 3 days
    page = client_as("district_officer").get("/care/supplies/").content.decode()
    assert "Bệnh viện dã chiến số 2" in page and "Trạm Y tế Phường Lái Thiêu" in page
    assert "Khu cách ly tập trung Hiệp Thành" not in page  # another district
    assert "29 bình" in page and "10,1 bình" in page and "2,9 ngày" in page and "Sắp hết" in page
    assert "không sử dụng trong 7 ngày" in page  # the station's masks
    assert not untranslated_msgids


def test_the_stock_is_filtered_by_category_and_low_only(client_as, stocked):
    issue(stocked["field_hospital"], "O2-BINH40", 1)
    client = client_as("province_commander")
    low = client.get("/care/supplies/", {"low": "on"})
    assert [row.facility.name for row in low.context["table"].data] == ["Bệnh viện dã chiến số 2"]
    ppe = client.get("/care/supplies/", {"category": "ppe"})
    assert {row.item.code for row in ppe.context["table"].data} == {"KT-YTE"}
    district = client.get("/care/supplies/", {"district": stocked["site"].unit.parent_id})
    assert {row.facility.name for row in district.context["table"].data} == {"Khu cách ly tập trung Hiệp Thành"}


def test_the_stock_list_costs_the_same_queries_however_many_facilities(client_as, world, stocked, queries_do_not_grow):
    def add_facilities():
        for n in range(5):
            facility = Facility.objects.create(
                name=f"Trạm Y tế số {n}", kind=FacilityKind.COMMUNE_HEALTH_STATION, unit=world.unit("25963")
            )
            receive(facility, "THUOC-A", 50)
            issue(facility, "THUOC-A", 5)

    client = client_as("province_commander")
    before, after = queries_do_not_grow(12, lambda: client.get("/care/supplies/"), add_facilities)
    assert after.context["count"] == before.context["count"] + 5


def test_the_stock_downloads_for_excel_and_the_export_is_audited(client_as, stocked):
    response = client_as("district_officer").get("/care/supplies/", {"format": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert text.splitlines()[0].startswith('Cơ sở,"Xã, phường",Vật tư,')
    assert "Bình oxy 40 lít" in text and "Bệnh viện dã chiến số 2" in text
    assert AuditEvent.objects.filter(action="export", object_type="care.stocklevel").exists()


@pytest.mark.parametrize("persona", NO_SUPPLIES)
def test_those_without_supplies_in_their_role_cannot_open_the_pages(client_as, stocked, persona):
    client = client_as(persona)
    hospital = stocked["field_hospital"]
    for url in ("/care/supplies/", "/care/supplies/low/", f"/care/supplies/facility/{hospital.pk}/"):
        assert client.get(url).status_code == 403
    body = {"kind": "receipt", "item": item("THUOC-A").pk, "quantity": 5, "occurred_on": clock.today()}
    assert client.post(f"/care/supplies/facility/{hospital.pk}/record/", body).status_code == 403


def test_the_health_worker_records_at_their_station_but_not_at_a_hospital(client_as, stocked):
    client = client_as("health_worker")
    station, hospital = stocked["station"], stocked["field_hospital"]
    page = client.get(f"/care/supplies/facility/{station.pk}/").content.decode()
    assert "Ghi nhập kho, xuất dùng" in page and "500" in page
    body = {"kind": "issue", "item": item("KT-YTE").pk, "quantity": 20, "occurred_on": clock.today().isoformat()}
    response = client.post(f"/care/supplies/facility/{station.pk}/record/", body)
    assert response.status_code == 302
    assert StockLevel.objects.get(facility=station, item__code="KT-YTE").quantity == 480
    assert client.get(f"/care/supplies/facility/{hospital.pk}/").status_code == 404
    assert client.post(f"/care/supplies/facility/{hospital.pk}/record/", body).status_code == 404


def test_the_district_officer_cannot_open_a_site_of_another_district(client_as, stocked):
    client = client_as("district_officer")
    site = stocked["site"]
    assert client.get(f"/care/supplies/facility/{site.pk}/").status_code == 404
    body = {"kind": "receipt", "item": item("THUOC-A").pk, "quantity": 5, "occurred_on": clock.today().isoformat()}
    assert client.post(f"/care/supplies/facility/{site.pk}/record/", body).status_code == 404
    assert not StockMovement.objects.filter(facility=site, item__code="THUOC-A").exists()


def test_the_analyst_reads_the_stock_but_records_nothing(client_as, stocked):
    client = client_as("analyst")
    hospital = stocked["field_hospital"]
    page = client.get(f"/care/supplies/facility/{hospital.pk}/")
    assert page.status_code == 200 and page.context["form"] is None
    body = {"kind": "receipt", "item": item("THUOC-A").pk, "quantity": 5, "occurred_on": clock.today().isoformat()}
    assert client.post(f"/care/supplies/facility/{hospital.pk}/record/", body).status_code == 403


def test_an_issue_beyond_the_stock_shows_the_error_and_changes_nothing(client_as, stocked):
    hospital = stocked["field_hospital"]
    body = {"kind": "issue", "item": item("O2-BINH40").pk, "quantity": 40, "occurred_on": clock.today().isoformat()}
    response = client_as("district_officer").post(f"/care/supplies/facility/{hospital.pk}/record/", body)
    assert response.status_code == 422
    assert "Tồn kho Bình oxy 40 lít: còn 30, không thể xuất 40" in response.content.decode()
    assert StockLevel.objects.get(facility=hospital, item__code="O2-BINH40").quantity == 30


def test_pressing_record_twice_records_once(client_as, stocked):
    station = stocked["station"]
    body = {
        "kind": "receipt",
        "item": item("THUOC-A").pk,
        "quantity": 30,
        "occurred_on": clock.today().isoformat(),
        "idempotency_key": "0f8c2d1e9a7b4c3d",
    }
    client = client_as("health_worker")
    client.post(f"/care/supplies/facility/{station.pk}/record/", body)
    client.post(f"/care/supplies/facility/{station.pk}/record/", body)
    assert StockLevel.objects.get(facility=station, item__code="THUOC-A").quantity == 30


def test_the_low_stock_alerts_list_the_field_hospital_low_on_oxygen(client_as, stocked, untranslated_msgids):
    issue(stocked["field_hospital"], "O2-BINH40", 1)
    page = client_as("province_commander").get("/care/supplies/low/").content.decode()
    assert "Bệnh viện dã chiến số 2" in page and "Bình oxy 40 lít" in page
    assert "Khu cách ly tập trung Hiệp Thành" not in page  # 40 cylinders, none used
    assert client_as("health_worker").get("/care/supplies/low/").context["rows"] == []
    assert not untranslated_msgids


def test_a_commander_who_is_also_a_commune_officer_sees_the_whole_province(client_as, stocked):
    rows = client_as("commander_commune").get("/care/supplies/").context["table"].data
    assert {row.facility.name for row in rows} >= {"Khu cách ly tập trung Hiệp Thành", "Bệnh viện dã chiến số 2"}


DONATION = {
    "donor_name": "Bà Nguyễn Thị Kim Loan",
    "donor_kind": "individual",
    "donor_contact": "0908 214 377",
    "note": "Ủng hộ công tác phòng, chống dịch",
}


def test_the_district_officer_records_a_donation_and_allocates_part(client_as, world, stocked, untranslated_msgids):
    client = client_as("district_officer")
    form = client.get("/care/supplies/donations/new/")
    assert form.status_code == 200
    body = DONATION | {
        "unit": world.unit("725").pk,
        "received_on": clock.today().isoformat(),
        "item_1": item("KT-N95").pk,
        "quantity_1": 5000,
        "item_2": item("GANG-TAY").pk,
        "quantity_2": 100,
    }
    response = client.post("/care/supplies/donations/new/", body)
    donation = Donation.objects.get(donor_name="Bà Nguyễn Thị Kim Loan")
    assert response.status_code == 302 and donation.lines.count() == 2
    station = stocked["station"]
    allocation = {"item": item("GANG-TAY").pk, "facility": station.pk, "quantity": 20, "occurred_on": clock.today()}
    assert client.post(f"/care/supplies/donations/{donation.pk}/", allocation).status_code == 302
    page = client.get(f"/care/supplies/donations/{donation.pk}/").content.decode()
    assert "Còn lại chưa phân bổ" in page and "80" in page and "5.000" in page
    too_much = allocation | {"quantity": 81}
    refused = client.post(f"/care/supplies/donations/{donation.pk}/", too_much)
    assert refused.status_code == 422
    assert "chỉ còn 80 hộp chưa phân bổ, không thể phân bổ 81" in refused.content.decode()
    assert StockLevel.objects.get(facility=station, item__code="GANG-TAY").quantity == 20
    listing = client.get("/care/supplies/donations/").content.decode()
    assert "Bà Nguyễn Thị Kim Loan" in listing and "đã phân bổ một phần" in listing
    assert not untranslated_msgids


def test_a_donation_of_another_district_is_missing_for_the_district_officer(client_as, world, stocked):
    donation = donation_record(
        actor="test",
        unit=world.unit("74").children.exclude(pk=world.unit("725").pk).first(),
        received_on=clock.today(),
        lines=[(item("KT-N95"), 100)],
        **DONATION,
    )
    client = client_as("district_officer")
    assert client.get(f"/care/supplies/donations/{donation.pk}/").status_code == 404
    body = {"item": item("KT-N95").pk, "facility": stocked["station"].pk, "quantity": 1}
    assert client.post(f"/care/supplies/donations/{donation.pk}/", body).status_code == 404
    assert client_as("province_commander").get(f"/care/supplies/donations/{donation.pk}/").status_code == 200


@pytest.mark.parametrize("persona", ["health_worker", "commune_officer", "outsider"])
def test_those_without_donations_in_their_role_cannot_record_one(client_as, persona):
    client = client_as(persona)
    assert client.get("/care/supplies/donations/new/").status_code == 403
    assert client.post("/care/supplies/donations/new/", DONATION).status_code == 403


def test_the_administrator_keeps_the_items_and_others_cannot(client_as, untranslated_msgids):
    client = client_as("system_admin")
    assert "Bình oxy 40 lít" in client.get("/care/supplies/items/").content.decode()
    body = {"code": "O2-BINH8", "name": "Bình oxy 8 lít", "category": "oxygen", "unit_of_measure": "bình"}
    assert client.post("/care/supplies/items/new/", body | {"low_cover_days": 2, "active": "on"}).status_code == 302
    added = SupplyItem.objects.get(code="O2-BINH8")
    edit = body | {"low_cover_days": 4}
    assert client.post(f"/care/supplies/items/{added.pk}/", edit).status_code == 302
    added.refresh_from_db()
    assert added.low_cover_days == 4 and not added.active
    assert not untranslated_msgids
    for persona in ("province_commander", "district_officer", "health_worker"):
        assert client_as(persona).get("/care/supplies/items/").status_code == 403
        assert client_as(persona).post("/care/supplies/items/new/", body).status_code == 403


@pytest.mark.parametrize("persona", SEE_SUPPLIES)
def test_each_role_with_supplies_finds_them_in_the_menu(client_as, persona):
    page = client_as(persona).get("/care/supplies/").content.decode()
    assert 'href="/care/supplies/low/"' in page


def test_equipment_shows_its_stock_without_days_of_cover_nor_a_low_alert(client_as, stocked, untranslated_msgids):
    """Oxygen concentrators are not used up: lending one out of the field hospital leaves it low on nothing."""
    assert not item("O2-MAYTAO").consumable and item("O2-BINH40").consumable
    receive(stocked["field_hospital"], "O2-MAYTAO", 3, on=days_ago(8))
    issue(stocked["field_hospital"], "O2-MAYTAO", 2, on=days_ago(1))
    client = client_as("province_commander")
    low = client.get("/care/supplies/low/").content.decode()
    assert "Máy tạo oxy" not in low
    facility = client.get(f"/care/supplies/facility/{stocked['field_hospital'].pk}/").content.decode()
    concentrators = next(line for line in facility.splitlines() if "Máy tạo oxy" in line and "<strong>" in line)
    assert "1 máy" in concentrators and "đủ dùng" not in concentrators and "Sắp hết" not in concentrators
    assert not untranslated_msgids


def test_the_donation_page_gives_what_is_left_with_its_unit(client_as, world, stocked):
    donation = donation_record(
        actor="test",
        donor_name="Công ty Phúc An",
        donor_kind="organisation",
        unit=world.unit("725"),
        received_on=clock.today(),
        lines=[(item("O2-BINH40"), 200)],
    )
    page = client_as("district_officer").get(f"/care/supplies/donations/{donation.pk}/").content.decode()
    assert "200 bình</span>" in page
    listing = client_as("district_officer").get("/care/supplies/donations/").content.decode()
    assert "Loại nhà tài trợ" in listing


def test_an_empty_donation_list_says_none_was_recorded_in_the_users_area(client_as, world):
    page = client_as("district_officer").get("/care/supplies/donations/").content.decode()
    assert "Chưa ghi nhận khoản tài trợ nào trong địa bàn của bạn." in page
