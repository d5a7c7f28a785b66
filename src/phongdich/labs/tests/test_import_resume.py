"""A result file whose worker dies: the process running it is killed (SIGKILL) part-way, and the run started
again continues from the last slice committed, applying every line once and counting it once. The runs are real
processes on a database file (SQLite) or the test database (PostgreSQL), as the worker's would be."""

import copy
import csv
import io
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from phongdich.core.import_flow import bytes_keep
from phongdich.core.testing import SharedDatabase

from ..choices import ImportStatus, SampleStatus
from ..importers import UPLOAD_KIND, result_import_start
from ..models import Barcode, Sample
from .factories import individual, lab, residents

pytestmark = [
    pytest.mark.django_db(transaction=True),
    # libfaketime (scripts/moved-clock) starts a child's clock again at the moved moment, behind the test's own, so
    # the child finds the file's result times in its future. The normal and PostgreSQL runs kill the child for real.
    pytest.mark.skipif("FAKETIME" in os.environ, reason="a child process cannot share the moved clock"),
]
SAMPLES = 29_900
UNKNOWN = 50
REPEATED = 50  # at the file's end, repeating barcodes of its first lines: refused after a resume too
SLICE = 500
CHECKED = 2_000  # lines checked at a time: the file is several batches, so a resume starts inside a later one
RUN = f"""
import sys, django
django.setup()
from phongdich.labs import importers
importers.BATCH = {CHECKED}
job = importers.result_import_run(int(sys.argv[1]))
print(job.status, job.done_rows)
"""


def run_process(shared: SharedDatabase, job_id: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "PHONGDICH_DATABASE_URL": shared.url,
        "PHONGDICH_IMPORT_SLICE_LINES": str(SLICE),
        "DJANGO_SETTINGS_MODULE": "phongdich.settings",
    }
    return subprocess.Popen([sys.executable, "-c", RUN, str(job_id)], env=env, stdout=subprocess.PIPE, text=True)


def received_samples(world, count: int) -> list[str]:
    """`count` received samples of Lái Thiêu residents at the CDC lab: one through the services, copied."""
    team = world.user("community_team")
    people = residents(team, 3)
    first = individual(team, people[0], barcode="BD-0000000", hours_ago=10)
    codes = [f"BD-{index:07d}" for index in range(1, count)]
    Barcode.objects.bulk_create([Barcode(code=code, kind="sample") for code in codes], batch_size=5000)
    tubes = dict(Barcode.objects.filter(code__startswith="BD-").values_list("code", "pk"))
    copies = []
    for index, code in enumerate(codes):
        sample = copy.copy(first)
        sample.pk, sample.barcode, sample.tube_id = None, code, tubes[code]
        sample.person = people[index % len(people)]
        copies.append(sample)
    Sample.objects.bulk_create(copies, batch_size=2000)
    return [first.barcode, *codes]


def result_file(barcodes: list[str]) -> bytes:
    moment = timezone.localtime(timezone.now() - timedelta(hours=2)).strftime("%d/%m/%Y %H:%M")
    rows = [[code, "Âm tính", moment] for code in barcodes]
    rows += [[f"KHONG-CO-{index}", "Âm tính", moment] for index in range(UNKNOWN)]
    rows += [[code, "Âm tính", moment] for code in barcodes[:REPEATED]]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Mã mẫu", "Kết quả", "Thời gian trả kết quả"])
    writer.writerows(rows)
    return out.getvalue().encode()


def test_an_import_killed_part_way_applies_every_line_exactly_once_when_run_again(seeded, tmp_path):
    barcodes = received_samples(seeded, SAMPLES)
    technician = seeded.user("lab_technician")
    upload = bytes_keep(actor=technician, kind=UPLOAD_KIND, raw=result_file(barcodes), filename="ket-qua-cdc.csv")
    mapping = {"barcode": "Mã mẫu", "result": "Kết quả", "result_at": "Thời gian trả kết quả"}
    job = result_import_start(actor=technician, lab=lab(), upload=upload, mapping=mapping)
    shared = SharedDatabase(tmp_path)
    shared.share()

    worker = run_process(shared, job.pk)
    while (
        shared.value("SELECT done_rows FROM labs_resultimport WHERE id = %s", [job.pk]) < CHECKED + SLICE
        and worker.poll() is None
    ):
        time.sleep(0.005)
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    killed_at = shared.value("SELECT done_rows FROM labs_resultimport WHERE id = %s", [job.pk])
    assert worker.returncode == -signal.SIGKILL and CHECKED + SLICE <= killed_at < SAMPLES

    again = run_process(shared, job.pk)
    assert again.communicate(timeout=300)[0].split() == ["done", str(SAMPLES + UNKNOWN + REPEATED)]
    shared.take_back()

    job.refresh_from_db()
    lines = SAMPLES + UNKNOWN + REPEATED
    assert (job.applied, job.unchanged, job.error_count) == (SAMPLES, 0, UNKNOWN + REPEATED)
    assert job.applied + job.unchanged + job.error_count == job.done_rows == lines
    assert Sample.objects.filter(barcode__startswith="BD-", status=SampleStatus.RELEASED).count() == SAMPLES
    refused = list(csv.reader(io.StringIO(job.errors)))
    assert len({int(line) for line, _column, _message in refused}) == UNKNOWN + REPEATED
    repeats = [message for line, _column, message in refused if int(line) > SAMPLES + UNKNOWN + 1]
    assert repeats[0] == "Dòng 2 có cùng mã vạch."
    assert job.status == ImportStatus.DONE
