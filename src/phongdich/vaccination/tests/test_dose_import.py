"""Doses from the national platform: matching, the review queue, bad lines and re-imports."""

import pytest

from phongdich.core.import_flow import bytes_keep
from phongdich.core.imports import FileFormatError
from phongdich.core.testing import runs_queued
from phongdich.vaccination.importers import UPLOAD_KIND, dose_import_run, dose_import_start
from phongdich.vaccination.models import Dose, ReviewRow
from phongdich.vaccination.services import review_row_decide

MAPPING = {
    "id_number": "CCCD",
    "full_name": "Họ và tên",
    "birth_date": "Ngày sinh",
    "commune": "Xã",
    "product": "Vắc xin",
    "number": "Mũi",
    "given_on": "Ngày tiêm",
    "site": "Cơ sở tiêm",
}
FILE = """CCCD,Họ và tên,Ngày sinh,Xã,Vắc xin,Mũi,Ngày tiêm,Cơ sở tiêm
074186123456,Nguyễn Thị Hằng,14/03/1986,25966,Pfizer,3,15/12/2021,Điểm tiêm chủng Phường Lái Thiêu
,Lê Hoàng Phúc,20/11/1998,Phường Hiệp Thành,AstraZeneca,1,01/09/2021,
,Lê Hoàng Phúc,20/11/1998,Phường Hiệp Thành,AstraZeneca,2,29/09/2021,
,Nguyễn Văn Không Có,01/01/1970,25966,Moderna,1,01/09/2021,
074190654321,Nguyễn Thị Hằng,02/05/1990,25741,Vắc xin lạ,1,01/09/2021,
074190654321,Nguyễn Thị Hằng,31/02/1990,25741,Moderna,1,01/09/2021,
"""


def start(world, raw: bytes, name="tiem-chung.csv"):
    commander = world.user("province_commander")
    upload = bytes_keep(actor=commander, kind=UPLOAD_KIND, raw=raw, filename=name)
    return dose_import_start(actor=commander, unit=world.unit("74"), upload=upload, mapping=MAPPING)


def run(world, raw: str, name="tiem-chung.csv"):
    return dose_import_run(start(world, raw.encode(), name).pk)


def test_lines_match_by_cccd_or_by_name_birth_date_and_commune(world):
    job = run(world, FILE)
    hang = world.person("Nguyễn Thị Hằng", "25966")
    phuc = world.person("Lê Hoàng Phúc", "25741")
    assert list(Dose.objects.filter(person=hang).values_list("number", "kind")) == [
        (1, "primary"),
        (2, "primary"),
        (3, "booster"),
    ]
    assert list(Dose.objects.filter(person=phuc).values_list("number", "completes_series")) == [(1, False), (2, True)]
    assert (job.lines, job.added, job.to_review, job.refused) == (6, 3, 1, 2)


def test_bad_lines_are_reported_with_their_line_and_column(world):
    job = run(world, FILE)
    assert [6, "Vắc xin", "Không rõ vắc xin: Vắc xin lạ."] in job.errors
    assert any(line == 7 and column == "Ngày sinh" for line, column, _ in job.errors)


def test_a_line_matching_nobody_waits_for_review_and_can_be_matched_by_hand(world):
    job = run(world, FILE)
    row = ReviewRow.objects.get(dose_import=job)
    assert row.line == 5 and row.data["full_name"] == "Nguyễn Văn Không Có"
    tam = world.person("Đỗ Văn Tâm", "25966")
    review_row_decide(actor=world.user("commune_officer"), row=row, person=tam)
    assert Dose.objects.filter(person=tam, product__code="EU/1/20/1507").count() == 1


def test_the_same_file_twice_is_the_same_import_and_an_overlapping_file_adds_nothing_twice(world):
    first = run(world, FILE)
    assert run(world, FILE).pk == first.pk
    again = run(world, FILE + "\n", name="tiem-chung-lan-2.csv")
    assert (again.added, again.known) == (0, 3)
    assert Dose.objects.filter(source="import").count() == 3


def test_a_file_that_is_not_utf8_is_refused_at_upload_with_a_clear_message(world):
    with pytest.raises(FileFormatError, match="UTF-8"):
        start(world, "Họ và tên\n".encode("cp1258", errors="replace") + b"\xff\xfe", "x.csv")


def test_a_dose_file_whose_worker_died_is_run_again_from_its_last_slice_and_counts_each_line_once(
    world, client_as, monkeypatch
):
    from phongdich.vaccination import importers

    monkeypatch.setattr(importers, "SLICE", 2)
    apply, slices = importers._apply, []

    def dies_on_the_third_slice(*args):
        slices.append(1)
        if len(slices) == 3:
            raise SystemExit("killed")
        apply(*args)

    job = start(world, FILE.encode(), "tiem-chung-15-12.csv")
    monkeypatch.setattr(importers, "_apply", dies_on_the_third_slice)
    with pytest.raises(SystemExit):
        dose_import_run(job.pk)
    monkeypatch.setattr(importers, "_apply", apply)
    job.refresh_from_db()
    assert (job.status, job.lines) == ("running", 4)
    importers.dose_import_gave_up(job.pk, error="tiến trình chạy bị tắt 3 lần")
    client = client_as("province_commander")
    page = client.get(f"/vaccination/imports/{job.pk}/").content.decode()
    assert "Tiến trình nhập bị dừng" in page and "Chạy lại" in page

    with runs_queued() as queued:
        assert client.post(f"/vaccination/imports/{job.pk}/run-again/").status_code == 302
    assert len(queued) == 1
    job = dose_import_run(job.pk)
    assert (job.status, job.lines, job.added, job.known, job.to_review, job.refused) == ("done", 6, 3, 0, 1, 2)
    assert Dose.objects.filter(dose_import=job).count() == 3
