"""A result file stopped part-way: given up, it shows failed with a way to run it again; stalled, its page says it
waits to be resumed and the same file uploaded again resumes it; run again, it continues where it stopped."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from phongdich.core.import_flow import bytes_keep
from phongdich.core.models import AuditEvent
from phongdich.core.testing import runs_queued

from ..choices import ImportStatus, SampleStatus
from ..importers import UPLOAD_KIND, result_import_gave_up, result_import_run, result_import_start
from ..models import ResultImport, Sample
from .factories import individual, lab, residents
from .test_result_import import MAPPING, csv_bytes, local

pytestmark = pytest.mark.django_db


def a_file_stopped_after_its_first_line(world, monkeypatch) -> ResultImport:
    """A file of three results whose run committed its first line, then its worker died."""
    team = world.user("community_team")
    for index, person in enumerate(residents(team, 3)):
        individual(team, person, barcode=f"CDC-LAI-{index}", hours_ago=10)
    raw = csv_bytes([[f"CDC-LAI-{index}", "Âm tính", local(2), ""] for index in range(3)])
    technician = world.user("lab_technician")
    upload = bytes_keep(actor=technician, kind=UPLOAD_KIND, raw=raw, filename="ket-qua-lai-thieu.csv")
    job = result_import_start(actor=technician, lab=lab(), upload=upload, mapping=MAPPING)
    monkeypatch.setattr(settings, "PHONGDICH_IMPORT_SLICE_LINES", 1)
    monkeypatch.setattr("phongdich.labs.importers.BatchImport._commit", died_after_one_slice())
    with pytest.raises(SystemExit):
        result_import_run(job.pk)
    monkeypatch.undo()
    job.refresh_from_db()
    assert (job.status, job.done_rows, job.applied) == (ImportStatus.RUNNING, 1, 1)
    return job


def died_after_one_slice():
    from ..importers import BatchImport

    commit = BatchImport._commit

    def once(self, numbers):
        if self.job.done_rows:
            raise SystemExit("killed")
        commit(self, numbers)

    return once


def test_a_given_up_import_shows_failed_with_run_again_and_running_it_again_finishes_it(world, client_as, monkeypatch):
    job = a_file_stopped_after_its_first_line(world, monkeypatch)
    result_import_gave_up(job.pk, error="tiến trình chạy bị tắt 3 lần")
    client = client_as("lab_technician")
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Tiến trình nhập bị dừng" in page and "Chạy lại" in page and 'hx-trigger="every 2s"' not in page

    with runs_queued() as queued:
        response = client.post(f"/testing/imports/{job.pk}/run-again/")
    assert response.status_code == 302 and len(queued) == 1
    job.refresh_from_db()
    assert job.status == ImportStatus.QUEUED and job.done_rows == 1
    assert AuditEvent.objects.filter(object_id=str(job.pk), detail__run_again=True).exists()

    job = result_import_run(job.pk)
    assert (job.status, job.done_rows, job.applied, job.unchanged, job.error_count) == (ImportStatus.DONE, 3, 3, 0, 0)
    assert Sample.objects.filter(barcode__startswith="CDC-LAI-", status=SampleStatus.RELEASED).count() == 3
    assert "Chạy lại" not in client.get(job.get_absolute_url()).content.decode()


def test_running_an_import_again_twice_queues_it_once(world, client_as, monkeypatch):
    job = a_file_stopped_after_its_first_line(world, monkeypatch)
    result_import_gave_up(job.pk, error="tiến trình chạy bị tắt 3 lần")
    client = client_as("lab_technician")
    with runs_queued() as queued:
        client.post(f"/testing/imports/{job.pk}/run-again/")
        client.post(f"/testing/imports/{job.pk}/run-again/")
    assert len(queued) == 1


def test_a_stalled_import_says_it_waits_to_be_resumed_and_the_same_file_again_resumes_it(world, client_as, monkeypatch):
    job = a_file_stopped_after_its_first_line(world, monkeypatch)
    ResultImport.objects.filter(pk=job.pk).update(progress_at=timezone.now() - timedelta(hours=1))
    page = client_as("lab_technician").get(job.get_absolute_url()).content.decode()
    assert "Đã dừng, chờ chạy tiếp" in page and "Chạy lại" in page

    technician = world.user("lab_technician")
    raw = csv_bytes([[f"CDC-LAI-{index}", "Âm tính", local(2), ""] for index in range(3)])
    upload = bytes_keep(actor=technician, kind=UPLOAD_KIND, raw=raw, filename="ket-qua-lai-thieu.csv")
    with runs_queued() as queued:
        again = result_import_start(actor=technician, lab=lab(), upload=upload, mapping=MAPPING)
    assert again.pk == job.pk and again.status == ImportStatus.QUEUED and len(queued) == 1
    job = result_import_run(job.pk)
    assert (job.status, job.applied, job.done_rows) == (ImportStatus.DONE, 3, 3)


def test_a_running_import_that_still_moves_is_not_stalled(world, client_as, monkeypatch):
    job = a_file_stopped_after_its_first_line(world, monkeypatch)
    page = client_as("lab_technician").get(job.get_absolute_url()).content.decode()
    assert "Đang nhập" in page and "Chạy lại" not in page
