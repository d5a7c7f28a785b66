"""The tower's pages in Vietnamese: the board and its Excel file, a facility's page, admitting, discharging, a
transfer from a home patient's alert to the bed, and who may open or post each of them."""

import io

import pytest
from openpyxl import load_workbook

from phongdich.core.models import AuditEvent

from ...models import Alert
from ...tests.reporting import NORMAL, at_home, minutes_ago, resident
from ..choices import AdmissionStatus, TransferStatus
from ..models import Admission, TransferRequest
from ..services.admissions import admit
from .world import a_facility, ward_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("warning_rules")]


@pytest.fixture
def alert(world):
    from ...services.reports import report_submit

    order = at_home(resident(world, "Trần Thị Lan", serial=6111, phone="0903111222"))
    report, _alert = report_submit(
        actor="self-report:1", order=order, client_id="warn-1", measured_at=minutes_ago(10), **{**NORMAL, "spo2": 95}
    )
    return Alert.objects.get(report=report)


def logged_in(client, user):
    client.force_login(user)
    return client


def test_the_province_board_shows_free_beds_by_kind_tier_and_facility_in_vietnamese(
    tower, world, client_as, untranslated_msgids
):
    admit(
        actor=world.user("province_commander"),
        person=resident(world, "Lê Thị Hoa", serial=6500),
        facility=tower.becamex,
        bed_kind="icu",
    )
    page = client_as("province_commander").get("/care/tower/")
    html = page.content.decode()
    assert page.status_code == 200 and "Giường" in html and "Bệnh viện Quốc tế Becamex" in html
    assert "Tầng 3" in html and "1/2" in html  # one of Becamex's two ICU beds occupied
    assert not untranslated_msgids


def test_the_board_costs_the_same_queries_with_more_facilities(tower, world, client_as, queries_do_not_grow):
    client = client_as("province_commander")

    def more():
        for index in range(5):
            a_facility(
                f"Khu điều trị F0 số {index}", "isolation_site", "25741-01", 1, {"regular": 30}, ("11.0", "106.6")
            )

    before, after = queries_do_not_grow(16, lambda: client.get("/care/tower/"), more)
    assert before.status_code == after.status_code == 200


def test_the_excel_file_lists_every_facility_with_its_beds_and_is_audited(tower, world, client_as):
    answer = client_as("province_commander").get("/care/tower/board.xlsx")
    assert answer["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(answer.content))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[0][0] == "Cơ sở" and {row[0] for row in rows[1:]} == {
        "Bệnh viện Quốc tế Becamex",
        "Bệnh viện dã chiến Phú Chánh",
        "Khu điều trị F0 Phường Lái Thiêu",
    }
    assert "Giường có oxy: giữ cho chuyển viện" in rows[0]
    assert [sheet.title for sheet in book.worksheets] == ["Cơ sở", "Các tầng", "Các huyện"]
    assert next(book.worksheets[1].iter_rows(values_only=True))[0] == "Tầng"
    becamex = next(row for row in rows if row[0] == "Bệnh viện Quốc tế Becamex")
    assert becamex[1] == 3 and becamex[4] == 20  # tier, regular beds
    assert AuditEvent.objects.filter(object_type="care.ward", action="export").exists()


def test_the_analyst_sees_the_board_but_neither_patients_nor_transfers(tower, world, client_as):
    admit(
        actor=world.user("province_commander"),
        person=resident(world, "Lê Thị Hoa", serial=6500),
        facility=tower.becamex,
        bed_kind="icu",
    )
    client = client_as("analyst")
    assert client.get("/care/tower/").status_code == 200
    facility = client.get(f"/care/tower/facilities/{tower.becamex.pk}/").content.decode()
    assert "Lê Thị Hoa" not in facility
    assert client.get("/care/tower/transfers/").status_code == 403


def test_pages_refuse_who_has_no_role_and_hide_other_facilities(tower, world, client_as, client):
    assert client_as("outsider").get("/care/tower/").status_code == 403
    staff = logged_in(client, tower.phu_chanh_staff)
    assert staff.get(f"/care/tower/facilities/{tower.becamex.pk}/").status_code == 404
    assert staff.get(f"/care/tower/facilities/{tower.phu_chanh.pk}/").status_code == 200


