import io
from datetime import timedelta

import pytest
from django.utils import timezone

from phongdich.core.imports import guess_mapping, read_table
from phongdich.core.models import AuditEvent
from phongdich.core.testing import runs_queued
from phongdich.surveillance.importers import (
    CASE_COLUMNS,
    CONTACT_COLUMNS,
    case_list_import,
    contact_list_import,
    list_import_run,
)
from phongdich.surveillance.models import Case, Contact, ListImport, TracingState

CASES_CSV = """Mã BN,Họ tên,CCCD,SĐT,Năm sinh,Giới tính,Mã đơn vị,Ngày khẳng định,Nơi phát hiện,Ngày khởi phát
BN-74-1001,Võ Thị Hồng,074190112233,0901 222 333,1990,Nữ,25966-01,14/08/2021 09:30,Cộng đồng,12/08/2021
BN-74-1002,Nguyễn Thị Hằng,074186123456,,,,,15/08/2021,Khu cách ly,
BN-74-1003,Trần Văn Sai,,,19x0,Nam,25966-02,15/08/2021,Cộng đồng,
BN-74-1004,Lê Văn Xa,,,1980,Nam,25741-01,15/08/2021,Cộng đồng,
BN-74-1005,Đinh Văn Ngày,,,1980,Nam,25966-02,32/08/2021,Cộng đồng,
"""


def import_cases(world, text=CASES_CSV, filename="ca-benh.csv"):
    header, rows = read_table(text.encode("utf-8-sig"), filename)
    mapping = guess_mapping(header, CASE_COLUMNS)
    return case_list_import(actor=world.user("commune_officer"), rows=rows, mapping=mapping), mapping


def test_vietnamese_headers_are_matched_to_the_fields(world):
    header, _rows = read_table(CASES_CSV.encode(), "ca-benh.csv")
    mapping = guess_mapping(header, CASE_COLUMNS)
    assert mapping["national_code"] == "Mã BN" and mapping["full_name"] == "Họ tên"
    assert mapping["confirmed_at"] == "Ngày khẳng định" and mapping["detection_setting"] == "Nơi phát hiện"


def test_a_case_line_list_imports_good_rows_and_reports_bad_ones_by_line_and_column(world):
    report, _mapping = import_cases(world)
    assert report.created == 2
    errors = {(e.line, e.column) for e in report.errors}
    assert errors == {(4, "Năm sinh"), (5, "Mã đơn vị"), (6, "Ngày khẳng định")}
    hong = Case.objects.get(national_code="BN-74-1001")
    assert hong.person.full_name == "Võ Thị Hồng" and hong.person.phone == "+84901222333"
    assert hong.detection_setting == "community" and str(hong.symptom_onset) == "2021-08-12"
    existing = Case.objects.get(national_code="BN-74-1002")
    assert existing.person == world.person("Nguyễn Thị Hằng", "25966") and existing.detection_setting == "quarantine"
    assert not Case.objects.filter(national_code__in=["BN-74-1003", "BN-74-1004", "BN-74-1005"]).exists()
    assert AuditEvent.objects.filter(action="import", object_type="surveillance.case").exists()


def test_uploading_the_same_line_list_again_adds_nothing(world):
    import_cases(world)
    report, _mapping = import_cases(world)
    assert report.created == 0 and report.unchanged == 2
    assert Case.objects.filter(national_code__startswith="BN-74-100").count() == 2


def test_an_excel_line_list_keeps_the_leading_zero_of_a_cccd_typed_as_a_number(world):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Mã BN", "Họ tên", "CCCD", "Mã đơn vị", "Ngày khẳng định", "Nơi phát hiện"])
    sheet.append(["BN-74-2001", "Phùng Văn Số", 74085001122, "25966-02", "16/08/2021", "cộng đồng"])
    buffer = io.BytesIO()
    book.save(buffer)
    header, rows = read_table(buffer.getvalue(), "ca-benh.xlsx")
    report = case_list_import(
        actor=world.user("commune_officer"), rows=rows, mapping=guess_mapping(header, CASE_COLUMNS)
    )
    assert report.created == 1, report.errors
    assert Case.objects.get(national_code="BN-74-2001").person.id_number == "074085001122"


