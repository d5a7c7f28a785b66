"""A door-to-door task's "isolated" outcome puts the person under an order in the same transaction."""

import pytest
from django.utils import timezone

from phongdich.core import clock
from phongdich.surveillance.choices import TaskOutcome
from phongdich.surveillance.models import TracingTask
from phongdich.surveillance.services import task_outcome_record

from ..choices import OrderKind, OrderStatus
from ..models import IsolationOrder, IsolationRules
from ..services import order_from_tracing_task
from .orders_world import eligibility_rules, isolation_rules


@pytest.fixture
def thu_task(world):
    return TracingTask.objects.get(person=world.person("Lý Thị Thu", "25966"))  # her F1 task


def test_an_f1_the_team_isolated_is_quarantined_at_home_from_today(world, thu_task):
    isolation_rules()
    task_outcome_record(actor=world.user("community_team"), task=thu_task, outcome=TaskOutcome.ISOLATED)
    order = IsolationOrder.objects.get(person=thu_task.person)
    assert order.kind == OrderKind.F1_HOME and order.status == OrderStatus.ACTIVE
    assert order.source_task == thu_task and order.starts_on == clock.today()
    assert order.created_by == world.user("community_team")


def test_recording_the_task_again_makes_no_second_order(world, thu_task):
    isolation_rules()
    task_outcome_record(actor=world.user("community_team"), task=thu_task, outcome=TaskOutcome.ISOLATED)
    first = IsolationOrder.objects.get(person=thu_task.person)
    assert order_from_tracing_task(actor=world.user("community_team"), task=thu_task) == first
    assert IsolationOrder.objects.filter(person=thu_task.person).count() == 1


def test_an_f0_who_cannot_be_judged_eligible_is_left_to_the_health_station_and_the_task_says_so(world):
    isolation_rules()
    eligibility_rules()
    tam = world.person("Đỗ Văn Tâm", "25966")
    task = TracingTask.objects.create(person=tam, unit=tam.unit, level=0, due_at=timezone.now())
    task_outcome_record(actor=world.user("community_team"), task=task, outcome=TaskOutcome.ISOLATED, note="Ở nhà")
    task.refresh_from_db()
    assert task.outcome == TaskOutcome.ISOLATED
    assert task.note.startswith("Ở nhà — Chưa đưa vào điều trị tại nhà, chuyển trạm y tế quyết định: ")
    assert "Chưa đo SpO₂" in task.note
    assert not IsolationOrder.objects.filter(person=tam).exists()


def test_without_rules_that_order_it_the_outcome_is_kept_and_the_task_says_why(world, thu_task):
    IsolationRules.objects.all().delete()
    task_outcome_record(actor=world.user("community_team"), task=thu_task, outcome=TaskOutcome.ISOLATED)
    thu_task.refresh_from_db()
    assert thu_task.outcome == TaskOutcome.ISOLATED and thu_task.note.startswith("Chưa lập quyết định cách ly: ")
    assert not IsolationOrder.objects.exists()


def test_other_outcomes_make_no_order(world, thu_task):
    isolation_rules()
    task_outcome_record(actor=world.user("community_team"), task=thu_task, outcome=TaskOutcome.REACHED)
    assert not IsolationOrder.objects.exists()
