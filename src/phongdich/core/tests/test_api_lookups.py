"""Ids the API is given, in the path or in the body, resolve only in the caller's jurisdiction: a record outside
it answers exactly like a missing one (404 for a path id, 422 on the field for a body id), before any other check.

`a` is a resident of Lái Thiêu (Thuận An district), `b` a resident of Hiệp Thành (Thủ Dầu Một district).
"""

import json
from datetime import date, timedelta

import pytest
from django.utils import timezone

from phongdich.core.models import AuditEvent
from phongdich.core.tests.test_permissions import fill
from phongdich.surveillance.models import Contact, TracingState
from phongdich.vaccination.models import Dose

MISSING = 987654321

# (method, path, body, a persona for whom the path's record is outside the jurisdiction)
PATH_IDS = [
    ("GET", "/api/v1/units/{unit_a}", None, "other_commune"),
    ("GET", "/api/v1/units/{unit_a}/population", None, "other_commune"),
    ("GET", "/api/v1/units?parent={unit_a}", None, "other_commune"),
    ("GET", "/api/v1/persons/{a}", None, "other_commune"),
    ("PATCH", "/api/v1/persons/{a}", {"occupation": "Thợ may"}, "other_commune"),
    ("POST", "/api/v1/persons/{a}/merge", {"duplicate_id": "{b}"}, "other_commune"),
    ("GET", "/api/v1/cases/{case_a}", None, "other_commune"),
    ("POST", "/api/v1/cases/{case_a}/status", {"status": "active"}, "other_commune"),
    ("GET", "/api/v1/cases/{case_a}/exposures", None, "other_commune"),
    ("POST", "/api/v1/cases/{case_a}/exposures", {}, "other_commune"),
    ("POST", "/api/v1/contacts/{contact_a}/review", {"confirm": False}, "other_commune"),
    ("GET", "/api/v1/clusters/{cluster_a}/graph", None, "other_commune"),
    ("GET", "/api/v1/tracing/persons/{f1_a}/history", None, "other_commune"),
    ("POST", "/api/v1/tracing/persons/{f1_a}/clear", {"reason": "negative_test"}, "other_commune"),
    ("POST", "/api/v1/tracing/tasks/{task_a}/outcome", {"outcome": "reached"}, "other_commune"),
    ("POST", "/api/v1/tracing/tasks/{task_a}/assign", {"user_id": None}, "other_commune"),
    ("GET", "/api/v1/testing/samples/{sample_a}", None, "other_commune"),
    (
        "POST",
        "/api/v1/testing/samples/{sample_a}/result",
        {"result": "negative", "result_at": "2021-08-01T08:00:00+07:00"},
        "community_team",
    ),
    ("GET", "/api/v1/testing/pools/{pool_a}", None, "other_commune"),
    ("POST", "/api/v1/testing/pools/{pool_a}/send", None, "other_commune"),
    (
        "POST",
        "/api/v1/testing/pools/{pool_a}/result",
        {"result": "negative", "result_at": "2021-08-01T08:00:00+07:00"},
        "other_commune",
    ),
    ("GET", "/api/v1/testing/rounds/{round_a}/figures", None, "other_commune"),
    ("GET", "/api/v1/vaccination/coverage/{unit_a}", None, "other_commune"),
    ("GET", "/api/v1/vaccination/priority/{unit_a}", None, "other_commune"),
    ("POST", "/api/v1/vaccination/persons/{a}/certificate", None, "other_commune"),
    ("GET", "/api/v1/vaccination/certificates/{certificate_a}", None, "other_commune"),
    ("POST", "/api/v1/vaccination/certificates/{certificate_a}/revoke", {"reason": " "}, "other_commune"),
    ("GET", "/api/v1/vaccination/shipments/{shipment_a}", None, "other_commune"),
]


def _send(client, method: str, url: str, body):
    payload = {"data": json.dumps(body), "content_type": "application/json"} if body is not None else {}
    return client.generic(method, url, **payload)


def _filled(body, world):
    if body is None:
        return None
    return {
        key: int(fill(value, world)) if isinstance(value, str) and value.startswith("{") else value
        for key, value in body.items()
    }


@pytest.mark.parametrize(("method", "template", "body", "persona"), PATH_IDS, ids=[f"{m} {t}" for m, t, *_ in PATH_IDS])
def test_a_path_id_outside_the_jurisdiction_answers_exactly_like_a_missing_one(
    api_as, world, method, template, body, persona
):
    client = api_as(persona)
    outside = _send(client, method, fill(template, world), _filled(body, world))
    missing_template = template.replace("{" + template.split("{")[1].split("}")[0] + "}", str(MISSING), 1)
    missing = _send(client, method, fill(missing_template, world), _filled(body, world))
    assert outside.status_code == missing.status_code == 404, outside.content[:200]
    assert outside.json() == missing.json() == {"code": "not_found", "message": "Không tìm thấy.", "fields": {}}


