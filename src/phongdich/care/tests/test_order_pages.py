"""The order pages: the list each role sees, an order's page, new orders for a person or a household, ending,
assigning, visits and medicine; in Vietnamese, on a phone, in the viewer's scope."""

from datetime import timedelta
from itertools import count

import pytest
from django.utils import timezone

from phongdich.core import clock
from phongdich.core.models import AuditEvent
from phongdich.people.services import person_create

from ..choices import OrderKind, OrderStatus
from ..models import CareContact, IsolationOrder, MedicineDelivery, MedicineKind
from .factories import an_order
from .orders_world import a_site, eligibility_rules, household_of, isolation_rules

_names = count(1)


@pytest.fixture(autouse=True)
def rules(db):
    eligibility_rules()
    return isolation_rules()


@pytest.fixture
def orders(world):
    """Thu (Khu phố 1) quarantined at home, Lộc (Khu phố 2) treated at home, Hằng of Hiệp Thành in quarantine."""
    yesterday = clock.today() - timedelta(days=1)
    return {
        "thu": an_order(world.person("Lý Thị Thu", "25966"), OrderKind.F1_HOME, yesterday),
        "loc": an_order(world.person("Phan Văn Lộc", "25966"), OrderKind.F0_HOME, yesterday),
        "hang_b": an_order(world.person("Nguyễn Thị Hằng", "25741"), OrderKind.F1_HOME, yesterday),
    }


def local_now(minutes_ago: int = 0) -> str:
    """A datetime-local field's value, in the platform's time zone."""
    return (timezone.localtime(clock.now()) - timedelta(minutes=minutes_ago)).strftime("%Y-%m-%dT%H:%M")


def listed(client, path="/care/orders/") -> set[int]:
    response = client.get(path)
    assert response.status_code == 200
    return {row.record.pk for row in response.context["table"].page.object_list}


def test_each_role_lists_the_orders_of_its_own_area(client_as, orders):
    ids = {name: order.pk for name, order in orders.items()}
    assert listed(client_as("commune_officer")) == {ids["thu"], ids["loc"]}
    assert listed(client_as("community_team")) == {ids["thu"]}  # her residential group only
    assert listed(client_as("health_worker")) == {ids["thu"], ids["loc"]}  # the station's ward
    assert listed(client_as("other_commune")) == {ids["hang_b"]}
    assert listed(client_as("province_commander")) == set(ids.values())
    assert listed(client_as("analyst_commune")) == {ids["hang_b"]}  # her commune role's area, not the province's
    assert client_as("outsider").get("/care/orders/").status_code == 403
    assert client_as("analyst").get("/care/orders/").status_code == 403


def test_the_list_filters_by_due_kind_and_who_looks_after(client_as, world, orders):
    late = an_order(
        world.person("Đỗ Văn Tâm", "25966"), OrderKind.F0_HOME, starts_on=clock.today() - timedelta(days=15)
    )
    IsolationOrder.objects.filter(pk=orders["thu"].pk).update(responsible=world.user("health_worker"))
    officer = client_as("commune_officer")
    assert listed(officer, "/care/orders/?due=overdue") == {late.pk}
    assert listed(officer, "/care/orders/?kind=f1_home") == {orders["thu"].pk}
    assert listed(client_as("health_worker"), "/care/orders/?responsible=me") == {orders["thu"].pk}
    assert listed(officer, "/care/orders/?q=phan van loc") == {orders["loc"].pk}
    page = officer.get("/care/orders/?due=overdue").content.decode()
    assert "Đã quá ngày dự kiến kết thúc" in page


def test_the_list_costs_the_same_queries_however_many_orders(client_as, world, orders, queries_do_not_grow):
    officer = world.user("commune_officer")

    def add_orders():
        for _ in range(5):
            person = person_create(
                actor=officer, full_name=f"Võ Thị Hoa {next(_names)}", birth_year=1990, unit=world.unit("25966-02")
            )
            an_order(person, OrderKind.F1_HOME, responsible=world.user("health_worker"), team="Tổ COVID khu phố 2")

    client = client_as("commune_officer")
    before, after = queries_do_not_grow(7, lambda: client.get("/care/orders/"), add_orders)
    assert len(after.context["table"].page.object_list) == len(before.context["table"].page.object_list) + 5


