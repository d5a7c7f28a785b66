"""Who sees which tasks and directives, the overdue list and the dashboard's counts."""

from datetime import timedelta

from phongdich.core.testing import unit

from ..selectors import directives_visible_to, overdue_tasks, task_counts, tasks_visible_to
from ..services import progress_report, task_assign, task_close
from .world import DEADLINE, user


def seen(who: str) -> set[str]:
    return set(tasks_visible_to(user(who)).values_list("title", flat=True))


def test_the_province_sees_every_task_of_the_province(directives):
    assert len(seen("province_commander")) == 2 and len(seen("analyst")) == 2


def test_a_district_officer_sees_the_province_s_task_led_by_their_district_s_committee(directives):
    assert seen("district_officer") == {directives["ward_task"].title}


def test_a_district_officer_sees_a_task_their_committee_coordinates(directives):
    task_assign(
        actor=user("province_commander"),
        unit=unit("74"),
        title="Xét nghiệm toàn dân vòng 4",
        lead=directives["health"],
        coordinating=[directives["thuan_an"]],
        deadline=DEADLINE,
    )
    assert "Xét nghiệm toàn dân vòng 4" in seen("district_officer")


def test_a_commune_officer_sees_neither_the_province_s_tasks_nor_its_directive(directives):
    assert seen("commune_officer") == set()
    assert not directives_visible_to(user("commune_officer")).exists()


def test_a_district_officer_sees_the_directive_their_committee_has_a_task_of_once(directives):
    assert list(directives_visible_to(user("district_officer"))) == [directives["directive"]]


def test_someone_without_a_role_sees_no_task(directives):
    assert seen("outsider") == set() and not tasks_visible_to(user("health_worker")).exists()


def test_the_overdue_list_holds_the_open_tasks_past_their_deadline(directives):
    after = DEADLINE + timedelta(days=1)
    assert overdue_tasks(user("province_commander"), DEADLINE).count() == 0
    assert overdue_tasks(user("province_commander"), after).count() == 2
    task_close(actor=user("province_commander"), task=directives["health_task"])
    assert list(overdue_tasks(user("district_officer"), after)) == [directives["ward_task"]]


def test_the_counts_of_a_district_include_the_province_s_tasks_led_by_its_committee(directives):
    progress_report(
        actor=user("district_officer"),
        task=directives["ward_task"],
        body=directives["thuan_an"],
        percent=100,
        note="Xong",
        status="done",
    )
    counts = task_counts(user("district_officer"), unit("725"), DEADLINE)
    assert counts == {"open": 0, "overdue": 0, "done": 1, "due_soon": 0}
    province = task_counts(user("province_commander"), unit("74"), DEADLINE - timedelta(days=2))
    assert province == {"open": 1, "overdue": 0, "done": 1, "due_soon": 1}
    late = task_counts(user("province_commander"), unit("74"), DEADLINE + timedelta(days=1))
    assert late == {"open": 1, "overdue": 1, "done": 1, "due_soon": 0}


def test_the_counts_of_another_district_are_empty(directives):
    assert task_counts(user("province_commander"), unit("718"), DEADLINE) == {
        "open": 0,
        "overdue": 0,
        "done": 0,
        "due_soon": 0,
    }


def test_the_counts_take_one_query(directives, django_assert_num_queries):
    officer, thuan_an = user("district_officer"), unit("725")
    task_counts(officer, thuan_an, DEADLINE)  # the officer's scopes, read once per request
    with django_assert_num_queries(1):
        task_counts(officer, thuan_an, DEADLINE)
