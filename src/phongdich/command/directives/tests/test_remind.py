"""The daily reminders: the lead body's members with an e-mail address hear of an open task due within two days
or overdue, once a day."""

from datetime import datetime, time, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from phongdich.core.models import AuditEvent

from ..services import body_members_set, task_close, tasks_remind
from .world import DEADLINE, fresh, user


def at(day, hour: int = 7):
    return timezone.make_aware(datetime.combine(day, time(hour)))


@pytest.fixture
def addressed(directives):
    officer = user("district_officer")
    officer.email = "thuanan@example.vn"
    officer.save(update_fields=["email"])
    commune = user("commune_officer")  # a member without an address
    body_members_set(actor=user("province_commander"), body=directives["thuan_an"], members=[officer, commune])
    return directives


def remind(day, hour: int = 7, capture=None) -> dict:
    with capture(execute=True):
        return tasks_remind(now=at(day, hour))


def test_the_lead_body_hears_of_a_task_due_in_two_days(addressed, mailoutbox, django_capture_on_commit_callbacks):
    sent = remind(DEADLINE - timedelta(days=2), capture=django_capture_on_commit_callbacks)
    assert sent == {"tasks": 2, "emails": 1}  # Sở Y tế's task too, but Sở Y tế has no member to mail
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["thuanan@example.vn"]
    assert f"/command/directives/tasks/{addressed['ward_task'].pk}/" in mailoutbox[0].body
    assert fresh(addressed["ward_task"]).reminded_at == at(DEADLINE - timedelta(days=2))
    assert fresh(addressed["health_task"]).reminded_at is not None
    assert (
        AuditEvent.objects.filter(
            object_type="command.task", action="update", actor_label="phongdich reminders"
        ).count()
        == 2
    )


def test_a_second_run_the_same_day_sends_nothing(addressed, mailoutbox, django_capture_on_commit_callbacks):
    day = DEADLINE - timedelta(days=1)
    remind(day, capture=django_capture_on_commit_callbacks)
    assert remind(day, hour=18, capture=django_capture_on_commit_callbacks) == {"tasks": 0, "emails": 0}
    assert len(mailoutbox) == 1


def test_an_overdue_task_is_reminded_again_the_next_day(addressed, mailoutbox, django_capture_on_commit_callbacks):
    remind(DEADLINE + timedelta(days=3), capture=django_capture_on_commit_callbacks)
    remind(DEADLINE + timedelta(days=4), capture=django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 2
    assert "30/09/2021" in mailoutbox[1].subject and addressed["ward_task"].title in mailoutbox[1].subject


def test_a_task_due_later_or_closed_is_not_reminded(addressed, mailoutbox, django_capture_on_commit_callbacks):
    assert remind(DEADLINE - timedelta(days=3), capture=django_capture_on_commit_callbacks)["tasks"] == 0
    task_close(actor=user("province_commander"), task=addressed["ward_task"])
    task_close(actor=user("province_commander"), task=addressed["health_task"], status="cancelled", note="Gộp")
    assert remind(DEADLINE, capture=django_capture_on_commit_callbacks)["tasks"] == 0
    assert mailoutbox == []


def test_nothing_is_mailed_when_the_reminders_roll_back(addressed, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        tasks_remind(now=at(DEADLINE))
    assert len(callbacks) == 1 and mailoutbox == []


def test_the_command_line_sends_the_day_s_reminders(addressed, mailoutbox, django_capture_on_commit_callbacks, capsys):
    from phongdich.core import clock

    clock.use(DEADLINE)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("remind_tasks")
    assert "Tasks reminded: 2; e-mails sent: 1." in capsys.readouterr().out
    assert len(mailoutbox) == 1


def test_the_reminders_are_periodic_work_of_the_task_workers():
    from phongdich.core.background import PERIODIC

    assert PERIODIC["phongdich.command.directives.tasks.directives_remind"] == timedelta(minutes=60)