def test_a_contact_list_names_the_case_by_its_code_and_levels_the_contacts(world):
    import_cases(world)
    text = (
        "Mã BN,Họ tên,SĐT,Mã đơn vị,Quan hệ,Ngày tiếp xúc\n"
        "BN-74-1001,Võ Văn Tài,0908 111 222,25966-01,Đồng nghiệp,13/08/2021 08:00\n"
        "BN-74-9999,Ai Đó,,25966-01,Khác,13/08/2021\n"
    )
    header, rows = read_table(text.encode(), "tiep-xuc.csv")
    mapping = guess_mapping(header, CONTACT_COLUMNS)
    assert mapping["case"] == "Mã BN" and mapping["kind"] == "Quan hệ" and mapping["first_at"] == "Ngày tiếp xúc"
    report = contact_list_import(actor=world.user("commune_officer"), rows=rows, mapping=mapping)
    assert report.created == 1 and [(e.line, e.column) for e in report.errors] == [(3, "Mã BN")]
    contact = Contact.objects.get(person__full_name="Võ Văn Tài")
    assert contact.kind == "workplace" and contact.other.full_name == "Võ Thị Hồng"
    again = contact_list_import(actor=world.user("commune_officer"), rows=rows, mapping=mapping)
    assert again.created == 0 and again.unchanged == 1


def test_a_file_that_is_not_utf8_is_refused_with_the_reason(world):
    import pytest

    from phongdich.core.imports import FileFormatError

    with pytest.raises(FileFormatError) as error:
        read_table(b"Ho t\xean\nV\xf5\n", "x.csv")  # Windows-1258, as some old tools save
    assert "UTF-8" in str(error.value)


