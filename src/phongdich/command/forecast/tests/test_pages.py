"""The forecast and scenario pages and the forecast API: who sees which unit's forecasts, who runs them and plans
scenarios, what the pages show and export."""

import csv
import io
from datetime import timedelta

import pytest
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from phongdich.accounts.models import User
from phongdich.core import clock
from phongdich.core.models import AuditEvent
from phongdich.core.testing import unit
from phongdich.places.models import Population

from ...figures import figures_rebuild
from ...models import ForecastRun, Scenario
from .outbreak import DAYS, a_done_forecast, an_outbreak

pytestmark = pytest.mark.django_db

FORECAST, SCENARIOS, COMPARE = (
    "/command/forecast/",
    "/command/forecast/scenarios/",
    "/command/forecast/scenarios/compare/",
)


def _user(name: str) -> User:
    return User.objects.get(username=name)


@pytest.fixture
def lai_thieu(world):
    an_outbreak("25966")
    Population.objects.update_or_create(
        unit=unit("25966"),
        year=clock.today().year,
        defaults={"total": 24_266, "age_18_plus": 17_800, "age_65_plus": 1_900, "age_12_17": 2_300, "age_5_11": 2_700,
                  "source": "imported"},
    )  # fmt: skip
    figures_rebuild(since=clock.today() - timedelta(days=DAYS + 1), until=clock.today())
    return a_done_forecast("25966")


def test_the_district_officer_reads_a_communes_rt_projection_demand_and_track_record(client, lai_thieu):
    client.force_login(_user("district_officer"))
    response = client.get(FORECAST, {"unit": unit("25966").pk})
    assert response.status_code == 200
    page = response.content.decode()
    assert response.context["rt_now"].mean == pytest.approx(lai_thieu.results["rt"][-1]["mean"])
    assert [total["days"] for total in response.context["totals"]] == [7, 14, 28]
    assert [row.get("tier") for row in response.context["demand"]][:3] == [1, 2, 3]
    assert page.count('<svg class="chart"') == 2
    assert "Dự báo đã tốt đến đâu" in page
    assert "Nishiura" in page


def test_the_province_sees_each_districts_latest_forecast_in_one_query_for_all(
    client, lai_thieu, django_assert_max_num_queries
):
    a_done_forecast("74")
    client.force_login(_user("province_commander"))
    with django_assert_max_num_queries(14):
        response = client.get(FORECAST)
    children = response.context["children"]
    assert {row["unit"].code for row in children} == {child.code for child in unit("74").children.all()}
    assert response.context["run"].unit == unit("74")


def test_a_unit_without_a_forecast_says_none_was_computed(client, world):
    client.force_login(_user("commune_officer"))
    response = client.get(FORECAST)
    assert response.status_code == 200 and response.context["run"] is None


def test_a_commune_officer_cannot_open_another_communes_forecast_nor_a_unit_that_does_not_exist(client, lai_thieu):
    client.force_login(_user("other_commune"))
    assert client.get(FORECAST, {"unit": unit("25966").pk}).status_code == 404
    assert client.get(FORECAST, {"unit": 987654}).status_code == 404
    client.force_login(_user("enterprise_rep"))
    assert client.get(FORECAST).status_code == 403


def test_a_commander_asks_for_a_run_now_and_it_is_queued_for_the_worker(client, world):
    client.force_login(_user("district_officer"))
    thuan_an = unit("25966").parent
    response = client.post("/command/forecast/run/", {"unit": thuan_an.pk})
    assert response.status_code == 302
    run = ForecastRun.objects.get()
    assert (run.unit, run.trigger, run.status) == (thuan_an, "on_demand", "queued")
    assert run.day == clock.today() - timedelta(days=1)
    assert any("forecast_execute" in str(task.args_kwargs) for task in DBTaskResult.objects.all())
    assert AuditEvent.objects.filter(object_type="command.forecastrun", unit_path=thuan_an.path).exists()


def test_a_commune_officer_and_the_analyst_see_forecasts_but_cannot_run_them(client, world):
    for name in ("commune_officer", "analyst"):
        client.force_login(_user(name))
        assert client.post("/command/forecast/run/", {}).status_code == 403
    assert not ForecastRun.objects.exists()


def test_the_runs_excel_file_has_rt_projection_demand_and_past_forecasts_and_is_audited(client, lai_thieu):
    client.force_login(_user("commune_officer"))
    response = client.get("/command/forecast/forecast.xlsx", {"unit": unit("25966").pk})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert len(book.sheetnames) == 4
    rt = list(book.worksheets[0].values)
    assert len(rt) == len(lai_thieu.results["rt"]) + 1
    assert AuditEvent.objects.filter(action="export", unit_path=unit("25966").path).exists()


def test_the_api_gives_the_latest_forecast_of_a_unit_in_scope_and_404_elsewhere(client, lai_thieu):
    client.force_login(_user("commune_officer"))
    body = client.get("/api/v1/command/forecast", {"unit": unit("25966").pk}).json()
    assert body["id"] == lai_thieu.pk and body["results"]["totals"][1]["days"] == 14
    client.force_login(_user("other_commune"))
    assert client.get("/api/v1/command/forecast", {"unit": unit("25966").pk}).status_code == 404


# ---- scenarios


