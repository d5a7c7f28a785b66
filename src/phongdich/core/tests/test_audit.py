import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from phongdich.accounts.models import User
from phongdich.accounts.roles import Role
from phongdich.accounts.services import role_assign
from phongdich.core import audit
from phongdich.core.choices import AuditAction
from phongdich.core.models import AuditEvent
from phongdich.core.testing import PASSWORD
from phongdich.surveillance.models import Contact, TracingTask
from phongdich.surveillance.services import contact_review


def test_an_audit_row_cannot_be_changed(world):
    event = audit.record(actor="test", action=AuditAction.READ, object_type="x", object_id="1")
    event.object_repr = "changed"
    with pytest.raises(PermissionError):
        event.save()


def test_an_audit_row_cannot_be_deleted_one_by_one_or_in_bulk(world):
    event = audit.record(actor="test", action=AuditAction.READ, object_type="x", object_id="1")
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.update(action="create")


def test_an_audit_row_is_rolled_back_with_the_change_it_describes(world):
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        audit.record(actor="test", action=AuditAction.UPDATE, object_type="x", object_id="1")
        raise RuntimeError("the change failed")
    assert AuditEvent.objects.count() == before


def test_an_audit_row_carries_the_request_id_of_the_request(client_as):
    client = client_as("commune_officer")
    response = client.get("/persons/", headers={"X-Request-ID": "req-123"})
    assert response["X-Request-ID"] == "req-123"


def test_the_audit_page_is_for_administrators_only(client_as):
    assert client_as("province_commander").get("/audit/").status_code == 403
    assert client_as("system_admin").get("/audit/").status_code == 200


def test_the_audit_page_filters_by_person_actor_unit_and_date(client_as, world):
    hang = world.person("Nguyễn Thị Hằng", "25966")
    client = client_as("system_admin")
    response = client.get(
        "/audit/", {"person": hang.pk, "actor": "system_admin", "unit": world.unit("725").pk, "since": "2020-01-01"}
    )
    assert response.status_code == 200
    rows = response.context["table"].data.data
    assert rows.count() >= 1
    assert all(row.person_id == hang.pk for row in rows)
    other = client.get("/audit/", {"person": hang.pk, "unit": world.unit("718").pk})
    assert other.context["table"].data.data.count() == 0


def test_the_database_refuses_an_audit_row_without_a_unit(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.create(actor_label="test", action=AuditAction.READ, object_type="x", unit_path="")
    with pytest.raises(audit.MissingUnitPath):
        audit.record_many(actor="test", action=AuditAction.UPDATE, object_type="x", rows=[(1, "x", None, "", {})])


def test_an_audit_row_takes_its_unit_from_the_object_then_the_person_then_the_actor(world):
    hang = world.person("Nguyễn Thị Hằng", "25966")
    officer = world.user("district_officer")
    task = TracingTask.objects.select_related("unit").first()
    assert audit.record(actor=officer, action=AuditAction.READ, instance=task).unit_path == task.unit.path
    by_person = audit.record(actor=officer, action=AuditAction.READ, object_type="x", person_id=hang.pk)
    assert by_person.unit_path == hang.unit.path
    assert audit.record(actor=officer, action=AuditAction.LOGIN, instance=officer).unit_path == "legacy:74/725/"
    assert audit.record(actor="cli", action=AuditAction.IMPORT, object_type="x").unit_path == "legacy:74/"


@pytest.fixture
def district_admin(world):
    admin = User.objects.create_user(username="quan_tri_thuan_an", password=PASSWORD, full_name="Ngô Thị Lan")
    role_assign(actor="test", user=admin, role=Role.SYSTEM_ADMIN, unit=world.unit("725"))
    return admin


def test_a_district_administrator_sees_the_rows_about_that_districts_people_and_accounts_only(
    client, world, district_admin
):
    for name in ("commune_officer", "other_commune"):  # Lái Thiêu is in Thuận An, Hiệp Thành is not
        client.post("/accounts/login/", {"username": name, "password": PASSWORD})
        client.post("/accounts/logout/")
        client.post("/accounts/login/", {"username": name, "password": "sai mật khẩu"})
    hang, other_hang = world.person("Nguyễn Thị Hằng", "25966"), world.person("Nguyễn Thị Hằng", "25741")
    for person in (hang, other_hang):
        client.force_login(world.user("system_admin"))
        client.get(f"/persons/{person.pk}/")
    client.force_login(world.user("system_admin"))
    client.get("/persons/export.csv", {"unit": world.unit("25966").pk})
    client.force_login(district_admin)
    rows = list(client.get("/audit/", {"since": "2021-01-01"}).context["table"].data.data[:500])
    seen = {(row.action, row.object_repr) for row in rows} | {(row.action, row.person_id) for row in rows}
    assert {("login", "commune_officer"), ("logout", "commune_officer"), ("login_failed", "commune_officer")} <= seen
    assert ("read", hang.pk) in seen and any(row.action == "export" for row in rows)
    assert not {("login", "other_commune"), ("login_failed", "other_commune"), ("read", other_hang.pk)} & seen
    assert all(row.unit_path.startswith("legacy:74/725/") for row in rows)


def test_the_audit_page_speaks_vietnamese_field_labels_choices_and_dates(client_as, world):
    officer = world.user("commune_officer")
    thu = world.person("Lý Thị Thu", "25966")
    contact = Contact.objects.get(person=thu)
    contact_review(actor=officer, contact=contact, confirm=False, reason="Không gặp nhau")
    page = client_as("system_admin").get("/audit/", {"person": thu.pk}).content.decode()
    table = page.split("<table")[1]
    assert "<b>Trạng thái</b>: Đã xác nhận → Đã loại" in table and "<b>Lý do loại</b>: — → Không gặp nhau" in table
    assert "dismissed_reason" not in table and "dismissed" not in table
    assert "Người tiếp xúc" in table and "cập nhật" in table
    assert timezone.localtime().strftime("%d/%m/%Y ") in table


def test_the_audit_page_needs_a_bounded_number_of_queries(client_as, django_assert_max_num_queries):
    client = client_as("system_admin")
    with django_assert_max_num_queries(12):  # a page of 50 rows: one query per kind of record its changes name
        assert client.get("/audit/").status_code == 200
