"""The release list of each unit, its release button and printed copy, the certificate, and its public check."""

import re
import subprocess
from datetime import timedelta

import pytest
import zxingcpp
from django.test import Client, override_settings
from PIL import Image

from phongdich.core.models import AuditEvent
from phongdich.core.testing import unit
from phongdich.places.choices import FacilityKind
from phongdich.places.models import Facility

from ..choices import OrderKind, OrderStatus, ReleaseTest
from ..models import IsolationOrder
from ..services.release import certificate_check_url, order_release
from .factories import an_order
from .release_world import antigen_test, home_treatment_due, quarantine_due, resident, today

pytestmark = pytest.mark.django_db
LIST = "/care/release/"


@pytest.fixture
def due(world):
    """Mai Anh (Khu phố 1) is ready, Tuấn (Khu phố 2) lacks his test; Hạnh lives in Hiệp Thành."""
    mai_anh = resident(world, "Trần Thị Mai Anh", "25966-01")
    tuan = resident(world, "Phạm Văn Tuấn", "25966-02")
    hanh = resident(world, "Võ Thị Hạnh", "25741-01")
    orders = {
        "Trần Thị Mai Anh": home_treatment_due(mai_anh, release_test=ReleaseTest.NONE),
        "Phạm Văn Tuấn": home_treatment_due(tuan, days_late=2),
        "Võ Thị Hạnh": quarantine_due(hanh, release_test=ReleaseTest.NONE),
    }
    return orders


def names_listed(client) -> set[str]:
    response = client.get(LIST)
    assert response.status_code == 200
    text = response.content.decode()
    return {name for name in ("Trần Thị Mai Anh", "Phạm Văn Tuấn", "Võ Thị Hạnh") if name in text}


LAI_THIEU = {"Trần Thị Mai Anh", "Phạm Văn Tuấn"}


@pytest.mark.parametrize(
    ("persona", "seen"),
    [
        ("province_commander", LAI_THIEU | {"Võ Thị Hạnh"}),
        ("district_officer", LAI_THIEU),
        ("commune_officer", LAI_THIEU),
        ("health_worker", LAI_THIEU),
        ("community_team", {"Trần Thị Mai Anh"}),
        ("other_commune", {"Võ Thị Hạnh"}),
        ("commander_commune", LAI_THIEU | {"Võ Thị Hạnh"}),
        ("analyst_commune", {"Võ Thị Hạnh"}),
        ("district_admin", LAI_THIEU),
    ],
)
def test_each_role_sees_the_releases_due_in_its_own_area(client_as, due, persona, seen):
    assert names_listed(client_as(persona)) == seen


@pytest.mark.parametrize("persona", ["outsider", "analyst", "lab_technician", "system_admin"])
def test_roles_without_care_get_403_on_the_list_and_its_printed_copy(client_as, due, persona):
    client = client_as(persona)
    assert client.get(LIST).status_code == 403
    assert client.get(f"{LIST}list.pdf").status_code == 403


def test_the_list_says_what_is_missing_which_test_days_were_missed_and_offers_release_when_ready(client_as, due):
    html = client_as("commune_officer").get(LIST).content.decode()
    ready, lacking = due["Trần Thị Mai Anh"], due["Phạm Văn Tuấn"]
    assert f'action="/care/release/{ready.pk}/"' in html and f'action="/care/release/{lacking.pk}/"' not in html
    assert "Sẵn sàng kết thúc" in html
    late_test_day = today() - timedelta(days=2)
    missing = "Chưa có kết quả xét nghiệm kháng nguyên nhanh âm tính do nhân viên y tế thực hiện từ ngày"
    assert f"{missing} {late_test_day:%d/%m/%Y}." in html
    assert f"{late_test_day:%d/%m/%Y}" in html and "trễ 2 ngày" in html
    assert 'data-confirm="Kết thúc cách ly cho Trần Thị Mai Anh và cấp giấy xác nhận?"' in html


def test_a_community_team_member_sees_who_is_due_but_has_no_release_button(client_as, due):
    html = client_as("community_team").get(LIST).content.decode()
    assert "Trần Thị Mai Anh" in html and "/care/release/" + str(due["Trần Thị Mai Anh"].pk) not in html