def test_a_hospitals_staff_see_their_patients_and_the_read_is_audited(tower, world, client):
    hoa = resident(world, "Lê Thị Hoa", serial=6500)
    admission = admit(actor=world.user("province_commander"), person=hoa, facility=tower.becamex, bed_kind="icu")
    staff = logged_in(client, tower.becamex_staff)
    html = staff.get(f"/care/tower/facilities/{tower.becamex.pk}/").content.decode()
    assert "Lê Thị Hoa" in html
    assert staff.get(f"/care/tower/admissions/{admission.pk}/").status_code == 200
    assert AuditEvent.objects.filter(object_type="care.admission", action="read", person_id=hoa.pk).exists()
    other = logged_in(client, tower.phu_chanh_staff)
    assert other.get(f"/care/tower/admissions/{admission.pk}/").status_code == 404


def test_from_an_alert_to_a_held_bed_to_an_admission_through_the_pages(tower, world, alert, client):
    worker = logged_in(client, world.user("health_worker"))
    assert "Yêu cầu chuyển viện" in worker.get(f"/care/alerts/{alert.pk}/").content.decode()
    form = worker.get(f"/care/tower/transfers/new/?alert={alert.pk}").content.decode()
    assert 'value="95"' in form  # the alert's SpO₂ filled in
    answer = worker.post(
        f"/care/tower/transfers/new/?alert={alert.pk}", {"reason": "SpO₂ 95 %", "spo2": 95, "breathing_rate": 22}
    )
    transfer = TransferRequest.objects.get(person=alert.person)
    assert answer.status_code == 302 and transfer.tier == 2
    receiver = logged_in(client, tower.phu_chanh_staff)
    page = receiver.get(f"/care/tower/transfers/{transfer.pk}/").content.decode()
    assert "Trần Thị Lan" in page and "Nhận: giữ giường" in page
    receiver.post(f"/care/tower/transfers/{transfer.pk}/offers/{tower.phu_chanh.pk}/answer/", {"answer": "accept"})
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.ACCEPTED and ward_of(tower.phu_chanh, "oxygen").held == 1
    admitted = receiver.post(
        f"/care/tower/admissions/new/?transfer={transfer.pk}",
        {"facility": tower.phu_chanh.tower.pk, "bed_kind": "oxygen", "spo2": 95, "client_key": "k-1"},
    )
    admission = Admission.objects.get(person=alert.person)
    assert admitted.status_code == 302 and admission.transfer == transfer
    assert ward_of(tower.phu_chanh, "oxygen").occupied == 1


def test_declining_without_a_reason_is_told_in_vietnamese_and_changes_nothing(tower, world, alert, client):
    worker = logged_in(client, world.user("health_worker"))
    worker.post(f"/care/tower/transfers/new/?alert={alert.pk}", {"reason": "SpO₂ 95 %"})
    transfer = TransferRequest.objects.get(person=alert.person)
    receiver = logged_in(client, tower.phu_chanh_staff)
    answer = receiver.post(
        f"/care/tower/transfers/{transfer.pk}/offers/{tower.phu_chanh.pk}/answer/", {"answer": "decline"}, follow=True
    )
    assert "lý do" in answer.content.decode()
    assert transfer.offers.get(facility=tower.phu_chanh).answer == "pending"


def test_posting_to_another_facilitys_offer_or_patient_answers_404(tower, world, alert, client):
    worker = logged_in(client, world.user("health_worker"))
    worker.post(f"/care/tower/transfers/new/?alert={alert.pk}", {"reason": "SpO₂ 95 %"})
    transfer = TransferRequest.objects.get(person=alert.person)
    becamex = logged_in(client, tower.becamex_staff)
    assert (
        becamex.post(
            f"/care/tower/transfers/{transfer.pk}/offers/{tower.phu_chanh.pk}/answer/", {"answer": "accept"}
        ).status_code
        == 404
    )
    admission = admit(
        actor=world.user("province_commander"),
        person=resident(world, "Lê Thị Hoa", serial=6500),
        facility=tower.phu_chanh,
        bed_kind="regular",
    )
    assert becamex.post(f"/care/tower/admissions/{admission.pk}/discharge/", {"override": "x"}).status_code == 404
    assert (
        becamex.post(
            f"/care/tower/facilities/{tower.phu_chanh.pk}/capacity/", {"bed_kind": "regular", "beds": 1}
        ).status_code
        == 404
    )
    assert (
        logged_in(client, world.user("community_team"))
        .post(f"/care/tower/transfers/{transfer.pk}/cancel/", {"note": "x"})
        .status_code
        == 403
    )


