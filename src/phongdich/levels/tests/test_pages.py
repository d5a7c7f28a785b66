"""The command centre's level pages, used as the officers use them, and the levels command."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from phongdich.core import clock
from phongdich.levels.choices import AssessmentStatus
from phongdich.levels.inputs import inputs_refresh
from phongdich.levels.models import Assessment, CapacityEntry, LevelResult, LevelRules
from phongdich.levels.services import assessment_run

from .world import ASSESSED_ON, WEEK

pytestmark = pytest.mark.django_db


def proposed(world):
    inputs_refresh(weeks=[WEEK])
    return assessment_run(actor=world.user("province_commander"), on=ASSESSED_ON, rules_code="4800")


def local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_the_commander_proposes_changes_approves_and_publishes_from_the_pages(levels_world, client_as):
    client = client_as("province_commander")
    inputs_refresh(weeks=[WEEK])
    response = client.post("/levels/run/", {"on": ASSESSED_ON.isoformat(), "rules": "4800"})
    assessment = Assessment.objects.get()
    assert response.url == f"/levels/assessments/{assessment.pk}/"
    lai_thieu = assessment.results.get(unit__code="25966")
    client.post(f"/levels/results/{lai_thieu.pk}/override/", {"level": "3", "reason": "Ổ dịch đã khoanh vùng"})
    client.post(f"/levels/assessments/{assessment.pk}/approve/")
    now = clock.now()
    client.post(
        f"/levels/assessments/{assessment.pk}/publish/",
        {"effective_at": local(now + timedelta(minutes=1)), "raises_effective_at": local(now + timedelta(hours=49))},
    )
    assessment.refresh_from_db()
    lai_thieu.refresh_from_db()
    assert assessment.status == AssessmentStatus.PUBLISHED
    assert (lai_thieu.proposed_level, lai_thieu.level, lai_thieu.override_reason) == (4, 3, "Ổ dịch đã khoanh vùng")


def test_a_raise_published_too_soon_is_refused_on_the_page_with_the_reason(levels_world, client_as):
    client = client_as("province_commander")
    assessment = proposed(levels_world)
    LevelResult.objects.filter(assessment=assessment).update(previous_level=None)
    first = Assessment.objects.create(
        rules=assessment.rules,
        week=WEEK - timedelta(days=7),
        assessed_on=WEEK,
        status=AssessmentStatus.PUBLISHED,
        effective_at=clock.now(),
    )
    LevelResult.objects.create(
        assessment=first,
        unit=levels_world.unit("25966"),
        unit_path="x",
        depth=2,
        level=1,
        status="published",
        effective_at=clock.now(),
    )
    client.post(f"/levels/assessments/{assessment.pk}/approve/")
    page = client.post(
        f"/levels/assessments/{assessment.pk}/publish/",
        {"effective_at": local(clock.now() + timedelta(minutes=1))},
        follow=True,
    ).content.decode()
    assert "sau ít nhất 48 giờ" in page
    assert Assessment.objects.get(pk=assessment.pk).status == AssessmentStatus.PROPOSED


def test_the_why_page_explains_a_wards_level_in_vietnamese(levels_world, client_as, untranslated_msgids):
    lai_thieu = proposed(levels_world).results.get(unit__code="25966")
    page = client_as("commune_officer").get(f"/levels/results/{lai_thieu.pk}/").content.decode()
    assert "60,0 ca mắc mới trong cộng đồng" in page or "60,0" in page
    assert "nhóm ca 3" in page
    assert not untranslated_msgids


def test_a_commune_officer_cannot_open_another_communes_result(levels_world, client_as):
    hiep_thanh = proposed(levels_world).results.get(unit__code="25741")
    assert client_as("commune_officer").get(f"/levels/results/{hiep_thanh.pk}/").status_code == 404


def test_the_assessment_page_costs_the_same_queries_however_many_units(levels_world, client_as, queries_do_not_grow):
    assessment = proposed(levels_world)
    client = client_as("province_commander")
    url = f"/levels/assessments/{assessment.pk}/?level=group"

    def more_groups():
        from phongdich.places.models import AdminUnit
        from phongdich.places.services import residential_groups_create

        lai_thieu = levels_world.unit("25966")
        residential_groups_create(
            actor="test", commune=lai_thieu, names=[("Khu phố 3", "khu phố"), ("Khu phố 4", "khu phố")]
        )
        for group in AdminUnit.objects.filter(parent=lai_thieu, code__in=["25966-03", "25966-04"]):
            LevelResult.objects.create(
                assessment=assessment, unit=group, unit_path=group.path, depth=group.depth, proposed_level=2
            )

    queries_do_not_grow(20, lambda: client.get(url), more_groups)


def test_a_commune_officer_enters_capacity_figures_for_the_ward(levels_world, client_as):
    response = client_as("commune_officer").post(
        "/levels/capacity/",
        {"unit": levels_world.unit("25966").pk, "on": WEEK.isoformat(), "mobile_stations": "1", "care_teams": "3"},
    )
    assert response.status_code == 302
    entry = CapacityEntry.objects.get()
    assert (entry.mobile_stations, entry.care_teams, entry.icu_beds) == (1, 3, 0)


def test_the_province_adjusts_the_criteria_from_the_form(levels_world, client_as):
    from phongdich.levels.forms import LevelRulesForm

    initial = LevelRulesForm.initial_from(LevelRules.objects.get(code="4800"))
    data = {key: value for key, value in initial.items() if value is not None}
    data.update(
        code="BD-4800",
        name="Bình Dương điều chỉnh 4800",
        effective_from="2021-10-20",
        source_document="Quyết định 2860/QĐ-UBND tỉnh Bình Dương",
        document_date="2021-10-19",
        band_4="200",
    )
    response = client_as("province_commander").post("/levels/rules/new/", data)
    assert response.status_code == 302, response.content.decode()[:500]
    assert LevelRules.objects.get(code="BD-4800").case_bands == [20, 50, 200]


def test_the_command_prints_each_units_inputs_band_class_and_level(levels_world):
    out = StringIO()
    call_command(
        "levels",
        "assess",
        "--date",
        ASSESSED_ON.isoformat(),
        "--unit",
        "25966",
        "--ruleset",
        "4800",
        "--json",
        stdout=out,
    )
    document = json.loads(out.getvalue())
    lai_thieu = next(unit for unit in document["units"] if unit["code"] == "25966")
    assert (document["rules"], document["week"]) == ("4800", WEEK.isoformat())
    assert (lai_thieu["inputs"]["community_cases"], lai_thieu["case_band"], lai_thieu["level"]) == (6, 3, 4)
    assert {unit["code"] for unit in document["units"]} == {"25966", "25966-01", "25966-02"}


def test_the_level_in_effect_for_a_ward_through_the_api(levels_world, api_as):
    assessment = proposed(levels_world)
    LevelResult.objects.filter(assessment=assessment).update(
        status="published", level=2, effective_at=clock.now() - timedelta(hours=1)
    )
    answer = api_as("commune_officer").get(f"/api/v1/levels/units/{levels_world.unit('25966').pk}/level").json()
    assert (answer["unit_code"], answer["level"]) == ("25966", 2)
    assert answer["why"]
