"""A version that ends kinds of order (1909/BYT-DP: F1 no longer quarantined) releases their active orders once it
has taken effect: slice by slice, one audit row per order, resumable, never twice."""

import io
from datetime import date, timedelta

import pytest
from django.core.management import call_command

from phongdich.care.models import IsolationOrder, IsolationRules
from phongdich.care.services import isolation_rules_add, isolation_rules_apply, rules_due_apply
from phongdich.care.tests.factories import an_order, rules_for_tests
from phongdich.core import audit, clock
from phongdich.core.models import AuditEvent
from phongdich.people.models import Person

PEOPLE = ["Nguyễn Thị Hằng", "Đỗ Văn Tâm", "Lý Thị Thu", "Phan Văn Lộc", "Lê Hoàng Phúc"]


@pytest.fixture
def rules_1909(db) -> IsolationRules:
    return IsolationRules.objects.get(effective_from=date(2022, 4, 15))


@pytest.fixture
def rules_762(db) -> IsolationRules:
    return IsolationRules.objects.get(effective_from=date(2022, 2, 21))


def people() -> list[Person]:
    return [Person.objects.filter(full_name=name).order_by("pk").first() for name in PEOPLE]


def f1_orders_under(rules: IsolationRules, kind: str = "f1_home") -> list[IsolationOrder]:
    return [an_order(person, kind=kind, starts_on=date(2022, 4, 10), rules=rules) for person in people()]


def audit_rows_of(orders) -> list[AuditEvent]:
    ids = [str(order.pk) for order in orders]
    return list(AuditEvent.objects.filter(object_type="care.isolationorder", object_id__in=ids).order_by("object_id"))


def test_1909_releases_the_active_f1_orders_and_leaves_f0_at_home(rules_1909, rules_762):
    f1 = f1_orders_under(rules_762)
    hang = people()[0]
    at_site = an_order(hang, kind="f1_site", starts_on=date(2022, 4, 12), rules=rules_762)
    f0 = an_order(people()[1], kind="f0_home", starts_on=date(2022, 4, 12), rules=rules_762)

    assert isolation_rules_apply(version=rules_1909) == 6

    for order in [*f1, at_site]:
        order.refresh_from_db()
        assert (order.status, order.ended_on, order.end_reason) == ("released", date(2022, 4, 15), "rules_ended")
        assert order.end_params == {"document": rules_1909.source_document}
    f0.refresh_from_db()
    assert (f0.status, f0.ended_on) == ("active", None)
    rules_1909.refresh_from_db()
    assert rules_1909.applied_at is not None


def test_each_released_order_has_one_audit_row_in_its_persons_unit(rules_1909, rules_762):
    f1 = f1_orders_under(rules_762)
    isolation_rules_apply(version=rules_1909)
    rows = audit_rows_of(f1)
    assert len(rows) == len(f1)
    by_order = {row.object_id: row for row in rows}
    for order in f1:
        row = by_order[str(order.pk)]
        assert row.actor_label == "isolation-rules"
        assert row.person_id == order.person_id
        assert row.unit_path == order.unit.path
        assert row.after["status"] == "released" and row.after["ended_on"] == "2022-04-15"
    assert AuditEvent.objects.filter(object_type="care.isolationrules", object_id=str(rules_1909.pk)).exists()


def test_an_order_started_after_the_date_under_the_earlier_rules_ends_on_its_start(rules_1909, rules_762):
    order = an_order(people()[0], kind="f1_home", starts_on=date(2022, 4, 16), rules=rules_762)
    isolation_rules_apply(version=rules_1909)
    order.refresh_from_db()
    assert (order.status, order.ended_on) == ("released", date(2022, 4, 16))
    assert audit_rows_of([order])[0].after["ended_on"] == "2022-04-16"


def test_an_order_planned_under_a_later_version_is_left_as_it_is(rules_1909):
    today_rules = rules_for_tests()  # a year before today: after 1909, and it plans F1 at home again
    order = an_order(people()[0], kind="f1_home", rules=today_rules)
    assert isolation_rules_apply(version=rules_1909) == 0
    order.refresh_from_db()
    assert order.status == "active"


def test_running_it_again_releases_nothing_twice(rules_1909, rules_762):
    f1 = f1_orders_under(rules_762)
    assert isolation_rules_apply(version=rules_1909) == 5
    assert isolation_rules_apply(version=rules_1909) == 0
    assert rules_due_apply() == 0
    assert len(audit_rows_of(f1)) == 5


def test_killed_halfway_it_keeps_the_committed_slices_and_a_rerun_finishes_the_rest(rules_1909, rules_762, monkeypatch):
    f1 = f1_orders_under(rules_762)
    written = audit.record_many
    slices = []

    def dies_in_the_second_slice(**kwargs):
        slices.append(len(kwargs["rows"]))
        if len(slices) == 2:
            raise KeyboardInterrupt("the worker is killed")
        written(**kwargs)

    monkeypatch.setattr(audit, "record_many", dies_in_the_second_slice)
    with pytest.raises(KeyboardInterrupt):
        isolation_rules_apply(version=rules_1909, slice_rows=2)
    statuses = sorted(IsolationOrder.objects.filter(pk__in=[o.pk for o in f1]).values_list("status", flat=True))
    assert statuses == ["active"] * 3 + ["released"] * 2  # the first slice committed, the second rolled back
    rules_1909.refresh_from_db()
    assert rules_1909.applied_at is None

    monkeypatch.setattr(audit, "record_many", written)
    assert rules_due_apply() == 3
    assert set(IsolationOrder.objects.filter(pk__in=[o.pk for o in f1]).values_list("status", flat=True)) == {
        "released"
    }
    assert len(audit_rows_of(f1)) == 5
    rules_1909.refresh_from_db()
    assert rules_1909.applied_at is not None


def test_a_version_not_yet_in_effect_releases_nothing(world, rules_762):
    today = clock.today()
    later = isolation_rules_add(
        actor=world.user("system_admin"),
        effective_from=today + timedelta(days=5),
        source_document="Công văn thử nghiệm: F1 không phải cách ly",
        document_date=today,
        durations={"f0_home": rules_762.durations["f0_home"]},
        recovered_months=3,
        ends_kinds=["f1_home"],
    )
    order = an_order(people()[0], kind="f1_home", rules=rules_for_tests())
    assert isolation_rules_apply(version=later) == 0
    assert rules_due_apply() == 0
    order.refresh_from_db()
    later.refresh_from_db()
    assert order.status == "active" and later.applied_at is None


def test_the_daily_command_applies_the_versions_due(rules_1909, rules_762):
    f1_orders_under(rules_762)
    out = io.StringIO()
    call_command("care", "apply-rules", stdout=out)
    assert out.getvalue().startswith("5 active order(s) released")
