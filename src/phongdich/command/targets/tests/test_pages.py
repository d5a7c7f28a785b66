"""The targets' pages: the list with progress bars and statuses, a target's page with its chart and readings, the
readings' Excel file (audited), and setting a new target; who may open and post each."""

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from phongdich.core.models import AuditEvent
from phongdich.core.testing import unit

from ...choices import TargetStatus
from ...metrics import METRICS
from ...models import Target
from ..services import targets_backfill
from .world import DEC, LAI_THIEU, PROVINCE, THUAN_AN, coverage, directive, full_coverage_target, rising

pytestmark = pytest.mark.django_db


@pytest.fixture
def measured(dated):
    coverage(PROVINCE, DEC, rising(DEC, 10, 70, 0.5))
    target = full_coverage_target(point=directive())
    targets_backfill(target=target)
    target.refresh_from_db()
    return target


def test_the_list_shows_each_targets_progress_and_status(client_as, measured):
    response = client_as("province_commander").get("/command/targets/")
    html = response.content.decode()
    assert [target.pk for target in response.context["targets"]] == [measured.pk]
    assert '<progress max="100" value="74"' in html and "74,5" in html  # 74.5 % of 100, written the Vietnamese way
    assert 'class="badge badge-warn"' in html and "11-CT/TU – 3" in html
    assert measured.status == TargetStatus.AT_RISK


def test_the_list_filters_by_status_and_unit(client_as, measured):
    full_coverage_target(unit_code=LAI_THIEU)
    client = client_as("province_commander")
    at_risk = client.get("/command/targets/?status=at_risk").context["targets"]
    assert [target.pk for target in at_risk] == [measured.pk]
    in_lai_thieu = client.get(f"/command/targets/?unit={unit(LAI_THIEU).pk}").context["targets"]
    assert [target.unit.code for target in in_lai_thieu] == [LAI_THIEU]


def test_the_list_shows_only_the_targets_of_the_users_jurisdiction(client_as, measured):
    full_coverage_target(unit_code=LAI_THIEU)
    listed = client_as("commune_officer").get("/command/targets/").context["targets"]
    assert [target.unit.code for target in listed] == [LAI_THIEU]


def test_the_list_costs_the_same_queries_with_more_targets(client_as, measured, queries_do_not_grow):
    client = client_as("province_commander")

    def more():
        for code in (LAI_THIEU, THUAN_AN, PROVINCE):
            full_coverage_target(unit_code=code, point=measured.point)

    queries_do_not_grow(12, lambda: client.get("/command/targets/"), more)


def test_a_targets_page_draws_its_progress_and_lists_its_readings(client_as, measured):
    response = client_as("analyst").get(f"/command/targets/{measured.pk}/")
    html = response.content.decode()
    assert '<svg class="chart"' in html and "<polyline" in html
    assert [reading.day for reading in response.context["readings"]][:2] == [date(2021, 12, 10), date(2021, 12, 9)]
    assert "10/12/2021" in html and "74,5" in html


def test_the_readings_export_is_a_workbook_and_is_audited(client_as, measured, world):
    response = client_as("province_commander").get(f"/command/targets/{measured.pk}/readings.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 11 and rows[1][0] == "01/12/2021" and float(rows[1][1]) == 70.0
    row = AuditEvent.objects.get(action="export", object_type="command.targetreading")
    assert row.actor == world.user("province_commander") and row.unit_path == unit(PROVINCE).path


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("province_commander", 200),
        ("analyst", 200),
        ("district_officer", 404),  # a province's target: above Thuận An
        ("commune_officer", 404),
        ("health_worker", 403),
        ("outsider", 403),
    ],
)
def test_a_targets_page_and_export_open_within_the_users_jurisdiction(client_as, measured, persona, status):
    client = client_as(persona)
    assert client.get(f"/command/targets/{measured.pk}/").status_code == status
    assert client.get(f"/command/targets/{measured.pk}/readings.xlsx").status_code == status


def test_a_new_target_is_set_from_the_form(client_as, dated):
    point = directive()
    response = client_as("province_commander").post(
        "/command/targets/new/",
        {
            "unit": unit(PROVINCE).pk,
            "name": "100% dân số được tiêm đủ 2 mũi",
            "metric": "coverage_full_pct",
            "target_value": "100",
            "starts_on": "2021-12-01",
            "deadline": "2021-12-31",
            "point": point.pk,
        },
    )
    target = Target.objects.get()
    assert response.status_code == 302 and response.url == f"/command/targets/{target.pk}/"
    assert (target.point, target.created_by.username) == (point, "province_commander")


def test_a_deadline_before_the_start_comes_back_on_the_form(client_as, dated):
    response = client_as("district_officer").post(
        "/command/targets/new/",
        {
            "unit": unit(THUAN_AN).pk,
            "name": "Phủ mũi 2",
            "metric": "coverage_full_pct",
            "target_value": "100",
            "starts_on": "2021-12-01",
            "deadline": "2021-11-30",
        },
    )
    assert response.status_code == 200 and response.context["form"].errors["deadline"]
    assert not Target.objects.exists()


def test_the_forms_choices_are_the_users_units_and_the_points_of_their_directives(client_as, dated):
    provinces = directive()
    form = client_as("district_officer").get("/command/targets/new/").context["form"]
    assert unit(THUAN_AN) in form.fields["unit"].queryset and unit(PROVINCE) not in form.fields["unit"].queryset
    assert provinces not in form.fields["point"].queryset
    assert [code for code, _label in form.fields["metric"].choices] == list(METRICS)


@pytest.mark.parametrize(
    ("persona", "status"),
    [("province_commander", 200), ("district_officer", 200), ("commune_officer", 403), ("analyst", 403)],
)
def test_who_sets_targets_opens_the_form(client_as, dated, persona, status):
    assert client_as(persona).get("/command/targets/new/").status_code == status
