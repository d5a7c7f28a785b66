"""The figures job of the workers and the `phongdich figures` command: the same code as the pages read."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from phongdich.core.background import PERIODIC
from phongdich.core.testing import unit

from ..models import DailyFigures
from ..selectors import figures_on
from ..tasks import command_figures

pytestmark = pytest.mark.django_db


def test_the_figures_job_is_registered_with_the_workers():
    assert "phongdich.command.tasks.command_figures" in PERIODIC


def test_the_figures_job_counts_today_and_yesterday_and_runs_again_without_duplicating(week):
    DailyFigures.objects.all().delete()
    command_figures()
    command_figures()
    assert figures_on(unit("74"), week[-1])["cases_community"] == 2
    assert DailyFigures.objects.filter(unit=unit("74"), day=week[-1]).count() == 1


def test_the_rebuild_command_rederives_a_range_and_says_what_it_did(week):
    DailyFigures.objects.all().delete()
    out = StringIO()
    call_command("figures", "rebuild", "--since", week[0].isoformat(), "--until", week[-1].isoformat(), stdout=out)
    assert out.getvalue().startswith("5 day(s)")
    assert figures_on(unit("74"), week[0])["cases_imported"] == 1


def test_the_rebuild_command_refuses_a_range_backwards(week):
    with pytest.raises(CommandError):
        call_command("figures", "rebuild", "--since", week[-1].isoformat(), "--until", week[0].isoformat())


def test_the_targets_job_is_registered_with_the_workers():
    assert "phongdich.command.tasks.command_targets" in PERIODIC


def test_the_refresh_command_counts_the_figures_and_sweeps_the_alerts(week):
    out = StringIO()
    call_command("figures", "refresh", stdout=out)
    assert "Alerts:" in out.getvalue() and "day(s)" in out.getvalue()


def test_the_measure_command_measures_the_targets(week):
    out = StringIO()
    call_command("figures", "measure-targets", stdout=out)
    assert out.getvalue().startswith("0 target(s) measured.")