def test_the_list_is_filtered_by_unit_and_state(client_as, due, world):
    client = client_as("province_commander")
    html = client.get(LIST, {"unit": unit("25741").pk}).content.decode()
    assert "Võ Thị Hạnh" in html and "Trần Thị Mai Anh" not in html
    html = client.get(LIST, {"state": "overdue"}).content.decode()
    assert "Phạm Văn Tuấn" in html and "Trần Thị Mai Anh" not in html and "Võ Thị Hạnh" not in html


def test_the_list_reads_in_vietnamese(client_as, due, untranslated_msgids):
    client_as("commune_officer").get(LIST)
    assert not untranslated_msgids


def test_the_list_costs_the_same_queries_for_a_few_or_many_orders(client_as, world, due, queries_do_not_grow):
    client = client_as("commune_officer")

    def more():
        for n in range(6):
            person = resident(world, f"Nguyễn Văn Lâm {n}", "25966-02")
            home_treatment_due(person, days_late=n % 3)
            if n % 2:
                antigen_test(world, person, today())

    queries_do_not_grow(9, lambda: client.get(LIST), more)


def test_the_release_button_releases_and_says_where_the_certificate_is(client_as, due):
    order = due["Trần Thị Mai Anh"]
    response = client_as("commune_officer").post(f"/care/release/{order.pk}/", {"next": f"{LIST}?state=today"})
    assert response.status_code == 302 and response["Location"] == f"{LIST}?state=today"
    order.refresh_from_db()
    assert order.status == OrderStatus.RELEASED
    page = client_as("commune_officer").get(response["Location"]).content.decode()
    assert f"/care/release/{order.pk}/certificate.pdf" in page


def test_a_release_that_lacks_its_test_is_refused_on_the_list_and_changes_nothing(client_as, due):
    order = due["Phạm Văn Tuấn"]
    response = client_as("health_worker").post(f"/care/release/{order.pk}/", follow=True)
    assert "Chưa có kết quả xét nghiệm kháng nguyên nhanh âm tính" in response.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.ACTIVE and order.certificate_code == ""


@pytest.mark.parametrize(
    ("persona", "name", "status"),
    [
        ("community_team", "Trần Thị Mai Anh", 403),
        ("outsider", "Trần Thị Mai Anh", 403),
        ("other_commune", "Trần Thị Mai Anh", 404),
        ("analyst_commune", "Trần Thị Mai Anh", 404),
        ("analyst_commune", "Võ Thị Hạnh", 302),
        ("commander_commune", "Võ Thị Hạnh", 302),
        ("health_worker", "Võ Thị Hạnh", 404),
    ],
)
def test_only_those_who_answer_for_the_order_may_release_it(client_as, due, persona, name, status):
    order = due[name]
    assert client_as(persona).post(f"/care/release/{order.pk}/").status_code == status
    order.refresh_from_db()
    assert (order.status == OrderStatus.RELEASED) == (status == 302)


def test_the_release_is_a_post(client_as, due):
    assert client_as("commune_officer").get(f"/care/release/{due['Trần Thị Mai Anh'].pk}/").status_code == 405


