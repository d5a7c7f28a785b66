"""Opening shifts, logging entries, handing over and receiving; planning briefings, their minutes, decisions and
closing: what each service refuses, with which message, and what it records in the audit trail."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from phongdich.accounts import roles
from phongdich.core import clock
from phongdich.core.models import AuditEvent
from phongdich.core.scoping import OutOfScope
from phongdich.core.testing import unit
from phongdich.surveillance.services import case_confirm

from ...models import DutyEntry, DutyShift
from ..services import (
    briefing_close,
    briefing_record,
    decision_add,
    decision_to_task,
    shift_hand_over,
    shift_receive,
)
from .world import (
    HIEP_THANH,
    KP1,
    LAI_THIEU,
    a_body,
    held,
    hours_from_now,
    logged,
    opened,
    planned,
    tam_case,
    user,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


def refusal(call) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as refused:
        call()
    return refused.value.message_dict


# Shifts ----------------------------------------------------------------------------------------------------


def test_a_commune_officer_opens_a_shift_of_their_ward_audited_with_its_unit(world):
    shift = opened(officers=("district_admin", "commander_commune"))
    assert shift.unit == unit(LAI_THIEU) and shift.lead == user("commune_officer")
    assert set(shift.officers.values_list("username", flat=True)) == {"district_admin", "commander_commune"}
    event = AuditEvent.objects.get(object_type="command.dutyshift", object_id=str(shift.pk), action="create")
    assert event.unit_path == unit(LAI_THIEU).path and event.actor == user("commune_officer")
    assert sorted(event.after["officers"]) == sorted(shift.officers.values_list("pk", flat=True))


def test_the_district_and_province_officers_may_be_put_on_a_wards_shift(world):
    shift = opened(by="district_officer", lead="district_officer", officers=("province_commander",))
    assert shift.lead == user("district_officer")


def test_a_shift_overlapping_another_of_the_same_unit_is_refused_naming_the_shift_it_overlaps(shift):
    starts = shift.starts_at + timedelta(hours=7)
    errors = refusal(lambda: opened(starts=(starts - clock.now()).total_seconds() / 3600, lead="district_officer"))
    assert list(errors) == ["__all__"]
    assert errors["__all__"][0].startswith("This shift overlaps the shift of ")
    assert "led by commune_officer: a unit has one shift on duty at a time." in errors["__all__"][0]
    assert DutyShift.objects.count() == 1


def test_the_next_shift_may_start_the_minute_the_last_one_ends(shift):
    following = opened(starts=6, lead="district_admin", officers=())
    assert following.starts_at == shift.ends_at


def test_two_wards_may_each_have_a_shift_on_duty_at_the_same_time(shift):
    other = opened(by="other_commune", code=HIEP_THANH, lead="other_commune", officers=())
    assert other.starts_at == shift.starts_at and other.unit == unit(HIEP_THANH)


def test_a_lead_or_officers_without_a_duty_role_over_the_unit_are_refused_by_name(world):
    errors = refusal(lambda: opened(lead="other_commune", officers=("analyst", "health_worker", "district_admin")))
    assert errors == {
        "lead": ["other_commune holds no command duty role over Phường Lái Thiêu."],
        "officers": ["These officers hold no command duty role over Phường Lái Thiêu: analyst, health_worker."],
    }


def test_a_shift_ending_before_it_starts_or_lasting_over_a_day_is_refused(world):
    assert list(refusal(lambda: opened(hours=-1))) == ["ends_at"]
    errors = refusal(lambda: opened(hours=25))
    assert errors == {"ends_at": ["A shift lasts at most 24 hours."]}
    assert refusal(lambda: opened(starts=24 * 40)) == {"starts_at": ["Shifts are planned at most 31 days ahead."]}


def test_a_commune_officer_cannot_open_a_shift_of_another_commune_whatever_its_times(world):
    with pytest.raises(OutOfScope):
        opened(code=HIEP_THANH, lead="other_commune", hours=-5)
    assert not DutyShift.objects.exists()


def test_a_residential_group_keeps_no_duty_log(world):
    errors = refusal(lambda: opened(code=KP1))
    assert errors["unit"] == ["A residential group keeps no duty log: open the shift at its commune's command centre."]


# Entries ---------------------------------------------------------------------------------------------------


def test_an_officer_logs_a_call_about_a_case_audited_with_the_ward_and_the_person(shift):
    entry = logged(shift, by="district_admin", case=tam_case())
    assert entry.shift == shift and entry.case == tam_case() and entry.recorded_by == user("district_admin")
    event = AuditEvent.objects.get(object_type="command.dutyentry", object_id=str(entry.pk))
    assert event.unit_path == unit(LAI_THIEU).path and event.person_id == tam_case().person_id


def test_an_entry_may_be_logged_late_and_an_hour_before_its_shift_but_not_earlier_nor_in_the_future(shift):
    assert logged(shift, minutes_ago=60 * 2.9).at < shift.starts_at  # taken during the change of shifts
    early = refusal(lambda: logged(shift, minutes_ago=60 * 3.5))["at"][0]
    assert early.endswith("an entry may be logged late, but at most an hour before its shift starts.")
    assert refusal(lambda: logged(shift, minutes_ago=-30))["at"][0].endswith("is in the future: log what has come in.")


def test_an_entry_after_its_shift_ended_belongs_to_the_next_shift(world):
    ended = opened(starts=-10)
    errors = refusal(lambda: logged(ended, minutes_ago=60))
    assert errors["at"][0].endswith("log it in the next shift.")


def test_an_entry_without_source_category_or_content_is_refused_field_by_field(shift):
    errors = refusal(lambda: logged(shift, source="pigeon", category="", content="  "))
    assert errors == {
        "source": ["Choose where the call or report came from."],
        "category": ["Choose what the entry is about."],
        "content": ["Write what was reported."],
    }
    assert not DutyEntry.objects.exists()


def test_a_case_outside_the_jurisdiction_is_not_found_before_the_entry_is_checked(shift, world):
    hang = world.person("Nguyễn Thị Hằng", HIEP_THANH)
    other = case_confirm(
        actor="test",
        person=hang,
        confirmed_at=clock.now() - timedelta(hours=1),
        confirmation_test="rt_pcr",
        detection_setting="community",
    )
    with pytest.raises(OutOfScope):
        logged(shift, case=other, content="")
    assert not DutyEntry.objects.exists()


def test_an_officer_of_another_commune_finds_no_such_shift(shift):
    with pytest.raises(OutOfScope):
        logged(shift, by="other_commune")


def test_only_the_shifts_lead_and_officers_log_unless_they_may_change_the_units_shifts(world, monkeypatch):
    shift = opened(officers=("commander_commune",))
    # A role that may log entries but not change shifts: only the shift's own people log.
    without = roles.ROLE_PERMISSIONS[roles.Role.COMMUNE_OFFICER] - {"command.change_dutyshift"}
    monkeypatch.setitem(roles.ROLE_PERMISSIONS, roles.Role.COMMUNE_OFFICER, without)
    assert logged(shift, by="commune_officer").shift == shift  # its lead
    with pytest.raises(PermissionDenied):
        logged(shift, by="district_admin")  # a commune officer of the ward, not on this shift
    assert logged(shift, by="district_officer").recorded_by == user("district_officer")  # changes its shifts


def test_a_handed_over_shift_takes_no_more_entries(shift):
    following = opened(starts=6, lead="district_admin", officers=())
    shift_hand_over(actor=user("commune_officer"), shift=shift, note="Không có gì tồn đọng.", to_shift=following)
    errors = refusal(lambda: logged(shift))
    assert errors["__all__"][0].endswith("its log is closed. Log the entry in the shift on duty.")


# Handover --------------------------------------------------------------------------------------------------


def test_the_lead_hands_over_to_the_next_shift_whose_lead_receives(shift):
    following = opened(starts=6, lead="district_admin", officers=())
    note = "Còn 02 ca chờ chuyển viện; theo dõi bình oxy tại Khu phố 1."
    shift_hand_over(actor=user("commune_officer"), shift=shift, note=note, to_shift=following)
    shift.refresh_from_db()
    assert shift.handover_note == note and shift.handed_over_at is not None and shift.received_by is None
    shift_receive(actor=user("district_admin"), shift=shift)
    shift.refresh_from_db()
    assert shift.received_by == user("district_admin")
    events = AuditEvent.objects.filter(object_type="command.dutyshift", object_id=str(shift.pk), action="update")
    assert [event.detail for event in events.order_by("pk")][0] == {"handover_to": following.pk}
    assert all(event.unit_path == unit(LAI_THIEU).path for event in events)


def test_handing_over_twice_is_refused(shift):
    following = opened(starts=6, lead="district_admin", officers=())
    shift_hand_over(actor=user("commune_officer"), shift=shift, note="Bình thường.", to_shift=following)
    errors = refusal(
        lambda: shift_hand_over(actor=user("commune_officer"), shift=shift, note="Lần hai.", to_shift=following)
    )
    assert list(errors) == ["__all__"] and errors["__all__"][0].startswith("This shift was already handed over at ")


def test_a_handover_goes_to_the_next_shift_once_it_is_open_and_needs_a_note(shift):
    errors = refusal(lambda: shift_hand_over(actor=user("commune_officer"), shift=shift, note="", to_shift=None))
    assert errors == {
        "to_shift": ["Open the next shift first: the handover goes to its lead."],
        "note": ["Write the handover note: what is pending and what the next shift must watch."],
    }
    opened(starts=6, lead="district_admin", officers=())
    later = opened(starts=14, lead="commune_officer", officers=())
    errors = refusal(lambda: shift_hand_over(actor=user("commune_officer"), shift=shift, note="Ổn.", to_shift=later))
    assert errors["to_shift"][0].startswith("Hand over to the next shift of Phường Lái Thiêu, the one starting at ")


def test_only_the_next_shifts_lead_receives_and_only_once(shift):
    following = opened(starts=6, lead="district_admin", officers=())
    with pytest.raises(ValidationError):
        shift_receive(actor=user("district_admin"), shift=shift)  # nothing handed over yet
    shift_hand_over(actor=user("commune_officer"), shift=shift, note="Ổn định.", to_shift=following)
    with pytest.raises(PermissionDenied):
        shift_receive(actor=user("commune_officer"), shift=shift)
    shift_receive(actor=user("district_admin"), shift=shift)
    errors = refusal(lambda: shift_receive(actor=user("district_admin"), shift=shift))
    assert errors == {"__all__": ["district_admin has already received this handover."]}


# Briefings -------------------------------------------------------------------------------------------------


def test_a_briefing_is_planned_held_given_decisions_and_closed_each_step_audited(world):
    briefing = held()
    assert briefing.status == "held" and set(briefing.attendees.values_list("username", flat=True)) == {
        "commune_officer",
        "district_officer",
    }
    first = decision_add(actor=user("commune_officer"), briefing=briefing, text="Tăng cường lấy mẫu tại Khu phố 1.")
    second = decision_add(actor=user("commune_officer"), briefing=briefing, text="Bổ sung 20 bình oxy.")
    assert (first.position, second.position) == (1, 2)
    closed = briefing_close(actor=user("district_officer"), briefing=briefing)
    assert closed.status == "closed" and closed.closed_at is not None
    events = AuditEvent.objects.filter(unit_path=unit(LAI_THIEU).path, object_type__startswith="command.briefing")
    assert events.filter(object_type="command.briefing", action="create").count() == 1
    assert events.filter(object_type="command.briefingdecision", action="create").count() == 2
    assert events.filter(object_type="command.briefing", action="update").count() == 2


def test_the_minutes_of_a_briefing_not_yet_held_are_refused(world):
    later = planned(hours=5)
    errors = refusal(
        lambda: briefing_record(
            actor=user("district_officer"), briefing=later, attendees=[], bodies=[], minutes="Chưa họp."
        )
    )
    assert errors["__all__"][0].startswith("The briefing is planned for ")
    assert errors["__all__"][0].endswith("record its minutes once it has been held.")


def test_minutes_need_text_and_attendees_from_the_area(world):
    errors = refusal(
        lambda: briefing_record(
            actor=user("district_officer"),
            briefing=planned(),
            attendees=[user("other_commune"), user("health_worker")],
            bodies=[],
            minutes=" ",
        )
    )
    assert errors == {
        "attendees": ["These people hold no active role in, above or below Phường Lái Thiêu: other_commune."],
        "minutes": ["Write the minutes: what was reported and what was decided."],
    }


def test_a_body_outside_the_jurisdiction_is_not_found(world):
    elsewhere = a_body("UBND phường Hiệp Thành", HIEP_THANH)
    with pytest.raises(OutOfScope):
        briefing_record(
            actor=user("commune_officer"), briefing=planned(), attendees=[], bodies=[elsewhere], minutes="Họp."
        )


def test_decisions_wait_for_the_minutes_and_stop_when_they_are_closed(world):
    briefing = planned()
    errors = refusal(lambda: decision_add(actor=user("commune_officer"), briefing=briefing, text="Một quyết định."))
    assert errors["__all__"] == ["Record the briefing's minutes first: decisions are taken at a held briefing."]
    assert refusal(lambda: briefing_close(actor=user("commune_officer"), briefing=briefing)) == {
        "__all__": ["Record the minutes before closing them."]
    }
    held(briefing)
    briefing_close(actor=user("commune_officer"), briefing=briefing)
    errors = refusal(lambda: decision_add(actor=user("commune_officer"), briefing=briefing, text="Muộn."))
    assert errors["__all__"] == ["The minutes of this briefing are closed."]
    assert refusal(lambda: briefing_close(actor=user("commune_officer"), briefing=briefing))["__all__"][0].startswith(
        "The minutes were already closed on "
    )


def test_an_officer_of_another_commune_cannot_plan_or_change_a_wards_briefing(world):
    with pytest.raises(OutOfScope):
        planned(by="other_commune", held_at=hours_from_now(-200 * 24))
    briefing = planned()
    with pytest.raises(OutOfScope):
        decision_add(actor=user("other_commune"), briefing=briefing, text="")


# Decisions become tasks --------------------------------------------------------------------------------------


def a_decision(text: str = "Bổ sung 20 bình oxy cho Trạm Y tế phường trong 03 ngày."):
    return decision_add(actor=user("district_officer"), briefing=held(), text=text)


def test_a_decision_becomes_a_task_of_its_lead_body_in_the_briefings_unit(world):
    decision = a_decision()
    station = a_body("Trạm Y tế phường Lái Thiêu", kind="hospital")
    task = decision_to_task(
        actor=user("district_officer"),
        decision=decision,
        lead=a_body(),
        deadline=clock.today() + timedelta(days=3),
        coordinating=[station],
        expected_output="20 bình oxy tại Trạm Y tế",
    )
    assert (task.decision, task.unit, task.title, task.lead) == (decision, unit(LAI_THIEU), decision.text, a_body())
    assert list(task.coordinating.all()) == [station] and task.expected_output == "20 bình oxy tại Trạm Y tế"


def test_a_decision_is_a_task_of_each_lead_body_once(world):
    decision = a_decision()
    assign = lambda: decision_to_task(  # noqa: E731
        actor=user("district_officer"), decision=decision, lead=a_body(), deadline=clock.today() + timedelta(days=3)
    )
    assign()
    assert refusal(assign) == {"lead": ["This decision is already a task of UBND phường Lái Thiêu."]}


def test_a_task_without_a_lead_or_due_before_the_briefing_is_refused_by_the_directives_rules(world):
    decision = a_decision()
    errors = refusal(
        lambda: decision_to_task(
            actor=user("district_officer"), decision=decision, lead=None, deadline=clock.today() - timedelta(days=9)
        )
    )
    assert set(errors) == {"lead", "deadline"} and errors["lead"] == ["A task needs a lead body."]


def test_who_may_not_assign_tasks_in_the_ward_or_see_the_briefing_finds_no_such_thing(world):
    decision = a_decision()
    for persona in ("commune_officer", "other_commune"):
        with pytest.raises(OutOfScope):
            decision_to_task(
                actor=user(persona), decision=decision, lead=a_body(), deadline=clock.today() + timedelta(days=3)
            )
