from datetime import time, timedelta

from django.utils import timezone

from phongdich.surveillance.models import Case, Contact, LevelChange, TracingState, TracingTask


def tam(world):
    return world.person("Đỗ Văn Tâm", "25966")


def thu(world):
    return world.person("Lý Thị Thu", "25966")


def test_a_commune_officer_registers_a_case_from_the_person_page(client_as, world):
    client = client_as("commune_officer")
    hang = world.person("Nguyễn Thị Hằng", "25966")
    page = client.get(f"/persons/{hang.pk}/")
    assert f"/tracing/cases/new/{hang.pk}/".encode() in page.content
    response = client.post(
        f"/tracing/cases/new/{hang.pk}/",
        {
            "confirmed_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "confirmation_test": "rt_pcr",
            "detection_setting": "quarantine",
            "severity": "mild",
        },
    )
    case = Case.objects.get(person=hang)
    assert response.status_code == 302 and response["Location"] == f"/tracing/cases/{case.pk}/"
    assert case.detection_setting == "quarantine"


def test_the_case_form_explains_which_cases_count_for_the_level(client_as, world):
    page = client_as("commune_officer").get(f"/tracing/cases/new/{world.person('Nguyễn Thị Hằng', '25966').pk}/")
    assert "Chỉ ca phát hiện trong cộng đồng" in page.content.decode()


def test_closing_a_case_from_its_page_relevels_its_contacts(client_as, world):
    case = Case.objects.get(person=tam(world))
    response = client_as("commune_officer").post(f"/tracing/cases/{case.pk}/status/", {"status": "ruled_out"})
    assert response.status_code == 302
    assert TracingState.objects.get(person=thu(world)).level is None


def test_another_commune_cannot_close_the_case(client_as, world):
    case = Case.objects.get(person=tam(world))
    assert (
        client_as("other_commune").post(f"/tracing/cases/{case.pk}/status/", {"status": "recovered"}).status_code == 404
    )
    assert Case.objects.get(pk=case.pk).status == "active"


def test_a_tracer_dismisses_a_contact_with_a_reason(client_as, world):
    contact = Contact.objects.get(person=thu(world))
    client = client_as("community_team")
    client.post(f"/tracing/contacts/{contact.pk}/review/", {"confirm": "0", "reason": "Làm khác ca"})
    contact.refresh_from_db()
    assert contact.status == "dismissed" and contact.dismissed_reason == "Làm khác ca"
    assert (
        client_as("other_commune").post(f"/tracing/contacts/{contact.pk}/review/", {"confirm": "1"}).status_code == 404
    )


def test_clearing_an_f1_from_the_person_page(client_as, world):
    response = client_as("commune_officer").post(
        f"/tracing/persons/{thu(world).pk}/clear/", {"reason": "negative_test"}
    )
    assert response.status_code == 302
    state = TracingState.objects.get(person=thu(world))
    assert state.level is None and state.cleared_reason == "negative_test"
    assert (
        client_as("community_team").post(f"/tracing/persons/{thu(world).pk}/clear/", {"reason": "x"}).status_code == 404
    )


def test_exposures_are_listed_on_demand_and_recorded_by_a_button(client_as, world):
    from phongdich.surveillance.models import CheckIn

    market = world.venue("Chợ Lái Thiêu")
    hang = world.person("Nguyễn Thị Hằng", "25966")
    visit = timezone.now() - timedelta(hours=20)
    for client_id, person, at in [("x1", tam(world), visit), ("x2", hang, visit + timedelta(minutes=20))]:
        CheckIn.objects.create(client_id=client_id, venue=market, unit=market.unit, person=person, checked_in_at=at)
    case = Case.objects.get(person=tam(world))
    client = client_as("commune_officer")
    page = client.get(f"/tracing/cases/{case.pk}/?exposures=1")
    assert f"#{hang.pk}" in page.content.decode()
    client.post(f"/tracing/cases/{case.pk}/exposures/")
    assert TracingState.objects.get(person=hang).level == 1