def pdf_text(content: bytes, tmp_path, area: tuple[int, int, int, int] | None = None) -> str:
    """The PDF's text in reading order, its lines joined; within `area` (x, y, width, height in points) only."""
    path = tmp_path / "document.pdf"
    path.write_bytes(content)
    crop = [part for flag, value in zip("xyWH", area or (), strict=False) for part in (f"-{flag}", str(value))]
    text = subprocess.run(["pdftotext", *crop, str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(text.split())


ISSUER_CORNER = (0, 0, 270, 150)  # the top left of an A4 page: the issuing body, above its number


def issuer_of_pdf(content: bytes, tmp_path) -> str:
    return pdf_text(content, tmp_path, ISSUER_CORNER)


def test_the_printed_list_is_a_pdf_of_the_unit_audited_as_an_export(client_as, due, tmp_path):
    response = client_as("commune_officer").get(f"{LIST}list.pdf", {"unit": unit("25966").pk})
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path)
    assert "Trần Thị Mai Anh" in text and "Phạm Văn Tuấn" in text and "Võ Thị Hạnh" not in text
    assert "Khu phố 2" in text and "+84987654321" in text
    event = AuditEvent.objects.get(action="export", detail__document="release list")
    assert event.detail["rows"] == 2 and event.unit_path == unit("25966").path


def test_a_community_teams_printed_list_holds_its_group_only(client_as, due, tmp_path):
    text = pdf_text(client_as("community_team").get(f"{LIST}list.pdf").content, tmp_path)
    assert "Trần Thị Mai Anh" in text and "Phạm Văn Tuấn" not in text


# -- The certificate --------------------------------------------------------------------------------------------


@pytest.fixture
def released(world):
    """Mai Anh, treated at home by the Lái Thiêu health station, released on her negative antigen test."""
    person = resident(world, "Trần Thị Mai Anh", "25966-01")
    station = Facility.objects.get(name="Trạm Y tế Phường Lái Thiêu")
    order = home_treatment_due(person, facility=station)
    antigen_test(world, person, today())
    order.refresh_from_db()
    assert order.status == OrderStatus.RELEASED
    return order


def qr_codes_in(content: bytes, tmp_path) -> list[str]:
    path = tmp_path / "certificate.pdf"
    path.write_bytes(content)
    subprocess.run(["pdftoppm", "-png", "-r", "200", "-singlefile", str(path), str(tmp_path / "page")], check=True)
    found = zxingcpp.read_barcodes(Image.open(tmp_path / "page.png"), formats=zxingcpp.BarcodeFormat.QRCode)
    return [code.text for code in found]


def test_the_certificate_is_a_vietnamese_administrative_document(client_as, released, tmp_path):
    response = client_as("health_worker").get(f"/care/release/{released.pk}/certificate.pdf")
    assert response["Content-Type"] == "application/pdf"
    flat = pdf_text(response.content, tmp_path)
    ended = released.ended_on
    month = f"{ended.month:02d}" if ended.month <= 2 else str(ended.month)
    assert issuer_of_pdf(response.content, tmp_path) == (
        f"TRUNG TÂM Y TẾ THÀNH PHỐ THUẬN AN TRẠM Y TẾ PHƯỜNG LÁI THIÊU Số: {released.pk}/GXN-TYT"
    )
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        f"Lái Thiêu, ngày {ended:%d} tháng {month} năm {ended.year}",
        "GIẤY XÁC NHẬN HOÀN THÀNH ĐIỀU TRỊ TẠI NHÀ",
        "Trần Thị Mai Anh",
        "1984",
        released.person.id_number,
        f"từ ngày {released.starts_on:%d/%m/%Y} đến ngày {ended:%d/%m/%Y}",
        "Quy định thử nghiệm",
        "TRƯỞNG TRẠM",
        released.certificate_code,
    ):
        assert expected in flat, expected
    assert qr_codes_in(response.content, tmp_path) == [certificate_check_url(released)]
    assert AuditEvent.objects.filter(action="export", object_id=str(released.pk), person_id=released.person_id).exists()


def test_a_quarantine_certificate_is_issued_by_the_peoples_committee(client_as, world, tmp_path):
    person = resident(world, "Lê Văn Hùng", "25966-02")
    order = quarantine_due(person, release_test=ReleaseTest.NONE)
    order_release(actor=world.user("commune_officer"), order=order)
    pdf = client_as("commune_officer").get(f"/care/release/{order.pk}/certificate.pdf").content
    assert issuer_of_pdf(pdf, tmp_path) == f"ỦY BAN NHÂN DÂN PHƯỜNG LÁI THIÊU Số: {order.pk}/GXN-UBND"
    text = pdf_text(pdf, tmp_path)
    assert "GIẤY XÁC NHẬN HOÀN THÀNH CÁCH LY" in text and "TM. ỦY BAN NHÂN DÂN CHỦ TỊCH" in text


@pytest.mark.parametrize(("persona", "status"), [("other_commune", 404), ("outsider", 403), ("community_team", 200)])
def test_the_certificate_is_printed_within_the_orders_jurisdiction(client_as, released, persona, status):
    assert client_as(persona).get(f"/care/release/{released.pk}/certificate.pdf").status_code == status


def test_an_order_not_released_has_no_certificate(client_as, due):
    assert (
        client_as("commune_officer").get(f"/care/release/{due['Phạm Văn Tuấn'].pk}/certificate.pdf").status_code == 404
    )


# -- The public check -------------------------------------------------------------------------------------------


def main_of(response) -> str:
    """The page's own content, without the per-request CSRF token and nonce of its head."""
    return re.search(r"<main.*</main>", response.content.decode(), re.S).group(0)


