from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from phongdich.core.models import AuditEvent
from phongdich.people.services import household_create, person_create
from phongdich.surveillance.choices import CaseStatus, CheckInMatch, ContactKind, ContactStatus, DetectionSetting
from phongdich.surveillance.models import CheckIn, Contact, LevelChange, TracingRules, TracingState, TracingTask
from phongdich.surveillance.services import (
    case_confirm,
    case_status_set,
    contact_record,
    contact_review,
    exposure_match_record,
    person_clear,
    task_assign,
    task_outcome_record,
)

NOW = timezone.now()


def days_ago(n: float):
    return NOW - timedelta(days=n)


def level_of(person) -> int | None:
    state = TracingState.objects.filter(person=person).first()
    return state.level if state else None


@pytest.fixture
def people(world):
    """A chain in Lái Thiêu: Hằng (to be F0) met An, An met Bảo, Bảo met Chi, Chi met Dũng."""
    officer = world.user("commune_officer")
    group = world.unit("25966-01")
    made = {"hang": world.person("Nguyễn Thị Hằng", "25966")}
    for key, name, year in [
        ("an", "Phạm Văn An", 1980),
        ("bao", "Võ Quốc Bảo", 1991),
        ("chi", "Đặng Thị Chi", 1975),
        ("dung", "Huỳnh Tấn Dũng", 2001),
    ]:
        made[key] = person_create(actor=officer, full_name=name, birth_year=year, unit=group)
    for a, b, n in [("hang", "an", 3), ("an", "bao", 2), ("bao", "chi", 1.5), ("chi", "dung", 1)]:
        contact_record(actor=officer, person=made[b], other=made[a], kind=ContactKind.WORKPLACE, first_at=days_ago(n))
    return made


def confirm(world, person, **overrides):
    values = {
        "confirmed_at": days_ago(0.5),
        "confirmation_test": "rt_pcr",
        "detection_setting": DetectionSetting.COMMUNITY,
        "symptom_onset": days_ago(1).date(),
        **overrides,
    }
    return case_confirm(actor=world.user("commune_officer"), person=person, **values)


def test_a_new_f0_gives_its_contacts_levels_down_to_f3(world, people):
    confirm(world, people["hang"])
    assert [level_of(people[k]) for k in ("hang", "an", "bao", "chi", "dung")] == [0, 1, 2, 3, None]


def test_levels_follow_the_shortest_chain(world, people):
    contact_record(
        actor=world.user("commune_officer"),
        person=people["chi"],
        other=people["hang"],
        kind=ContactKind.OTHER,
        first_at=days_ago(2),
    )
    confirm(world, people["hang"])
    assert level_of(people["chi"]) == 1 and level_of(people["dung"]) == 2


def test_a_contact_before_the_infectious_period_does_not_count(world, people):
    # Infectious from the start of the day two days before onset: after the contact with An 3 days ago.
    confirm(world, people["hang"], confirmed_at=NOW, symptom_onset=timezone.localdate(NOW))
    assert level_of(people["an"]) is None


def test_a_contact_of_a_contact_before_that_persons_exposure_does_not_count(world, people):
    officer = world.user("commune_officer")
    early = person_create(actor=officer, full_name="Mai Thị Xuân", birth_year=1970, unit=world.unit("25966-01"))
    contact_record(actor=officer, person=early, other=people["an"], kind=ContactKind.OTHER, first_at=days_ago(10))
    confirm(world, people["hang"])
    assert level_of(people["an"]) == 1 and level_of(early) is None


def test_ruling_out_an_f0_relevels_everyone_downstream_and_says_why(world, people):
    case = confirm(world, people["hang"])
    case_status_set(actor=world.user("commune_officer"), case=case, status=CaseStatus.RULED_OUT)
    assert [level_of(people[k]) for k in ("hang", "an", "bao", "chi")] == [None, None, None, None]
    change = LevelChange.objects.filter(person=people["bao"]).order_by("-at", "-id").first()
    assert (change.from_level, change.to_level, change.reason) == (2, None, "case_ruled_out")
    assert change.params == {"case": case.pk, "status": "ruled_out"}  # which F0, and its new status


