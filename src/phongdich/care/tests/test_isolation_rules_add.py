"""A new version of the isolation rules: province-level administrators only, citing its document, its durations
table checked cell by cell with an error naming the kind, the condition and what is wrong."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from phongdich.care.models import IsolationRules
from phongdich.care.services import isolation_rules_add
from phongdich.core import clock
from phongdich.core.models import AuditEvent
from phongdich.core.rules import in_force
from phongdich.core.testing import runs_queued

F0_HOME_5_DAYS = {"none": {"days": 5, "monitor_days": 5, "test_days": [5], "test": "antigen"}}


def add(actor, **changes):
    values = {
        "effective_from": date(2022, 10, 1),
        "source_document": "Quyết định 3993/QĐ-BYT (2022): F0 tại nhà cách ly 5 ngày",
        "document_date": date(2022, 9, 28),
        "durations": {"f0_home": F0_HOME_5_DAYS},
        "recovered_months": 3,
        "ends_kinds": [],
        "discharge": {},
    }
    return isolation_rules_add(actor=actor, **(values | changes))


def errors_of(actor, **changes) -> dict:
    """The errors, in English (the same messages, Vietnamese first, are in the catalogue)."""
    with translation.override("en"), pytest.raises(ValidationError) as raised:
        add(actor, **changes)
    return raised.value.message_dict


def test_the_province_administrator_adds_a_version_and_orders_from_its_date_follow_it(world):
    version = add(world.user("system_admin"))
    assert in_force(IsolationRules, date(2022, 10, 2)) == version
    assert in_force(IsolationRules, date(2022, 9, 30)).durations["f0_home"]["none"]["days"] == 7
    audit = AuditEvent.objects.get(object_type="care.isolationrules", object_id=str(version.pk), action="create")
    assert audit.unit_path == world.unit("25966").path.split("/")[0] + "/"


def test_a_commune_officer_a_commander_and_a_district_administrator_may_not_add_one(world):
    for persona in ("commune_officer", "province_commander", "district_admin", "outsider"):
        with pytest.raises(PermissionDenied):
            add(world.user(persona))
    assert not IsolationRules.objects.filter(effective_from=date(2022, 10, 1)).exists()


def test_the_document_its_date_and_a_free_effective_date_are_required(world):
    errors = errors_of(
        world.user("system_admin"), source_document=" ", document_date=None, effective_from=date(2022, 4, 15)
    )
    assert set(errors) == {"source_document", "document_date", "effective_from"}


def test_an_unknown_kind_or_condition_and_a_kind_without_the_plan_for_the_unprotected_are_named(world):
    errors = errors_of(
        world.user("system_admin"),
        durations={
            "f2_home": F0_HOME_5_DAYS,
            "f1_home": {"vaccinated": {"days": 5, "monitor_days": 5, "test_days": [5], "test": "any"}},
            "f0_home": {"none": F0_HOME_5_DAYS["none"], "boosted": F0_HOME_5_DAYS["none"]},
        },
    )["durations"]
    assert errors == [
        "“f2_home” is not a kind of order.",
        "F1 quarantined at home: give the plan for people neither fully vaccinated nor recently recovered.",
        "F0 treated at home: “boosted” is not a condition.",
    ]


@pytest.mark.parametrize(
    ("one_plan", "message"),
    [
        (
            {"days": 0, "monitor_days": 0, "test_days": [], "test": "none"},
            "the days of isolation are a whole number from 1 to 60.",
        ),
        (
            {"days": 61, "monitor_days": 0, "test_days": [], "test": "none"},
            "the days of isolation are a whole number from 1 to 60.",
        ),
        (
            {"days": "7", "monitor_days": 0, "test_days": [], "test": "none"},
            "the days of isolation are a whole number from 1 to 60.",
        ),
        (
            {"days": 7, "monitor_days": -1, "test_days": [], "test": "none"},
            "the days of self-monitoring are a whole number from 0 to 60.",
        ),
        ({"days": 7, "monitor_days": 3, "test_days": [7], "test": "pcr"}, "“pcr” is not a kind of test."),
        (
            {"days": 7, "monitor_days": 3, "test_days": [1, 9], "test": "antigen"},
            "test day 9 falls after the 7 days of isolation.",
        ),
        ({"days": 7, "monitor_days": 3, "test_days": [7, 7], "test": "antigen"}, "test day 7 is given twice."),
        (
            {"days": 7, "monitor_days": 3, "test_days": [0], "test": "antigen"},
            "test days are day numbers, day 1 being the start.",
        ),
        (
            {"days": 7, "monitor_days": 3, "test_days": [], "test": "antigen"},
            "give the day of the test needed for release.",
        ),
        ({"days": 7, "monitor_days": 3, "test_days": [7], "test": "none"}, "test days are given but no test is named."),
    ],
)
def test_each_fault_of_a_plan_is_named_with_its_kind_and_condition(world, one_plan, message):
    errors = errors_of(world.user("system_admin"), durations={"f1_home": {"none": {**one_plan}}})
    assert errors["durations"] == [f"F1 quarantined at home, neither: {message}"]
    assert not IsolationRules.objects.filter(effective_from=date(2022, 10, 1)).exists()


def test_a_version_cannot_end_a_kind_it_plans_nor_an_unknown_kind(world):
    errors = errors_of(world.user("system_admin"), ends_kinds=["f0_home", "f3_home"])["ends_kinds"]
    assert errors == [
        "F0 treated at home: a version cannot both end this kind of order and plan new ones.",
        "“f3_home” is not a kind of order.",
    ]


def test_the_discharge_rule_takes_known_parts_within_their_range(world):
    errors = errors_of(world.user("system_admin"), discharge={"day": 0, "ct": 30, "negative_tests": 1})
    assert errors["discharge"] == [
        "Discharge from day: a whole number from 1 to 60.",
        "“ct” is not part of the discharge rule.",
    ]


def test_recovered_within_is_between_one_and_twenty_four_months(world):
    assert set(errors_of(world.user("system_admin"), recovered_months=0)) == {"recovered_months"}


def test_test_days_are_stored_in_order(world):
    durations = {"f0_home": {"none": {"days": 7, "monitor_days": 3, "test_days": [7, 3], "test": "antigen"}}}
    assert add(world.user("system_admin"), durations=durations).durations["f0_home"]["none"]["test_days"] == [3, 7]


def test_a_version_ending_a_kind_from_today_queues_its_release_with_it(world):
    today = clock.today()
    with runs_queued() as runs:
        version = add(
            world.user("system_admin"),
            effective_from=today,
            document_date=today - timedelta(days=2),
            ends_kinds=["f1_home"],
        )
    assert runs == [("phongdich.care.services.rules.isolation_rules_apply_later", [version.pk])]


def test_a_version_ending_a_kind_later_queues_nothing_until_the_daily_check_finds_it_due(world):
    today = clock.today()
    with runs_queued() as runs:
        add(
            world.user("system_admin"),
            effective_from=today + timedelta(days=3),
            document_date=today,
            ends_kinds=["f1_home"],
        )
        add(
            world.user("system_admin"),
            effective_from=today - timedelta(days=3),
            document_date=today - timedelta(days=5),
        )
    assert runs == []
