"""Care records for tests, written straight to the tables (the services have their own tests): an order under a
rule version valid from long before the test world's today."""

from datetime import date, timedelta

from phongdich.core import clock
from phongdich.people.models import Person

from ..choices import OrderKind, ReleaseTest
from ..models import IsolationOrder, IsolationRules

HOME_TEN_DAYS = {"none": {"days": 10, "monitor_days": 7, "test_days": [10], "test": ReleaseTest.ANTIGEN}}
F1_SEVEN_DAYS = {
    "none": {"days": 7, "monitor_days": 7, "test_days": [1, 7], "test": ReleaseTest.RT_PCR},
    "vaccinated": {"days": 7, "monitor_days": 7, "test_days": [1, 7], "test": ReleaseTest.RT_PCR},
}


def rules_for_tests(effective_from: date | None = None) -> IsolationRules:
    """A rule version (F0 home: 10 days, F1 home: 7 days) in force from a year before today unless told."""
    on = effective_from or clock.today() - timedelta(days=365)
    rules, _created = IsolationRules.objects.get_or_create(
        effective_from=on,
        defaults={
            "source_document": "Quy định thử nghiệm",
            "document_date": on,
            "durations": {OrderKind.F0_HOME: HOME_TEN_DAYS, OrderKind.F1_HOME: F1_SEVEN_DAYS},
        },
    )
    return rules


def an_order(person: Person, kind: str = OrderKind.F0_HOME, starts_on: date | None = None, **fields) -> IsolationOrder:
    """An active order for `person` from `starts_on` (today by default), planned as the test rules plan it."""
    start = starts_on or clock.today()
    rules = fields.pop("rules", None) or rules_for_tests()
    plan = rules.durations.get(kind, HOME_TEN_DAYS)["none"]
    values = {
        "person": person,
        "unit_id": person.unit_id,
        "kind": kind,
        "starts_on": start,
        "planned_end": start + timedelta(days=plan["days"] - 1),
        "monitor_until": start + timedelta(days=plan["days"] + plan["monitor_days"] - 1),
        "test_days": [(start + timedelta(days=day - 1)).isoformat() for day in plan["test_days"]],
        "release_test": plan["test"],
        "rules": rules,
        "address": person.address,
        "household_id": person.household_id,
    }
    return IsolationOrder.objects.create(**(values | fields))
