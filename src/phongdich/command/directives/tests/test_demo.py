"""The demo's directives, built on the shared world (Bình Dương's units and personas)."""

from datetime import date

import pytest

from phongdich.core import clock
from phongdich.demo.command_directives import DIRECTIVES, TASKS, build_directives, seed_text

from ...models import Body, Directive, Task, TaskAttachment
from ..selectors import tasks_visible_to
from .world import user


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_the_five_seeds_become_directives_with_their_points_and_text_as_it_is(world, media):
    result = build_directives()
    assert result.directives == 5 and Directive.objects.count() == 5
    for seed in DIRECTIVES.values():
        directive = Directive.objects.get(number=seed.number)
        assert directive.text == seed_text(seed.file).strip()
        assert directive.issued_on == seed.issued_on and directive.points.exists()
    assert list(Directive.objects.get(number=DIRECTIVES["003"].number).points.values_list("number", flat=True))[:3] == [
        "1",
        "2",
        "2.1",
    ]


def test_on_a_late_clock_every_stage_is_there(world, media):
    result = build_directives()
    assert result.tasks == len(TASKS)
    assert min(result.done, result.in_progress, result.not_started, result.overdue, result.inspections) > 0
    assert Task.objects.filter(status="cancelled").count() == 1
    assert TaskAttachment.objects.filter(content_type="application/pdf").exists()
    assert TaskAttachment.objects.exclude(content_type="application/pdf").exists()
    for attachment in TaskAttachment.objects.all():
        assert attachment.file.read(4) in (b"%PDF", b"PK\x03\x04")


def test_on_the_demo_s_day_only_what_had_happened_is_recorded(world, media):
    clock.use(date(2021, 8, 31))
    result = build_directives()
    assert clock.today() == date(2021, 8, 31)  # the clock is back on the demo's day
    assert result.directives == 5
    assert result.overdue >= 2 and result.done > 0
    later = Task.objects.filter(directive__issued_on__gt=date(2021, 8, 31))
    assert later.exists() and not later.exclude(status="open").exists()
    assert not later.filter(progress__isnull=False).exists()


def test_the_district_officer_belongs_to_their_district_s_committee_and_sees_its_tasks(world, media):
    build_directives()
    committee = Body.objects.get(name="Ủy ban nhân dân thành phố Thuận An")
    assert list(committee.members.values_list("username", flat=True)) == ["district_officer"]
    led = Task.objects.filter(lead=committee)
    assert led.exists() and set(led) <= set(tasks_visible_to(user("district_officer")))
    reported = committee.led_tasks.filter(progress__reported_by=user("district_officer"))
    assert reported.exists()


def test_the_province_s_bodies_include_its_forces_front_and_every_district_s_committee(world, media):
    build_directives()
    kinds = set(Body.objects.values_list("kind", flat=True))
    assert {"committee", "department", "police", "military", "front", "peoples_committee", "hospital"} <= kinds
    assert Body.objects.filter(kind="peoples_committee").count() == world.unit("74").children.count()
