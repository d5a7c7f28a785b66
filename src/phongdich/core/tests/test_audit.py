import pytest
from django.db import transaction

from phongdich.core import audit
from phongdich.core.choices import AuditAction
from phongdich.core.models import AuditEvent


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
