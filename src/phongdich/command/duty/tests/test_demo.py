"""The demo's week of the province command centre's duty log, built on the small world of the tests: three shifts a
day up to the one on duty and the next one opened, every ended shift handed over and received, entries inside their
shifts logged by their officers, and three briefings of the provincial steering committee whose decisions became
tasks of the bodies the province has."""

import random

import pytest
from django.db.models import F
from django.utils import timezone

from phongdich.command.choices import BodyKind
from phongdich.core import clock
from phongdich.core.testing import unit
from phongdich.demo.command_duty import DUTY_STAFF, build_duty

from ...models import Body, Briefing, DutyEntry, DutyShift, Task
from ..selectors import next_shift, previous_shift, shift_on_duty

pytestmark = pytest.mark.django_db
PROVINCE_BODIES = {
    "Sở Y tế": BodyKind.DEPARTMENT,
    "Công an tỉnh": BodyKind.POLICE,
    "Bộ Chỉ huy Quân sự tỉnh": BodyKind.MILITARY,
    "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh": BodyKind.FRONT,
    "Trung tâm Kiểm soát bệnh tật tỉnh": BodyKind.HOSPITAL,
    "Sở Lao động – Thương binh và Xã hội": BodyKind.DEPARTMENT,
    "Ban Quản lý các khu công nghiệp": BodyKind.DEPARTMENT,
}


@pytest.fixture
def built(world):
    for name, kind in PROVINCE_BODIES.items():  # as the directives' demo adds them
        Body.objects.create(unit=unit("74"), name=name, kind=kind)
    return build_duty("demo", days=7, rng=random.Random(3))


def test_a_week_of_three_shifts_a_day_up_to_the_one_on_duty_each_ended_one_handed_over_and_received(built):
    province = unit("74")
    now = clock.now()
    shifts = list(DutyShift.objects.filter(unit=province).order_by("starts_at"))
    assert built.shifts == len(shifts) and 19 <= len(shifts) <= 22
    assert {timezone.localtime(shift.starts_at).hour for shift in shifts} <= {7, 15, 23}
    assert sum(shift.starts_at > now for shift in shifts) == 1  # the next shift is open
    on_duty = shift_on_duty(province)
    assert on_duty is not None and on_duty.handed_over_at is None
    before = previous_shift(on_duty)
    assert before.handover_note and before.received_by == on_duty.lead
    for shift in shifts:
        if shift.ends_at <= now:
            following = next_shift(shift)
            assert shift.handed_over_at <= shift.ends_at and shift.received_by == following.lead, shift
            assert shift.handover_note.startswith("Trong ca tiếp nhận ")
    assert built.handovers == sum(shift.ends_at <= now for shift in shifts)
    assert set(shifts[0].officers.values_list("username", flat=True)) <= {name for name, _full in DUTY_STAFF}
    assert clock.demo_day() is None  # the builder leaves the clock as it found it


def test_the_entries_lie_inside_their_shifts_logged_by_their_officers_about_every_kind_of_call(built):
    entries = DutyEntry.objects.select_related("shift")
    assert built.entries == entries.count() >= 60
    assert not entries.filter(at__lt=F("shift__starts_at")).exists() and not entries.filter(at__gt=clock.now())
    assert not entries.filter(at__gt=F("shift__ends_at")).exists()
    for entry in entries:
        assert entry.recorded_by_id in {entry.shift.lead_id, *entry.shift.officers.values_list("pk", flat=True)}
    assert set(entries.values_list("category", flat=True)) >= {"case", "transfer", "supplies", "order", "other"}
    tam = entries.get(case__person__full_name="Đỗ Văn Tâm")  # the world's recent case, linked
    assert "tại Khu phố 1, Phường Lái Thiêu" in tam.content and tam.caller == "Trạm Y tế Phường Lái Thiêu"


def test_three_briefings_with_their_minutes_two_closed_and_decisions_made_tasks_of_the_bodies(built):
    briefings = list(Briefing.objects.order_by("held_at"))
    assert [b.title for b in briefings] == ["Giao ban Ban Chỉ đạo tỉnh"] * 3
    assert [b.status for b in briefings] == ["closed", "closed", "held"]
    assert all(b.minutes and b.agenda and b.attendees.exists() and b.attending_bodies.exists() for b in briefings)
    assert (built.briefings, built.decisions, built.tasks) == (3, 9, 7)
    tasks = Task.objects.filter(decision__isnull=False).select_related("decision__briefing")
    assert tasks.count() == 7 and all(t.deadline >= t.decision.briefing.held_at.date() for t in tasks)
    assert all(t.title == t.decision.text and t.unit == unit("74") for t in tasks)


def test_without_the_provinces_bodies_the_decisions_stay_decisions(world):
    result = build_duty("demo", days=2, rng=random.Random(1))
    assert (result.briefings, result.decisions, result.tasks) == (1, 3, 0) and not Task.objects.exists()
