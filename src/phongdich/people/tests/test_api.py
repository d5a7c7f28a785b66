import pytest

from phongdich.core.models import AuditEvent


def test_the_person_api_needs_a_token_or_a_session(client, world):
    response = client.get("/api/v1/persons")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_an_invalid_token_is_refused(client, world):
    response = client.get("/api/v1/persons", headers={"Authorization": "Bearer pd_deadbeef_nope"})
    assert response.status_code == 401


def test_searching_persons_through_the_api_is_scoped(api_as):
    body = api_as("commune_officer").get("/api/v1/persons", {"q": "Nguyễn Thị Hằng"}).json()
    assert [item["unit_name"] for item in body["items"]] == ["Khu phố 1"]
    assert body["items"][0]["id_number_masked"].endswith("3456")
    assert "•" in body["items"][0]["id_number_masked"]


@pytest.mark.parametrize("params", [{"q": "nguyen"}, {"q": "nguyen", "sex": "female"}, {}])
def test_the_person_list_body_matches_its_declared_schema(api_as, params):
    from phongdich.people.api import PersonPage

    body = api_as("district_officer").get("/api/v1/persons", params).json()
    assert body["items"], "the world has residents to list"
    assert PersonPage.model_validate(body).model_dump(mode="json") == body


def test_the_person_list_pages_with_a_cursor(api_as, world):
    from datetime import date

    from phongdich.people.services import person_create

    officer = world.user("commune_officer")
    for i in range(7):
        person_create(
            actor=officer,
            full_name=f"Trương Mỹ {chr(65 + i)}",
            birth_date=date(2000, 1, 1 + i),
            unit=world.unit("25966-01"),
        )
    client = api_as("commune_officer")
    seen, cursor = [], None
    while True:
        params = {"q": "truong my", "limit": 3, **({"cursor": cursor} if cursor else {})}
        body = client.get("/api/v1/persons", params).json()
        seen += [item["full_name"] for item in body["items"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert seen == [f"Trương Mỹ {chr(65 + i)}" for i in range(7)]


def test_a_bad_cursor_is_a_422_in_the_error_shape(api_as):
    response = api_as("commune_officer").get("/api/v1/persons", {"cursor": "!!!"})
    assert response.status_code == 422
    assert set(response.json()) == {"code", "message", "fields"}


def test_creating_a_person_through_the_api(api_as, world):
    response = api_as("commune_officer").post(
        "/api/v1/persons",
        {
            "full_name": "Lý Thị Mai",
            "birth_date": "1999-09-09",
            "sex": "female",
            "phone": "0933 444 555",
            "unit_id": world.unit("25966-02").pk,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["phone"] == "+84933444555"


def test_invalid_api_input_answers_422_with_field_errors(api_as, world):
    client = api_as("commune_officer")
    response = client.post(
        "/api/v1/persons",
        {"full_name": "Lý Thị Mai", "id_number": "12", "unit_id": world.unit("25966").pk},
        content_type="application/json",
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid" and "id_number" in body["fields"]
    missing = client.post("/api/v1/persons", {"full_name": "Lý Thị Mai"}, content_type="application/json")
    assert missing.status_code == 422 and "unit_id" in missing.json()["fields"]


def test_a_unit_outside_the_jurisdiction_is_reported_as_unknown(api_as, world):
    response = api_as("commune_officer").post(
        "/api/v1/persons",
        {"full_name": "Lý Thị Mai", "unit_id": world.unit("25741").pk},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "unit_id" in response.json()["fields"]


def test_reading_a_person_through_the_api_is_audited(api_as, world):
    hang = world.person("Nguyễn Thị Hằng", "25966")
    response = api_as("district_officer").get(f"/api/v1/persons/{hang.pk}")
    assert response.status_code == 200 and response.json()["id_number"] == "074186123456"
    assert AuditEvent.objects.filter(person_id=hang.pk, action="read", actor__username="district_officer").exists()


@pytest.mark.parametrize("method", ["get", "patch"])
def test_a_person_in_another_commune_is_404_through_the_api(api_as, world, method):
    other = world.person("Nguyễn Thị Hằng", "25741")
    client = api_as("commune_officer")
    response = getattr(client, method)(
        f"/api/v1/persons/{other.pk}",
        *([{"occupation": "x"}] if method == "patch" else []),
        content_type="application/json",
    )
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_patching_a_person_changes_only_the_given_fields(api_as, world):
    hang = world.person("Nguyễn Thị Hằng", "25966")
    response = api_as("commune_officer").patch(
        f"/api/v1/persons/{hang.pk}", {"occupation": "Thợ may"}, content_type="application/json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["occupation"] == "Thợ may"
    assert response.json()["phone"] == "+84912345678"


def test_merging_through_the_api(api_as, world):
    from datetime import date

    from phongdich.people.services import person_create

    hang = world.person("Nguyễn Thị Hằng", "25966")
    copy = person_create(
        actor=world.user("commune_officer"),
        full_name="Nguyen Thi Hang",
        birth_date=date(1986, 3, 14),
        unit=world.unit("25966-02"),
    )
    client = api_as("commune_officer")
    groups = client.get("/api/v1/persons/duplicates").json()
    assert any({p["id"] for p in g["persons"]} == {hang.pk, copy.pk} for g in groups)
    response = client.post(
        f"/api/v1/persons/{hang.pk}/merge", {"duplicate_id": copy.pk}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["merged_id"] == copy.pk


def test_the_api_list_costs_a_fixed_number_of_queries(api_as, django_assert_max_num_queries):
    client = api_as("province_commander")
    with django_assert_max_num_queries(6):
        assert client.get("/api/v1/persons", {"limit": 50}).status_code == 200


def test_a_logged_in_browser_session_can_use_the_api(client_as):
    assert client_as("commune_officer").get("/api/v1/me").json()["username"] == "commune_officer"


def test_a_session_write_without_the_csrf_token_is_refused(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.user("commune_officer"))
    hang = world.person("Nguyễn Thị Hằng", "25966")
    response = client.patch(f"/api/v1/persons/{hang.pk}", {"occupation": "x"}, content_type="application/json")
    assert response.status_code in (401, 403)
    hang.refresh_from_db()
    assert hang.occupation == ""
