from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from phongdich.core.models import AuditEvent
from phongdich.surveillance.models import Case, TracingState, TracingTask


def hours_ago(hours: float) -> str:
    """An ISO time with Vietnam's offset, as a phone sends it."""
    return timezone.localtime(timezone.now() - timedelta(hours=hours)).isoformat()


@pytest.fixture
def f0(world):
    return world.person("Đỗ Văn Tâm", "25966")


@pytest.fixture
def f1(world):
    return world.person("Lý Thị Thu", "25966")


def test_registering_a_case_through_the_api_levels_the_household_at_once(api_as, world):
    hang = world.person("Nguyễn Thị Hằng", "25966")
    onset = timezone.localdate() - timedelta(days=1)
    response = api_as("health_worker").post(
        "/api/v1/cases",
        {
            "person_id": hang.pk,
            "confirmed_at": hours_ago(2),
            "confirmation_test": "antigen",
            "detection_setting": "community",
            "symptom_onset": onset.isoformat(),
            "national_code": "BN-74-000123",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["counts_for_level"] and body["code"] == "BN-74-000123" and body["person_name"] == "Nguyễn Thị Hằng"
    two_days_before_onset = datetime.combine(onset - timedelta(days=2), time(), tzinfo=timezone.get_current_timezone())
    assert datetime.fromisoformat(body["infectious_from"]) == two_days_before_onset  # local midnight


def test_reading_a_case_is_audited(api_as, world, f0):
    case = Case.objects.get(person=f0)
    api_as("district_officer").get(f"/api/v1/cases/{case.pk}")
    assert AuditEvent.objects.filter(action="read", object_type="surveillance.case", person_id=f0.pk).exists()


def test_the_levels_list_and_history_explain_a_contact(api_as, f1):
    client = api_as("community_team")
    levels = client.get("/api/v1/tracing/levels", {"level": 1}).json()["items"]
    assert [(item["person_name"], item["level"]) for item in levels] == [("Lý Thị Thu", 1)]
    history = client.get(f"/api/v1/tracing/persons/{f1.pk}/history").json()
    assert history[0]["to_level"] == 1 and history[0]["reason"] == "case_confirmed"


def test_f2_by_group_counts_per_residential_group(api_as, world, f1):
    from phongdich.people.services import person_create
    from phongdich.surveillance.services import contact_record

    officer = world.user("commune_officer")
    son = person_create(actor=officer, full_name="Lý Văn Sơn", birth_year=2010, unit=world.unit("25966-02"))
    contact_record(actor=officer, person=son, other=f1, kind="household", first_at=timezone.now() - timedelta(hours=1))
    rows = api_as("district_officer").get("/api/v1/tracing/levels/by-unit", {"level": 2}).json()
    assert [(row["unit_name"], row["count"]) for row in rows] == [("Khu phố 2", 1)]


def test_a_contact_posted_twice_with_one_key_is_stored_once(api_as, world, f0):
    hang = world.person("Nguyễn Thị Hằng", "25966")
    met = (timezone.now() - timedelta(hours=3)).isoformat()  # inside Tâm's infectious period, before isolation
    body = {"person_id": hang.pk, "other_id": f0.pk, "kind": "venue", "first_at": met}
    client = api_as("commune_officer")
    first = client.post("/api/v1/contacts", {**body, "key": "phieu-17"}, content_type="application/json")
    again = client.post("/api/v1/contacts", {**body, "key": "phieu-17"}, content_type="application/json")
    assert (first.status_code, again.status_code) == (201, 200) and first.json()["id"] == again.json()["id"]
    assert TracingState.objects.get(person=hang).level == 1


def test_a_team_member_works_a_task_through_the_api(api_as, f1):
    task = TracingTask.objects.get(person=f1)
    client = api_as("community_team")
    open_tasks = client.get("/api/v1/tracing/tasks", {"state": "open"}).json()["items"]
    assert task.pk in [t["id"] for t in open_tasks]
    done = client.post(
        f"/api/v1/tracing/tasks/{task.pk}/outcome", {"outcome": "sampled"}, content_type="application/json"
    )
    assert done.json()["outcome"] == "sampled"


def test_a_case_for_someone_outside_the_jurisdiction_is_refused_with_the_field(api_as, world):
    other = world.person("Nguyễn Thị Hằng", "25741")
    response = api_as("commune_officer").post(
        "/api/v1/cases",
        {
            "person_id": other.pk,
            "confirmed_at": hours_ago(2),
            "confirmation_test": "rt_pcr",
            "detection_setting": "community",
        },
        content_type="application/json",
    )
    assert response.status_code == 422 and "person_id" in response.json()["fields"]


def test_a_contact_naming_an_unknown_person_answers_like_one_outside_the_jurisdiction(api_as, world, f0):
    outside = world.person("Nguyễn Thị Hằng", "25741")
    body = {"other_id": f0.pk, "kind": "other", "first_at": (timezone.now() - timedelta(hours=2)).isoformat()}
    client = api_as("commune_officer")
    unknown = client.post("/api/v1/contacts", {**body, "person_id": 987654}, content_type="application/json")
    out_of_scope = client.post("/api/v1/contacts", {**body, "person_id": outside.pk}, content_type="application/json")
    assert unknown.status_code == out_of_scope.status_code == 422
    assert unknown.json() == out_of_scope.json() and list(unknown.json()["fields"]) == ["person_id"]


def test_check_ins_are_listed_within_the_jurisdiction(api_as, world):
    from phongdich.surveillance.models import CheckIn

    market = world.venue("Chợ Lái Thiêu")
    hang = world.person("Nguyễn Thị Hằng", "25966")
    CheckIn.objects.create(client_id="l1", venue=market, unit=market.unit, person=hang, checked_in_at=timezone.now())
    mine = api_as("community_team").get("/api/v1/checkins", {"person": hang.pk}).json()["items"]
    assert [c["client_id"] for c in mine] == ["l1"]
    assert api_as("other_commune").get("/api/v1/checkins", {"person": hang.pk}).json()["items"] == []