def test_anyone_checks_a_certificate_without_logging_in_and_sees_only_name_dates_and_validity(released):
    response = Client().get(f"/kiem-tra/{released.certificate_code}/")
    assert response.status_code == 200
    page = main_of(response)
    assert "T. T. M. Anh" in page and "Hợp lệ" in page
    assert f"{released.starts_on:%d/%m/%Y}" in page and f"{released.ended_on:%d/%m/%Y}" in page
    person = released.person
    for private in ("Trần Thị Mai Anh", person.id_number, "0987654321", "+84987654321", person.address, "1984"):
        assert private not in page
    event = AuditEvent.objects.get(action="read", actor_label="public", object_id=str(released.pk))
    assert event.person_id == person.pk


def test_the_code_is_read_whatever_its_case(released):
    assert Client().get(f"/kiem-tra/{released.certificate_code.lower()}/").status_code == 200


def test_an_unknown_code_and_a_certificate_no_longer_valid_answer_the_same_not_found_page(released):
    unknown = Client().get("/kiem-tra/ABCD-EFGH-JKMN-PQRS-TUVW/")
    IsolationOrder.objects.filter(pk=released.pk).update(status=OrderStatus.BROKEN)
    withdrawn = Client().get(f"/kiem-tra/{released.certificate_code}/")
    assert unknown.status_code == withdrawn.status_code == 404
    assert main_of(unknown) == main_of(withdrawn)
    assert "Không có giấy xác nhận hợp lệ nào mang mã này" in main_of(unknown)


@override_settings(PHONGDICH_CERTIFICATE_CHECK_LIMIT_PER_CLIENT=2)
def test_checks_from_one_address_are_limited(released):
    client = Client()
    statuses = [client.get(f"/kiem-tra/{released.certificate_code}/").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert "Quá nhiều lượt kiểm tra" in client.get("/kiem-tra/XXXX/").content.decode()


def test_the_check_page_reads_in_vietnamese(released, untranslated_msgids):
    Client().get(f"/kiem-tra/{released.certificate_code}/")
    Client().get("/kiem-tra/NOPE/")
    assert not untranslated_msgids


def test_the_menu_leads_the_care_roles_to_the_release_list(client_as, due):
    assert 'href="/care/release/"' in client_as("health_worker").get("/").content.decode()
    assert 'href="/care/release/"' not in client_as("analyst").get("/").content.decode()


def test_a_concentrated_sites_certificate_is_issued_by_the_site(world, client_as, tmp_path):
    site = Facility.objects.create(name="Khu cách ly tập trung Ký túc xá", kind=FacilityKind.ISOLATION_SITE,
                                   unit=unit("25966"))  # fmt: skip
    person = resident(world, "Đinh Văn Sơn", "25966-01")
    order = an_order(person, OrderKind.F1_SITE, starts_on=today() - timedelta(days=9), site=site,
                     release_test=ReleaseTest.NONE)  # fmt: skip
    order_release(actor=world.user("commune_officer"), order=order)
    pdf = client_as("commune_officer").get(f"/care/release/{order.pk}/certificate.pdf").content
    assert issuer_of_pdf(pdf, tmp_path) == (
        f"ỦY BAN NHÂN DÂN THÀNH PHỐ THUẬN AN KHU CÁCH LY TẬP TRUNG KÝ TÚC XÁ Số: {order.pk}/GXN-KCL"
    )
    text = pdf_text(pdf, tmp_path)
    assert "GIẤY XÁC NHẬN HOÀN THÀNH CÁCH LY" in text and "THỦ TRƯỞNG ĐƠN VỊ" in text


def test_an_orders_page_offers_its_release_when_ready_and_its_certificate_once_released(client_as, due):
    ready, lacking = due["Trần Thị Mai Anh"], due["Phạm Văn Tuấn"]
    team_page = client_as("community_team").get(f"/care/orders/{ready.pk}/").content.decode()
    assert f'action="/care/release/{ready.pk}/"' not in team_page  # the team sees it is ready, the station releases
    officer = client_as("commune_officer")
    page = officer.get(f"/care/orders/{ready.pk}/").content.decode()
    assert f'action="/care/release/{ready.pk}/"' in page and "Đủ điều kiện kết thúc cách ly" in page
    assert (
        "Chưa có kết quả xét nghiệm kháng nguyên nhanh âm tính"
        in officer.get(f"/care/orders/{lacking.pk}/").content.decode()
    )
    response = officer.post(f"/care/release/{ready.pk}/", {"next": f"/care/orders/{ready.pk}/"})
    assert response["Location"] == f"/care/orders/{ready.pk}/"
    assert f"/care/release/{ready.pk}/certificate.pdf" in officer.get(response["Location"]).content.decode()
