"""Reporting a task's progress with attachments, closing a task, recording an inspection."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from phongdich.core import clock
from phongdich.core.models import AuditEvent
from phongdich.core.scoping import OutOfScope

from ...models import Inspection, Task, TaskAttachment, TaskProgress
from ..attachments import MAX_BYTES
from ..services import body_members_set, inspection_record, progress_report, task_close
from .files import docx, jpeg, pdf, png, xlsx
from .world import fresh, user


def report(directives, by="district_officer", task="ward_task", body="thuan_an", **changes) -> TaskProgress:
    fields = {
        "percent": 40,
        "note": "5/10 phường đã có trạm y tế lưu động.",
        "status": "in_progress",
        "files": [],
    } | changes
    return progress_report(actor=user(by), task=directives[task], body=directives[body], **fields)


# -- progress_report --------------------------------------------------------------------------------------------


def test_a_member_of_the_lead_body_reports_progress_with_attachments(directives):
    progress = report(directives, files=[pdf(), xlsx(), docx(), png(), jpeg()])
    task = fresh(directives["ward_task"])
    assert (task.status, task.percent, task.done_at) == ("in_progress", 40, None)
    assert progress.reported_by == user("district_officer") and progress.body == directives["thuan_an"]
    kinds = sorted(progress.attachments.values_list("content_type", flat=True))
    assert kinds == sorted(
        [
            "application/pdf",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "image/png",
            "image/jpeg",
        ]
    )
    stored = progress.attachments.get(name="bao-cao.pdf")
    assert stored.file.read().startswith(b"%PDF-") and stored.size == pdf().size
    event = AuditEvent.objects.get(object_type="command.taskprogress", object_id=str(progress.pk))
    assert event.after["files"][0] == "bao-cao.pdf" and event.unit_path == task.unit.path


def test_a_report_done_at_full_progress_closes_the_task(directives):
    report(directives, percent=100, status="done", note="10/10 phường có trạm.")
    task = fresh(directives["ward_task"])
    assert task.status == "done" and task.done_at is not None


def test_done_is_reported_at_100_percent(directives, in_english):
    with pytest.raises(ValidationError) as refused:
        report(directives, percent=90, status="done")
    assert refused.value.message_dict == {"percent": ["A task reported done is at 100 percent."]}
    assert not TaskProgress.objects.exists()


@pytest.mark.parametrize("percent", [-1, 101, None, True, 40.5])
def test_progress_is_a_whole_number_from_0_to_100(directives, percent):
    with pytest.raises(ValidationError) as refused:
        report(directives, percent=percent)
    assert list(refused.value.message_dict) == ["percent"]


def test_a_report_says_what_was_done_and_whether_in_progress_or_done(directives):
    with pytest.raises(ValidationError) as refused:
        report(directives, note=" ", status="open")
    assert set(refused.value.message_dict) == {"note", "status"}


def test_a_member_of_a_coordinating_body_reports_for_that_body_only(directives, in_english):
    body_members_set(actor=user("province_commander"), body=directives["health"], members=[user("commander_commune")])
    body_members_set(actor=user("province_commander"), body=directives["thuan_an"], members=[user("district_officer")])
    with pytest.raises(ValidationError) as refused:
        report(directives, body="health")
    assert refused.value.message_dict == {"body": ["You do not belong to Sở Y tế: report for a body you belong to."]}


def test_an_officer_no_longer_a_member_no_longer_finds_the_province_s_task(directives):
    body_members_set(actor=user("province_commander"), body=directives["thuan_an"], members=[])
    with pytest.raises(OutOfScope):
        report(directives)
    assert not TaskProgress.objects.exists()


def test_the_province_s_command_reports_for_any_body_of_the_task(directives):
    progress = report(directives, by="province_commander", body="health")
    assert progress.body == directives["health"]


def test_a_body_that_is_not_the_task_s_is_refused(directives):
    with pytest.raises(ValidationError) as refused:
        report(directives, by="province_commander", body="police")
    assert list(refused.value.message_dict) == ["body"]


def test_a_commune_officer_does_not_find_the_province_s_task(directives):
    with pytest.raises(OutOfScope):
        report(directives, by="commune_officer", percent=500)


def test_the_analyst_sees_the_task_but_does_not_report_it(directives):
    with pytest.raises(PermissionDenied):
        report(directives, by="analyst")


def test_a_district_officer_cannot_report_a_task_of_a_body_they_do_not_belong_to(directives):
    with pytest.raises(OutOfScope):
        report(directives, task="health_task", body="health")


def test_a_closed_task_takes_no_more_reports(directives, in_english):
    task_close(actor=user("province_commander"), task=directives["ward_task"], status="cancelled", note="Gộp nhiệm vụ")
    with pytest.raises(ValidationError) as refused:
        report(directives)
    assert refused.value.message_dict == {
        "__all__": ["This task is closed (Cancelled): nothing more is reported on it."]
    }


def test_at_most_five_files_go_with_a_report(directives):
    with pytest.raises(ValidationError) as refused:
        report(directives, files=[pdf(f"{n}.pdf") for n in range(6)])
    assert list(refused.value.message_dict) == ["files"]
    assert not TaskAttachment.objects.exists()


def test_a_file_above_10_mb_is_refused(directives, in_english):
    big = SimpleUploadedFile("lon.pdf", b"%PDF-1.4\n" + b"0" * MAX_BYTES)
    with pytest.raises(ValidationError) as refused:
        report(directives, files=[big])
    assert refused.value.message_dict == {"files": ["lon.pdf is larger than 10 MB."]}


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("bao-cao.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"),
        SimpleUploadedFile("bao-cao.exe", b"MZ\x90\x00 a program"),
        SimpleUploadedFile("bao-cao.docx", b"PK\x03\x04 not really a zip"),
        SimpleUploadedFile("trong.pdf", b""),
    ],
    ids=["an executable named pdf", "an executable", "a broken zip", "an empty file"],
)
def test_a_file_whose_content_is_not_an_accepted_kind_is_refused(directives, upload):
    with pytest.raises(ValidationError) as refused:
        report(directives, files=[upload])
    assert list(refused.value.message_dict) == ["files"]


def test_a_picture_named_pdf_is_refused_for_its_name(directives, in_english):
    with pytest.raises(ValidationError) as refused:
        report(directives, files=[png("bao-cao.pdf")])
    assert refused.value.message_dict == {"files": ["bao-cao.pdf holds a PNG file but is not named so: name it .png."]}


def test_a_word_file_with_macros_is_refused(directives):
    with pytest.raises(ValidationError):
        report(directives, files=[docx("bao-cao.docx", extra="word/vbaProject.bin")])


def test_a_file_name_loses_its_folders(directives):
    progress = report(directives, files=[pdf("../../etc/bao cao.pdf")])
    attachment = progress.attachments.get()
    assert attachment.name == "bao cao.pdf" and ".." not in attachment.file.name


# -- task_close ---------------------------------------------------------------------------------------------------


def test_the_province_closes_a_task_as_done(directives):
    task = task_close(actor=user("province_commander"), task=directives["ward_task"])
    assert (task.status, task.percent) == ("done", 100) and task.done_at is not None


def test_a_task_is_cancelled_with_its_reason(directives):
    with pytest.raises(ValidationError) as refused:
        task_close(actor=user("province_commander"), task=directives["ward_task"], status="cancelled")
    assert list(refused.value.message_dict) == ["note"]
    task = task_close(actor=user("province_commander"), task=directives["ward_task"], status="cancelled", note="Đã gộp")
    assert task.status == "cancelled" and task.done_at is None


def test_a_closed_task_is_not_closed_again(directives):
    task_close(actor=user("province_commander"), task=directives["ward_task"])
    with pytest.raises(ValidationError):
        task_close(actor=user("province_commander"), task=directives["ward_task"])


def test_a_member_of_the_lead_body_does_not_close_the_province_s_task(directives):
    with pytest.raises(OutOfScope):
        task_close(actor=user("district_officer"), task=directives["ward_task"])
    assert fresh(directives["ward_task"]).status == "open"


# -- inspection_record --------------------------------------------------------------------------------------------


def inspect(directives, by="province_commander", **changes) -> Inspection:
    fields = {
        "inspected_on": clock.today(),
        "inspectors": "Đoàn kiểm tra Ban Chỉ đạo tỉnh",
        "rating": "partly",
        "findings": "Hai phường chưa có trạm y tế lưu động.",
        "requests": "Hoàn thành trước 10/10/2021.",
    } | changes
    return inspection_record(actor=user(by), task=directives["ward_task"], **fields)


def test_the_province_records_an_inspection_of_a_task(directives):
    inspection = inspect(directives)
    assert inspection.task == directives["ward_task"] and inspection.recorded_by == user("province_commander")
    assert AuditEvent.objects.filter(object_type="command.inspection", object_id=str(inspection.pk)).exists()


def test_an_inspection_is_not_recorded_before_it_happens_or_before_the_task(directives):
    task = directives["ward_task"]
    for day in (clock.today() + timedelta(days=1), task.created_at.date() - timedelta(days=1)):
        with pytest.raises(ValidationError) as refused:
            inspect(directives, inspected_on=day)
        assert list(refused.value.message_dict) == ["inspected_on"]


def test_an_inspection_names_its_team_its_finding_and_what_it_found(directives):
    with pytest.raises(ValidationError) as refused:
        inspect(directives, inspectors="", rating="excellent", findings=" ")
    assert set(refused.value.message_dict) == {"inspectors", "rating", "findings"}
    assert not Inspection.objects.exists()


def test_a_district_officer_does_not_inspect_the_province_s_task(directives):
    with pytest.raises(OutOfScope):
        inspect(directives, by="district_officer", rating="bad")


def test_tasks_in_the_province_are_left_as_they_were_by_refusals(directives):
    assert Task.objects.filter(status="open").count() == 2
