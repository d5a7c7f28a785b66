"""The pages: a sampling team scans a pool, a lab uploads its result file, the command centre reads the round."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from phongdich.core.models import AuditEvent
from phongdich.core.testing import unit
from phongdich.people.services import household_create, person_create, person_update

from ..choices import ImportStatus, PriorityGroup, Result, SampleKind
from ..importers import result_import_run
from ..models import Pool, ResampleTask, ResultImport, Sample, TestingRound
from ..selectors import households_not_sampled
from ..services import Reading, pool_result_record, round_create, sample_register, sample_reject
from .factories import lab, pooled, residents
from .test_result_import import csv_bytes, local

pytestmark = pytest.mark.django_db


def a_round_today_in_lai_thieu(officer, name: str, **details) -> TestingRound:
    today = timezone.localdate()
    return round_create(actor=officer, name=name, unit=unit("25966"), starts_on=today, ends_on=today, **details)


def test_a_sampling_team_scans_ten_people_into_a_pool_and_the_eleventh_is_refused(client_as, world):
    team = world.user("community_team")
    people = residents(team, 11)
    client = client_as("community_team")
    response = client.post(
        "/testing/pools/new/", {"barcode": "KP1-POOL-01", "lab": lab().pk, "unit": unit("25966-01").pk}, follow=True
    )
    pool = Pool.objects.get(barcode="KP1-POOL-01")
    assert response.redirect_chain[-1][0] == f"/testing/pools/{pool.pk}/"
    page = response.content.decode()
    assert "autofocus" in page and 'capture="environment"' in page  # ready for the scanner, and for a card photo
    for index, person in enumerate(people[:10]):
        client.post(f"/testing/pools/{pool.pk}/", {"number": person.id_number, "barcode": f"KP1-{index:03d}"})
    page = client.post(f"/testing/pools/{pool.pk}/", {"number": people[10].id_number, "barcode": "KP1-010"}).content
    assert "đã đủ (10 mẫu)" in page.decode()
    assert pool.samples.count() == 10
    client.post(f"/testing/pools/{pool.pk}/send/")
    pool.refresh_from_db()
    assert pool.status == "sent"


def test_a_lab_uploads_its_result_file_matches_the_columns_and_reads_the_report(
    client_as, world, django_capture_on_commit_callbacks
):
    team = world.user("community_team")
    pooled(team, residents(team, 3), barcode="CDC-VIEW-P1", hours_ago=9)
    client = client_as("lab_technician")
    raw = csv_bytes([["CDC-VIEW-P1", "Âm tính", local(1), ""], ["CDC-KHONG-CO", "Âm tính", local(1), ""]])
    upload = _file(raw, "ket-qua-ngay-20.csv")
    response = client.post("/testing/imports/", {"lab": lab().pk, "file": upload})
    mapping_page = client.get(response["Location"]).content.decode()
    assert "Thời gian trả kết quả" in mapping_page and "CDC-VIEW-P1" in mapping_page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            response["Location"],
            {"barcode": "Mã mẫu", "result": "Kết quả", "result_at": "Thời gian trả kết quả", "ct_n": "Ct N"},
        )
    assert response.status_code == 302, response.content.decode()[-3000:]
    job = ResultImport.objects.get(file_name="ket-qua-ngay-20.csv")
    assert response["Location"] == f"/testing/imports/{job.pk}/" and job.status == ImportStatus.QUEUED
    result_import_run(job.pk)  # what the task worker does with the queued job
    page = client.get(f"/testing/imports/{job.pk}/").content.decode()
    assert "CDC-KHONG-CO" in page and "Mã mẫu" in page
    errors = b"".join(client.get(f"/testing/imports/{job.pk}/errors.csv").streaming_content).decode("utf-8-sig")
    assert errors.splitlines()[0] == "Dòng,Cột,Lỗi" and errors.splitlines()[1].startswith("3,Mã mẫu,")
    assert lab().result_mapping["result_at"] == "Thời gian trả kết quả"  # remembered for the lab's next file


def test_the_round_page_shows_coverage_and_the_walking_list_names_the_households_not_yet_sampled(client_as, world):
    officer = world.user("district_officer")
    testing_round = a_round_today_in_lai_thieu(officer, "Đợt 2 Lái Thiêu")
    household = household_create(actor=officer, unit=unit("25966-02"), address="12 Nguyễn Trãi")
    waiting = residents(officer, 1, group="25966-02")[0]
    person_update(actor=officer, person=waiting, household=household)
    sampled = residents(officer, 2)
    pool = pooled(world.user("community_team"), sampled, barcode="LT-R2-POOL", testing_round=testing_round)
    pool_result_record(
        actor=world.user("lab_technician"),
        pool=pool,
        reading=Reading(Result.NEGATIVE, timezone.now() - timedelta(hours=1)),
    )
    client = client_as("commune_officer")
    page = client.get(f"/testing/rounds/{testing_round.pk}/").content.decode()
    row = re.search(r"<tr><td>Khu phố 1, [^<]*</td>(.*?)</tr>", page).group(1)
    cells = re.findall(r"<td>([^<]*)</td>", row)
    assert cells[1] == "2"  # two sampled in Khu phố 1
    assert "5,0" in row or "5.0" in row  # five hours from sampling to result
    walking = client.get(f"/testing/rounds/{testing_round.pk}/groups/{unit('25966-02').pk}/").content.decode()
    assert "12 Nguyễn Trãi" in walking and waiting.full_name in walking


def test_the_walking_list_puts_households_with_someone_in_a_priority_group_first_and_names_the_group(client_as, world):
    officer = world.user("district_officer")
    testing_round = a_round_today_in_lai_thieu(
        officer, "Đợt 3 Lái Thiêu", priority_groups=[PriorityGroup.ELDERLY, PriorityGroup.CHRONIC]
    )
    for name, address, details in (
        ("Trương Văn Lộc", "1 Lê Lợi", {"birth_year": 1995}),
        ("Lâm Thị Xuân", "9 Trần Phú", {"birth_year": 1990, "chronic_disease": True}),
        ("Quách Văn Tư", "5 Bạch Đằng", {"birth_year": 1950}),
    ):
        household = household_create(actor=officer, unit=unit("25966-02"), address=address)
        person_create(actor=officer, full_name=name, unit=unit("25966-02"), household=household, **details)
    visits = {
        visit.household.address: visit.priority_groups
        for visit in households_not_sampled(testing_round, unit("25966-02"))
    }
    assert visits["5 Bạch Đằng"] == ["elderly"] and visits["9 Trần Phú"] == ["chronic"] and visits["1 Lê Lợi"] == []
    page = client_as("commune_officer").get(f"/testing/rounds/{testing_round.pk}/groups/{unit('25966-02').pk}/")
    text = page.content.decode()
    assert text.index("5 Bạch Đằng") < text.index("9 Trần Phú") < text.index("1 Lê Lợi")
    assert "Người từ 65 tuổi trở lên" in text or "People aged 65 or over" in text


def test_a_sample_page_read_is_audited_and_a_lab_releases_an_individual_result_there(client_as, world):
    from phongdich.core.models import AuditEvent

    from .factories import individual

    sample = individual(world.user("community_team"), residents(world.user("community_team"), 1)[0], barcode="LT-IND-1")
    client = client_as("lab_technician")
    assert client.get(f"/testing/samples/{sample.pk}/").status_code == 200
    assert AuditEvent.objects.filter(object_type="labs.sample", object_id=str(sample.pk), action="read").exists()
    client.post(
        f"/testing/samples/{sample.pk}/result/",
        {"result": "negative", "result_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")},
    )
    assert Sample.objects.get(pk=sample.pk).result == "negative"


def _file(raw: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, raw, content_type="text/csv")


def test_the_commune_team_sees_the_round_of_its_commune(world):
    team = world.user("community_team")
    assert TestingRound.objects.visible_to(team).filter(name="Xét nghiệm toàn dân đợt 1").exists()
    assert not TestingRound.objects.restrict(team, "change").exists()


def test_a_province_administrator_adds_a_testing_rules_version_citing_its_document(client_as, world):
    from ..models import TestingRules

    client = client_as("system_admin")
    response = client.post(
        "/testing/rules/",
        {"effective_from": "2021-09-01", "source_document": "Công văn thí điểm gộp 5 mẫu", "pool_size": 5,
         "document_date": "2021-08-30",
         "high_risk_pool_size": 3, "negative_clears_from_level": 2, "resample_due_hours": 12,
         "turnaround_target_hours": 24},
    )  # fmt: skip
    assert response.status_code == 302
    assert TestingRules.objects.get(effective_from="2021-09-01").pool_size == 5
    refused = client.post("/testing/rules/", {"effective_from": "2021-10-01", "source_document": " ", "pool_size": 30})
    assert refused.status_code == 200 and not TestingRules.objects.filter(effective_from="2021-10-01").exists()


def test_an_analyst_who_is_also_a_commune_officer_elsewhere_cannot_print_another_communes_residents(client_as, world):
    testing_round = TestingRound.objects.get(name="Xét nghiệm toàn dân đợt 1")
    url = f"/testing/rounds/{testing_round.pk}/groups/{unit('25966-01').pk}/"
    assert client_as("analyst_commune").get(url).status_code == 404
    page = client_as("commune_officer").get(url)
    assert page.status_code == 200


def test_printing_a_rounds_walking_list_is_audited_as_an_export_of_the_group(client_as, world):
    testing_round = a_round_today_in_lai_thieu(world.user("district_officer"), "Đợt 3 Lái Thiêu")
    group = unit("25966-02")
    client_as("commune_officer").get(f"/testing/rounds/{testing_round.pk}/groups/{group.pk}/")
    row = AuditEvent.objects.get(action="export", object_type="places.adminunit", object_id=str(group.pk))
    assert row.unit_path == group.path and row.detail["round"] == testing_round.pk


def test_a_rejected_samples_new_sampling_task_is_audited_in_the_persons_history(world):
    officer = world.user("commune_officer")
    person = residents(officer, 1)[0]
    sample = sample_register(
        actor=officer, person=person, kind=SampleKind.RT_PCR, barcode="LT-RJ-0001", sampled_at=timezone.now(), lab=lab()
    )
    sample_reject(actor=world.user("lab_technician"), sample=sample, reason="Ống mẫu bị rò")
    task = ResampleTask.objects.get(cause=sample)
    row = AuditEvent.objects.get(object_type="labs.resampletask", object_id=str(task.pk))
    assert (row.action, row.person_id, row.unit_path) == ("create", person.pk, person.unit.path)


def test_the_lab_pages_name_themselves_in_the_browser_tab_and_offer_a_vietnamese_choice(client_as, world):
    client = client_as("lab_technician")
    imports = client.get("/testing/imports/").content.decode()
    assert "<title>Tệp kết quả xét nghiệm · phongdich</title>" in imports and "- Chọn -" in imports
    receive = client.get("/testing/receive/").content.decode()
    assert "<title>Nhận mẫu tại phòng xét nghiệm · phongdich</title>" in receive


def test_a_pool_page_lists_its_members_as_labelled_cards_on_a_phone(client_as, world):
    pool = Pool.objects.get(barcode="LT-POOL-0001")
    page = client_as("lab_technician").get(f"/testing/pools/{pool.pk}/").content.decode()
    assert '<table class="table stacked">' in page and '<td data-label="Người dân">' in page