def test_a_discharge_before_the_rules_without_a_reason_is_refused_on_the_page(tower, world, client):
    from ...models import IsolationRules
    from ...tests.factories import rules_for_tests

    rules_for_tests()
    IsolationRules.objects.update(discharge={"day": 10, "negative_tests": 1, "ct_at_least": 30})
    admission = admit(
        actor=world.user("province_commander"),
        person=resident(world, "Lê Thị Hoa", serial=6500),
        facility=tower.becamex,
        bed_kind="regular",
    )
    staff = logged_in(client, tower.becamex_staff)
    page = staff.get(f"/care/tower/admissions/{admission.pk}/").content.decode()
    assert "Ngày 1" in page  # day 1 of treatment, discharge from day 10
    answer = staff.post(f"/care/tower/admissions/{admission.pk}/discharge/", {}, follow=True)
    assert (
        "lý do" in answer.content.decode() and Admission.objects.get(pk=admission.pk).status == AdmissionStatus.ADMITTED
    )


def test_capacity_lowered_below_the_patients_is_refused_with_the_numbers(tower, world, client_as):
    for index in range(2):
        admit(
            actor=world.user("province_commander"),
            person=resident(world, f"Người bệnh {index}", serial=6600 + index),
            facility=tower.site,
            bed_kind="regular",
        )
    answer = client_as("district_officer").post(
        f"/care/tower/facilities/{tower.site.pk}/capacity/", {"bed_kind": "regular", "beds": 1}, follow=True
    )
    assert "2" in answer.content.decode() and ward_of(tower.site, "regular").beds == 2


def test_the_transfer_list_costs_the_same_queries_with_more_requests(tower, world, client_as, queries_do_not_grow):
    from ..services.transfers import transfer_request

    client = client_as("commune_officer")
    serials = iter(range(6900, 7000))

    def more():
        for _ in range(3):
            person = resident(world, f"Người chờ chuyển {next(serials)}", serial=next(serials))
            transfer_request(actor="test", person=person, severity="moderate", reason="SpO₂ 95 %")

    more()
    before, after = queries_do_not_grow(12, lambda: client.get("/care/tower/transfers/"), more)
    assert after.content.decode().count("Người chờ chuyển") == 6


def test_the_board_gives_the_areas_beds_per_100000_people(tower, world, client_as):
    from phongdich.places.models import Population

    Population.objects.update_or_create(
        unit=world.unit("725"),
        year=2021,
        defaults={"total": 64_000, "age_18_plus": 50_000, "age_65_plus": 4_000, "age_12_17": 5_000, "age_5_11": 5_000,
                  "source": "imported"},
    )  # fmt: skip
    html = client_as("district_officer").get("/care/tower/").content.decode()
    # Thuận An holds Becamex (32 beds, 2 of them ICU) and the Lái Thiêu site (2 beds): 34 beds for 64,000 people.
    assert "Năng lực điều trị của Thành phố Thuận An" in html
    assert "53,1" in html and "3,1" in html


def test_figures_with_a_decimal_are_grouped_the_vietnamese_way():
    from django.utils import translation

    from phongdich.core.templatetags.humanize_vi import num1

    with translation.override("vi"):
        assert num1(2851.66) == "2.851,7" and num1(148.4) == "148,4"
    with translation.override("en"):
        assert num1(2851.66) == "2,851.7"


def test_a_persons_page_lists_their_stays_and_offers_to_admit_them(tower, world, client_as, client):
    hoa = resident(world, "Lê Thị Hoa", serial=6500)
    admit(actor=world.user("province_commander"), person=hoa, facility=tower.becamex, bed_kind="icu")
    district = client_as("district_officer").get(f"/persons/{hoa.pk}/").content.decode()
    assert "Bệnh viện Quốc tế Becamex" in district and "Nhập viện vào cơ sở điều trị" in district
    team = client_as("community_team").get(f"/persons/{hoa.pk}/").content.decode()
    assert "Nhập viện vào cơ sở điều trị" not in team