def test_an_orders_page_shows_its_plan_in_vietnamese_and_the_read_is_audited(
    client_as, world, orders, untranslated_msgids
):
    order = orders["thu"]
    page = client_as("commune_officer").get(f"/care/orders/{order.pk}/").content.decode()
    assert "Lý Thị Thu" in page and "Quy định thử nghiệm" in page
    assert f"{order.planned_end:%d/%m/%Y}" in page and "Kế hoạch" in page
    assert 'name="status"' in page and 'name="kind"' in page  # end and visit forms for the commune's officer
    assert 'id="self-reports"' in page and "Tự báo cáo sức khỏe" in page  # the readings, the link, a staff reading
    assert not untranslated_msgids
    read = AuditEvent.objects.filter(object_type="care.isolationorder", object_id=str(order.pk), action="read")
    assert read.get().person_id == order.person_id


def test_an_order_outside_the_jurisdiction_is_not_found(client_as, orders):
    for persona in ("other_commune", "analyst_commune"):
        assert client_as(persona).get(f"/care/orders/{orders['thu'].pk}/").status_code == 404
    assert client_as("community_team").get(f"/care/orders/{orders['loc'].pk}/").status_code == 404
    assert client_as("outsider").get(f"/care/orders/{orders['thu'].pk}/").status_code == 403


def test_the_community_team_may_record_a_visit_but_not_end_an_order(client_as, orders):
    client = client_as("community_team")
    page = client.get(f"/care/orders/{orders['thu'].pk}/").content.decode()
    assert 'action="/care/orders/{}/visits/"'.format(orders["thu"].pk) in page
    assert "/end/" not in page
    response = client.post(f"/care/orders/{orders['thu'].pk}/visits/", {"kind": "call", "done_at": local_now(10)})
    assert response.status_code == 302 and CareContact.objects.filter(order=orders["thu"]).count() == 1
    assert client.post(f"/care/orders/{orders['thu'].pk}/end/", {"status": "broken"}).status_code == 403