def test_an_f1_who_tests_negative_frees_their_own_contacts(world, people):
    confirm(world, people["hang"])
    person_clear(actor=world.user("commune_officer"), person=people["an"], reason="negative_test")
    assert [level_of(people[k]) for k in ("an", "bao", "chi")] == [None, None, None]
    assert LevelChange.objects.filter(person=people["chi"], reason="cleared").exists()


def test_a_second_f0_keeps_the_levels_it_explains(world, people):
    confirm(world, people["hang"])
    confirm(world, people["chi"])
    case = people["hang"].cases.get()
    case_status_set(actor=world.user("commune_officer"), case=case, status=CaseStatus.RECOVERED)
    # Bảo met An (2 days ago) before Bảo met Chi (1.5 days ago): that chain runs backwards in time.
    assert [level_of(people[k]) for k in ("an", "bao", "chi", "dung")] == [None, 1, 0, 1]


def test_the_household_of_a_new_f0_are_f1(world, people):
    officer = world.user("commune_officer")
    household = household_create(actor=officer, unit=world.unit("25966-01"), address="12 Đường Phan Đình Phùng")
    husband = person_create(
        actor=officer, full_name="Trương Văn Hải", birth_year=1984, unit=world.unit("25966-01"), household=household
    )
    hang = people["hang"]
    hang.household = household
    hang.save(update_fields=["household"])
    confirm(world, hang)
    contact = Contact.objects.get(person=husband)
    assert (contact.kind, contact.status, level_of(husband)) == (ContactKind.HOUSEHOLD, ContactStatus.CONFIRMED, 1)


def test_new_f1_and_f2_get_door_to_door_tasks_in_their_group(world, people):
    confirm(world, people["hang"])
    chain = [people[k].pk for k in ("hang", "an", "bao", "chi", "dung")]
    tasks = {t.person_id: t for t in TracingTask.objects.filter(person_id__in=chain)}
    assert set(tasks) == {people["an"].pk, people["bao"].pk}
    assert tasks[people["an"].pk].method == "visit" and tasks[people["bao"].pk].method == "call"
    assert tasks[people["an"].pk].unit == world.unit("25966-01")


def test_a_team_member_records_a_visit_and_cannot_do_it_twice(world, people):
    confirm(world, people["hang"])
    task = TracingTask.objects.get(person=people["an"])
    task_assign(actor=world.user("commune_officer"), task=task, assignee=world.user("community_team"))
    task_outcome_record(actor=world.user("community_team"), task=task, outcome="isolated", note="Cách ly tại nhà")
    task.refresh_from_db()
    assert task.outcome == "isolated" and task.done_by == world.user("community_team")
    with pytest.raises(ValidationError):
        task_outcome_record(actor=world.user("community_team"), task=task, outcome="reached")


def test_a_task_cannot_go_to_someone_who_does_not_trace_there(world, people):
    confirm(world, people["hang"])
    task = TracingTask.objects.get(person=people["an"])
    with pytest.raises(ValidationError):
        task_assign(actor=world.user("commune_officer"), task=task, assignee=world.user("analyst"))


def test_a_person_cannot_be_their_own_contact(world, people):
    with pytest.raises(ValidationError) as error:
        contact_record(
            actor=world.user("commune_officer"),
            person=people["an"],
            other=people["an"],
            kind=ContactKind.OTHER,
            first_at=days_ago(1),
        )
    assert "other" in error.value.message_dict


