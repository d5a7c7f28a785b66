"""Staff pages of self-reports and alerts: an order's readings and link, the alert queue with "call now", an alert's
page and its actions, and the missed-report call list; scoped for every persona, query counts on the lists."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from phongdich.core import clock
from phongdich.core.models import AuditEvent

from ..choices import ActionKind, AlertKind, AlertStatus, OrderStatus
from ..models import Alert, IsolationOrder, ReportLink, SelfReport
from ..services.reports import alerts_escalate, link_issue, missed_reports_sweep, report_submit
from .reporting import NORMAL, at_home, minutes_ago, resident, warning_rules  # noqa: F401

pytestmark = pytest.mark.usefixtures("warning_rules")

# Lái Thiêu, Khu phố 1: the commune officer, the group's team and the station's health worker work there; the
# district officer above them; a commune officer of Hiệp Thành and someone without a role do not.
SEES = {
    "commune_officer": 200,
    "community_team": 200,
    "health_worker": 200,
    "district_officer": 200,
    "province_commander": 200,
    "district_admin": 200,  # system administrator of Thuận An, and commune officer of Lái Thiêu
    "commander_commune": 200,
    "other_commune": 404,
    "analyst_commune": 404,  # province analyst (no care) and commune officer of Hiệp Thành
    "outsider": 403,
    "lab_technician": 403,
}


@pytest.fixture
def lan(world):
    return resident(world, "Trần Thị Lan", serial=5111, phone="0903111222")


@pytest.fixture
def order(lan):
    return at_home(lan)


def warn(order, client_id="lan-warn", **readings):
    values = {**NORMAL, "spo2": 93, **readings}
    report, _created = report_submit(
        actor="self-report:1", order=order, client_id=client_id, measured_at=minutes_ago(10), **values
    )
    return Alert.objects.get(report=report)


def status_for(client_as, name: str, url: str, method: str = "get", data=None) -> int:
    client = client_as(name)
    return (client.post(url, data or {}) if method == "post" else client.get(url)).status_code


# -- An order's readings and link ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name, expected", SEES.items())
def test_an_orders_readings_page_is_open_to_those_whose_scope_covers_it(client_as, order, name, expected):
    assert status_for(client_as, name, reverse("care:order_reports", args=[order.pk])) == expected


def test_the_readings_page_shows_the_readings_in_words_and_audits_the_read(client_as, order, untranslated_msgids):
    warn(order, breathing_rate=24)
    html = client_as("health_worker").get(reverse("care:order_reports", args=[order.pk])).content.decode()
    assert "Nhịp thở 24 lần/phút" in html and "SpO₂ 93" in html and "Nặng" in html
    assert "Cấp đường dẫn tự báo cáo" in html and "Ghi chỉ số" in html
    row = AuditEvent.objects.get(action="read", object_type="care.selfreport", object_id=str(order.pk))
    assert row.person_id == order.person_id and row.detail["readings"] == 1
    assert not untranslated_msgids


def test_the_team_sees_the_readings_and_enters_one_but_does_not_issue_links(client_as, order):
    html = client_as("community_team").get(reverse("care:order_reports", args=[order.pk])).content.decode()
    assert "Ghi chỉ số" in html and "Cấp đường dẫn tự báo cáo" not in html
    assert status_for(client_as, "community_team", reverse("care:link_issue", args=[order.pk]), "post") == 403


STAFF_READING = {"client_id": "staff-1", "spo2": "97", "pulse": "88", "symptoms": ["cough"]}


def reading_data(**fields):
    measured = timezone.localtime(clock.now()).strftime("%Y-%m-%dT%H:%M")
    return {**STAFF_READING, "measured_at": measured, **fields}


@pytest.mark.parametrize(
    "name, expected",
    [
        ("health_worker", 302),
        ("community_team", 302),
        ("district_admin", 302),
        ("other_commune", 404),
        ("analyst_commune", 404),  # a commune officer of Hiệp Thành records readings there, not here
        ("outsider", 403),
    ],
)
def test_staff_enter_a_reading_only_where_their_scope_covers_it(client_as, order, name, expected):
    url = reverse("care:report_create", args=[order.pk])
    assert status_for(client_as, name, url, "post", reading_data()) == expected
    assert SelfReport.objects.filter(order=order).exists() == (expected == 302)


def test_a_bad_staff_reading_is_shown_on_its_fields_and_stores_nothing(client_as, order):
    url = reverse("care:report_create", args=[order.pk])
    response = client_as("health_worker").post(url, reading_data(pulse="300", temperature="100.4"))
    html = response.content.decode()
    assert response.status_code == 422 and "Mạch 300 lần/phút là không hợp lý" in html and "38,0 °C" in html
    assert not SelfReport.objects.exists()


def test_a_reading_goes_back_to_the_page_it_was_entered_on(client_as, order):
    url = reverse("care:report_create", args=[order.pk])
    back = client_as("health_worker").post(url, reading_data(next="/persons/"))
    assert back.status_code == 302 and back.url == "/persons/"
    away = client_as("health_worker").post(url, reading_data(client_id="staff-2", next="https://example.org/"))
    assert away.url == reverse("care:order_reports", args=[order.pk])


@pytest.mark.parametrize(
    "name, expected",
    [("commune_officer", 302), ("health_worker", 302), ("other_commune", 404), ("outsider", 403)],
)
def test_a_link_is_issued_by_those_who_may(client_as, order, name, expected):
    assert status_for(client_as, name, reverse("care:link_issue", args=[order.pk]), "post") == expected
    assert ReportLink.objects.exists() == (expected == 302)


def test_the_section_shows_the_link_its_sms_and_a_printable_card(client_as, order, world):
    link = link_issue(actor=world.user("health_worker"), orders=[order])
    html = client_as("health_worker").get(reverse("care:order_reports", args=[order.pk])).content.decode()
    assert link.token in html and "gửi chỉ số sức khỏe 2 lần mỗi ngày" in html and "Trần Thị Lan" in html
    card = client_as("health_worker").get(reverse("care:link_card", args=[link.pk]))
    assert card.status_code == 200 and card["Content-Type"] == "application/pdf" and card.content[:4] == b"%PDF"
    assert AuditEvent.objects.filter(action="export", object_type="care.reportlink", object_id=str(link.pk)).exists()
    assert status_for(client_as, "other_commune", reverse("care:link_card", args=[link.pk])) == 404


@pytest.mark.parametrize("name, expected", [("commune_officer", 302), ("other_commune", 404), ("outsider", 403)])
def test_a_link_is_revoked_by_those_who_may_and_its_card_is_gone(client_as, order, world, name, expected):
    link = link_issue(actor=world.user("health_worker"), orders=[order])
    assert status_for(client_as, name, reverse("care:link_revoke", args=[link.pk]), "post") == expected
    link.refresh_from_db()
    assert (link.revoked_at is not None) == (expected == 302)
    if expected == 302:
        assert status_for(client_as, "commune_officer", reverse("care:link_card", args=[link.pk])) == 404


def test_the_section_is_included_by_a_template_tag(rf, order, world):
    from django.template import Context, Template

    request = rf.get("/care/orders/")
    request.user = world.user("health_worker")
    html = Template("{% load care_reports %}{% order_reports order %}").render(
        Context({"order": order, "request": request})
    )
    assert 'id="self-reports"' in html and reverse("care:link_issue", args=[order.pk]) in html


# -- The alert queue ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name, expected", SEES.items())
def test_an_alert_is_open_to_those_whose_scope_covers_it(client_as, order, name, expected):
    alert = warn(order)
    list_status = {404: 200}.get(expected, expected)  # the queue opens, without the alert
    assert status_for(client_as, name, reverse("care:alerts")) == list_status
    assert status_for(client_as, name, reverse("care:alert", args=[alert.pk])) == expected
    if expected != 403:
        html = client_as(name).get(reverse("care:alerts")).content.decode()
        assert (reverse("care:alert", args=[alert.pk]) in html) == (expected == 200)


def test_a_community_team_sees_only_her_residential_groups_alerts(client_as, order, world):
    ours = warn(order)
    theirs = warn(at_home(resident(world, "Võ Thị Mai", group="25966-02")), client_id="mai-1")
    html = client_as("community_team").get(reverse("care:alerts")).content.decode()
    assert reverse("care:alert", args=[ours.pk]) in html and reverse("care:alert", args=[theirs.pk]) not in html
    assert status_for(client_as, "community_team", reverse("care:alert", args=[theirs.pk])) == 404
    assert status_for(client_as, "community_team", reverse("care:alert_acknowledge", args=[theirs.pk]), "post") == 404


def test_the_queue_has_a_call_now_button_and_highlights_what_is_overdue(client_as, order, untranslated_msgids):
    alert = warn(order)
    Alert.objects.filter(pk=alert.pk).update(acknowledge_by=clock.now() - timedelta(minutes=1))
    html = client_as("health_worker").get(reverse("care:alerts")).content.decode()
    assert 'href="tel:+84903111222"' in html and "Gọi ngay 0903111222" in html  # dialled as people dial it
    assert 'class="overdue' in html and "Quá hạn" in html
    assert not untranslated_msgids


def test_escalated_alerts_come_first_for_the_district(client_as, order, world):
    early = warn(order, client_id="early")
    later = warn(at_home(resident(world, "Đoàn Thị Hạnh", serial=5222)), client_id="later")
    Alert.objects.filter(pk=early.pk).update(escalate_at=clock.now() + timedelta(hours=1))
    alerts_escalate(later.escalate_at)
    html = client_as("district_officer").get(reverse("care:alerts")).content.decode()
    assert html.index(reverse("care:alert", args=[later.pk])) < html.index(reverse("care:alert", args=[early.pk]))
    assert "Đã chuyển lên huyện" in html
    escalated = client_as("district_officer").get(reverse("care:alerts"), {"state": "escalated"}).content.decode()
    assert reverse("care:alert", args=[early.pk]) not in escalated


def test_the_severe_come_before_the_mild_in_the_queue(client_as, order, world):
    silent_one = at_home(resident(world, "Kha Thị Lụa"))
    silent(silent_one)
    missed_reports_sweep()
    severe = warn(order, spo2=91)
    html = client_as("health_worker").get(reverse("care:alerts")).content.decode()
    missed = Alert.objects.get(order=silent_one)
    assert html.index(reverse("care:alert", args=[severe.pk])) < html.index(reverse("care:alert", args=[missed.pk]))


def test_no_phone_is_given_for_a_person_outside_the_viewers_scope(client_as, order, world):
    alert = warn(order)
    other = world.user("other_commune")
    assert not Alert.objects.visible_to(other).filter(pk=alert.pk).exists()
    html = client_as("district_officer").get(reverse("care:alert", args=[alert.pk])).content.decode()
    assert 'href="tel:+84903111222"' in html  # inside the district's scope


def test_the_alert_queue_costs_the_same_queries_for_more_alerts(client_as, order, world, queries_do_not_grow):
    client = client_as("health_worker")
    warn(order)

    def more():
        for i in range(6):
            warn(at_home(resident(world, f"Lâm Thị Thảo {i}", phone=f"09087654{i:02d}")), client_id=f"more-{i}")

    before, after = queries_do_not_grow(8, lambda: client.get(reverse("care:alerts")), more)
    assert after.content.decode().count("Gọi ngay") == 7


def test_the_alert_page_shows_the_signs_and_acts_in_order(client_as, order, untranslated_msgids):
    alert = warn(order, symptoms=["chest_pain"])
    client = client_as("community_team")
    page = client.get(reverse("care:alert", args=[alert.pk]))
    html = page.content.decode()
    assert "Đau tức ngực" in html and "Tiếp nhận: tôi phụ trách xử lý" in html and 'href="tel:+84903111222"' in html
    assert AuditEvent.objects.filter(action="read", object_type="care.alert", object_id=str(alert.pk)).exists()
    assert client.post(reverse("care:alert_acknowledge", args=[alert.pk])).status_code == 302
    action = {"kind": ActionKind.MEDICINE, "note": "Gói thuốc A"}
    assert client.post(reverse("care:alert_action", args=[alert.pk]), action).status_code == 302
    bad = client.post(reverse("care:alert_close", args=[alert.pk]), {"note": ""})
    assert bad.status_code == 422 and 'id="error-summary"' in bad.content.decode()
    assert Alert.objects.get(pk=alert.pk).status == AlertStatus.ACKNOWLEDGED
    assert client.post(reverse("care:alert_close", args=[alert.pk]), {"note": "Ổn định"}).status_code == 302
    alert.refresh_from_db()
    assert alert.status == AlertStatus.CLOSED and alert.actions.get().note == "Gói thuốc A"
    assert not untranslated_msgids


@pytest.mark.parametrize(
    "name, expected",
    [("health_worker", 302), ("commander_commune", 302), ("other_commune", 404), ("outsider", 403)],
)
def test_acting_on_an_alert_is_for_those_whose_scope_covers_it(client_as, order, name, expected):
    alert = warn(order)
    assert status_for(client_as, name, reverse("care:alert_acknowledge", args=[alert.pk]), "post") == expected
    action = {"kind": ActionKind.CALLED}
    assert status_for(client_as, name, reverse("care:alert_action", args=[alert.pk]), "post", action) == expected
    close = {"note": "Đã ổn"}
    assert status_for(client_as, name, reverse("care:alert_close", args=[alert.pk]), "post", close) == expected
    alert.refresh_from_db()
    assert (alert.status == AlertStatus.CLOSED) == (expected == 302)


# -- Missed reports -------------------------------------------------------------------------------------------------


def silent(order, hours: int = 20) -> None:
    IsolationOrder.objects.filter(pk=order.pk).update(created_at=clock.now() - timedelta(hours=hours))


@pytest.mark.parametrize("name, expected", [(n, 200 if e in (200, 404) else e) for n, e in SEES.items()])
def test_the_missed_report_list_opens_for_care_roles(client_as, order, name, expected):
    silent(order)
    response = client_as(name).get(reverse("care:missed"))
    assert response.status_code == expected
    if expected == 200:
        assert ("Trần Thị Lan" in response.content.decode()) == (SEES[name] == 200)


def test_the_missed_list_has_who_has_not_reported_their_phone_and_since_when(client_as, order, world):
    silent(order, 20)
    reported = at_home(resident(world, "Kiều Thị Nga"))
    silent(reported, 30)
    report_submit(actor="self-report:1", order=reported, client_id="nga-1", measured_at=minutes_ago(60), **NORMAL)
    html = client_as("community_team").get(reverse("care:missed")).content.decode()
    assert "Trần Thị Lan" in html and "Kiều Thị Nga" not in html
    assert 'href="tel:+84903111222"' in html and "20 giờ kể từ khi có quyết định" in html


def test_the_missed_list_leaves_out_released_people(client_as, order):
    silent(order)
    IsolationOrder.objects.filter(pk=order.pk).update(status=OrderStatus.RELEASED)
    assert "Trần Thị Lan" not in client_as("health_worker").get(reverse("care:missed")).content.decode()


def test_the_missed_list_costs_the_same_queries_for_more_people(client_as, order, world, queries_do_not_grow):
    client = client_as("health_worker")
    silent(order)

    def more():
        for i in range(6):
            silent(at_home(resident(world, f"Lý Thị Hoa {i}")))

    queries_do_not_grow(8, lambda: client.get(reverse("care:missed")), more)


def test_the_missed_sweep_raises_alerts_the_queue_shows(client_as, order):
    silent(order)
    assert missed_reports_sweep() == 1
    html = client_as("health_worker").get(reverse("care:alerts"), {"kind": AlertKind.MISSED_REPORTS}).content.decode()
    assert "Không báo cáo trong 12 giờ" in html