def _unit_id(world, code: str) -> int:
    return world.unit(code).pk


def _site(world):
    from phongdich.places.models import Facility

    return Facility.objects.get(name="Điểm tiêm chủng Phường Lái Thiêu")


# (persona, method, path, body, the field whose id is outside the persona's jurisdiction, that id)
def body_ids(world) -> list[tuple[str, str, str, dict, str, int]]:
    from phongdich.labs.models import Lab, Pool, TestingRound
    from phongdich.surveillance.models import Case, TracingTask

    a = world.person("Nguyễn Thị Hằng", "25966").pk
    b = world.person("Nguyễn Thị Hằng", "25741").pk
    f0 = world.person("Đỗ Văn Tâm", "25966").pk
    lab = Lab.objects.get().pk
    thu_dau_mot = world.unit("25741").parent.pk
    recent = (timezone.now() - timedelta(hours=2)).isoformat()
    return [
        (
            "commune_officer",
            "POST",
            "/api/v1/persons",
            {"full_name": "Võ Thị Sáu", "unit_id": _unit_id(world, "25741-01")},
            "unit_id",
            _unit_id(world, "25741-01"),
        ),
        (
            "commune_officer",
            "PATCH",
            f"/api/v1/persons/{a}",
            {"unit_id": _unit_id(world, "25741-01")},
            "unit_id",
            _unit_id(world, "25741-01"),
        ),
        ("commune_officer", "POST", f"/api/v1/persons/{a}/merge", {"duplicate_id": b}, "duplicate_id", b),
        # The confirmation is in the future too: the id is still what the answer is about.
        (
            "commune_officer",
            "POST",
            "/api/v1/cases",
            {
                "person_id": b,
                "confirmed_at": "2099-01-01T00:00:00Z",
                "confirmation_test": "rt_pcr",
                "detection_setting": "community",
            },
            "person_id",
            b,
        ),
        (
            "other_commune",
            "POST",
            "/api/v1/cases",
            {
                "person_id": b,
                "source_case_id": Case.objects.get(person_id=f0).pk,
                "confirmed_at": recent,
                "confirmation_test": "rt_pcr",
                "detection_setting": "community",
            },
            "source_case_id",
            Case.objects.get(person_id=f0).pk,
        ),
        (
            "commune_officer",
            "POST",
            "/api/v1/contacts",
            {"person_id": b, "other_id": f0, "kind": "other", "first_at": recent},
            "person_id",
            b,
        ),
        (
            "commune_officer",
            "POST",
            "/api/v1/contacts",
            {"person_id": a, "other_id": b, "kind": "other", "first_at": recent},
            "other_id",
            b,
        ),
        (
            "commune_officer",
            "POST",
            f"/api/v1/tracing/tasks/{TracingTask.objects.get().pk}/assign",
            {"user_id": world.user("other_commune").pk},
            "user_id",
            world.user("other_commune").pk,
        ),
        # The barcode is taken too.
        (
            "commune_officer",
            "POST",
            "/api/v1/testing/samples",
            {"person_id": b, "kind": "rt_pcr", "barcode": "LT-0001-01", "lab_id": lab, "sampled_at": recent},
            "person_id",
            b,
        ),
        (
            "other_commune",
            "POST",
            "/api/v1/testing/samples",
            {"person_id": b, "kind": "rt_pcr_pooled", "pool_id": Pool.objects.get().pk, "sampled_at": recent},
            "pool_id",
            Pool.objects.get().pk,
        ),
        (
            "commune_officer",
            "POST",
            "/api/v1/testing/pools",
            {"barcode": "LT-POOL-0002", "lab_id": lab, "unit_id": _unit_id(world, "25741-01")},
            "unit_id",
            _unit_id(world, "25741-01"),
        ),
        (
            "other_commune",
            "POST",
            "/api/v1/testing/pools",
            {
                "barcode": "HT-POOL-0001",
                "lab_id": lab,
                "unit_id": _unit_id(world, "25741-01"),
                "round_id": TestingRound.objects.get().pk,
            },
            "round_id",
            TestingRound.objects.get().pk,
        ),
        (
            "district_officer",
            "POST",
            "/api/v1/testing/rounds",
            {"name": "Đợt 2", "unit_id": _unit_id(world, "25741"), "starts_on": "2021-08-10", "ends_on": "2021-08-01"},
            "unit_id",
            _unit_id(world, "25741"),
        ),
        (
            "commune_officer",
            "POST",
            "/api/v1/vaccination/doses",
            {"person_id": b, "product": "EU/1/20/1528", "given_on": "2021-09-01", "site_id": _site(world).pk},
            "person_id",
            b,
        ),
        (
            "other_commune",
            "POST",
            "/api/v1/vaccination/doses",
            {"person_id": b, "product": "EU/1/20/1528", "given_on": "2021-09-01", "site_id": _site(world).pk},
            "site_id",
            _site(world).pk,
        ),
        (
            "district_officer",
            "POST",
            "/api/v1/vaccination/shipments",
            {"product": "EU/1/20/1528", "doses": 0, "received_on": "2021-09-01", "unit_id": thu_dau_mot},
            "unit_id",
            thu_dau_mot,
        ),
    ]


