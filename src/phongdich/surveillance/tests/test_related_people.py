"""A person a page names in passing (the source of an F-level, the other party of a contact, a pool member,
overdue staff) is named inside the viewer's jurisdiction and masked outside it."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from phongdich.people.services import person_create
from phongdich.surveillance.choices import ContactKind, DetectionSetting
from phongdich.surveillance.models import Case
from phongdich.surveillance.services import case_confirm, contact_record

MASKED = "ngoài địa bàn của bạn"


def a_hiep_thanh_case(world):
    """Lê Hoàng Phúc of Hiệp Thành, a confirmed case since two hours ago."""
    phuc = world.person("Lê Hoàng Phúc", "25741")
    case_confirm(
        actor="test",
        person=phuc,
        confirmed_at=timezone.now() - timedelta(hours=2),
        confirmation_test="rt_pcr",
        detection_setting=DetectionSetting.COMMUNITY,
    )
    return phuc


def lai_thieu_contacts_of(source, world, names):
    people = []
    for name in names:
        person = person_create(actor="test", full_name=name, birth_year=1990, unit=world.unit("25966-02"))
        contact_record(
            actor="test",
            person=person,
            other=source,
            kind=ContactKind.WORKPLACE,
            first_at=timezone.now() - timedelta(days=1),
        )
        people.append(person)
    return people


def test_a_commune_officer_sees_a_masked_reference_for_the_f_level_source_outside_the_commune(client_as, world):
    phuc = a_hiep_thanh_case(world)
    [nam] = lai_thieu_contacts_of(phuc, world, ["Trịnh Văn Nam"])
    client = client_as("commune_officer")
    page = client.get(f"/persons/{nam.pk}/").content.decode()
    assert "F1" in page and "Lê Hoàng Phúc" not in page
    assert f"#{phuc.pk}, {MASKED}" in page
    other = client_as("province_commander").get(f"/persons/{nam.pk}/").content.decode()
    assert f'<a href="/persons/{phuc.pk}/">Lê Hoàng Phúc</a>' in other


def test_the_f_level_list_masks_sources_outside_the_commune_in_a_bounded_number_of_queries(client_as, world):
    phuc = a_hiep_thanh_case(world)
    lai_thieu_contacts_of(phuc, world, ["Trịnh Văn Nam"])
    client = client_as("commune_officer")
    with CaptureQueriesContext(connection) as one:
        page = client.get("/tracing/levels/").content.decode()
    assert "Trịnh Văn Nam" in page and "Lê Hoàng Phúc" not in page and MASKED in page
    lai_thieu_contacts_of(phuc, world, ["Mai Thị Lan", "Hồ Văn Sơn", "Đặng Thị Mỹ", "Vương Văn Khải"])
    with CaptureQueriesContext(connection) as five:
        page = client.get("/tracing/levels/").content.decode()
    assert "Vương Văn Khải" in page
    assert len(five) == len(one)


def test_the_case_page_masks_the_other_party_of_a_contact_outside_the_commune(client_as, world):
    tam = world.person("Đỗ Văn Tâm", "25966")
    phuc = world.person("Lê Hoàng Phúc", "25741")
    contact_record(
        actor="test", person=tam, other=phuc, kind=ContactKind.HOUSEHOLD, first_at=timezone.now() - timedelta(days=1)
    )
    case = Case.objects.get(person=tam)
    page = client_as("commune_officer").get(f"/tracing/cases/{case.pk}/").content.decode()
    assert "Lý Thị Thu" in page  # inside the commune: named
    assert "Lê Hoàng Phúc" not in page and f"#{phuc.pk}, {MASKED}" in page


def test_a_testing_plan_names_overdue_staff_only_inside_the_viewers_area(client_as, world):
    from phongdich.labs.models import TestingPlan

    plan = TestingPlan.objects.get()
    phuc = world.person("Lê Hoàng Phúc", "25741")  # works in Lái Thiêu, lives in Hiệp Thành
    page = client_as("commune_officer").get(f"/testing/organisations/{plan.pk}/").content.decode()
    assert "Lê Hoàng Phúc" not in page and f"#{phuc.pk}, {MASKED}" in page
    page = client_as("enterprise_rep").get(f"/testing/organisations/{plan.pk}/").content.decode()
    assert "Lê Hoàng Phúc" in page


def test_a_printed_walking_list_masks_a_person_who_moved_out_of_the_commune_without_their_address(client_as, world):
    from phongdich.people.models import Person

    thu = world.person("Lý Thị Thu", "25966")
    Person.objects.filter(pk=thu.pk).update(
        unit=world.unit("25741-01"), address="12 đường Nguyễn Trãi", phone="0987654321"
    )
    page = client_as("community_team").get(f"/tracing/tasks/walking-list/{world.unit('25966-01').pk}/").content.decode()
    assert f"#{thu.pk}, {MASKED}" in page
    assert not any(field in page for field in ("Lý Thị Thu", "Nguyễn Trãi", "0987654321"))
    page = client_as("province_commander").get(f"/tracing/tasks/walking-list/{world.unit('25966-01').pk}/")
    assert "Lý Thị Thu" in page.content.decode() and "Nguyễn Trãi" in page.content.decode()


def test_the_case_list_masks_a_case_whose_person_moved_out_of_the_commune(client_as, world):
    from phongdich.people.models import Person

    tam = world.person("Đỗ Văn Tâm", "25966")
    Person.objects.filter(pk=tam.pk).update(unit=world.unit("25741-01"))
    page = client_as("commune_officer").get("/tracing/cases/").content.decode()
    assert f"#{tam.pk}, {MASKED}" in page and "Đỗ Văn Tâm" not in page
    page = client_as("province_commander").get("/tracing/cases/").content.decode()
    assert f'<a href="/persons/{tam.pk}/">Đỗ Văn Tâm</a>' in page


def test_the_task_list_and_page_mask_a_person_who_moved_out_of_the_commune_without_their_phone(client_as, world):
    from phongdich.people.models import Person
    from phongdich.surveillance.models import TracingTask

    thu = world.person("Lý Thị Thu", "25966")
    task = TracingTask.objects.get(person=thu)
    Person.objects.filter(pk=thu.pk).update(unit=world.unit("25741-01"), phone="0987654321")
    client = client_as("commune_officer")
    listed = client.get("/tracing/tasks/?state=open").content.decode()
    assert f'<a href="/tracing/tasks/{task.pk}/">người #{thu.pk}, {MASKED}</a>' in listed and "Lý Thị Thu" not in listed
    page = client.get(f"/tracing/tasks/{task.pk}/").content.decode()
    assert f"#{thu.pk}, {MASKED}" in page and not any(field in page for field in ("Lý Thị Thu", "0987654321"))
    page = client_as("province_commander").get(f"/tracing/tasks/{task.pk}/").content.decode()
    assert "Lý Thị Thu" in page and "0987654321" in page
