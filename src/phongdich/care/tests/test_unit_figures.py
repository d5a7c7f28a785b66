"""A commune's page shows its care at a glance, counted only over what the viewer may see."""

from datetime import timedelta

import pytest

from phongdich.core import clock
from phongdich.people.models import Person

from ..choices import AlertKind, AlertStatus, OrderKind, Severity
from ..figures import unit_care_figures
from ..models import Alert, IsolationOrder
from .factories import an_order

pytestmark = pytest.mark.django_db


def an_alert(order, *, overdue: bool) -> Alert:
    now = clock.now()
    due = now - timedelta(minutes=5) if overdue else now + timedelta(minutes=10)
    return Alert.objects.create(
        order=order,
        person=order.person,
        unit=order.unit,
        kind=AlertKind.WARNING_SIGN,
        severity=Severity.MODERATE,
        raised_at=now - timedelta(minutes=20),
        acknowledge_by=due,
        escalate_at=due + timedelta(minutes=30),
    )


@pytest.fixture
def lai_thieu_care(world):
    hang = world.person("Nguyễn Thị Hằng", "25966")
    tam = world.person("Đỗ Văn Tâm", "25966")
    thu = world.person("Lý Thị Thu", "25966")
    severe = an_order(tam, severity=Severity.SEVERE, last_report_at=clock.now() - timedelta(hours=2))
    mild = an_order(hang, severity=Severity.MILD, starts_on=clock.today() - timedelta(days=12))
    mild.last_report_at = clock.now() - timedelta(hours=13)
    mild.save(update_fields=["last_report_at"])
    an_order(thu, OrderKind.F1_HOME, last_report_at=clock.now())
    an_alert(severe, overdue=True)
    an_alert(mild, overdue=False)
    return world


def test_a_commune_officer_sees_her_communes_patients_alerts_missed_reports_and_releases_due(lai_thieu_care):
    figures = unit_care_figures(lai_thieu_care.user("commune_officer"), lai_thieu_care.unit("25966"))
    assert figures.f0_home_total == 2
    assert figures.f0_home == {"mild": 1, "moderate": 0, "severe": 1}
    assert figures.f1_home == 1
    assert (figures.alerts_open, figures.alerts_overdue) == (2, 1)
    assert figures.missed_reports == 1  # Hằng, silent for 13 hours
    assert figures.releases_due == 1  # Hằng's ten days are over


def test_a_closed_alert_and_a_released_order_no_longer_count(lai_thieu_care):
    Alert.objects.update(status=AlertStatus.CLOSED)
    IsolationOrder.objects.filter(severity=Severity.SEVERE).update(status="released")
    figures = unit_care_figures(lai_thieu_care.user("commune_officer"), lai_thieu_care.unit("25966"))
    assert (figures.alerts_open, figures.f0_home["severe"]) == (0, 0)


def test_a_community_team_member_counts_only_her_residential_group(lai_thieu_care):
    other_group = Person.objects.get(full_name="Phan Văn Lộc")  # Khu phố 2
    an_order(other_group, severity=Severity.MODERATE)
    officer = unit_care_figures(lai_thieu_care.user("commune_officer"), lai_thieu_care.unit("25966"))
    team = unit_care_figures(lai_thieu_care.user("community_team"), lai_thieu_care.unit("25966"))
    assert (officer.f0_home_total, team.f0_home_total) == (3, 2)


def test_a_role_without_care_gets_no_figures(lai_thieu_care):
    assert unit_care_figures(lai_thieu_care.user("analyst"), lai_thieu_care.unit("25966")) is None


def test_the_communes_page_shows_the_figures_in_a_few_queries_and_a_plain_title(
    lai_thieu_care, client_as, django_assert_max_num_queries
):
    client = client_as("commune_officer")
    with django_assert_max_num_queries(20):
        page = client.get(f"/units/{lai_thieu_care.unit('25966').pk}/")
    text = page.content.decode()
    assert "Cách ly và điều trị tại nhà" in text
    title = text.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "<" not in title and "Lái Thiêu" in title


def test_the_analysts_unit_page_has_no_care_section(lai_thieu_care, client_as):
    page = client_as("analyst").get(f"/units/{lai_thieu_care.unit('25966').pk}/")
    assert page.status_code == 200 and "Cách ly và điều trị tại nhà" not in page.content.decode()
