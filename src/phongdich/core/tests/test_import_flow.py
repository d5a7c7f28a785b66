"""The shared import flow: an uploaded file is checked and read once, kept only for its uploader and its kind of
import, and deleted when it expires; files too wide or with too long lines are refused before they are parsed."""

import io
from contextlib import contextmanager
from datetime import timedelta
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from phongdich.core.import_flow import KeptUpload, upload_by_token, uploads_expire
from phongdich.labs.models import ResultImport

CASES = "Mã BN,Họ và tên,Năm sinh,Giới tính,CCCD,Xã/Phường,Ngày xác nhận\n" + (
    "BN-0101,Võ Thị Hồng,1988,Nữ,074188012345,25966,14/07/2021\n"
)


@pytest.fixture(autouse=True)
def _own_upload_folder(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def upload_cases(client, raw: bytes, name="ca-benh.csv"):
    return client.post("/tracing/imports/cases/", {"file": SimpleUploadedFile(name, raw, content_type="text/csv")})


def test_a_file_a_hundred_thousand_columns_wide_is_refused_at_upload(client_as, tmp_path):
    wide = (",".join(f"c{i}" for i in range(100_000)) + "\n" + "," * 99_999 + "\n").encode()
    response = upload_cases(client_as("commune_officer"), wide)
    assert response.status_code == 200
    assert "dài hơn 10.000 ký tự" in response.content.decode()
    assert not list((tmp_path / "uploads").glob("*"))


def test_a_header_over_the_column_limit_is_refused_even_when_short(client_as):
    narrow_but_many = ("," * 300 + "\n").replace(",", "a,", 1).encode()
    response = upload_cases(client_as("commune_officer"), narrow_but_many)
    assert "có hơn 200 cột" in response.content.decode()


def test_a_line_longer_than_the_limit_is_refused_with_its_number(client_as):
    raw = (CASES + "BN-0102," + "x" * 30_000 + ",1990\n").encode()
    assert "Dòng 3 dài hơn 20.000 ký tự" in upload_cases(client_as("commune_officer"), raw).content.decode()


def test_an_excel_sheet_wider_than_the_limit_is_refused(client_as):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append([f"Cột {i}" for i in range(250)])
    out = io.BytesIO()
    book.save(out)
    response = upload_cases(client_as("commune_officer"), out.getvalue(), "rong.xlsx")
    assert "có hơn 200 cột" in response.content.decode()


def test_a_file_over_the_size_limit_is_refused(client_as, monkeypatch):
    monkeypatch.setattr("phongdich.surveillance.views.MAX_UPLOAD_BYTES", 1024 * 1024)
    raw = (CASES * 20_000).encode()
    assert "Tệp lớn hơn 1 MB" in upload_cases(client_as("commune_officer"), raw).content.decode()


def test_the_mapping_page_is_drawn_without_reading_the_file_again(client_as):
    client = client_as("commune_officer")
    location = upload_cases(client, CASES.encode())["Location"]
    with mock.patch.object(KeptUpload, "read", side_effect=AssertionError("the file was read again")):
        page = client.get(location)
    assert page.status_code == 200 and "Võ Thị Hồng" in page.content.decode()


def test_another_communes_officer_opening_the_mapping_url_finds_nothing(client_as):
    location = upload_cases(client_as("commune_officer"), CASES.encode())["Location"]
    assert client_as("other_commune").get(location).status_code == 404
    assert client_as("province_commander").get(location).status_code == 404
    assert client_as("commune_officer").get(location).status_code == 200


def test_a_kept_upload_is_not_found_under_another_kind_of_import(client_as):
    client = client_as("commune_officer")
    location = upload_cases(client, CASES.encode())["Location"]
    assert client.get(location.replace("/cases/", "/contacts/")).status_code == 404


def test_a_lab_file_kept_by_one_technician_is_not_open_to_another_of_the_same_lab(client, client_as, world):
    from phongdich.accounts.models import User
    from phongdich.accounts.roles import Role
    from phongdich.accounts.services import role_assign
    from phongdich.labs.tests.factories import lab

    upload = SimpleUploadedFile("ket-qua.csv", "Mã mẫu,Kết quả,Thời gian\nCDC-1,Âm tính,01/08/2021 10:00\n".encode())
    location = client_as("lab_technician").post("/testing/imports/", {"lab": lab().pk, "file": upload})["Location"]
    colleague = User.objects.create_user(username="ktv_tran_thi_mai", password=None)
    role_assign(actor="test", user=colleague, role=Role.LAB_TECHNICIAN, facility=lab().facility)
    client.force_login(colleague)
    assert client.get(location).status_code == 404
    assert client_as("lab_technician").get(location).status_code == 200


def test_a_lab_file_is_written_once_and_the_queued_import_keeps_that_copy(client_as, world, tmp_path):
    from phongdich.labs.tests.factories import lab

    client = client_as("lab_technician")
    upload = SimpleUploadedFile("ket-qua.csv", "Mã mẫu,Kết quả,Thời gian\nCDC-1,Âm tính,01/08/2021 10:00\n".encode())
    location = client.post("/testing/imports/", {"lab": lab().pk, "file": upload})["Location"]
    token = location.rstrip("/").rsplit("/", 1)[1]
    response = client.post(location, {"barcode": "Mã mẫu", "result": "Kết quả", "result_at": "Thời gian"})
    assert response.status_code == 302
    assert ResultImport.objects.get(file_name="ket-qua.csv").upload_token == token
    assert len(list((tmp_path / "uploads").glob("*.csv"))) == 1


@contextmanager
def hours_later(hours: int):
    """The upload flow's clock moved on (the session's is left alone, so the officer stays signed in)."""
    moved = timezone.now() + timedelta(hours=hours)
    with mock.patch("phongdich.core.import_flow.timezone") as clock:
        clock.now.return_value = moved
        yield


def test_a_kept_upload_expires_after_the_set_hours_and_is_then_deleted(client_as, settings, tmp_path):
    settings.PHONGDICH_UPLOAD_HOURS = 24
    client = client_as("commune_officer")
    location = upload_cases(client, CASES.encode())["Location"]
    token = location.rstrip("/").rsplit("/", 1)[1]
    with hours_later(23):
        assert uploads_expire() == 0 and client.get(location).status_code == 200
    with hours_later(25):
        assert client.get(location).status_code == 404 and upload_by_token(token) is None
        assert uploads_expire() == 1
    assert not list((tmp_path / "uploads").glob("*"))


def test_the_expire_uploads_command_deletes_expired_files(client_as, settings, tmp_path):
    from django.core.management import call_command

    upload_cases(client_as("commune_officer"), CASES.encode())
    settings.PHONGDICH_UPLOAD_HOURS = 0
    out = io.StringIO()
    call_command("expire_uploads", stdout=out)
    assert not list((tmp_path / "uploads").glob("*")) and "1" in out.getvalue()


def kept_files(tmp_path) -> list:
    return list((tmp_path / "uploads").glob("*"))


def test_a_finished_lab_file_leaves_no_file_behind(world, tmp_path):
    from phongdich.labs.tests.test_result_import import csv_bytes, run

    job = run(world, csv_bytes([["KHONG-CO", "Âm tính", "01/08/2021 10:00", ""]]))
    assert job.status == "done" and job.upload_token == "" and not kept_files(tmp_path)


def test_a_lab_file_that_cannot_be_imported_leaves_no_file_behind(world, tmp_path):
    from phongdich.labs.tests.test_result_import import csv_bytes, run

    job = run(world, csv_bytes([["LT-0001-01", "Âm tính"]], header=["Mã ống", "KQ"]))
    assert job.status == "failed" and not kept_files(tmp_path)


def test_a_lab_file_stopped_part_way_by_an_error_stays_until_it_expires(world, tmp_path, settings):
    from phongdich.labs.tests.test_result_import import csv_bytes, run

    crash = mock.patch("phongdich.labs.importers.BatchImport.run", side_effect=RuntimeError("database gone"))
    with crash, pytest.raises(RuntimeError):
        run(world, csv_bytes([["KHONG-CO", "Âm tính", "01/08/2021 10:00", ""]]))
    assert ResultImport.objects.get(file_name="ket-qua.csv").status == "failed" and kept_files(tmp_path)
    settings.PHONGDICH_UPLOAD_HOURS = 24
    with hours_later(25):
        uploads_expire()
    assert not kept_files(tmp_path)


def test_a_finished_dose_file_leaves_no_file_behind(world, tmp_path):
    from phongdich.vaccination.tests.test_dose_import import FILE, run

    job = run(world, FILE)
    assert job.status == "done" and job.upload_token == "" and not kept_files(tmp_path)


def test_a_dose_file_that_cannot_be_imported_leaves_no_file_behind(world, tmp_path):
    from phongdich.vaccination.tests.test_dose_import import run

    job = run(world, "Mã,Tên\n1,Nguyễn Văn An\n")
    assert job.status == "failed" and not kept_files(tmp_path)


def test_the_expire_uploads_command_deletes_abandoned_files_of_every_kind(world, settings, tmp_path):
    from django.core.management import call_command

    from phongdich.core.import_flow import bytes_keep
    from phongdich.labs.importers import UPLOAD_KIND as RESULTS
    from phongdich.surveillance.importers import UPLOAD_KINDS
    from phongdich.vaccination.importers import UPLOAD_KIND as DOSES

    officer = world.user("commune_officer")
    for kind in (RESULTS, DOSES, *UPLOAD_KINDS.values()):
        bytes_keep(actor=officer, kind=kind, raw=CASES.encode(), filename="bo-quen.csv")
    settings.PHONGDICH_UPLOAD_HOURS = 24
    with hours_later(23):
        call_command("expire_uploads", stdout=io.StringIO())
    assert len(kept_files(tmp_path)) == 2 * (2 + len(UPLOAD_KINDS))
    out = io.StringIO()
    with hours_later(25):
        call_command("expire_uploads", stdout=out)
    assert not kept_files(tmp_path) and str(2 + len(UPLOAD_KINDS)) in out.getvalue()


def a_pace_whose_neighbours(monkeypatch, commits: list[bool]):
    """A WriterPace of 5,000 rows on SQLite, with other connections committing (True) or not in each pause."""
    from phongdich.core.import_flow import WriterPace

    monkeypatch.setattr(WriterPace, "_data_version", staticmethod(lambda: 0))
    pace = WriterPace(5000)
    pace.sqlite, pace.seen, version, versions = True, 0, 0, []
    for other in commits:  # PRAGMA data_version before and after each pause
        versions.append(version)
        version += other
        versions.append(version)
    readings = iter(versions)
    monkeypatch.setattr(WriterPace, "_data_version", staticmethod(lambda: next(readings)))
    monkeypatch.setattr("phongdich.core.import_flow.time.sleep", lambda seconds: None)
    return pace


def test_an_import_alone_grows_its_slices_up_to_four_times_the_configured_size(monkeypatch):
    pace = a_pace_whose_neighbours(monkeypatch, [False] * 4)
    sizes = []
    for _ in range(4):
        pace.after_commit()
        sizes.append(pace.size)
    assert sizes == [10_000, 20_000, 20_000, 20_000]


def test_an_import_shrinks_its_slices_while_other_writers_commit_in_its_pauses(monkeypatch):
    pace = a_pace_whose_neighbours(monkeypatch, [True, True, True, False])
    sizes = []
    for _ in range(4):
        pace.after_commit()
        sizes.append(pace.size)
    assert sizes == [2_500, 1_250, 625, 1_250]
