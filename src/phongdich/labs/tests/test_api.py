"""The testing API: the same services and scoping as the pages, in the one error shape."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from phongdich.core.testing import unit

from ..models import Pool, ResultImport
from .factories import lab, residents
from .test_result_import import csv_bytes, local

pytestmark = pytest.mark.django_db


def test_a_team_opens_a_pool_fills_it_and_the_lab_releases_a_positive_result_through_the_api(api_as, world):
    team_api, lab_api = api_as("community_team"), api_as("lab_technician")
    people = residents(world.user("community_team"), 3)
    pool = team_api.post(
        "/api/v1/testing/pools",
        {"barcode": "API-POOL-1", "lab_id": lab().pk, "unit_id": unit("25966-01").pk},
        content_type="application/json",
    ).json()
    assert pool["size_limit"] == 10
    taken = (timezone.now() - timedelta(hours=4)).isoformat()
    for index, person in enumerate(people):
        response = team_api.post(
            "/api/v1/testing/samples",
            {"person_id": person.pk, "kind": "rt_pcr_pooled", "barcode": f"API-S-{index}", "pool_id": pool["id"],
             "sampled_at": taken},
            content_type="application/json",
        )  # fmt: skip
        assert response.status_code == 201, response.content
    assert team_api.post(f"/api/v1/testing/pools/{pool['id']}/send").json()["status"] == "sent"
    received = lab_api.post(
        "/api/v1/testing/receive",
        {"lab_id": lab().pk, "barcodes": ["API-POOL-1", "NO-SUCH"]},
        content_type="application/json",
    ).json()
    assert received["received"] == 1 and received["refused"][0]["barcode"] == "NO-SUCH"
    result = lab_api.post(
        f"/api/v1/testing/pools/{pool['id']}/result",
        {"result": "positive", "result_at": timezone.now().isoformat(), "ct_n": "27.10"},
        content_type="application/json",
    )
    assert result.json()["result"] == "positive"
    detail = team_api.get(f"/api/v1/testing/pools/{pool['id']}").json()
    assert all(m["resample_task_id"] for m in detail["members"]) and detail["runs"][0]["ct_n"] == "27.10"
    tasks = team_api.get("/api/v1/testing/resample-tasks?state=open").json()["items"]
    assert {t["person_id"] for t in tasks} >= {p.pk for p in people}


def test_a_reused_barcode_answers_422_with_the_field(api_as, world):
    person = residents(world.user("community_team"), 1)[0]
    response = api_as("community_team").post(
        "/api/v1/testing/samples",
        {"person_id": person.pk, "kind": "rt_pcr", "barcode": "LT-0001-01", "lab_id": lab().pk,
         "sampled_at": timezone.now().isoformat()},
        content_type="application/json",
    )  # fmt: skip
    body = response.json()
    assert response.status_code == 422 and body["code"] == "invalid" and "barcode" in body["fields"]


def test_a_lab_uploads_a_result_file_and_polls_it(api_as, world, django_capture_on_commit_callbacks):
    from ..importers import result_import_run

    lab_api = api_as("lab_technician")
    upload = SimpleUploadedFile("api.csv", csv_bytes([["LT-POOL-0001", "Âm tính", local(0), ""]]), "text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = lab_api.post("/api/v1/testing/imports", {"lab_id": lab().pk, "file": upload})
    assert response.status_code == 202, response.content
    job = response.json()
    result_import_run(job["id"])
    polled = lab_api.get(f"/api/v1/testing/imports/{job['id']}").json()
    # The pool was never received by the lab... but it was sent; a sent pool takes its result.
    assert polled["status"] == "done" and polled["applied"] == 1, polled
    assert Pool.objects.get(barcode="LT-POOL-0001").result == "negative"
    assert ResultImport.objects.get(pk=job["id"]).file_name == "api.csv"


def test_round_figures_take_the_same_few_queries_however_many_groups(api_as, world, django_assert_max_num_queries):
    from ..models import TestingRound

    testing_round = TestingRound.objects.get(name="Xét nghiệm toàn dân đợt 1")
    client = api_as("district_officer")
    with django_assert_max_num_queries(12):
        body = client.get(f"/api/v1/testing/rounds/{testing_round.pk}/figures").json()
    assert body["total"]["sampled"] == 1 and body["total"]["pending"] == 1
    assert {g["unit_name"] for g in body["groups"]} == {"Khu phố 1", "Khu phố 2"}
