"""Recording directives, adding bodies and their members, assigning tasks: each refusal names its reason and
changes nothing; out of the actor's jurisdiction is refused first, as not found."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from phongdich.core.models import AuditEvent
from phongdich.core.scoping import OutOfScope
from phongdich.core.testing import unit
from phongdich.demo.command_directives import pdf_bytes

from ...models import Body, Briefing, BriefingDecision, Directive, DirectivePoint, Task
from ..services import body_add, body_members_set, directive_record, task_assign
from .world import DEADLINE, ISSUED, TEXT, user


def assign(by="province_commander", **changes) -> Task:
    fields = {
        "unit": unit("74"),
        "title": "Kiện toàn Trung tâm chỉ huy phòng, chống dịch",
        "lead": Body.objects.get(name="Sở Y tế"),
        "deadline": DEADLINE,
    } | changes
    return task_assign(actor=user(by), **fields)


def record(by="province_commander", **changes) -> Directive:
    fields = {
        "unit": unit("74"),
        "number": "18-CT/TU",
        "issued_on": ISSUED,
        "issuing_body": "Ban Thường vụ Tỉnh ủy Bình Dương",
        "title": "Chỉ thị về tiêm vắc xin",
        "text": TEXT,
        "recipients": "Các huyện, thị, thành ủy",
        "points": [("1", "Tiêm vắc xin toàn dân."), ("2", "Ưu tiên mỗi người một mũi.")],
    } | changes
    return directive_record(actor=user(by), **fields)


# -- task_assign --------------------------------------------------------------------------------------------------


def test_a_task_is_assigned_to_its_lead_and_coordinating_bodies_and_audited(directives):
    task = assign(
        coordinating=[directives["police"], directives["thuan_an"]],
        directive=directives["directive"],
        point=directives["point"],
        expected_output="Quyết định kiện toàn",
    )
    assert task.status == "open" and task.percent == 0
    assert set(task.coordinating.values_list("name", flat=True)) == {
        "Công an tỉnh",
        "Ủy ban nhân dân thành phố Thuận An",
    }
    event = AuditEvent.objects.get(object_type="command.task", object_id=str(task.pk))
    assert event.unit_path == unit("74").path and event.after["lead_id"] == directives["health"].pk


def test_a_task_without_a_lead_body_is_refused(directives, in_english):
    with pytest.raises(ValidationError) as refused:
        assign(lead=None)
    assert refused.value.message_dict == {"lead": ["A task needs a lead body."]}
    assert Task.objects.count() == 2


def test_a_deadline_before_the_directive_is_refused(directives, in_english):
    with pytest.raises(ValidationError) as refused:
        assign(directive=directives["directive"], deadline=ISSUED - timedelta(days=1))
    assert refused.value.message_dict == {
        "deadline": ["The deadline (13/09/2021) cannot come before the directive's date (14/09/2021)."]
    }


def test_a_task_without_a_title_or_deadline_names_both(directives):
    with pytest.raises(ValidationError) as refused:
        assign(title="  ", deadline=None)
    assert set(refused.value.message_dict) == {"title", "deadline"}


def test_a_point_of_another_directive_is_refused(directives, in_english):
    other = record()
    with pytest.raises(ValidationError) as refused:
        assign(directive=other, point=directives["point"])
    assert refused.value.message_dict == {"point": ["Point 3.a is not a point of directive 18-CT/TU."]}


def test_a_point_alone_brings_its_directive(directives):
    task = assign(point=directives["point"])
    assert task.directive == directives["directive"]


def test_the_lead_body_cannot_coordinate_its_own_task(directives):
    with pytest.raises(ValidationError) as refused:
        assign(coordinating=[directives["health"]])
    assert list(refused.value.message_dict) == ["coordinating"]


def test_a_body_outside_the_jurisdiction_is_not_found_before_other_mistakes(directives):
    with pytest.raises(OutOfScope):
        assign(
            by="district_officer",
            unit=unit("725"),
            lead=directives["thuan_an"],
            coordinating=[directives["thu_dau_mot"]],
            deadline=None,
        )
    assert not Task.objects.filter(unit=unit("725")).exists()


def test_a_lead_body_of_the_province_is_out_of_a_district_officers_reach(directives):
    with pytest.raises(OutOfScope):
        assign(by="district_officer", unit=unit("725"), lead=directives["health"])


def test_a_district_assigns_tasks_in_its_area_under_a_province_directive_it_has_a_task_of(directives):
    task = assign(
        by="district_officer",
        unit=unit("725"),
        lead=directives["thuan_an"],
        point=directives["point"],
        title="Phường Lái Thiêu lập trạm y tế lưu động",
    )
    assert task.directive == directives["directive"] and task.unit == unit("725")


def test_a_task_followed_up_outside_the_directive_s_unit_is_refused(directives):
    district = body_add(
        actor=user("district_officer"), unit=unit("725"), name="Trung tâm Y tế Thuận An", kind="hospital"
    )
    district_directive = record(by="district_officer", unit=unit("725"), number="05-CT/TU")
    with pytest.raises(ValidationError) as refused:
        assign(lead=district, directive=district_directive)
    assert list(refused.value.message_dict) == ["unit"]


def test_a_commune_officer_assigns_no_task(directives):
    with pytest.raises(OutOfScope):
        assign(by="commune_officer", unit=unit("25966"))


def test_a_task_from_a_briefing_is_due_after_the_briefing(directives):
    briefing = Briefing.objects.create(
        unit=unit("74"), held_at=directives["directive"].created_at, title="Giao ban Ban Chỉ đạo tỉnh"
    )
    decision = BriefingDecision.objects.create(briefing=briefing, text="Rà soát giường hồi sức")
    day = briefing.held_at.date() if hasattr(briefing.held_at, "date") else briefing.held_at
    with pytest.raises(ValidationError) as refused:
        assign(decision=decision, deadline=day - timedelta(days=2))
    assert list(refused.value.message_dict) == ["deadline"]
    task = assign(decision=decision, deadline=day + timedelta(days=3))
    assert task.decision == decision and task.directive is None


def test_a_task_comes_from_a_directive_or_a_briefing_not_both(directives):
    briefing = Briefing.objects.create(unit=unit("74"), held_at=directives["directive"].created_at, title="Giao ban")
    decision = BriefingDecision.objects.create(briefing=briefing, text="Rà soát")
    with pytest.raises(ValidationError) as refused:
        assign(decision=decision, directive=directives["directive"], deadline=date(2099, 1, 1))
    assert "decision" in refused.value.message_dict


# -- directive_record -------------------------------------------------------------------------------------------


def test_a_directive_is_recorded_with_its_points_in_order(directives):
    directive = record(recipient_bodies=[directives["health"], directives["thuan_an"]])
    assert list(directive.points.values_list("number", "position")) == [("1", 0), ("2", 1)]
    assert directive.recipient_bodies.count() == 2
    event = AuditEvent.objects.get(object_type="command.directive", object_id=str(directive.pk))
    assert event.after["points"] == ["1", "2"] and event.unit_path == unit("74").path


def test_a_directive_number_is_unique_in_its_unit(directives, in_english):
    with pytest.raises(ValidationError) as refused:
        record(number="17-ct/tu")
    assert refused.value.message_dict == {"number": ["Tỉnh Bình Dương already has a directive numbered 17-ct/tu."]}


def test_a_directive_cannot_be_dated_in_the_future_or_before_2020(directives):
    from phongdich.core import clock

    for day in (clock.today() + timedelta(days=1), date(2019, 12, 31)):
        with pytest.raises(ValidationError) as refused:
            record(issued_on=day)
        assert list(refused.value.message_dict) == ["issued_on"]


def test_a_directive_without_points_or_with_a_point_twice_is_refused(directives):
    with pytest.raises(ValidationError) as refused:
        record(points=[])
    assert list(refused.value.message_dict) == ["points"]
    with pytest.raises(ValidationError) as refused:
        record(points=[("1", "Một"), ("1", "Lại một"), ("", "Không số"), ("3", "")])
    assert len(refused.value.message_dict["points"]) == 3
    assert Directive.objects.count() == 1 and DirectivePoint.objects.count() == 5


def test_the_source_file_is_kept_when_it_is_what_its_name_says(directives):
    directive = record(source_file=SimpleUploadedFile("chi-thi-18.pdf", pdf_bytes(["Chi thi 18"])))
    assert directive.source_file.name.endswith(".pdf")
    assert directive.source_file.read().startswith(b"%PDF-")


def test_a_source_file_named_pdf_that_is_not_one_is_refused(directives):
    with pytest.raises(ValidationError) as refused:
        record(source_file=SimpleUploadedFile("chi-thi-18.pdf", b"MZ\x90\x00 an executable"))
    assert list(refused.value.message_dict) == ["source_file"]
    assert not Directive.objects.filter(number="18-CT/TU").exists()


def test_a_directive_for_a_unit_outside_the_jurisdiction_is_not_found(directives):
    with pytest.raises(OutOfScope):
        record(by="district_officer", unit=unit("718"), number="")


def test_a_commune_officer_records_no_directive(directives):
    with pytest.raises(OutOfScope):
        record(by="commune_officer", unit=unit("25966"))


# -- bodies ------------------------------------------------------------------------------------------------------


def test_a_body_name_is_unique_in_its_unit_and_its_kind_is_one_of_the_list(directives):
    with pytest.raises(ValidationError) as refused:
        body_add(actor=user("province_commander"), unit=unit("74"), name="sở y tế", kind="ministry")
    assert set(refused.value.message_dict) == {"name", "kind"}
    same_name_in_a_district = body_add(actor=user("district_officer"), unit=unit("725"), name="Sở Y tế", kind="other")
    assert same_name_in_a_district.unit == unit("725")


def test_a_district_officer_adds_no_body_to_the_province(directives):
    with pytest.raises(OutOfScope):
        body_add(actor=user("district_officer"), unit=unit("74"), name="Sở Xây dựng", kind="department")


def test_members_must_hold_a_role_in_the_body_s_unit(directives, in_english):
    with pytest.raises(ValidationError) as refused:
        body_members_set(
            actor=user("province_commander"),
            body=directives["thuan_an"],
            members=[user("district_officer"), user("other_commune"), user("outsider")],
        )
    assert list(refused.value.message_dict) == ["members"]
    assert "other_commune" in refused.value.message_dict["members"][0]
    assert list(directives["thuan_an"].members.all()) == [user("district_officer")]


def test_a_commune_officer_of_the_district_may_join_its_people_s_committee(directives):
    body_members_set(
        actor=user("district_officer"),
        body=directives["thuan_an"],
        members=[user("district_officer"), user("commune_officer")],
    )
    assert directives["thuan_an"].members.count() == 2
    events = AuditEvent.objects.filter(object_type="command.body", object_id=str(directives["thuan_an"].pk))
    event = events.filter(action="update").order_by("pk").last()
    assert event.after == {"members": sorted([user("district_officer").pk, user("commune_officer").pk])}


def test_a_district_officer_cannot_change_the_members_of_another_district_s_body(directives):
    with pytest.raises(OutOfScope):
        body_members_set(actor=user("district_officer"), body=directives["thu_dau_mot"], members=[])