def test_recording_the_same_contact_twice_keeps_one(world, people):
    officer = world.user("commune_officer")
    values = {"person": people["dung"], "other": people["an"], "kind": ContactKind.SCHOOL, "first_at": days_ago(1)}
    first, created = contact_record(actor=officer, **values, key="import:lop-12a:7")
    again, created_again = contact_record(actor=officer, **values, key="import:lop-12a:7")
    assert created and not created_again and first.pk == again.pk


def test_a_case_for_a_person_outside_the_jurisdiction_is_refused(world):
    outsider = world.person("Nguyễn Thị Hằng", "25741")
    with pytest.raises(Http404):
        confirm(world, outsider)


def test_a_person_has_one_active_case_at_a_time(world, people):
    confirm(world, people["hang"])
    with pytest.raises(ValidationError) as error:
        confirm(world, people["hang"])
    assert "person" in error.value.message_dict


def test_case_times_are_checked(world, people):
    with pytest.raises(ValidationError) as error:
        confirm(world, people["an"], confirmed_at=NOW + timedelta(days=1), symptom_onset=date(2099, 1, 1))
    assert {"confirmed_at"} <= set(error.value.message_dict)


def test_a_case_and_its_closing_are_audited(world, people):
    case = confirm(world, people["hang"])
    case_status_set(actor=world.user("commune_officer"), case=case, status=CaseStatus.RECOVERED)
    events = AuditEvent.objects.filter(object_type="surveillance.case", object_id=str(case.pk))
    actions = list(events.values_list("action", flat=True))
    assert actions.count("create") == 1 and actions.count("update") == 1


def checkin(person, venue, start, minutes=None, key=""):
    return CheckIn.objects.create(
        client_id=key or f"t-{person.pk}-{start.timestamp()}",
        venue=venue,
        unit=venue.unit,
        person=person,
        checked_in_at=start,
        checked_out_at=start + timedelta(minutes=minutes) if minutes else None,
        source="scanner",
    )


@pytest.fixture
def by_stays(db):
    """The stay-overlap method, the rules' option, instead of PC-Covid's scans within the hour."""
    TracingRules.objects.update(checkin_match=CheckInMatch.STAYS)


def test_people_who_scanned_within_an_hour_of_the_f0_become_proposed_contacts(world, people):
    market = world.venue("Chợ Lái Thiêu")
    visit = days_ago(1)
    checkin(people["hang"], market, visit, minutes=30)
    checkin(people["dung"], market, visit + timedelta(minutes=45))  # 45 minutes after her scan
    checkin(people["chi"], market, visit + timedelta(minutes=75))  # 75 minutes after: outside the hour
    checkin(people["bao"], market, visit - timedelta(days=5))  # before her infectious period
    case = confirm(world, people["hang"])
    assert exposure_match_record(actor="test", case=case) == 1
    contact = Contact.objects.get(source="checkin_match")
    assert (contact.person, contact.status, contact.venue) == (people["dung"], ContactStatus.PROPOSED, market)
    assert contact.match_rule == CheckInMatch.SCANS
    assert level_of(people["dung"]) == 1
    assert exposure_match_record(actor="test", case=case) == 0  # on demand again: nothing twice


def test_a_scan_110_minutes_after_an_f0_without_check_out_is_not_a_contact_by_default(world, people):
    market = world.venue("Chợ Lái Thiêu")
    visit = days_ago(1).replace(hour=8, minute=0)
    checkin(people["hang"], market, visit)  # no check-out: a 60-minute stay assumed
    checkin(people["dung"], market, visit + timedelta(minutes=110))
    case = confirm(world, people["hang"])
    assert exposure_match_record(actor="test", case=case) == 0
    assert level_of(people["dung"]) is None


def test_a_scan_after_the_f0_was_isolated_is_not_matched(world, people):
    market = world.venue("Chợ Lái Thiêu")
    visit = days_ago(1).replace(hour=8, minute=0)
    checkin(people["hang"], market, visit)
    checkin(people["dung"], market, visit + timedelta(minutes=40))
    case = confirm(
        world, people["hang"], confirmed_at=visit + timedelta(minutes=30), isolated_at=visit + timedelta(minutes=20)
    )
    assert exposure_match_record(actor="test", case=case) == 0


