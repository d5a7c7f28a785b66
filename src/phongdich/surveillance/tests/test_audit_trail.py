"""What the tracing work leaves in the audit trail: each exposed person's history, new tasks, clusters merged
or dropped, printed walking lists."""

from datetime import timedelta

from django.utils import timezone

from phongdich.core.models import AuditEvent
from phongdich.people.selectors import person_history
from phongdich.people.services import household_create, person_create
from phongdich.surveillance.models import Case, Cluster, Contact, TracingTask
from phongdich.surveillance.services import case_confirm, clusters_rebuild, contact_record


def confirm(world, person, **values):
    return case_confirm(
        actor=world.user("commune_officer"),
        person=person,
        confirmed_at=timezone.now() - timedelta(minutes=30),
        confirmation_test="rt_pcr",
        detection_setting="community",
        **values,
    )


def test_each_household_contact_of_a_new_case_shows_in_that_persons_own_history(world, client_as):
    officer = world.user("commune_officer")
    household = household_create(actor=officer, unit=world.unit("25966-02"), address="45 Đường Nguyễn Văn Tiết")
    f0, wife, son = (
        person_create(actor=officer, full_name=name, birth_year=year, unit=world.unit("25966-02"), household=household)
        for name, year in (("Bùi Văn Hùng", 1975), ("Mai Thị Hoa", 1978), ("Bùi Minh Khang", 2004))
    )
    confirm(world, f0)
    for member in (wife, son):
        contact = Contact.objects.get(person=member, other=f0)
        assert [e.object_id for e in person_history(member) if e.object_type == "surveillance.contact"] == [
            str(contact.pk)
        ]
    page = client_as("commune_officer").get(f"/persons/{wife.pk}/").content.decode()
    assert "tạo người tiếp xúc" in page


def test_new_tracing_tasks_are_audited_in_the_persons_unit(world):
    officer = world.user("commune_officer")
    tuan = person_create(actor=officer, full_name="Cao Minh Tuấn", birth_year=1992, unit=world.unit("25966-02"))
    f0 = world.person("Đỗ Văn Tâm", "25966")
    contact_record(actor=officer, person=tuan, other=f0, kind="workplace", first_at=timezone.now() - timedelta(hours=5))
    task = TracingTask.objects.get(person=tuan)
    row = AuditEvent.objects.get(object_type="surveillance.tracingtask", object_id=str(task.pk))
    assert (row.action, row.person_id, row.unit_path) == ("create", tuan.pk, world.unit("25966-02").path)


def test_a_merge_of_clusters_and_their_deletion_in_a_rebuild_are_audited(world):
    tam = Case.objects.get(person=world.person("Đỗ Văn Tâm", "25966"))
    first = confirm(
        world, person_create(actor="test", full_name="Hà Thị Một", birth_year=1990, unit=world.unit("25966-01"))
    )
    second_person = person_create(actor="test", full_name="Hà Văn Hai", birth_year=1991, unit=world.unit("25966-01"))
    other_cluster = Case.objects.get(pk=confirm(world, second_person, source_case=first).pk).cluster
    assert AuditEvent.objects.filter(
        object_type="surveillance.cluster", object_id=str(other_cluster.pk), action="create"
    )
    bridge = person_create(actor="test", full_name="Cầu Văn Nối", birth_year=1985, unit=world.unit("25966-01"))
    contact_record(
        actor="test", person=bridge, other=first.person, kind="household", first_at=timezone.now() - timedelta(hours=3)
    )
    confirm(world, bridge, source_case=tam)
    merged = AuditEvent.objects.get(object_type="surveillance.cluster", action="merge")
    assert merged.object_id == str(other_cluster.pk) and merged.detail["into"] == Case.objects.get(pk=tam.pk).cluster_id
    assert merged.unit_path == world.unit("25966-01").path
    survivor = Cluster.objects.get()
    clusters_rebuild(actor="test")
    deleted = AuditEvent.objects.get(object_type="surveillance.cluster", action="delete", object_id=str(survivor.pk))
    assert deleted.unit_path == survivor.unit.path and deleted.after["reason"] == "rebuild"


def test_printing_the_tracing_walking_list_is_audited_as_an_export_of_the_group(client_as, world):
    group = world.unit("25966-01")
    client_as("community_team").get(f"/tracing/tasks/walking-list/{group.pk}/")
    row = AuditEvent.objects.get(action="export", object_type="places.adminunit", object_id=str(group.pk))
    assert row.unit_path == group.path and row.detail["rows"] >= 1 and row.actor_label == "community_team"