def test_the_health_worker_ends_an_order_and_hands_out_a_package(client_as, orders):
    client = client_as("health_worker")
    order = orders["loc"]
    delivered_at = local_now()
    package = MedicineKind.objects.get(code="A")
    response = client.post(
        f"/care/orders/{order.pk}/medicines/", {"kind": package.pk, "quantity": 1, "delivered_at": delivered_at}
    )
    assert response.status_code == 302 and MedicineDelivery.objects.filter(order=order).count() == 1
    response = client.post(
        f"/care/orders/{order.pk}/end/",
        {"status": "transferred", "ended_on": clock.today().isoformat(), "reason": "Bệnh viện đa khoa tỉnh"},
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.TRANSFERRED


def test_a_refused_end_says_why_and_changes_nothing(client_as, orders):
    client = client_as("commune_officer")
    order = orders["thu"]
    response = client.post(
        f"/care/orders/{order.pk}/end/", {"status": "transferred", "ended_on": clock.today().isoformat()}, follow=True
    )
    assert "Ghi nơi người bệnh được chuyển đến." in response.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.ACTIVE


def test_posting_to_an_order_outside_the_jurisdiction_answers_not_found(client_as, orders):
    client = client_as("other_commune")
    for action, data in (
        ("end", {"status": "broken"}),
        ("assign", {"team": "Tổ 1"}),
        ("visits", {}),
        ("medicines", {}),
    ):
        assert client.post(f"/care/orders/{orders['thu'].pk}/{action}/", data).status_code == 404
    assert client.get(f"/care/orders/{orders['thu'].pk}/end/").status_code == 405


def test_the_officer_assigns_the_health_worker_from_the_orders_page(client_as, world, orders):
    order = orders["thu"]
    response = client_as("commune_officer").post(
        f"/care/orders/{order.pk}/assign/",
        {"responsible": world.user("health_worker").pk, "team": "Tổ COVID khu phố 1"},
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.responsible == world.user("health_worker") and order.team == "Tổ COVID khu phố 1"


def test_a_new_order_from_the_menu_finds_the_person_by_name_and_year(client_as, world, untranslated_msgids):
    client = client_as("commune_officer")
    page = client.get("/care/orders/new/")
    assert page.status_code == 200 and 'name="number"' in page.content.decode()
    response = client.post(
        "/care/orders/new/",
        {"number": "Lý Thị Thu 1988", "kind": "f1_home", "starts_on": clock.today().isoformat()},
    )
    order = IsolationOrder.objects.get(person=world.person("Lý Thị Thu", "25966"))
    assert response.status_code == 302 and response["Location"] == f"/care/orders/{order.pk}/"
    assert not untranslated_msgids


def test_an_f0_failing_the_criteria_comes_back_with_each_criterion_named(client_as, world, untranslated_msgids):
    tam = world.person("Đỗ Văn Tâm", "25966")
    client = client_as("health_worker")
    assert "F0 điều trị tại nhà" in client.get(f"/care/orders/new/{tam.pk}/").content.decode()
    response = client.post(
        f"/care/orders/new/{tam.pk}/",
        {"kind": "f0_home", "starts_on": clock.today().isoformat(), "state": "mild", "breathing_rate": 23, "spo2": 95},
    )
    page = response.content.decode()
    assert response.status_code == 200 and "error-summary" in page
    assert "Nhịp thở 23 lần/phút" in page and "SpO₂ 95%" in page
    assert not IsolationOrder.objects.filter(person=tam).exists()
    assert not untranslated_msgids


def test_an_implausible_reading_is_refused_on_the_form(client_as, world):
    tam = world.person("Đỗ Văn Tâm", "25966")
    response = client_as("health_worker").post(
        f"/care/orders/new/{tam.pk}/", {"kind": "f0_home", "starts_on": clock.today().isoformat(), "spo2": 30}
    )
    assert response.status_code == 200 and response.context["form"].errors["spo2"]


def test_a_person_outside_the_jurisdiction_has_no_new_order_page(client_as, world):
    hang_b = world.person("Nguyễn Thị Hằng", "25741")
    assert client_as("commune_officer").get(f"/care/orders/new/{hang_b.pk}/").status_code == 404
    assert client_as("analyst").get(f"/care/orders/new/{hang_b.pk}/").status_code == 403


def test_a_household_is_ordered_from_a_members_page_with_everyone_ticked(client_as, world):
    officer = world.user("commune_officer")
    thu = world.person("Lý Thị Thu", "25966")
    husband = person_create(actor=officer, full_name="Trương Văn Nam", birth_year=1985, unit=world.unit("25966-01"))
    household_of(thu, husband)
    client = client_as("commune_officer")
    person_page = client.get(f"/persons/{thu.pk}/").content.decode()
    assert f"/care/orders/household/{thu.pk}/" in person_page
    form_page = client.get(f"/care/orders/household/{thu.pk}/").content.decode()
    assert "Trương Văn Nam" in form_page and form_page.count("checked") >= 2
    site = a_site(places=5)
    response = client.post(
        f"/care/orders/household/{thu.pk}/",
        {"members": [thu.pk, husband.pk], "kind": "f1_site", "starts_on": clock.today().isoformat(), "site": site.pk},
    )
    assert response.status_code == 302
    orders = IsolationOrder.objects.filter(person__in=[thu, husband])
    assert orders.count() == 2 and len({order.group_code for order in orders}) == 1
    page = client.get(response["Location"]).content.decode()
    assert "Cách ly cùng" in page and "Trương Văn Nam" in page


def test_the_person_page_lists_their_orders(client_as, world, orders):
    page = client_as("health_worker").get(f"/persons/{orders['thu'].person_id}/").content.decode()
    assert f"/care/orders/{orders['thu'].pk}/" in page and "Cách ly và điều trị tại nhà" in page
    assert f"/care/orders/new/{orders['thu'].person_id}/" in page


def test_the_order_pages_fit_a_phone_and_have_no_english_left(client_as, orders):
    from phongdich.core.testing import english_sentences_in

    client = client_as("health_worker")
    for path in ("/care/orders/", f"/care/orders/{orders['loc'].pk}/", "/care/orders/new/", "/care/sites/"):
        page = client.get(path).content.decode()
        assert 'name="viewport"' in page and not english_sentences_in(page), path
