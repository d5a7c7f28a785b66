"""The public self-report page (/r/<token>/): no login, first names only, readings checked field by field in
Vietnamese, a retry stored once, a clear page and nothing stored for a link that no longer works."""

import re
from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from phongdich.core import clock
from phongdich.people.models import Household

from ..choices import AlertKind, OrderKind, OrderStatus, ReportSource
from ..models import Alert, IsolationOrder, SelfReport
from ..services.reports import link_issue, link_revoke
from .reporting import at_home, resident, warning_rules  # noqa: F401

pytestmark = pytest.mark.usefixtures("warning_rules")


@pytest.fixture
def household(world):
    """Mother (F0 at home) and son (F1 quarantined at home) share one link."""
    home = Household.objects.create(code="LT-KP1-0077", unit=world.unit("25966-01"), address="45 Phan Đình Phùng")
    mother = resident(world, "Nguyễn Thị Bích Ngọc", serial=4077, phone="0918777666", household=home)
    son = resident(world, "Trần Quốc Bảo", born=clock.today() - timedelta(days=9 * 365), household=home)
    orders = [at_home(mother), at_home(son, kind=OrderKind.F1_HOME)]
    link = link_issue(actor=world.user("health_worker"), orders=orders)
    return link, orders


def page_url(link) -> str:
    return f"/r/{link.token}/"


def form_data(order, client_id="web-1", **readings):
    measured = timezone.localtime(clock.now() - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M")
    return {"order": order.pk, "client_id": client_id, "measured_at": measured, **readings}


def test_the_page_shows_each_member_by_first_name_and_year_of_birth_only(client, household, untranslated_msgids):
    link, (mother, son) = household
    response = client.get(page_url(link))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ngọc" in html and "Bảo" in html and str(son.person.birth_date.year) in html
    for private in ("Nguyễn Thị Bích", "Trần Quốc", "0918777666", mother.person.id_number, "Phan Đình Phùng"):
        assert private not in html
    assert "Báo cáo sức khỏe hằng ngày" in html and 'href="tel:115"' in html
    assert 'inputmode="numeric"' in html and "selfreport.js" in html
    assert not untranslated_msgids


def test_a_report_sent_from_the_page_is_stored_and_says_what_happens_next(client, household):
    link, (mother, _son) = household
    response = client.post(page_url(link), form_data(mother, spo2="98", breathing_rate="16", temperature="37,4"))
    assert response.status_code == 200
    assert "Đã gửi" in response.content.decode()
    report = SelfReport.objects.get(order=mother)
    assert report.source == ReportSource.LINK and str(report.temperature) == "37.4" and not report.warning_signs


def test_a_warning_sign_is_told_at_once_with_the_advice_to_call_115(client, household):
    link, (_mother, son) = household
    response = client.post(page_url(link), form_data(son, breathing_rate="34", symptoms=["chest_pain"]))
    html = response.content.decode()
    assert "dấu hiệu cảnh báo" in html.lower() and "115" in html
    alert = Alert.objects.get(order=son)
    assert alert.kind == AlertKind.WARNING_SIGN and alert.signs[0] == {
        "code": "breathing_fast",
        "value": 34,
        "limit": 30,
    }


def test_bad_readings_are_told_field_by_field_in_vietnamese_and_nothing_is_stored(client, household):
    link, (mother, _son) = household
    response = client.post(page_url(link), form_data(mother, spo2="120", temperature="98.6", pulse="nhanh"))
    html = response.content.decode()
    assert response.status_code == 422
    assert "SpO₂" in html and "độ F" in html and "37,0 °C" in html and "Nhập một số nguyên" in html
    assert not SelfReport.objects.exists()


def test_the_script_sends_json_and_a_retry_stores_once(client, household):
    link, (mother, _son) = household
    data = form_data(mother, "phone-7f3a", spo2="97")
    first = client.post(page_url(link), data, headers={"Accept": "application/json"})
    again = client.post(page_url(link), data, headers={"Accept": "application/json"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["created"] and not again.json()["created"] and "member-" in again.json()["html"]
    assert SelfReport.objects.filter(client_id="phone-7f3a").count() == 1
    changed = client.post(page_url(link), {**data, "spo2": "95"}, headers={"Accept": "application/json"})
    assert changed.status_code == 422 and "Mã báo cáo này đã được dùng" in changed.json()["html"]


def test_a_revoked_link_answers_410_with_a_clear_page_and_stores_nothing(client, household, world):
    link, (mother, _son) = household
    link_revoke(actor=world.user("commune_officer"), link=link)
    assert client.get(page_url(link)).status_code == 410
    response = client.post(page_url(link), form_data(mother, spo2="97"))
    assert response.status_code == 410 and "thay thế hoặc hủy" in response.content.decode()
    assert not SelfReport.objects.exists()


def test_a_released_member_disappears_and_a_link_with_nobody_left_answers_410(client, household):
    link, (mother, son) = household
    IsolationOrder.objects.filter(pk=son.pk).update(status=OrderStatus.RELEASED, ended_on=clock.today())
    html = client.get(page_url(link)).content.decode()
    assert "Ngọc" in html and "Bảo" not in html
    late = client.post(page_url(link), form_data(son, spo2="97"), headers={"Accept": "application/json"})
    assert late.status_code == 410 and late.json()["gone"]
    IsolationOrder.objects.filter(pk=mother.pk).update(status=OrderStatus.RELEASED, ended_on=clock.today())
    ended = client.post(page_url(link), form_data(mother, spo2="97"))
    assert ended.status_code == 410 and "đã kết thúc" in ended.content.decode()
    assert not SelfReport.objects.exists()


@pytest.mark.parametrize("token", ["khong-co-that", "x" * 500])
def test_an_unknown_link_answers_404_and_stores_nothing(client, household, token):
    link, (mother, _son) = household
    response = client.post(f"/r/{token}/", form_data(mother, spo2="97"))
    assert response.status_code == 404 and "không phải là đường dẫn" in response.content.decode()
    assert not SelfReport.objects.exists()


@override_settings(PHONGDICH_SELFREPORT_LIMIT_PER_LINK=2)
def test_too_many_reports_through_one_link_are_refused_for_a_while(household):
    link, (mother, _son) = household
    answers = [
        Client().post(page_url(link), form_data(mother, f"r-{i}", spo2="97"), REMOTE_ADDR=f"203.0.113.{i}").status_code
        for i in range(3)
    ]
    assert answers == [200, 200, 429]
    assert SelfReport.objects.count() == 2


def test_the_page_is_usable_without_logging_in_and_without_a_csrf_token(household):
    link, (mother, _son) = household
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(page_url(link), form_data(mother, spo2="97")).status_code == 200


def test_a_long_note_and_made_up_symptoms_are_refused(client, household):
    link, (mother, _son) = household
    response = client.post(page_url(link), form_data(mother, note="x" * 301, symptoms=["hắt hơi"]))
    assert response.status_code == 422 and not SelfReport.objects.exists()


def test_the_page_uses_no_inline_script(client, household):
    link, _orders = household
    html = client.get(page_url(link)).content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert "onclick" not in html and 'data-saved-text="Đã lưu trên máy, sẽ gửi khi có mạng."' in html