def _scenario_post(unit_id: int, **changes) -> dict:
    tomorrow = clock.today() + timedelta(days=1)
    data = {
        "unit": unit_id,
        "name": "Giãn cách theo Chỉ thị 16",
        "horizon_days": 60,
        "change-TOTAL_FORMS": 3,
        "change-INITIAL_FORMS": 0,
        "change-0-kind": "contacts",
        "change-0-change": -40,
        "change-0-starts_on": tomorrow.isoformat(),
        "change-1-kind": "vaccination",
        "change-1-change": 50_000,
        "change-1-starts_on": tomorrow.isoformat(),
    }
    return {**data, **changes}


def test_a_planner_saves_a_scenario_and_sees_it_beside_the_baseline(client, lai_thieu):
    client.force_login(_user("district_officer"))
    response = client.post(f"{SCENARIOS}?unit={unit('25966').pk}", _scenario_post(unit("25966").pk))
    scenario = Scenario.objects.get()
    assert response.status_code == 302 and f"s={scenario.pk}" in response["Location"]
    assert scenario.interventions[0]["change"] == pytest.approx(-0.4)
    assert scenario.starting_state["population"] == 24_266
    assert sum(scenario.starting_state["recent_cases"]) > 1_000
    assert set(scenario.result) == {"baseline", "scenario"}
    assert sum(scenario.result["scenario"]["reported_cases"]) < sum(scenario.result["baseline"]["reported_cases"])
    page = client.get(response["Location"])
    assert page.status_code == 200
    summary = page.context["summary"]
    assert [row["baseline"] for row in summary] == [True, False]
    assert summary[1]["total"] < summary[0]["total"]


def test_a_scenario_whose_change_starts_before_tomorrow_is_refused_and_nothing_is_saved(client, lai_thieu):
    client.force_login(_user("district_officer"))
    earlier = (clock.today() - timedelta(days=5)).isoformat()
    response = client.post(SCENARIOS, _scenario_post(unit("25966").pk, **{"change-0-starts_on": earlier}))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not Scenario.objects.exists()


def test_a_change_without_an_amount_is_refused_on_its_row(client, lai_thieu):
    client.force_login(_user("district_officer"))
    response = client.post(SCENARIOS, _scenario_post(unit("25966").pk, **{"change-0-change": ""}))
    assert response.status_code == 200 and response.context["formset"][0].errors["change"]
    assert not Scenario.objects.exists()


def test_the_comparison_exports_one_row_a_day_as_csv_and_excel_and_is_audited(client, lai_thieu):
    client.force_login(_user("district_officer"))
    client.post(SCENARIOS, _scenario_post(unit("25966").pk))
    scenario = Scenario.objects.get()
    query = {"unit": unit("25966").pk, "s": scenario.pk}
    rows = list(
        csv.reader(
            io.StringIO(client.get("/command/forecast/scenarios/compare.csv", query).getvalue().decode("utf-8-sig"))
        )
    )
    assert len(rows) == 1 + 60 and len(rows[0]) == 1 + 2 * 3
    assert "Giãn cách theo Chỉ thị 16" in rows[0][4]
    book = load_workbook(io.BytesIO(client.get("/command/forecast/scenarios/compare.xlsx", query).content))
    assert book.worksheets[0].max_row == 61
    assert AuditEvent.objects.filter(action="export", object_type="command.scenario").count() == 2


def test_a_scenario_of_another_commune_answers_404_as_one_that_does_not_exist(client, lai_thieu):
    client.force_login(_user("district_officer"))
    client.post(SCENARIOS, _scenario_post(unit("25966").pk))
    scenario = Scenario.objects.get()
    client.force_login(_user("other_commune"))
    assert client.get(COMPARE, {"unit": unit("25741").pk, "s": scenario.pk}).status_code == 404
    assert client.get(COMPARE, {"unit": unit("25966").pk, "s": scenario.pk}).status_code == 404
    client.force_login(_user("commune_officer"))
    assert client.get(COMPARE, {"unit": unit("25966").pk, "s": 987654}).status_code == 404
    assert client.get(COMPARE, {"unit": unit("25966").pk, "s": scenario.pk}).status_code == 200


def test_a_commune_officer_reads_scenarios_but_cannot_plan_one(client, lai_thieu):
    client.force_login(_user("commune_officer"))
    assert client.get(SCENARIOS).status_code == 200
    assert client.post(SCENARIOS, _scenario_post(unit("25966").pk)).status_code == 403
    assert not Scenario.objects.exists()


def test_the_scenario_list_reads_in_a_fixed_number_of_queries(client, lai_thieu, django_assert_max_num_queries):
    client.force_login(_user("district_officer"))
    for name in ("Giãn cách", "Tiêm nhanh", "Xét nghiệm rộng"):
        client.post(SCENARIOS, _scenario_post(unit("25966").pk, name=name))
    with django_assert_max_num_queries(12):
        response = client.get(SCENARIOS, {"unit": unit("25966").pk})
    assert len(response.context["scenarios"]) == 3


def test_a_scenario_starts_from_the_units_figures_and_the_model_parameters_in_force(lai_thieu):
    from ...models import ForecastAssumptions
    from ..planning import starting_state_for

    version = ForecastAssumptions.objects.get()
    version.scenario = {**version.scenario, "ascertainment": 0.5}
    version.save()
    state, parameters = starting_state_for(unit("25966"))
    assert parameters.ascertainment == 0.5 and parameters.latent_period == 2.0
    assert state.day == clock.today() - timedelta(days=1) and state.population == 24_266
    assert state.rt == pytest.approx(lai_thieu.results["rt"][-1]["mean"])
