"""A lab's result file: good lines land in batches, every bad line is listed with its line and column, the
same file twice changes nothing, and a pool's line applies to all its members."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone

from phongdich.core.import_flow import bytes_keep
from phongdich.core.imports import FileFormatError
from phongdich.core.models import AuditEvent

from ..choices import ImportStatus, SampleStatus
from ..importers import UPLOAD_KIND, result_import_run, result_import_start
from ..models import ResultImport, Sample
from .factories import individual, lab, pooled, residents

pytestmark = pytest.mark.django_db
HEADER = ["Mã mẫu", "Kết quả", "Thời gian trả kết quả", "Ct N"]
MAPPING = {"barcode": "Mã mẫu", "result": "Kết quả", "result_at": "Thời gian trả kết quả", "ct_n": "Ct N"}


def csv_bytes(rows, header=HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def start(world, raw: bytes, name="ket-qua.csv", mapping=MAPPING) -> ResultImport:
    technician = world.user("lab_technician")
    upload = bytes_keep(actor=technician, kind=UPLOAD_KIND, raw=raw, filename=name)
    return result_import_start(actor=technician, lab=lab(), upload=upload, mapping=mapping)


def run(world, raw: bytes, name="ket-qua.csv") -> ResultImport:
    return result_import_run(start(world, raw, name).pk)


def local(hours_ago: int) -> str:
    return timezone.localtime(timezone.now() - timedelta(hours=hours_ago)).strftime("%d/%m/%Y %H:%M")


def test_good_lines_land_and_bad_lines_are_listed_with_their_line_and_column(world):
    team = world.user("community_team")
    people = residents(team, 6)
    for index, person in enumerate(people[:4]):
        individual(team, person, barcode=f"CDC-{index:05d}", hours_ago=10)
    individual(team, people[4], barcode="CDC-NOTRECV", receive=False)
    pool = pooled(team, people[5:], barcode="CDC-POOL01", hours_ago=10)
    raw = csv_bytes(
        [
            ["CDC-00000", "Âm tính", local(2), ""],
            ["CDC-00001", "âm tính", local(2), ""],
            ["CDC-00002", "Dương tính", local(2), "-4"],  # negative Ct
            ["CDC-00003", "Có thể", local(2), ""],  # not a result
            ["CDC-00000", "Âm tính", local(2), ""],  # the same barcode again
            ["CDC-99999", "Âm tính", local(2), ""],  # unknown
            ["CDC-NOTRECV", "Âm tính", local(2), ""],  # never received
            ["CDC-POOL01", "Âm tính", local(20), ""],  # before sampling
        ]
    )
    job = run(world, raw)
    assert job.status == ImportStatus.DONE and job.applied == 2 and job.error_count == 6
    errors = list(csv.reader(io.StringIO(job.errors)))
    assert [(int(line), column) for line, column, _message in errors] == [
        (4, "Ct N"), (5, "Kết quả"), (6, "Mã mẫu"), (7, "Mã mẫu"), (8, "Mã mẫu"), (9, "Thời gian trả kết quả"),
    ]  # fmt: skip
    assert "Line 2" in errors[2][2] or "Dòng 2" in errors[2][2]
    assert set(Sample.objects.filter(barcode__in=["CDC-00000", "CDC-00001"]).values_list("result", flat=True)) == {
        "negative"
    }
    assert not pool.samples.filter(status=SampleStatus.RELEASED).exists()


def test_a_released_line_writes_its_result_ct_and_turnaround_and_keeps_the_reception_time(world):
    team = world.user("community_team")
    person = residents(team, 1)[0]
    sample = individual(team, person, barcode="CDC-FULL01", hours_ago=10)
    received_at = sample.received_at
    job = run(world, csv_bytes([["CDC-FULL01", "Dương tính", local(1), "21,5"], ["CDC-SHORT1"]]))
    sample.refresh_from_db()
    assert (sample.status, sample.result, sample.ct_n, sample.ct_e) == (
        SampleStatus.RELEASED,
        "positive",
        Decimal("21.50"),
        None,
    )
    assert sample.received_at == received_at and sample.result_import_id == job.pk
    assert 9 * 60 - 1 <= sample.turnaround_minutes <= 9 * 60 + 1
    assert job.error_count == 1 and job.errors.startswith("3,Kết quả,")  # a line cut short: its cells are empty


def test_a_file_is_audited_as_one_row_naming_it_and_every_sample_it_changed_points_to_its_import(world):
    import hashlib

    team = world.user("community_team")
    people = residents(team, 7)
    singles = [individual(team, person, barcode=f"CDC-AUD{index:02d}", hours_ago=10) for index, person in
               enumerate(people[:2])]  # fmt: skip
    negative = pooled(team, people[2:5], barcode="CDC-AUDPN", hours_ago=10)
    positive = pooled(team, people[5:], barcode="CDC-AUDPP", hours_ago=10)
    raw = csv_bytes(
        [
            ["CDC-AUD00", "Âm tính", local(1), ""],
            ["CDC-AUD01", "Dương tính", local(1), "21,5"],
            ["CDC-AUDPN", "Âm tính", local(1), ""],
            ["CDC-AUDPP", "Dương tính", local(1), ""],
        ]
    )
    last_before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    job = run(world, raw)
    assert job.applied == 4
    written = AuditEvent.objects.filter(pk__gt=last_before)
    file_row = written.get(action="import")
    assert (file_row.object_type, file_row.object_id) == ("labs.resultimport", str(job.pk))
    assert (file_row.actor, file_row.object_repr) == (job.created_by, "ket-qua.csv")
    assert file_row.detail == {
        "file": "ket-qua.csv", "sha256": hashlib.sha256(raw).hexdigest(), "lines": 4, "lab": str(lab()),
    }  # fmt: skip
    assert file_row.unit_path == lab().facility.unit.path
    assert not written.filter(object_type__in=["labs.sample", "labs.pool"]).exists()
    changed = Sample.objects.filter(pk__in=[s.pk for s in singles]) | negative.samples.all() | positive.samples.all()
    assert changed.count() == 7 and set(changed.values_list("result_import", flat=True)) == {job.pk}
    assert set(negative.results.values_list("result_import", "line")) == {(job.pk, 4)}


def test_a_persons_history_shows_the_result_their_sample_got_from_a_file(client_as, world):
    team = world.user("community_team")
    person = residents(team, 1)[0]
    individual(team, person, barcode="CDC-HIST01", hours_ago=10)
    job = run(world, csv_bytes([["CDC-HIST01", "Âm tính", local(1), ""]]), name="ket-qua-lai-thieu.csv")
    page = client_as("commune_officer").get(f"/persons/{person.pk}/").content.decode()
    history = page[page.index('class="history"') :]
    assert "CDC-HIST01" in history and "ket-qua-lai-thieu.csv" in history and "Âm tính" in history
    assert job.created_by.username in history


def test_the_same_file_twice_changes_nothing(world):
    team = world.user("community_team")
    person = residents(team, 1)[0]
    individual(team, person, barcode="CDC-TWICE", hours_ago=5)
    raw = csv_bytes([["CDC-TWICE", "Âm tính", local(1), "35"]])
    before = ResultImport.objects.count()
    first = run(world, raw)
    second = start(world, raw, "again.csv")
    assert second.pk == first.pk and ResultImport.objects.count() == before + 1
    renamed = run(world, raw + b"\n")  # the same lines in a file that differs: each line is recognised
    assert renamed.applied == 0 and renamed.unchanged == 1


def test_a_pool_line_applies_to_every_member(world):
    team = world.user("community_team")
    pool = pooled(team, residents(team, 5), barcode="CDC-POOL02", hours_ago=8)
    job = run(world, csv_bytes([["CDC-POOL02", "Âm tính", local(1), ""]]))
    assert job.applied == 1
    assert set(pool.samples.values_list("status", "result")) == {(SampleStatus.RELEASED, "negative")}


def test_a_file_in_another_encoding_is_refused_at_upload_with_a_clear_message(world):
    with pytest.raises(FileFormatError, match="UTF-8"):
        start(world, "Mã mẫu,Kết quả,Thời gian trả kết quả\nX,Âm tính,1/1/2021\n".encode("utf-16"))


def test_a_mapping_without_the_result_column_is_refused(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        start(world, b"a,b\n", "x.csv", mapping={"barcode": "a"})
    assert not ResultImport.objects.filter(file_name="x.csv").exists()


def test_a_refused_line_quoting_a_formula_is_kept_as_inert_text(world):
    team = world.user("community_team")
    individual(team, residents(team, 1)[0], barcode="CDC-00000", hours_ago=10)
    job = run(world, csv_bytes([["CDC-00000", '=HYPERLINK("http://evil.example","Xem")', local(2), ""]]))
    [(_line, _column, message)] = list(csv.reader(io.StringIO(job.errors)))
    assert message.startswith("'=HYPERLINK(")


def test_a_pools_line_weighs_its_members_when_the_file_is_cut_into_slices(world, monkeypatch):
    from .. import importers

    team = world.user("community_team")
    people = residents(team, 13)
    pooled(team, people[:10], barcode="CDC-POOL-SLICE", hours_ago=10)
    for index, person in enumerate(people[10:]):
        individual(team, person, barcode=f"CDC-SLICE-{index}", hours_ago=10)
    raw = csv_bytes([[code, "Âm tính", local(2), ""] for code in ["CDC-POOL-SLICE", "CDC-SLICE-0", "CDC-SLICE-1"]])
    monkeypatch.setattr(settings, "PHONGDICH_IMPORT_SLICE_LINES", 10)
    commit, slices = importers.BatchImport._commit, []

    def counted(self, numbers):
        slices.append(numbers)
        commit(self, numbers)

    monkeypatch.setattr(importers.BatchImport, "_commit", counted)
    job = run(world, raw)
    assert slices == [[2], [3, 4]] and (job.applied, job.done_rows) == (3, 3)
