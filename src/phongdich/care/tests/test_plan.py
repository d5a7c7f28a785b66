"""An order's plan: the isolation rules in force on its start date, read for the person's condition then."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from phongdich.core import clock
from phongdich.surveillance.choices import CaseStatus
from phongdich.surveillance.models import Case
from phongdich.vaccination.models import Dose

from ..choices import Condition, OrderKind, ReleaseTest
from ..plan import months_before, plan_for
from .orders_world import F1_SITE_ROWS, isolation_rules


@pytest.fixture
def thu(world):
    return world.person("Lý Thị Thu", "25966")  # an F1, never vaccinated, never infected


@pytest.fixture
def hang(world):
    return world.person("Nguyễn Thị Hằng", "25966")  # two doses of Comirnaty in 8/2021


def a_past_case(person, days_ago: int, status=CaseStatus.RECOVERED) -> Case:
    confirmed = clock.now() - timedelta(days=days_ago)
    return Case.objects.create(
        person=person,
        episode=Case.objects.filter(person=person).count() + 1,
        unit=person.unit,
        confirmed_at=confirmed,
        confirmation_test="rt_pcr",
        detection_setting="community",
        status=status,
        infectious_from=confirmed - timedelta(days=2),
    )


def test_an_unvaccinated_f1_at_home_is_planned_from_the_rules_in_force_on_the_start_date(world, thu):
    rules = isolation_rules()
    start = clock.today() - timedelta(days=2)
    plan = plan_for(thu, OrderKind.F1_HOME, start)
    assert plan.rules == rules and plan.condition == Condition.NONE and plan.condition_params == {}
    assert plan.planned_end == start + timedelta(days=6)  # day 1 is the start: 7 days end on the 7th
    assert plan.monitor_until == start + timedelta(days=9)
    assert plan.test_days == [start + timedelta(days=6)]
    assert plan.release_test == ReleaseTest.ANTIGEN


def test_a_fully_vaccinated_f1_gets_the_shorter_row_and_the_plan_names_her_dose(world, hang):
    isolation_rules()
    start = clock.today()
    plan = plan_for(hang, OrderKind.F1_HOME, start)
    last_dose = Dose.objects.filter(person=hang, completes_series=True).latest("given_on")
    assert plan.condition == Condition.VACCINATED
    assert plan.condition_params == {"dose": last_dose.pk, "given_on": last_dose.given_on.isoformat()}
    assert plan.planned_end == start + timedelta(days=4) and plan.test_days == [start + timedelta(days=4)]


def test_a_vaccinated_f1_under_rules_that_make_no_difference_gets_the_row_for_everyone(world, hang):
    isolation_rules(durations={OrderKind.F1_SITE: F1_SITE_ROWS})
    start = clock.today()
    plan = plan_for(hang, OrderKind.F1_SITE, start)
    assert plan.condition == Condition.VACCINATED and plan.condition_params["row"] == "none"
    assert plan.planned_end == start + timedelta(days=13)
    assert plan.test_days == [start, start + timedelta(days=6), start + timedelta(days=13)]
    assert plan.release_test == ReleaseTest.RT_PCR


def test_a_dose_given_after_the_start_date_does_not_count(world, hang):
    isolation_rules(days_ago=2000)
    first = Dose.objects.filter(person=hang).earliest("given_on")
    assert plan_for(hang, OrderKind.F1_HOME, first.given_on).condition == Condition.NONE


def test_a_past_infection_within_the_rules_months_counts_as_recovered(world, thu):
    isolation_rules(recovered_months=3)
    recent = a_past_case(thu, days_ago=40)
    plan = plan_for(thu, OrderKind.F1_HOME, clock.today())
    assert plan.condition == Condition.RECOVERED
    assert plan.condition_params == {
        "case": recent.pk,
        "confirmed_on": timezone.localdate(recent.confirmed_at).isoformat(),
    }
    assert plan.planned_end == clock.today() + timedelta(days=4)


def test_a_past_infection_older_than_the_rules_months_does_not_count(world, thu):
    isolation_rules(recovered_months=3)
    a_past_case(thu, days_ago=130)
    assert plan_for(thu, OrderKind.F1_HOME, clock.today()).condition == Condition.NONE


def test_an_f0s_own_active_case_is_not_a_past_infection(world):
    isolation_rules()
    tam = world.person("Đỗ Văn Tâm", "25966")
    own = Case.objects.get(person=tam)
    assert plan_for(tam, OrderKind.F0_HOME, clock.today()).condition == Condition.NONE
    assert plan_for(tam, OrderKind.F1_HOME, clock.today(), case=own).condition == Condition.NONE


def test_the_version_in_force_on_the_start_date_is_used_not_todays(world, thu):
    older = isolation_rules(days_ago=100, source_document="Công văn 10696/BYT-MT (thử nghiệm)")
    isolation_rules(days_ago=10)
    plan = plan_for(thu, OrderKind.F1_HOME, clock.today() - timedelta(days=50))
    assert plan.rules == older


def test_a_kind_the_rules_do_not_order_is_refused_naming_their_document(world, thu):
    isolation_rules(durations={OrderKind.F1_SITE: F1_SITE_ROWS}, source_document="Công văn 1909/BYT-DP (thử nghiệm)")
    with pytest.raises(ValidationError) as refused:
        plan_for(thu, OrderKind.F1_HOME, clock.today())
    assert refused.value.message_dict["kind"] == [
        "Hình thức “F1 cách ly tại nhà” không được áp dụng theo Công văn 1909/BYT-DP (thử nghiệm), văn bản có hiệu "
        "lực vào ngày này."
    ]


def test_without_any_rules_recorded_an_order_is_refused_with_what_to_do(world, thu):
    from ..models import IsolationRules

    IsolationRules.objects.all().delete()
    with pytest.raises(ValidationError) as refused:
        plan_for(thu, OrderKind.F1_HOME, clock.today())
    assert refused.value.message_dict["kind"][0].startswith("Chưa có quy định cách ly nào")


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2021, 3, 31), 1, date(2021, 2, 28)),
        (date(2024, 3, 31), 1, date(2024, 2, 29)),
        (date(2022, 1, 15), 6, date(2021, 7, 15)),
        (date(2021, 12, 16), 12, date(2020, 12, 16)),
    ],
)
def test_months_before_counts_calendar_months(day, months, expected):
    assert months_before(day, months) == expected