def test_the_stay_overlap_option_matches_by_stays_and_the_exposure_list_says_so(world, people, by_stays, client_as):
    market = world.venue("Chợ Lái Thiêu")
    visit = days_ago(1).replace(hour=8, minute=0)
    checkin(people["hang"], market, visit)  # assumed until 9:00, and the hour's window to 10:00
    checkin(people["dung"], market, visit + timedelta(minutes=110))
    checkin(people["chi"], market, visit + timedelta(minutes=130))
    case = confirm(world, people["hang"])
    page = client_as("commune_officer").get(case.get_absolute_url() + "?exposures=1").content.decode()
    assert "Thời gian lưu lại trùng nhau" in page and "Quét mã cách nhau" not in page
    assert exposure_match_record(actor="test", case=case) == 1
    contact = Contact.objects.get(source="checkin_match")
    assert (contact.person, contact.overlap_minutes, contact.match_rule) == (people["dung"], -50, CheckInMatch.STAYS)


def test_a_new_case_queues_its_exposure_matching_for_the_task_worker(world, people, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks(execute=True):
        case = confirm(world, people["hang"])
    queued = DBTaskResult.objects.order_by("-enqueued_at").first()
    assert queued.task_path == "phongdich.core.background.run_in_background"
    assert queued.args_kwargs["args"] == ["phongdich.surveillance.services.cases.exposure_match_later", [case.pk]]
    assert queued.status == "READY"  # the worker runs it: tests/integration/test_task_worker.py


def test_dismissing_a_proposed_contact_keeps_the_reason_and_relevels(world, people):
    market = world.venue("Chợ Lái Thiêu")
    visit = days_ago(1)
    checkin(people["hang"], market, visit, minutes=30)
    checkin(people["dung"], market, visit + timedelta(minutes=10))
    case = confirm(world, people["hang"])
    exposure_match_record(actor="test", case=case)
    contact = Contact.objects.get(source="checkin_match")
    with pytest.raises(ValidationError):
        contact_review(actor=world.user("commune_officer"), contact=contact, confirm=False)
    contact_review(actor=world.user("commune_officer"), contact=contact, confirm=False, reason="Quầy khác, ngoài trời")
    contact.refresh_from_db()
    assert contact.status == ContactStatus.DISMISSED and contact.dismissed_reason == "Quầy khác, ngoài trời"
    assert level_of(people["dung"]) is None  # through Chi he would be F4, deeper than the rules trace


def test_another_commune_cannot_review_this_communes_contacts(world, people):
    confirm(world, people["hang"])
    contact = Contact.objects.get(person=people["an"])
    with pytest.raises(Http404):
        contact_review(actor=world.user("other_commune"), contact=contact, confirm=True)


def test_a_long_stay_with_a_check_out_counts_while_the_person_was_still_there(world, people, by_stays):
    market = world.venue("Chợ Lái Thiêu")
    visit = days_ago(1)
    checkin(people["hang"], market, visit, minutes=30)
    checkin(people["an"], market, visit - timedelta(hours=5), minutes=5 * 60 + 10)  # a stall keeper, still there
    checkin(people["bao"], market, visit - timedelta(hours=5), minutes=5 * 60 - 90)  # left 90 minutes before
    case = confirm(world, people["hang"])
    exposure_match_record(actor="test", case=case)
    matched = set(Contact.objects.filter(source="checkin_match").values_list("person_id", flat=True))
    assert matched == {people["an"].pk}


def test_the_relevel_command_changes_nothing_when_levels_are_true(world, people, capsys):
    from django.core.management import call_command

    confirm(world, people["hang"])
    call_command("tracing", "relevel")
    assert capsys.readouterr().out.startswith("0 levels changed")
    TracingState.objects.filter(person=people["bao"]).update(level=None)  # as after a bulk load
    call_command("tracing", "relevel")
    assert level_of(people["bao"]) == 2


def test_a_province_administrator_adds_rules_and_levels_follow_them(world, client_as):
    from phongdich.surveillance.models import TracingRules

    officer = world.user("commune_officer")
    thu = world.person("Lý Thị Thu", "25966")
    son = person_create(actor=officer, full_name="Lý Văn Sơn", birth_year=2012, unit=world.unit("25966-01"))
    contact_record(actor=officer, person=son, other=thu, kind=ContactKind.HOUSEHOLD, first_at=days_ago(0.1))
    assert level_of(son) == 2
    client = client_as("system_admin")
    page = client.get("/tracing/rules/")
    assert "11042/BYT-DP" in page.content.decode()
    values = {name: value for name, value in page.context["form"].initial.items()}
    today = timezone.localdate().isoformat()
    values.update(effective_from=today, document_date=today, source_document="Văn bản thử nghiệm", max_level=1)
    response = client.post("/tracing/rules/", values)
    assert response.status_code == 302
    assert TracingRules.objects.count() == 4 and level_of(son) is None and level_of(thu) == 1


def test_rules_outside_their_limits_or_on_a_taken_date_are_refused(world):
    from phongdich.surveillance.services import tracing_rules_add

    with pytest.raises(ValidationError) as error:
        tracing_rules_add(
            actor=world.user("system_admin"),
            effective_from=date(2021, 7, 30),
            document_date=date(2021, 12, 25),
            source_document="",
            max_level=5,
            default_stay_minutes=90,
            max_stay_minutes=60,
        )
    assert {"effective_from", "source_document", "document_date", "max_level", "max_stay_minutes"} <= set(
        error.value.message_dict
    )


def test_only_a_province_administrator_changes_the_rules(client_as):
    assert client_as("province_commander").post("/tracing/rules/", {"max_level": 1}).status_code == 403
    assert client_as("province_commander").get("/tracing/rules/").status_code == 200


def test_caring_for_a_home_treated_f0_after_confirmation_makes_an_f1(world, people, api_as):
    """11042/BYT-DP: caring for an F0 without full protective equipment, whenever it happens while the case is
    active (a home-treated F0 is cared for after confirmation)."""
    confirm(world, people["hang"], confirmed_at=days_ago(1), isolated_at=days_ago(1))
    response = api_as("commune_officer").post(
        "/api/v1/contacts",
        {"person_id": people["dung"].pk, "other_id": people["hang"].pk, "kind": "care", "first_at": at_hours(3)},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    assert level_of(people["dung"]) == 1


def test_another_kind_of_contact_after_the_f0_was_isolated_is_refused_with_the_reason(world, people, api_as):
    confirm(world, people["hang"], confirmed_at=days_ago(1), isolated_at=days_ago(1))
    response = api_as("commune_officer").post(
        "/api/v1/contacts",
        {"person_id": people["dung"].pk, "other_id": people["hang"].pk, "kind": "household", "first_at": at_hours(3)},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert (
        "đã được cách ly" in str(response.json())
        and not Contact.objects.filter(person=people["dung"], kind="household").exists()
    )


def test_a_contact_before_the_f0s_infectious_period_is_refused_with_the_reason(world, people):
    case = confirm(world, people["hang"])
    with pytest.raises(ValidationError) as refused:
        contact_record(
            actor=world.user("commune_officer"),
            person=people["dung"],
            other=people["hang"],
            kind=ContactKind.WORKPLACE,
            first_at=case.infectious_from - timedelta(days=3),
        )
    assert "trước thời kỳ lây nhiễm" in str(refused.value) and level_of(people["dung"]) is None


def at_hours(n: float) -> str:
    return (timezone.now() - timedelta(hours=n)).isoformat()
