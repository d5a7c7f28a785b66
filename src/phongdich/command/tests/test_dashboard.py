"""The dashboard: a unit's day from the daily figures, open to those who may see the unit's figures, with each
figure linking to its list and every chart's numbers in an audited Excel file."""

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from phongdich.core.models import AuditEvent
from phongdich.core.testing import unit

pytestmark = pytest.mark.django_db

URL = "/command/"


def test_the_province_commander_sees_yesterdays_cases_split_by_where_they_were_found(client, week):
    client.force_login(_user("province_commander"))
    response = client.get(URL, {"day": week[1].isoformat()})
    assert response.status_code == 200
    board = response.context["board"]
    assert board.unit == unit("74") and board.new_cases == 4
    assert (board.today["cases_community"], board.today["cases_isolated"], board.today["cases_imported"]) == (2, 1, 1)
    assert "<svg" in response.content.decode()


def test_the_dashboard_opens_on_yesterday_by_default(client, week):
    client.force_login(_user("province_commander"))
    assert client.get(URL).context["day"] == week[-1] - timedelta(days=1)


def test_each_figure_opens_the_list_behind_it_for_the_same_unit_and_day(client, week):
    client.force_login(_user("district_officer"))
    thuan_an = unit("25966").parent
    response = client.get(URL, {"unit": thuan_an.pk, "day": week[2].isoformat()})
    links = response.context["links"]
    assert f"unit={thuan_an.pk}" in links["cases_community"]
    assert f"confirmed_from={week[2].isoformat()}" in links["cases_community"]
    assert "detection_setting=community" in links["cases_community"]
    assert links["cases_community"] in response.content.decode().replace("&amp;", "&")


def test_a_district_officer_drills_down_to_a_commune_of_their_district(client, week):
    client.force_login(_user("district_officer"))
    response = client.get(URL, {"unit": unit("25966").pk, "day": week[2].isoformat()})
    assert response.status_code == 200
    assert [child.unit.code for child in response.context["board"].children] == ["25966-01", "25966-02"]


def test_a_commune_officer_cannot_open_another_communes_dashboard(client, week):
    client.force_login(_user("commune_officer"))
    assert client.get(URL, {"unit": unit("25966").pk}).status_code == 200
    assert client.get(URL, {"unit": unit("25741").pk}).status_code == 404
    assert client.get(URL, {"unit": 987654}).status_code == 404


def test_a_day_in_the_future_or_not_a_day_answers_404(client, week):
    client.force_login(_user("province_commander"))
    assert client.get(URL, {"day": (week[-1] + timedelta(days=1)).isoformat()}).status_code == 404
    assert client.get(URL, {"day": "31/12/2021"}).status_code == 404


def test_roles_without_the_command_centre_get_403(client, week):
    for name in ("lab_technician", "enterprise_rep", "outsider"):
        client.force_login(_user(name))
        assert client.get(URL).status_code == 403, name


def test_the_dashboard_reads_the_same_few_queries_however_many_units_lie_below(
    client, week, django_assert_max_num_queries
):
    client.force_login(_user("province_commander"))
    client.get(URL)
    with django_assert_max_num_queries(25):
        assert client.get(URL, {"day": week[2].isoformat()}).status_code == 200


def test_the_excel_file_holds_the_day_by_unit_and_sixty_days_and_is_audited(client, week):
    client.force_login(_user("district_officer"))
    thuan_an = unit("25966").parent
    response = client.get("/command/dashboard.xlsx", {"unit": thuan_an.pk, "day": week[1].isoformat()})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content if response.streaming else [response.content])))
    first, series = book.worksheets
    assert first.cell(2, 1).value == thuan_an.name and first.cell(2, 2).value == 2
    assert series.max_row == 61
    event = AuditEvent.objects.filter(object_type="command.dailyfigures").latest("pk")
    assert event.unit_path == thuan_an.path and event.action == "export"


def test_the_excel_file_of_a_unit_outside_the_jurisdiction_answers_404(client, week):
    client.force_login(_user("commune_officer"))
    assert client.get("/command/dashboard.xlsx", {"unit": unit("74").pk}).status_code == 404
    assert not AuditEvent.objects.filter(object_type="command.dailyfigures").exists()


def _user(name):
    from phongdich.accounts.models import User

    return User.objects.get(username=name)


def test_the_api_gives_a_units_series_and_its_children_inside_the_jurisdiction(client, week):
    client.force_login(_user("district_officer"))
    thuan_an = unit("25966").parent
    series = client.get("/api/v1/command/figures", {"unit": thuan_an.pk, "start": week[0], "end": week[-1]}).json()
    assert [row["day"] for row in series] == [day.isoformat() for day in week]
    assert series[1]["figures"]["cases_community"] == 2
    children = client.get("/api/v1/command/figures/children", {"unit": thuan_an.pk, "day": week[1]}).json()
    assert {row["unit_code"] for row in children} >= {"25966"}
    assert client.get("/api/v1/command/figures", {"unit": unit("74").pk}).status_code == 404
    client.force_login(_user("lab_technician"))
    assert client.get("/api/v1/command/figures").status_code == 403