def test_the_import_pages_upload_match_queue_and_report(client_as, world, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_as("commune_officer")
    upload = SimpleUploadedFile("ca-benh.csv", CASES_CSV.encode("utf-8-sig"), content_type="text/csv")
    response = client.post("/tracing/imports/cases/", {"file": upload})
    assert response.status_code == 302
    mapping_page = client.get(response["Location"])
    body = mapping_page.content.decode()
    assert "Võ Thị Hồng" in body and 'value="Mã BN" selected' in body
    form = mapping_page.context["form"]
    data = {name: form.initial.get(name, "") for name in form.fields}
    with django_capture_on_commit_callbacks(execute=True):
        queued = client.post(response["Location"], data)
    job = ListImport.objects.get(file_name="ca-benh.csv")
    assert queued["Location"] == f"/tracing/imports/runs/{job.pk}/" and job.status == "queued"
    assert not Case.objects.filter(national_code="BN-74-1001").exists()  # nothing imported inside the request
    assert "Đang chờ" in client.get(queued["Location"]).content.decode()
    list_import_run(job.pk)  # what the task worker does with the queued job
    report = client.get(queued["Location"]).content.decode()
    assert "Năm sinh" in report and "Đã xong" in report and "hx-get" not in report
    errors = b"".join(client.get(f"/tracing/imports/runs/{job.pk}/errors.csv").streaming_content).decode("utf-8-sig")
    assert errors.splitlines()[0] == "Dòng,Cột,Lỗi" and errors.splitlines()[1].startswith("4,Năm sinh,")
    assert client.get(response["Location"]).status_code == 404  # the upload is gone once imported
    assert TracingState.objects.filter(person__full_name="Võ Thị Hồng", level=0).exists()


def start_list(world, kind, text, filename="danh-sach.csv", trip=None, user="commune_officer"):
    from phongdich.core.import_flow import bytes_keep
    from phongdich.surveillance.importers import COLUMNS, UPLOAD_KINDS, list_import_start

    officer = world.user(user)
    upload = bytes_keep(actor=officer, kind=UPLOAD_KINDS[kind], raw=text.encode(), filename=filename)
    mapping = guess_mapping(upload.header, COLUMNS[kind])
    return list_import_start(actor=officer, kind=kind, upload=upload, mapping=mapping, trip=trip)


def test_a_case_list_runs_in_batches_keeping_its_progress_and_refused_rows_by_line_and_column(world, monkeypatch):
    monkeypatch.setattr("phongdich.surveillance.importers.BATCH", 2)
    job = list_import_run(start_list(world, "cases", CASES_CSV).pk)
    assert (job.status, job.total_rows, job.done_rows, job.created, job.error_count) == ("done", 5, 5, 2, 3)
    assert [row.split(",")[:2] for row in job.errors.splitlines()] == [["4", "Năm sinh"], ["5", "Mã đơn vị"],
                                                                       ["6", "Ngày khẳng định"]]  # fmt: skip
    assert Case.objects.filter(national_code__in=["BN-74-1001", "BN-74-1002"]).count() == 2


def test_a_list_is_audited_as_one_row_naming_it_and_its_records_carry_that_rows_request(world):
    job = list_import_run(start_list(world, "cases", CASES_CSV, filename="ca-benh-14-08.csv").pk)
    file_row = AuditEvent.objects.get(action="import", object_type="surveillance.listimport", object_id=str(job.pk))
    assert file_row.detail["file"] == "ca-benh-14-08.csv" and file_row.detail["lines"] == 5
    assert len(file_row.detail["sha256"]) == 64 and file_row.actor == world.user("commune_officer")
    assert file_row.unit_path == world.unit("25966").path
    hong = Case.objects.get(national_code="BN-74-1001")
    created = AuditEvent.objects.get(object_type="surveillance.case", object_id=str(hong.pk), action="create")
    assert created.request_id == file_row.request_id != ""


def test_a_passenger_list_runs_in_the_background_and_its_seats_point_to_the_import(world):
    give_tam_a_phone(world)
    job = list_import_run(start_list(world, "manifest", MANIFEST_CSV, trip=trip_values(world)).pk)
    assert job.status == "done" and job.created == 3 and job.trip.code == "61B-123.45"
    assert set(job.trip.passengers.values_list("list_import", flat=True)) == {job.pk}
    hang = world.person("Nguyễn Thị Hằng", "25966")
    assert Contact.objects.get(person=hang, source="manifest").other.full_name == "Đỗ Văn Tâm"


def test_a_list_missing_a_required_column_fails_for_good_and_leaves_no_file(world, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    job = start_list(world, "cases", CASES_CSV)
    ListImport.objects.filter(pk=job.pk).update(mapping={**job.mapping, "confirmed_at": "Ngày nào đó"})
    job = list_import_run(job.pk)
    assert job.status == "failed" and "confirmed_at" in job.message and job.upload_token == ""
    assert not list((tmp_path / "uploads").glob("*"))


def test_a_finished_list_leaves_no_file(world, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    job = list_import_run(start_list(world, "contacts", "Mã BN,Họ tên,Ngày tiếp xúc\nBN-0,Ai Đó,13/08/2021\n").pk)
    assert job.status == "done" and job.error_count == 1 and not list((tmp_path / "uploads").glob("*"))


def test_another_communes_officer_finds_no_import_report_and_the_district_finds_it(client_as, world):
    job = start_list(world, "cases", CASES_CSV)
    assert client_as("other_commune").get(f"/tracing/imports/runs/{job.pk}/").status_code == 404
    assert client_as("community_team").get(f"/tracing/imports/runs/{job.pk}/").status_code == 404
    assert client_as("district_officer").get(f"/tracing/imports/runs/{job.pk}/").status_code == 200


def test_a_community_team_member_cannot_import_cases(client_as):
    assert client_as("community_team").get("/tracing/imports/cases/").status_code == 403
    assert client_as("community_team").get("/tracing/imports/contacts/").status_code == 200
    assert client_as("commune_officer").get("/tracing/imports/nonsense/").status_code == 404


MANIFEST_CSV = """Họ tên,CCCD,SĐT,Số ghế
Nguyễn Thị Hằng,074186123456,,12A
Đỗ Văn Tâm,,0903 000 111,12B
Khách Văn Lạ,,0977 000 111,14C
"""


def give_tam_a_phone(world):
    from phongdich.people.models import Person

    Person.objects.filter(pk=world.person("Đỗ Văn Tâm", "25966").pk).update(phone="+84903000111")


DEPARTED = timezone.now() - timedelta(hours=20)


def trip_values(world, **overrides):
    departed = DEPARTED
    return {
        "kind": "bus",
        "code": "61b-123.45",
        "departed_at": departed,
        "arrived_at": departed + timedelta(hours=3),
        "origin": "Thành phố Hồ Chí Minh",
        "unit": world.unit("25966"),
        **overrides,
    }


def import_manifest(world, text=MANIFEST_CSV, **overrides):
    from phongdich.surveillance.importers import PASSENGER_COLUMNS, manifest_import

    header, rows = read_table(text.encode(), "hanh-khach.csv")
    return manifest_import(
        actor=world.user("commune_officer"),
        trip=trip_values(world, **overrides),
        rows=rows,
        mapping=guess_mapping(header, PASSENGER_COLUMNS),
    )


def test_a_passenger_list_with_an_active_case_on_board_makes_the_others_transport_contacts(world):
    # Đỗ Văn Tâm, an active case in the test world, was on the coach.
    give_tam_a_phone(world)
    trip, report = import_manifest(world)
    assert report.created == 3 and not report.errors and trip.code == "61B-123.45"
    hang = world.person("Nguyễn Thị Hằng", "25966")
    contact = Contact.objects.get(person=hang, source="manifest")
    assert contact.kind == "transport" and contact.other.full_name == "Đỗ Văn Tâm"
    assert TracingState.objects.get(person=hang).level == 1
    stranger = Contact.objects.get(person__full_name="Khách Văn Lạ")
    assert stranger.person.unit == world.unit("25966")  # registered where the coach arrived
    _trip, again = import_manifest(world)
    assert again.unchanged == 3 and Contact.objects.filter(source="manifest").count() == 2


def test_a_passenger_confirmed_later_links_the_others_through_the_manifest(world):
    from datetime import timedelta

    from django.utils import timezone

    from phongdich.surveillance.services import case_confirm

    import_manifest(world, text="Họ tên,CCCD\nNguyễn Thị Hằng,074186123456\nKhách Văn Lạ,\n")
    stranger = Contact.objects.none()
    hang = world.person("Nguyễn Thị Hằng", "25966")
    case_confirm(
        actor=world.user("commune_officer"),
        person=hang,
        confirmed_at=timezone.now() - timedelta(minutes=5),
        confirmation_test="rt_pcr",
        detection_setting="community",
    )
    stranger = Contact.objects.get(source="manifest", other=hang)
    assert stranger.person.full_name == "Khách Văn Lạ"
    assert TracingState.objects.get(person=stranger.person).level == 1


def test_a_trip_arriving_outside_the_jurisdiction_is_refused(world):
    import pytest
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        import_manifest(world, unit=world.unit("25741"))
    assert "unit" in error.value.message_dict


def test_the_manifest_page_asks_for_the_trip_with_the_columns(client_as, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_as("commune_officer")
    upload = SimpleUploadedFile("hanh-khach.csv", MANIFEST_CSV.encode(), content_type="text/csv")
    location = client.post("/tracing/imports/manifest/", {"file": upload})["Location"]
    page = client.get(location)
    assert 'name="extra-code"' in page.content.decode() and 'name="seat"' in page.content.decode()
    form = page.context["form"]
    data = {name: form.initial.get(name, "") for name in form.fields}
    data.update(
        {
            "extra-kind": "flight",
            "extra-code": "VN215",
            "extra-departed_at": timezone.localtime(DEPARTED).strftime("%Y-%m-%dT%H:%M"),
            "extra-arrived_at": timezone.localtime(DEPARTED + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "extra-unit": world.unit("25966").pk,
        }
    )
    queued = client.post(location, data)
    job = ListImport.objects.get(trip__code="VN215")
    assert queued.status_code == 302 and job.kind == "manifest" and job.unit == world.unit("25966")
    list_import_run(job.pk)
    assert "VN215" in client.get("/tracing/trips/").content.decode()
    assert ListImport.objects.get(pk=job.pk).created == 3


def test_a_case_list_whose_worker_died_is_run_again_from_its_last_batch_and_counts_each_row_once(
    world, client_as, monkeypatch
):
    from phongdich.surveillance import importers

    monkeypatch.setattr(importers, "BATCH", 2)
    rows_import = importers._rows_import
    batches = []

    def dies_on_the_second_batch(*args):
        batches.append(1)
        if len(batches) == 2:
            raise SystemExit("killed")
        rows_import(*args)

    job = start_list(world, "cases", CASES_CSV, filename="ca-benh-15-08.csv")
    monkeypatch.setattr(importers, "_rows_import", dies_on_the_second_batch)
    with pytest.raises(SystemExit):
        list_import_run(job.pk)
    monkeypatch.setattr(importers, "_rows_import", rows_import)
    importers.list_import_gave_up(job.pk, error="tiến trình chạy bị tắt 3 lần")
    client = client_as("commune_officer")
    page = client.get(f"/tracing/imports/runs/{job.pk}/").content.decode()
    assert "Tiến trình nhập bị dừng" in page and "Chạy lại" in page

    with runs_queued() as queued:
        assert client.post(f"/tracing/imports/runs/{job.pk}/run-again/").status_code == 302
    assert len(queued) == 1
    job = list_import_run(job.pk)
    assert (job.status, job.done_rows, job.created, job.unchanged, job.error_count) == ("done", 5, 2, 0, 3)
    assert [row.split(",")[0] for row in job.errors.splitlines()] == ["4", "5", "6"]