def test_the_f_level_lists_show_new_f1_and_those_not_reached(client_as, world):
    from phongdich.core import clock

    # Thu became an F1 at nine this morning and the team calls her at ten, whenever the test runs
    clock.use(clock.today(), at=time(10, 0))
    TracingState.objects.filter(person=thu(world)).update(level_since=clock.now() - timedelta(hours=1))
    client = client_as("community_team")
    assert "Lý Thị Thu" in client.get("/tracing/levels/?level=1&new_today=true").content.decode()
    assert "Lý Thị Thu" in client.get("/tracing/levels/?level=1&not_reached=true").content.decode()
    task = TracingTask.objects.get(person=thu(world))
    client.post(f"/tracing/tasks/{task.pk}/", {"action": "outcome", "outcome": "reached", "note": "Đã gọi"})
    after = client.get("/tracing/levels/?level=1&not_reached=true")
    assert after.status_code == 200 and "Người tiếp xúc theo mức F" in after.content.decode()
    assert "Lý Thị Thu" not in after.content.decode()


def test_a_team_member_records_an_outcome_on_a_phone_sized_page(client_as, world):
    task = TracingTask.objects.get(person=thu(world))
    client = client_as("community_team")
    page = client.get(f"/tracing/tasks/{task.pk}/").content.decode()
    assert 'name="outcome"' in page and 'name="viewport"' in page
    response = client.post(f"/tracing/tasks/{task.pk}/", {"action": "outcome", "outcome": "isolated"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.outcome == "isolated"


def test_the_commune_officer_assigns_a_task_to_the_groups_team(client_as, world):
    task = TracingTask.objects.get(person=thu(world))
    client = client_as("commune_officer")
    team = world.user("community_team")
    assert f'value="{team.pk}"' in client.get(f"/tracing/tasks/{task.pk}/").content.decode()
    client.post(f"/tracing/tasks/{task.pk}/", {"action": "assign", "assignee": team.pk})
    task.refresh_from_db()
    assert task.assigned_to == team


def test_the_walking_list_names_each_open_task(client_as, world):
    page = client_as("community_team").get(f"/tracing/tasks/walking-list/{world.unit('25966-01').pk}/")
    assert "Lý Thị Thu" in page.content.decode() and "1 " in page.content.decode()


def test_the_task_list_needs_a_bounded_number_of_queries(client_as, world, django_assert_max_num_queries):
    client = client_as("commune_officer")
    with django_assert_max_num_queries(12):
        client.get("/tracing/tasks/?state=open")
    with django_assert_max_num_queries(12):
        client.get("/tracing/levels/")
    with django_assert_max_num_queries(12):
        client.get("/tracing/cases/")


def test_opening_a_case_page_is_audited(client_as, world):
    from phongdich.core.models import AuditEvent

    case = Case.objects.get(person=tam(world))
    client_as("health_worker").get(f"/tracing/cases/{case.pk}/")
    event = AuditEvent.objects.filter(action="read", object_type="surveillance.case").latest("id")
    assert event.person_id == tam(world).pk and event.actor == world.user("health_worker")


def test_a_review_never_sends_the_browser_to_another_site(client_as, world):
    contact = Contact.objects.get(person=thu(world))
    response = client_as("commune_officer").post(
        f"/tracing/contacts/{contact.pk}/review/", {"confirm": "1", "next": "https://evil.example/phish"}
    )
    assert response["Location"] == "/tracing/levels/"


def test_an_f_level_change_whose_cause_has_no_words_reads_without_a_dangling_colon(client_as, world):
    person = thu(world)
    LevelChange.objects.create(
        person=person,
        unit=person.unit,
        from_level=None,
        to_level=2,
        at=timezone.now(),
        reason="a_code_without_words",
        actor="demo",
    )
    page = client_as("commune_officer").get(f"/persons/{person.pk}/").content.decode()
    assert "– → F2</li>" in page


def test_the_case_page_lists_its_contacts_as_labelled_cards_on_a_phone(client_as, world):
    case = Case.objects.get(person=tam(world))
    page = client_as("commune_officer").get(f"/tracing/cases/{case.pk}/?exposures=1").content.decode()
    assert page.count('<table class="table stacked">') >= 2
    assert '<td data-label="Loại">' in page and '<td data-label="Trạng thái">' in page