BODY_ID_CASES = [
    "person unit_id",
    "person change unit_id",
    "merge duplicate_id",
    "case person_id",
    "case source_case_id",
    "contact person_id",
    "contact other_id",
    "task assign user_id",
    "sample person_id",
    "sample pool_id",
    "pool unit_id",
    "pool round_id",
    "round unit_id",
    "dose person_id",
    "dose site_id",
    "shipment unit_id",
]


@pytest.mark.parametrize("case", range(len(BODY_ID_CASES)), ids=BODY_ID_CASES)
def test_a_body_id_outside_the_jurisdiction_answers_exactly_like_a_missing_one(api_as, world, case):
    persona, method, path, body, field, _outside_id = body_ids(world)[case]
    client = api_as(persona)
    outside = _send(client, method, path, body)
    missing = _send(client, method, path, {**body, field: MISSING})
    assert outside.status_code == missing.status_code == 422, outside.content[:300]
    assert outside.json() == missing.json()
    assert outside.json()["fields"] == {field: ["Không tìm thấy trong địa bàn của bạn."]}


def test_a_round_with_a_group_outside_the_jurisdiction_is_refused_not_trimmed(api_as, world):
    body = {
        "name": "Xét nghiệm toàn dân đợt 2",
        "unit_id": world.unit("25966").pk,
        "group_ids": [world.unit("25966-01").pk, world.unit("25741-01").pk],
        "starts_on": "2021-08-01",
        "ends_on": "2021-08-03",
    }
    response = api_as("district_officer").post("/api/v1/testing/rounds", body, content_type="application/json")
    assert response.status_code == 422 and list(response.json()["fields"]) == ["group_ids"]


def test_a_commune_officer_cannot_make_a_resident_of_another_district_an_f1(api_as, world):
    tam = world.person("Đỗ Văn Tâm", "25966")
    outsider = world.person("Nguyễn Thị Hằng", "25741")
    client = api_as("commune_officer")
    before = (Contact.objects.count(), TracingState.objects.count(), AuditEvent.objects.count())
    response = client.post(
        "/api/v1/contacts",
        {"person_id": outsider.pk, "other_id": tam.pk, "kind": "household", "first_at": timezone.now().isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert (Contact.objects.count(), TracingState.objects.count(), AuditEvent.objects.count()) == before
    assert not TracingState.objects.filter(person=outsider).exists()


@pytest.fixture
def vaccinated_outsider(world):
    """Hằng of Hiệp Thành, vaccinated twice in 2021 in her own district."""
    from phongdich.vaccination.models import VaccineProduct
    from phongdich.vaccination.services import dose_record

    hang = world.person("Nguyễn Thị Hằng", "25741")
    for day in (date(2021, 7, 5), date(2021, 8, 9)):
        dose_record(actor="test", person=hang, product=VaccineProduct.objects.get(code="BBIBP-CorV"), given_on=day)
    return hang


@pytest.fixture
def site_staff(world):
    from phongdich.accounts.models import User
    from phongdich.accounts.roles import Role
    from phongdich.accounts.services import role_assign

    user = User.objects.create_user(username="tiem_chung_lai_thieu", full_name="Phạm Thị Lan")
    role_assign(actor="test", user=user, role=Role.VACCINATION_STAFF, facility=_site(world))
    return user


def test_a_dose_for_someone_outside_the_area_changes_nothing_and_quotes_no_history(
    client, world, vaccinated_outsider, site_staff
):
    from phongdich.accounts.services import api_token_create

    _token, plain = api_token_create(actor=site_staff, user=site_staff, name="test")
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {plain}"
    # Between her two doses: a refusal that looked at her history would name dose 2 and its date.
    body = {"product": "BBIBP-CorV", "given_on": "2021-07-20", "site_id": _site(world).pk}
    before = (Dose.objects.count(), AuditEvent.objects.count())
    outside = client.post(
        "/api/v1/vaccination/doses", {**body, "person_id": vaccinated_outsider.pk}, "application/json"
    )
    missing = client.post("/api/v1/vaccination/doses", {**body, "person_id": MISSING}, "application/json")
    assert outside.status_code == missing.status_code == 422
    assert outside.json() == missing.json()
    assert "09/08/2021" not in outside.content.decode() and "05/07/2021" not in outside.content.decode()
    assert (Dose.objects.count(), AuditEvent.objects.count()) == before
